//! Processors: how the records of a batch are run.
//!
//! [`BatchProcessor`] is the front: a source, options (FIFO rules, raising on an entire batch
//! failure), an optional custom [`Processor`], hooks and state. [`BatchProcessor::run`] is what a
//! `lambda_handler` does; [`BatchProcessor::process`] returns every record's outcome first.

mod custom;
mod deadline;
mod fifo;
mod rules;
mod run;
mod schedule;
mod timeout;

use std::any::Any;
use std::marker::PhantomData;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use lambda_runtime::{Context, LambdaEvent};

pub use custom::{DefaultProcessor, Processor};
pub use deadline::{DEADLINE_APPROACHING, DeadlineExt};
pub use fifo::FifoPolicy;

use crate::error::BatchError;
use crate::event::{BatchEvent, EventRecords};
use crate::handler::RecordHandler;
use crate::hooks::{NoHooks, RecordHooks};
use crate::outcome::BatchReport;
use crate::source::{BatchSource, Sqs, StreamSource};
use run::Invocation;

/// Options that shape how a batch is processed.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) fifo: FifoPolicy,
    pub(crate) raise_on_entire_batch_failure: bool,
    pub(crate) concurrency: NonZeroUsize,
    pub(crate) stop_on_first_failure: bool,
    pub(crate) deadline_margin: Option<Duration>,
    pub(crate) record_timeout: Option<Duration>,
    /// Keep each SQS record's [`SqsReceipt`](crate::source::SqsReceipt) in its outcome, for a
    /// step after the batch that acts on the messages.
    pub(crate) keep_sqs_receipts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            fifo: FifoPolicy::None,
            raise_on_entire_batch_failure: true,
            concurrency: NonZeroUsize::MIN,
            stop_on_first_failure: false,
            deadline_margin: None,
            record_timeout: None,
            keep_sqs_receipts: false,
        }
    }
}

impl Options {
    /// How many records may be in flight. "Stop at the first failure" (FIFO without
    /// `skip_group_on_error`) has no meaning
    /// across records in flight, so a FIFO batch without skip-group runs one at a time.
    pub(crate) fn effective_concurrency(&self) -> usize {
        match self.fifo {
            FifoPolicy::StopOnFirstFailure => 1,
            _ => self.concurrency.get(),
        }
    }
}

/// Shared state handed to the [`State<&T>`](crate::State) extractor.
#[derive(Clone)]
enum SharedState {
    Static(&'static (dyn Any + Send + Sync)),
    Owned(Arc<dyn Any + Send + Sync>),
}

impl SharedState {
    fn get(&self) -> &(dyn Any + Send + Sync) {
        match self {
            SharedState::Static(state) => *state,
            SharedState::Owned(state) => state.as_ref(),
        }
    }
}

/// Processes a batch event of source `S` with partial-failure reporting.
///
/// It holds no per-invocation state: one value serves warm invocations in a row and concurrent
/// invocations alike. `P` is the [`Processor`] (lifecycle), `K` the [`RecordHooks`].
///
/// ```
/// use batch_core::{BatchError, BatchProcessor, RecordCx, handler_fn};
/// use batch_core::source::Sqs;
/// use batch_core::testing::event_from_str;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handler = handler_fn(|r: &RecordCx<'_, Sqs>| if r.id() == Some("2") { Err("boom") } else { Ok(()) });
/// let event = r#"{"Records": [{"messageId": "1"}, {"messageId": "2"}, {"messageId": "3"}]}"#;
///
/// let processor = BatchProcessor::<Sqs>::new();
/// let response = processor.run(event_from_str(event), &handler).await.unwrap();
/// assert_eq!(serde_json::to_string(&response).unwrap(),
///            r#"{"batchItemFailures":[{"itemIdentifier":"2"}]}"#);
///
/// // FIFO: the failure stops the batch; record 3 is reported without running.
/// let fifo = BatchProcessor::<Sqs>::fifo();
/// let response = fifo.run(event_from_str(event), &handler).await.unwrap();
/// let ids: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
/// assert_eq!(ids, ["2", "3"]);
/// # });
/// ```
pub struct BatchProcessor<S, P = DefaultProcessor, K = NoHooks> {
    options: Options,
    processor: P,
    hooks: K,
    state: Option<SharedState>,
    #[cfg(feature = "sqs-api")]
    delete_successes: Option<crate::sqs_api::DeleteSuccesses>,
    #[cfg(feature = "sqs-api")]
    retry_backoff: Option<crate::sqs_api::Backoff>,
    source: PhantomData<fn() -> S>,
}

impl<S: BatchSource> BatchProcessor<S> {
    /// A processor with the default options: every record runs, and an entire batch failure
    /// fails the invocation.
    pub fn new() -> Self {
        Self {
            options: Options::default(),
            processor: DefaultProcessor,
            hooks: NoHooks,
            state: None,
            #[cfg(feature = "sqs-api")]
            delete_successes: None,
            #[cfg(feature = "sqs-api")]
            retry_backoff: None,
            source: PhantomData,
        }
    }
}

impl<S: BatchSource> Default for BatchProcessor<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl BatchProcessor<Sqs> {
    /// A processor for an SQS FIFO queue: at the first failure it stops, and every later record
    /// is reported as failed without running. See
    /// [`skip_group_on_error`](Self::skip_group_on_error).
    pub fn fifo() -> Self {
        Self::new().fifo_policy(FifoPolicy::StopOnFirstFailure)
    }
}

impl<P, K> BatchProcessor<Sqs, P, K> {
    /// FIFO: with `true`, a failure fails only the rest of its message group
    /// (`attributes.MessageGroupId`), and other groups go on; records without a group are
    /// never skipped. With `false`, the first failure stops the batch.
    ///
    /// ```
    /// use batch_core::{BatchProcessor, RecordCx, handler_fn};
    /// use batch_core::source::Sqs;
    /// use batch_core::testing::event_from_str;
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let handler = handler_fn(|r: &RecordCx<'_, Sqs>| if r.id() == Some("1") { Err("boom") } else { Ok(()) });
    /// let event = event_from_str(r#"{"Records": [
    ///     {"messageId": "1", "attributes": {"MessageGroupId": "a"}},
    ///     {"messageId": "2", "attributes": {"MessageGroupId": "a"}},
    ///     {"messageId": "3", "attributes": {"MessageGroupId": "b"}}
    /// ]}"#);
    /// let processor = BatchProcessor::<Sqs>::fifo().skip_group_on_error(true);
    /// let response = processor.run(event, &handler).await.unwrap();
    /// let ids: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
    /// assert_eq!(ids, ["1", "2"]);
    /// # });
    /// ```
    pub fn skip_group_on_error(self, skip: bool) -> Self {
        self.fifo_policy(if skip {
            FifoPolicy::SkipGroupOnError
        } else {
            FifoPolicy::StopOnFirstFailure
        })
    }

    /// Feature `sqs-api`: the mode for event source mappings without `ReportBatchItemFailures`
    /// (R17). When some records failed, the successful messages are deleted with `client`
    /// and the invocation fails with [`BatchError::SomeFailed`] naming the failed ones, so that
    /// Lambda returns only those to the queue; see [`sqs_api`](crate::sqs_api). An entire batch
    /// failure always fails the invocation here (a normal return would delete every message),
    /// unless [`suppress_exception`](Self::suppress_exception) is on.
    ///
    /// ```
    /// use batch_core::{BatchError, BatchProcessor, RecordCx, handler_fn};
    /// use batch_core::source::Sqs;
    /// use batch_core::testing::event_from_str;
    /// # fn client_nowhere() -> batch_core::sqs_api::aws_sdk_sqs::Client {
    /// #     use batch_core::sqs_api::aws_sdk_sqs::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
    /// #     let config = batch_core::sqs_api::aws_sdk_sqs::Config::builder()
    /// #         .behavior_version(BehaviorVersion::latest())
    /// #         .region(Region::new("us-east-1"))
    /// #         .credentials_provider(Credentials::new("id", "secret", None, None, "doc"))
    /// #         .endpoint_url("http://127.0.0.1:9") // nothing listens there
    /// #         .retry_config(RetryConfig::disabled())
    /// #         .build();
    /// #     batch_core::sqs_api::aws_sdk_sqs::Client::from_conf(config)
    /// # }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // Built once per process in a real function; here its endpoint is down.
    /// let processor = BatchProcessor::<Sqs>::new().delete_successes(client_nowhere());
    /// let handler = handler_fn(|r: &RecordCx<'_, Sqs>| if r.id() == Some("2") { Err("declined") } else { Ok(()) });
    /// let arn = "arn:aws:sqs:us-east-1:123456789012:orders";
    /// let event = |ids: &[&str]| {
    ///     let records: Vec<String> = ids.iter().map(|id| format!(
    ///         r#"{{"messageId": "{id}", "receiptHandle": "rh-{id}", "eventSourceARN": "{arn}"}}"#
    ///     )).collect();
    ///     event_from_str(&format!(r#"{{"Records": [{}]}}"#, records.join(",")))
    /// };
    ///
    /// // Every record succeeded: no SQS call, a normal return (Lambda deletes the batch).
    /// let response = processor.run(event(&["1", "3"]), &handler).await.unwrap();
    /// assert!(response.batch_item_failures.is_empty());
    ///
    /// // Record 2 failed: 1 and 3 are deleted first (here SQS cannot be reached, so they are
    /// // named as not deleted and come back too), then the invocation fails.
    /// let error = processor.run(event(&["1", "2", "3"]), &handler).await.unwrap_err();
    /// let BatchError::SomeFailed { failures, not_deleted } = &error else { panic!("{error}") };
    /// assert_eq!(failures[0].id.as_deref(), Some("2"));
    /// assert_eq!(not_deleted.len(), 2);
    /// assert_eq!(error.error_type(), "SQSBatchProcessingError");
    /// # });
    /// ```
    #[cfg(feature = "sqs-api")]
    pub fn delete_successes(mut self, client: aws_sdk_sqs::Client) -> Self {
        self.options.keep_sqs_receipts = true;
        self.options.raise_on_entire_batch_failure = true;
        self.delete_successes = Some(crate::sqs_api::DeleteSuccesses {
            client,
            suppress_exception: false,
        });
        self
    }

    /// Feature `sqs-api`, with [`delete_successes`](Self::delete_successes): return normally,
    /// with the failure list as the response, instead of failing the invocation, also when every
    /// record failed. **Lambda then deletes the failed messages too**: they are lost unless the
    /// handler kept them. Each failed message's id is logged at `error`. Without
    /// `delete_successes` this does nothing.
    ///
    /// ```
    /// use batch_core::{BatchProcessor, RecordCx, handler_fn};
    /// use batch_core::source::Sqs;
    /// use batch_core::testing::event_from_str;
    /// # fn client_nowhere() -> batch_core::sqs_api::aws_sdk_sqs::Client {
    /// #     use batch_core::sqs_api::aws_sdk_sqs::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
    /// #     let config = batch_core::sqs_api::aws_sdk_sqs::Config::builder()
    /// #         .behavior_version(BehaviorVersion::latest())
    /// #         .region(Region::new("us-east-1"))
    /// #         .credentials_provider(Credentials::new("id", "secret", None, None, "doc"))
    /// #         .endpoint_url("http://127.0.0.1:9") // nothing listens there
    /// #         .retry_config(RetryConfig::disabled())
    /// #         .build();
    /// #     batch_core::sqs_api::aws_sdk_sqs::Client::from_conf(config)
    /// # }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let processor = BatchProcessor::<Sqs>::new()
    ///     .delete_successes(client_nowhere())
    ///     .suppress_exception(true);
    /// let handler = handler_fn(|_: &RecordCx<'_, Sqs>| Err::<(), _>("declined"));
    /// // Every record failed: nothing to delete, and a normal return with the failure list,
    /// // after which Lambda deletes both messages.
    /// let event = event_from_str(r#"{"Records": [
    ///     {"messageId": "1", "receiptHandle": "rh-1", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders"},
    ///     {"messageId": "2", "receiptHandle": "rh-2", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders"}
    /// ]}"#);
    /// let response = processor.run(event, &handler).await.unwrap();
    /// assert_eq!(response.batch_item_failures.len(), 2);
    /// # });
    /// ```
    #[cfg(feature = "sqs-api")]
    pub fn suppress_exception(mut self, suppress: bool) -> Self {
        if let Some(mode) = &mut self.delete_successes {
            mode.suppress_exception = suppress;
        }
        self
    }

    /// Feature `sqs-api`: retry backoff (R18). Before the response is returned, each record that
    /// ran and failed gets its visibility timeout set with `ChangeMessageVisibilityBatch`
    /// through `client`, from `policy` and its `ApproximateReceiveCount`, so that it comes back
    /// after 30 s, 60 s, 120 s ... instead of after the queue's fixed timeout. Records not
    /// started (a FIFO batch stopped, a group skipped, the deadline near) keep the queue's
    /// timeout. It works with `ReportBatchItemFailures` and with
    /// [`delete_successes`](Self::delete_successes); their SQS calls share one time budget
    /// before the invocation's deadline. A change that fails is logged at `warn` and changes
    /// nothing else: the message comes back at the queue's timeout. IAM: the function's role
    /// needs `sqs:ChangeMessageVisibility`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use batch_core::{BatchProcessor, RecordCx, handler_fn};
    /// use batch_core::source::Sqs;
    /// use batch_core::sqs_api::RetryBackoff;
    /// use batch_core::testing::event_from_str;
    /// # fn client_nowhere() -> batch_core::sqs_api::aws_sdk_sqs::Client {
    /// #     use batch_core::sqs_api::aws_sdk_sqs::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
    /// #     let config = batch_core::sqs_api::aws_sdk_sqs::Config::builder()
    /// #         .behavior_version(BehaviorVersion::latest())
    /// #         .region(Region::new("us-east-1"))
    /// #         .credentials_provider(Credentials::new("id", "secret", None, None, "doc"))
    /// #         .endpoint_url("http://127.0.0.1:9") // nothing listens there
    /// #         .retry_config(RetryConfig::disabled())
    /// #         .build();
    /// #     batch_core::sqs_api::aws_sdk_sqs::Client::from_conf(config)
    /// # }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // Message 2 comes back after 30 s on its first delivery, 60 s on its second ... at
    /// // most an hour later.
    /// let policy = RetryBackoff::exponential(Duration::from_secs(30), Duration::from_secs(3600));
    /// let processor = BatchProcessor::<Sqs>::new().retry_backoff(client_nowhere(), policy);
    /// let handler = handler_fn(|r: &RecordCx<'_, Sqs>| if r.id() == Some("2") { Err("declined") } else { Ok(()) });
    /// let event = event_from_str(r#"{"Records": [
    ///     {"messageId": "1", "receiptHandle": "rh-1", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders"},
    ///     {"messageId": "2", "receiptHandle": "rh-2", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders",
    ///      "attributes": {"ApproximateReceiveCount": "1"}}
    /// ]}"#);
    /// // Here SQS cannot be reached: the change is logged and the response is as without backoff.
    /// let response = processor.run(event, &handler).await.unwrap();
    /// assert_eq!(response.batch_item_failures[0].item_identifier, "2");
    /// # });
    /// ```
    #[cfg(feature = "sqs-api")]
    pub fn retry_backoff(
        mut self,
        client: aws_sdk_sqs::Client,
        policy: crate::sqs_api::RetryBackoff,
    ) -> Self {
        self.options.keep_sqs_receipts = true;
        self.retry_backoff = Some(crate::sqs_api::Backoff { client, policy });
        self
    }

    /// Keeps each record's receipt without a step that uses it: for tests of that step.
    #[cfg(all(test, feature = "sqs-api"))]
    pub(crate) fn keeping_sqs_receipts(mut self) -> Self {
        self.options.keep_sqs_receipts = true;
        self
    }

    /// Sets the FIFO policy directly; [`FifoPolicy::None`] makes it a standard queue.
    pub fn fifo_policy(mut self, policy: FifoPolicy) -> Self {
        self.options.fifo = policy;
        self
    }
}

impl<S: BatchSource, P, K> BatchProcessor<S, P, K> {
    /// When every record failed: with `true` (the default) the invocation fails with
    /// [`BatchError::AllFailed`] and Lambda retries the whole batch; with `false` the
    /// response lists every record.
    ///
    /// ```
    /// use batch_core::{BatchError, BatchProcessor, RecordCx, handler_fn};
    /// use batch_core::source::Sqs;
    /// use batch_core::testing::event_from_str;
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let handler = handler_fn(|_: &RecordCx<'_, Sqs>| Err::<(), _>("down"));
    /// let event = r#"{"Records": [{"messageId": "1"}, {"messageId": "2"}]}"#;
    ///
    /// let error = BatchProcessor::<Sqs>::new().run(event_from_str(event), &handler).await.unwrap_err();
    /// assert!(matches!(error, BatchError::AllFailed { .. }));
    /// assert!(error.to_string().starts_with("All records failed processing."));
    ///
    /// let lenient = BatchProcessor::<Sqs>::new().raise_on_entire_batch_failure(false);
    /// let response = lenient.run(event_from_str(event), &handler).await.unwrap();
    /// assert_eq!(response.batch_item_failures.len(), 2);
    /// # });
    /// ```
    pub fn raise_on_entire_batch_failure(mut self, raise: bool) -> Self {
        self.options.raise_on_entire_batch_failure = raise;
        self
    }

    /// Runs up to `n` records at once, on the invoking task: no `tokio::spawn`, no
    /// `'static` bound on the handler. Records that share an ordering key (FIFO message group,
    /// Kinesis partition key, DynamoDB item keys) still run one after another in input order,
    /// and the response lists failures in input order. `0` counts as `1`. An SQS FIFO batch
    /// without [`skip_group_on_error`](Self::skip_group_on_error) runs one record at a time.
    ///
    /// Only async work interleaves: the records share one task, so blocking or CPU-bound work
    /// runs one record at a time (8 records that each `std::thread::sleep` for 2 s take 16 s at
    /// `concurrency(8)`). Run such work with `tokio::task::spawn_blocking(...).await`.
    ///
    /// ```
    /// use batch_core::{BatchProcessor, Json, RecordCx, RecordError, RecordHandler};
    /// use batch_core::source::Kinesis;
    /// use batch_core::testing::{event_from_records, kinesis_record};
    ///
    /// struct Slow;
    /// impl RecordHandler<Kinesis> for Slow {
    ///     type Output = ();
    ///     async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<(), RecordError> {
    ///         tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    ///         let Json(ok) = record.extract::<Json<bool>>()?;
    ///         if ok { Ok(()) } else { Err(RecordError::handler("not ok")) }
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap().block_on(async {
    /// // 20 records of 20 ms over 5 partition keys: each key's 4 records run one after another,
    /// // the keys side by side.
    /// let records = (0..20).map(|i| {
    ///     kinesis_record(&i.to_string(), &format!("key-{}", i % 5), if i == 7 { b"false" } else { b"true" })
    /// });
    /// let started = tokio::time::Instant::now();
    /// let response = BatchProcessor::<Kinesis>::new()
    ///     .concurrency(10)
    ///     .run(event_from_records(records), &Slow)
    ///     .await
    ///     .unwrap();
    /// assert_eq!(started.elapsed(), std::time::Duration::from_millis(4 * 20));
    /// assert_eq!(response.batch_item_failures[0].item_identifier.as_deref(), Some("7"));
    /// # });
    /// ```
    pub fn concurrency(mut self, n: usize) -> Self {
        self.options.concurrency = NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        self
    }

    /// Does not start a record when less than `margin` remains before the invocation's
    /// deadline: the record is reported as failed (`not started: deadline approaching`),
    /// so the function returns a partial response instead of timing out and having the whole
    /// batch retried. A deadline before 2001 (an emulator's duration) or already passed when
    /// the invocation starts counts as none.
    pub fn deadline_margin(mut self, margin: Duration) -> Self {
        self.options.deadline_margin = Some(margin);
        self
    }

    /// Cancels a record whose handler is still running after `limit`: its future is dropped
    /// and the record fails with `timed out after N ms` ([`RecordErrorKind::TimedOut`](crate::RecordErrorKind::TimedOut)), so one
    /// stuck record no longer holds the whole batch until Lambda's timeout, after which every
    /// record would be delivered again. Records running beside it go on. Off by default.
    ///
    /// Cancelling happens at the handler's next `.await`: a handler that blocks its thread
    /// without awaiting cannot be stopped. The limit is kept with tokio's timer (the Lambda
    /// runtime's); outside a tokio runtime, or in one built without timers, it cannot be, which
    /// is logged once, and records run to their end. `Duration::ZERO` means no limit, as
    /// `record_timeout_ms = 0` is refused by the macro.
    ///
    /// ```
    /// use std::time::Duration;
    /// use batch_core::{BatchProcessor, RecordCx, RecordError, RecordErrorKind, RecordHandler};
    /// use batch_core::source::Sqs;
    /// use batch_core::testing::event_from_str;
    ///
    /// /// Record "stuck" waits for an answer that never comes.
    /// struct CallsAService;
    ///
    /// impl RecordHandler<Sqs> for CallsAService {
    ///     type Output = ();
    ///     async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
    ///         if record.id() == Some("stuck") {
    ///             std::future::pending::<()>().await;
    ///         }
    ///         Ok(())
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(async {
    /// let event = event_from_str(r#"{"Records": [{"messageId": "ok"}, {"messageId": "stuck"}]}"#);
    /// let report = BatchProcessor::<Sqs>::new()
    ///     .record_timeout(Duration::from_millis(250))
    ///     .process(&event.payload, &event.context, &CallsAService)
    ///     .await
    ///     .unwrap();
    /// let stuck = report.outcomes()[1].error().unwrap();
    /// assert_eq!(stuck.kind(), RecordErrorKind::TimedOut);
    /// assert_eq!(stuck.message(), "timed out after 250 ms");
    /// assert!(report.outcomes()[0].error().is_none());
    /// # });
    /// ```
    pub fn record_timeout(mut self, limit: Duration) -> Self {
        self.options.record_timeout = (!limit.is_zero()).then_some(limit);
        self
    }

    /// Uses a custom [`Processor`] instead of the built-in one.
    pub fn with_processor<P2>(self, processor: P2) -> BatchProcessor<S, P2, K> {
        BatchProcessor {
            options: self.options,
            processor,
            hooks: self.hooks,
            state: self.state,
            #[cfg(feature = "sqs-api")]
            delete_successes: self.delete_successes,
            #[cfg(feature = "sqs-api")]
            retry_backoff: self.retry_backoff,
            source: PhantomData,
        }
    }

    /// Calls these [`RecordHooks`] on every success and failure.
    pub fn with_hooks<K2>(self, hooks: K2) -> BatchProcessor<S, P, K2> {
        BatchProcessor {
            options: self.options,
            processor: self.processor,
            hooks,
            state: self.state,
            #[cfg(feature = "sqs-api")]
            delete_successes: self.delete_successes,
            #[cfg(feature = "sqs-api")]
            retry_backoff: self.retry_backoff,
            source: PhantomData,
        }
    }

    /// Shares this value with every record through the [`State<&T>`](crate::State) extractor.
    pub fn with_state(mut self, state: Arc<dyn Any + Send + Sync>) -> Self {
        self.state = Some(SharedState::Owned(state));
        self
    }

    /// Shares a value that lives for the whole process (what `#[batch_handler(state = ...)]`
    /// builds) with every record.
    pub fn with_static_state(mut self, state: &'static (dyn Any + Send + Sync)) -> Self {
        self.state = Some(SharedState::Static(state));
        self
    }

    /// Processes the event and returns every record's outcome, before any response is built.
    /// Fails, acknowledging nothing, when the event is malformed or of another source, or when
    /// the processor's `prepare` or `cleanup` fails.
    pub async fn process<H>(
        &self,
        event: &BatchEvent,
        context: &Context,
        handler: &H,
    ) -> Result<BatchReport<S, H::Output>, BatchError>
    where
        H: RecordHandler<S>,
        P: Processor<S, H::Output>,
        K: RecordHooks<S, H::Output>,
    {
        self.process_records(event, context, handler).await
    }

    /// [`process`](Self::process) on any event the processor reads.
    async fn process_records<E, H>(
        &self,
        event: &E,
        context: &Context,
        handler: &H,
    ) -> Result<BatchReport<S, H::Output>, BatchError>
    where
        E: EventRecords<S>,
        H: RecordHandler<S>,
        P: Processor<S, H::Output>,
        K: RecordHooks<S, H::Output>,
    {
        let invocation = Invocation {
            options: &self.options,
            processor: &self.processor,
            hooks: &self.hooks,
            handler,
            state: self.state.as_ref().map(SharedState::get),
            context,
        };
        invocation.process::<S, E>(event).await
    }

    /// Processes the event and builds the Lambda response: what a `lambda_handler` does.
    ///
    /// Lists every failed record in input order; fails with [`BatchError::AllFailed`] when every
    /// record failed (unless `raise_on_entire_batch_failure` is off), and with another
    /// [`BatchError`] when a failed record has no identifier or the event is malformed.
    pub async fn run<H>(
        &self,
        event: LambdaEvent<BatchEvent>,
        handler: &H,
    ) -> Result<S::Response, BatchError>
    where
        H: RecordHandler<S>,
        P: Processor<S, H::Output>,
        K: RecordHooks<S, H::Output>,
    {
        self.run_event(event, handler).await
    }

    /// [`run`](Self::run) on any event type a `lambda_handler` takes: what `#[batch_handler]`
    /// calls, on the event type it chose for the handler.
    #[doc(hidden)]
    pub async fn run_event<E, H>(
        &self,
        event: LambdaEvent<E>,
        handler: &H,
    ) -> Result<S::Response, BatchError>
    where
        E: EventRecords<S>,
        H: RecordHandler<S>,
        P: Processor<S, H::Output>,
        K: RecordHooks<S, H::Output>,
    {
        let report = self
            .process_records(&event.payload, &event.context, handler)
            .await?;
        #[cfg(feature = "sqs-api")]
        {
            let until = crate::sqs_api::calls_deadline(&event.context);
            if let Some(backoff) = &self.retry_backoff {
                backoff.apply(&report, until).await;
            }
            if let Some(mode) = &self.delete_successes {
                return mode
                    .settle(report, until, |report| self.processor.response(report))
                    .await;
            }
        }
        self.processor.response(report)
    }
}

impl<S: StreamSource, P, K> BatchProcessor<S, P, K> {
    /// Streams: after the first failure (in input order) start no more records, and report
    /// every record from the lowest failed position on, whether it ran or not. Lambda
    /// checkpoints at the lowest reported sequence number and redelivers everything after it,
    /// so running later records would only duplicate their side effects. With
    /// [`concurrency`](Self::concurrency) the response is the same as sequential processing.
    ///
    /// Kafka: the same per partition: after a failure no later record of that
    /// topic-partition starts and all of them are reported; other partitions go on.
    ///
    /// ```
    /// use batch_core::{BatchProcessor, RecordCx, handler_fn};
    /// use batch_core::source::Kinesis;
    /// use batch_core::testing::{event_from_records, kinesis_record};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let handler = handler_fn(|r: &RecordCx<'_, Kinesis>| if r.position() == 1 { Err("boom") } else { Ok(()) });
    /// let event = event_from_records((1..=4).map(|i| kinesis_record(&i.to_string(), "k", b"{}")));
    /// let response = BatchProcessor::<Kinesis>::new()
    ///     .stop_on_first_failure(true)
    ///     .run(event, &handler)
    ///     .await
    ///     .unwrap();
    /// let ids: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone().unwrap()).collect();
    /// assert_eq!(ids, ["2", "3", "4"]);
    /// # });
    /// ```
    pub fn stop_on_first_failure(mut self, stop: bool) -> Self {
        self.options.stop_on_first_failure = stop;
        self
    }
}

impl<S, P: Clone, K: Clone> Clone for BatchProcessor<S, P, K> {
    fn clone(&self) -> Self {
        Self {
            options: self.options.clone(),
            processor: self.processor.clone(),
            hooks: self.hooks.clone(),
            state: self.state.clone(),
            #[cfg(feature = "sqs-api")]
            delete_successes: self.delete_successes.clone(),
            #[cfg(feature = "sqs-api")]
            retry_backoff: self.retry_backoff.clone(),
            source: PhantomData,
        }
    }
}

impl<S: BatchSource, P, K> std::fmt::Debug for BatchProcessor<S, P, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchProcessor")
            .field("source", &S::NAME)
            .field("fifo", &self.options.fifo)
            .field(
                "raise_on_entire_batch_failure",
                &self.options.raise_on_entire_batch_failure,
            )
            .field("concurrency", &self.options.concurrency)
            .field("stop_on_first_failure", &self.options.stop_on_first_failure)
            .field("deadline_margin", &self.options.deadline_margin)
            .field("record_timeout", &self.options.record_timeout)
            .finish_non_exhaustive()
    }
}
