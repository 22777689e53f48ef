//! Errors: [`RecordError`] fails one record, [`BatchError`] fails the whole invocation.

use std::error::Error as StdError;
use std::fmt;

use lambda_runtime::Diagnostic;

mod failure_list;

pub use failure_list::{MAX_FAILURE_LINE_BYTES, MAX_NAMED_FAILURES, TRUNCATION_MARKER};

/// A boxed error, the error type handlers and hooks return.
///
/// Any `std::error::Error + Send + Sync`, `String`, `&str` and `anyhow::Error` convert into it
/// with `?` or `.into()`.
///
/// ```
/// use batch_core::BoxError;
///
/// let from_str: BoxError = "no such customer".into();
/// let from_io: BoxError = std::io::Error::other("disk full").into();
/// assert_eq!(from_str.to_string(), "no such customer");
/// assert_eq!(from_io.to_string(), "disk full");
/// ```
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Why one record failed.
///
/// ```
/// use batch_core::{RecordError, RecordErrorKind};
///
/// let error = RecordError::handler("payment declined");
/// assert_eq!(error.kind(), RecordErrorKind::Handler);
/// assert_eq!(error.to_string(), "payment declined");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RecordErrorKind {
    /// The handler returned `Err`.
    Handler,
    /// The handler (or an extractor) panicked.
    Panic,
    /// An extractor could not build its value, e.g. a body that is not valid JSON for `T`.
    Extract,
    /// The record does not fit its source's schema (a field of the wrong JSON type).
    Malformed,
    /// The record was not started, or is reported although it ran, because an earlier record
    /// failed and an ordering rule says so; the [`SkipReason`] tells which rule.
    Skipped(SkipReason),
    /// The record was not started because too little time was left before the deadline.
    NotStarted,
    /// The handler was still running when the processor's
    /// [`record_timeout`](crate::BatchProcessor::record_timeout) passed, and was cancelled.
    TimedOut,
    /// A custom processor failed the record.
    Processor,
}

/// Why a record was reported as failed because of an earlier failure
/// ([`RecordErrorKind::Skipped`]). Its [`message`](SkipReason::message) is the record's message,
/// worded as Powertools for AWS Lambda words it where Powertools has the rule.
///
/// ```
/// use batch_core::{BatchProcessor, RecordCx, RecordErrorKind, SkipReason, handler_fn};
/// use batch_core::source::Sqs;
/// use batch_core::testing::event_from_str;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handler = handler_fn(|r: &RecordCx<'_, Sqs>| if r.id() == Some("1") { Err("boom") } else { Ok(()) });
/// let event = event_from_str(r#"{"Records": [{"messageId": "1"}, {"messageId": "2"}]}"#);
/// let fifo = BatchProcessor::<Sqs>::fifo();
/// let report = fifo.process(&event.payload, &event.context, &handler).await.unwrap();
/// let (_, error) = report.failures().nth(1).unwrap();
/// assert_eq!(error.kind(), RecordErrorKind::Skipped(SkipReason::PreviousRecordFailed));
/// assert_eq!(error.to_string(), "A previous record failed processing");
/// assert_eq!(error.to_string(), SkipReason::PreviousRecordFailed.message());
/// # });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// SQS FIFO: an earlier record of the batch failed, so the batch stopped there.
    PreviousRecordFailed,
    /// SQS FIFO with `skip_group_on_error`: an earlier record of the same message group failed.
    PreviousGroupRecordFailed,
    /// Kinesis or DynamoDB Streams with `stop_on_first_failure`: an earlier record failed.
    EarlierRecordFailed,
}

impl SkipReason {
    /// The message of a record failed for this reason.
    pub const fn message(self) -> &'static str {
        match self {
            SkipReason::PreviousRecordFailed => "A previous record failed processing",
            SkipReason::PreviousGroupRecordFailed => {
                "A previous record from this message group failed processing"
            }
            SkipReason::EarlierRecordFailed => {
                "not processed: an earlier record failed and stop_on_first_failure is on"
            }
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// The failure of one record. It fails that record only: the rest of the batch goes on.
///
/// `Display` gives the message that is logged and carried by [`BatchError::AllFailed`];
/// [`std::error::Error::source`] gives the handler's own error where there is one.
///
/// ```
/// use batch_core::{RecordError, RecordErrorKind};
///
/// use batch_core::SkipReason;
///
/// let io = std::io::Error::other("connection reset");
/// let error = RecordError::handler(io);
/// assert_eq!(error.kind(), RecordErrorKind::Handler);
/// assert!(error.handler_error().unwrap().is::<std::io::Error>());
///
/// let skipped = RecordError::skipped(SkipReason::PreviousRecordFailed);
/// assert_eq!(skipped.kind(), RecordErrorKind::Skipped(SkipReason::PreviousRecordFailed));
/// assert_eq!(skipped.to_string(), "A previous record failed processing");
/// ```
pub struct RecordError {
    kind: RecordErrorKind,
    message: String,
    source: Option<BoxError>,
    /// The deserializer's own message, which may quote the payload: never logged or shown.
    payload_detail: Option<String>,
}

impl RecordError {
    /// A failure of the given kind with a message.
    pub fn new(kind: RecordErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
            payload_detail: None,
        }
    }

    /// A record failed because of an earlier failure, for `reason`; its message is the
    /// reason's.
    pub fn skipped(reason: SkipReason) -> Self {
        Self::new(RecordErrorKind::Skipped(reason), reason.message())
    }

    /// The handler returned this error. A `RecordError` passed through (e.g. an extractor's
    /// error returned with `?`) keeps its own kind.
    pub fn handler(error: impl Into<BoxError>) -> Self {
        let error = match error.into().downcast::<RecordError>() {
            Ok(record_error) => return *record_error,
            Err(error) => error,
        };
        Self {
            kind: RecordErrorKind::Handler,
            message: error.to_string(),
            source: Some(error),
            payload_detail: None,
        }
    }

    /// An extractor failed: use this in your own [`FromRecord`](crate::FromRecord) impls.
    ///
    /// ```
    /// use batch_core::{RecordError, RecordErrorKind};
    ///
    /// let error = RecordError::extract("record 7: header `tenant` is missing");
    /// assert_eq!(error.kind(), RecordErrorKind::Extract);
    /// ```
    pub fn extract(message: impl Into<String>) -> Self {
        Self::new(RecordErrorKind::Extract, message)
    }

    /// The handler was cancelled after running for `limit`.
    pub(crate) fn timed_out(limit: std::time::Duration) -> Self {
        Self::new(
            RecordErrorKind::TimedOut,
            format!("timed out after {} ms", limit.as_millis()),
        )
    }

    /// The handler panicked with this payload.
    pub(crate) fn panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let text = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic payload that is not a string");
        Self::new(RecordErrorKind::Panic, format!("handler panicked: {text}"))
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> RecordErrorKind {
        self.kind
    }

    /// The message, as `Display` prints it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Attaches the deserializer's unredacted message, which may quote the payload. It is kept
    /// apart from the message: batch-core never logs or displays it.
    ///
    /// ```
    /// use batch_core::RecordError;
    ///
    /// let error = RecordError::extract("record 0: `amount`: invalid type: string, expected u32")
    ///     .with_payload_detail(r#"invalid type: string "12.50", expected u32"#);
    /// assert!(!error.to_string().contains("12.50"));
    /// assert!(!format!("{error:?}").contains("12.50"));
    /// assert!(error.payload_detail().unwrap().contains("12.50"));
    /// ```
    pub fn with_payload_detail(mut self, detail: impl Into<String>) -> Self {
        self.payload_detail = Some(detail.into());
        self
    }

    /// The deserializer's unredacted message, for a record whose payload did not parse: the
    /// opt-in for users who want payload values in their own logs.
    ///
    /// The message ([`Display`](fmt::Display)), the `warn` log and [`BatchError`] never quote
    /// the payload; this does, as serde wrote it (`invalid type: string "4111-1111", expected
    /// u32`). Log it yourself, for example from a failure hook:
    ///
    /// ```
    /// use batch_core::{BatchProcessor, Json, RecordCx, RecordError, RecordHooks, handler_fn};
    /// use batch_core::source::Sqs;
    /// use batch_core::testing::event_from_str;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Order { quantity: u32 }
    ///
    /// /// Logs the rejected value: only for queues whose payloads may appear in logs.
    /// struct LogPayloadDetail;
    ///
    /// impl RecordHooks<Sqs, u32> for LogPayloadDetail {
    ///     fn on_failure(&self, _record: &RecordCx<'_, Sqs>, error: &RecordError) {
    ///         if let Some(detail) = error.payload_detail() {
    ///             tracing::debug!(detail, "payload rejected");
    ///         }
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let handler = handler_fn(|record: &RecordCx<'_, Sqs>| -> Result<u32, RecordError> {
    ///     Ok(record.extract::<Json<Order>>()?.quantity)
    /// });
    /// let event = event_from_str(r#"{"Records": [
    ///     {"messageId": "a", "body": "{\"quantity\": 2}"},
    ///     {"messageId": "b", "body": "{\"quantity\": \"two\"}"}
    /// ]}"#);
    /// let report = BatchProcessor::<Sqs>::new()
    ///     .with_hooks(LogPayloadDetail)
    ///     .process(&event.payload, &event.context, &handler)
    ///     .await
    ///     .unwrap();
    /// let error = report.outcomes()[1].error().unwrap();
    /// assert!(!error.to_string().contains("two"));
    /// assert!(error.payload_detail().unwrap().contains("two"));
    /// # });
    /// ```
    pub fn payload_detail(&self) -> Option<&str> {
        self.payload_detail.as_deref()
    }

    /// The error the handler returned, when the handler failed.
    pub fn handler_error(&self) -> Option<&BoxError> {
        match self.kind {
            RecordErrorKind::Handler => self.source.as_ref(),
            _ => None,
        }
    }

    /// Takes the error the handler returned, when the handler failed.
    pub fn into_handler_error(self) -> Option<BoxError> {
        match self.kind {
            RecordErrorKind::Handler => self.source,
            _ => None,
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish()
    }
}

impl StdError for RecordError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// One failed record as carried by [`BatchError::AllFailed`] and
/// [`BatchError::UnidentifiableRecord`].
#[derive(Debug)]
#[non_exhaustive]
pub struct RecordFailure {
    /// Position of the record in the event's `Records` array.
    pub position: usize,
    /// The record's identifier (message id or sequence number), when it has one.
    pub id: Option<String>,
    /// Why it failed.
    pub error: RecordError,
}

impl RecordFailure {
    /// The failure of the record at `position` in `Records`, with its identifier when it has
    /// one.
    ///
    /// ```
    /// use batch_core::{RecordError, RecordFailure};
    ///
    /// let failure = RecordFailure::new(3, Some("m3".to_owned()), RecordError::handler("declined"));
    /// assert_eq!(failure.to_string(), "record 3 (m3): declined");
    /// ```
    pub fn new(position: usize, id: Option<String>, error: RecordError) -> Self {
        Self {
            position,
            id,
            error,
        }
    }
}

impl fmt::Display for RecordFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Extractor and schema errors already name their record: don't name it twice.
        let named = self
            .error
            .message()
            .strip_prefix("record ")
            .and_then(|rest| rest.strip_prefix(self.position.to_string().as_str()))
            .is_some_and(|rest| rest.starts_with([' ', ':']));
        if named {
            return write!(f, "{}", self.error);
        }
        match &self.id {
            Some(id) => write!(f, "record {} ({id}): {}", self.position, self.error),
            None => write!(
                f,
                "record {} (no identifier): {}",
                self.position, self.error
            ),
        }
    }
}

/// An error that fails the whole invocation, so that Lambda retries the whole batch.
///
/// Nothing is acknowledged when `lambda_handler` returns one of these.
///
/// ```
/// use batch_core::BatchError;
/// use batch_core::source::Sqs;
/// use batch_core::testing::event_from_str;
/// use batch_core::BatchProcessor;
///
/// # tokio_test_block(async {
/// let event = event_from_str(r#"{"Records": null}"#);
/// let handler = batch_core::handler_fn(|_: &batch_core::RecordCx<'_, Sqs>| ());
/// let error = BatchProcessor::<Sqs>::new().run(event, &handler).await.unwrap_err();
/// assert!(matches!(error, BatchError::InvalidEvent { .. }));
/// assert_eq!(error.error_type(), "InvalidEventError");
/// assert!(error.to_string().contains("aws:sqs"));
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[non_exhaustive]
pub enum BatchError {
    /// Every record failed and `raise_on_entire_batch_failure` is on. Carries every
    /// record's failure, in input order.
    ///
    /// `Display` (and so `Debug` and the Lambda `errorMessage`) is bounded however large the
    /// batch: it starts with `All records failed processing. N individual errors:`, names the
    /// first [`MAX_NAMED_FAILURES`] failures one a line (`- record 3 (id): message`), each line
    /// cut after [`MAX_FAILURE_LINE_BYTES`] bytes on a character boundary and then ended with
    /// [`TRUNCATION_MARKER`], and counts the others in a last line `... and N more`. The full
    /// list is in `failures`, and every failure was already logged at `warn` when it happened.
    ///
    /// ```
    /// use batch_core::{BatchError, RecordError, RecordFailure};
    ///
    /// let failures = (0..12)
    ///     .map(|position| RecordFailure::new(position, Some(format!("m{position}")), RecordError::handler("declined")))
    ///     .collect();
    /// let error = BatchError::AllFailed { failures };
    /// let message = error.to_string();
    /// assert!(message.starts_with("All records failed processing. 12 individual errors:\n- record 0 (m0): declined\n"));
    /// assert!(message.ends_with("\n- record 9 (m9): declined\n... and 2 more"));
    /// ```
    AllFailed {
        /// Every record's failure, in input order.
        failures: Vec<RecordFailure>,
    },
    /// The event is not an event of the expected source: not JSON, not an object, or `Records`
    /// missing, `null` or not an array.
    InvalidEvent {
        /// The `eventSource` the handler expects, e.g. `aws:sqs`.
        expected: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A record names another event source than the handler's.
    WrongSource {
        /// The `eventSource` the handler expects, e.g. `aws:sqs`.
        expected: &'static str,
        /// The `eventSource` the record names when it is a known source (`aws:kinesis`,
        /// `aws:dynamodb`, ...); `another source` otherwise, as any other value is payload.
        found: String,
        /// The record's position in `Records`.
        position: usize,
    },
    /// Records failed that have no identifier, so their failures cannot be reported.
    ///
    /// `Display` names these records within the same bound as [`AllFailed`](Self::AllFailed)
    /// (the first [`MAX_NAMED_FAILURES`], then `... and N more`); `failures` holds every one.
    ///
    /// ```
    /// use batch_core::{BatchError, RecordError, RecordFailure};
    ///
    /// let error = BatchError::UnidentifiableRecord {
    ///     failures: vec![
    ///         RecordFailure::new(1, None, RecordError::handler("declined")),
    ///         RecordFailure::new(4, None, RecordError::handler("out of stock")),
    ///     ],
    ///     field: "messageId",
    /// };
    /// assert_eq!(
    ///     error.to_string(),
    ///     "2 failed records have no usable `messageId`, so their failures cannot be reported \
    ///      and the whole batch is retried:\n\
    ///      - record 1 (no identifier): declined\n\
    ///      - record 4 (no identifier): out of stock"
    /// );
    /// ```
    UnidentifiableRecord {
        /// Every failed record that has no identifier, in input order.
        failures: Vec<RecordFailure>,
        /// Name of the missing identifier field, e.g. `messageId`.
        field: &'static str,
    },
    /// Delete-successes mode (R17, feature `sqs-api`): some records failed. The successful
    /// messages were deleted from the queue, except those in `not_deleted`; the invocation fails
    /// so that Lambda returns the rest to the queue.
    ///
    /// `Display` names the failed records, and the successes that could not be deleted (which
    /// are delivered again), within the same bound as [`AllFailed`](Self::AllFailed).
    ///
    /// ```
    /// use batch_core::{BatchError, RecordError, RecordFailure};
    ///
    /// let error = BatchError::SomeFailed {
    ///     failures: vec![RecordFailure::new(1, Some("m1".into()), RecordError::handler("declined"))],
    ///     not_deleted: Vec::new(),
    /// };
    /// assert_eq!(
    ///     error.to_string(),
    ///     "1 record failed processing; the successful messages were deleted:\n- record 1 (m1): declined"
    /// );
    /// assert_eq!(error.error_type(), "SQSBatchProcessingError");
    /// ```
    SomeFailed {
        /// Every failed record, in input order.
        failures: Vec<RecordFailure>,
        /// Successful records whose message could not be deleted, and why.
        not_deleted: Vec<RecordFailure>,
    },
    /// The custom processor's `prepare` step failed; no record was started.
    Prepare(BoxError),
    /// The custom processor's `cleanup` step failed after every record ran.
    Cleanup(BoxError),
    /// The handler's state (`state = ...`) could not be built.
    State(BoxError),
    /// The SQS client of `#[batch_handler(sqs_client = ...)]` could not be built (feature
    /// `sqs-api`); no record was started.
    SqsClient(BoxError),
}

impl BatchError {
    /// The `errorType` reported to Lambda: `BatchProcessingError` when every record failed (as in
    /// Powertools), a descriptive name for each other case.
    ///
    /// ```
    /// use batch_core::BatchError;
    ///
    /// let error = BatchError::AllFailed { failures: Vec::new() };
    /// assert_eq!(error.error_type(), "BatchProcessingError");
    /// ```
    pub fn error_type(&self) -> &'static str {
        match self {
            BatchError::AllFailed { .. } => "BatchProcessingError",
            BatchError::InvalidEvent { .. } => "InvalidEventError",
            BatchError::WrongSource { .. } => "WrongEventSourceError",
            BatchError::UnidentifiableRecord { .. } => "UnidentifiableRecordError",
            BatchError::SomeFailed { .. } => "SQSBatchProcessingError",
            BatchError::Prepare(_) => "BatchPrepareError",
            BatchError::Cleanup(_) => "BatchCleanupError",
            BatchError::State(_) => "StateInitError",
            BatchError::SqsClient(_) => "SqsClientInitError",
        }
    }
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::AllFailed { failures } => {
                write!(
                    f,
                    "All records failed processing. {} individual error{}:",
                    failures.len(),
                    if failures.len() == 1 { "" } else { "s" }
                )?;
                failure_list::write(f, failures)
            }
            BatchError::InvalidEvent { expected, reason } => write!(
                f,
                "invalid event: {reason} (expected a batch event from {expected}); nothing was processed"
            ),
            BatchError::WrongSource {
                expected,
                found,
                position,
            } => write!(
                f,
                "record {position} comes from {found}, but this handler processes {expected} events; nothing was processed"
            ),
            BatchError::UnidentifiableRecord { failures, field } => {
                if failures.len() == 1 {
                    write!(
                        f,
                        "1 failed record has no usable `{field}`, so its failure cannot be reported and the whole batch is retried:"
                    )?;
                } else {
                    write!(
                        f,
                        "{} failed records have no usable `{field}`, so their failures cannot be reported and the whole batch is retried:",
                        failures.len()
                    )?;
                }
                failure_list::write(f, failures)
            }
            BatchError::SomeFailed {
                failures,
                not_deleted,
            } => {
                let n = failures.len();
                let records = if n == 1 { "record" } else { "records" };
                if not_deleted.is_empty() {
                    write!(
                        f,
                        "{n} {records} failed processing; the successful messages were deleted:"
                    )?;
                } else {
                    write!(f, "{n} {records} failed processing:")?;
                }
                failure_list::write(f, failures)?;
                if !not_deleted.is_empty() {
                    write!(
                        f,
                        "\n{} successful messages could not be deleted and will be delivered again:",
                        not_deleted.len()
                    )?;
                    failure_list::write(f, not_deleted)?;
                }
                Ok(())
            }
            BatchError::Prepare(e) => write!(f, "batch processor failed to prepare: {e}"),
            BatchError::Cleanup(e) => write!(f, "batch processor failed to clean up: {e}"),
            BatchError::State(e) => write!(f, "handler state could not be built: {e}"),
            BatchError::SqsClient(e) => write!(f, "the SQS client could not be built: {e}"),
        }
    }
}

impl fmt::Debug for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl StdError for BatchError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            BatchError::Prepare(e)
            | BatchError::Cleanup(e)
            | BatchError::State(e)
            | BatchError::SqsClient(e) => Some(e.as_ref()),
            BatchError::UnidentifiableRecord { failures, .. } => failures
                .first()
                .map(|failure| &failure.error as &(dyn StdError + 'static)),
            _ => None,
        }
    }
}

impl From<BatchError> for Diagnostic {
    fn from(error: BatchError) -> Self {
        Diagnostic {
            error_type: error.error_type().to_owned(),
            error_message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(position: usize, id: Option<&str>, error: RecordError) -> String {
        RecordFailure {
            position,
            id: id.map(str::to_owned),
            error,
        }
        .to_string()
    }

    #[test]
    fn a_failure_names_its_record_once() {
        assert_eq!(
            failure(2, Some("m2"), RecordError::handler("declined")),
            "record 2 (m2): declined"
        );
        assert_eq!(
            failure(0, None, RecordError::handler("declined")),
            "record 0 (no identifier): declined"
        );
        let extract = RecordError::extract("record 12 (m12): the payload is not valid JSON");
        assert_eq!(
            failure(12, Some("m12"), extract),
            "record 12 (m12): the payload is not valid JSON"
        );
        // Another record's name in the message is not this record's.
        let other = RecordError::handler("record 1 is a duplicate");
        assert_eq!(
            failure(12, Some("x"), other),
            "record 12 (x): record 1 is a duplicate"
        );
    }

    #[test]
    fn all_failed_lists_every_failure_and_debug_equals_display() {
        let error = BatchError::AllFailed {
            failures: vec![
                RecordFailure {
                    position: 0,
                    id: Some("a".into()),
                    error: RecordError::handler("x"),
                },
                RecordFailure {
                    position: 1,
                    id: Some("b".into()),
                    error: RecordError::handler("y"),
                },
            ],
        };
        let text = "All records failed processing. 2 individual errors:\n- record 0 (a): x\n- record 1 (b): y";
        assert_eq!(error.to_string(), text);
        assert_eq!(format!("{error:?}"), text);
        let diagnostic = lambda_runtime::Diagnostic::from(error);
        assert_eq!(diagnostic.error_type, "BatchProcessingError");
        assert_eq!(diagnostic.error_message, text);
    }

    fn declined(count: usize, with_ids: bool) -> Vec<RecordFailure> {
        (0..count)
            .map(|p| {
                let id = with_ids.then(|| format!("m{p}"));
                RecordFailure::new(p, id, RecordError::handler("declined"))
            })
            .collect()
    }

    #[test]
    fn all_failed_names_the_first_ten_and_counts_the_rest() {
        let error = BatchError::AllFailed {
            failures: declined(10_000, true),
        };
        let text = "All records failed processing. 10000 individual errors:
- record 0 (m0): declined
- record 1 (m1): declined
- record 2 (m2): declined
- record 3 (m3): declined
- record 4 (m4): declined
- record 5 (m5): declined
- record 6 (m6): declined
- record 7 (m7): declined
- record 8 (m8): declined
- record 9 (m9): declined
... and 9990 more";
        assert_eq!(error.to_string(), text);
        assert_eq!(format!("{error:?}"), text);
        let BatchError::AllFailed { failures } = error else {
            unreachable!()
        };
        assert_eq!(failures.len(), 10_000);
    }

    #[test]
    fn exactly_ten_failures_are_all_named_with_no_count() {
        let text = BatchError::AllFailed {
            failures: declined(10, true),
        }
        .to_string();
        assert!(text.ends_with("\n- record 9 (m9): declined"), "{text}");
        assert!(!text.contains("more"), "{text}");
    }

    #[test]
    fn a_long_failure_line_is_cut_at_512_bytes_with_a_marker() {
        let long = "x".repeat(2048);
        let failures = (0..10)
            .map(|p| {
                RecordFailure::new(
                    p,
                    Some(format!("m{p}")),
                    RecordError::handler(long.as_str()),
                )
            })
            .collect();
        let text = BatchError::AllFailed { failures }.to_string();
        // "record 0 (m0): " is 15 bytes, so 497 bytes of the message fit in the 512.
        let first = format!("- record 0 (m0): {} ... (truncated)", "x".repeat(497));
        assert_eq!(text.lines().nth(1), Some(first.as_str()));
        assert_eq!(text.lines().count(), 11);
        assert!(text.len() < 6 * 1024, "{} bytes", text.len());
    }

    #[test]
    fn a_cut_line_keeps_whole_characters() {
        // 15 bytes of prefix, then 248 two-byte characters end at byte 511: the 249th would
        // cross 512, so it is dropped whole.
        let failure =
            RecordFailure::new(0, Some("m0".into()), RecordError::handler("é".repeat(300)));
        let text = BatchError::AllFailed {
            failures: vec![failure],
        }
        .to_string();
        let expected = format!("- record 0 (m0): {} ... (truncated)", "é".repeat(248));
        assert_eq!(text.lines().nth(1), Some(expected.as_str()));
    }

    #[test]
    fn unidentifiable_records_are_all_named_within_the_bound() {
        let one = BatchError::UnidentifiableRecord {
            failures: declined(1, false),
            field: "messageId",
        };
        assert_eq!(
            one.to_string(),
            "1 failed record has no usable `messageId`, so its failure cannot be reported and the whole batch is retried:\n- record 0 (no identifier): declined"
        );
        assert_eq!(one.source().unwrap().to_string(), "declined");

        let many = BatchError::UnidentifiableRecord {
            failures: declined(25, false),
            field: "kinesis.sequenceNumber",
        };
        let text = "25 failed records have no usable `kinesis.sequenceNumber`, so their failures cannot be reported and the whole batch is retried:
- record 0 (no identifier): declined
- record 1 (no identifier): declined
- record 2 (no identifier): declined
- record 3 (no identifier): declined
- record 4 (no identifier): declined
- record 5 (no identifier): declined
- record 6 (no identifier): declined
- record 7 (no identifier): declined
- record 8 (no identifier): declined
- record 9 (no identifier): declined
... and 15 more";
        assert_eq!(many.to_string(), text);
        assert_eq!(many.error_type(), "UnidentifiableRecordError");
    }

    #[test]
    fn a_record_error_returned_through_a_handler_keeps_its_kind() {
        let inner = RecordError::extract("record 1: bad");
        let passed = RecordError::handler(inner);
        assert_eq!(passed.kind(), RecordErrorKind::Extract);
        assert_eq!(passed.to_string(), "record 1: bad");
    }

    #[test]
    fn panic_payloads_become_messages() {
        let text: Box<dyn std::any::Any + Send> = Box::new("boom");
        assert_eq!(
            RecordError::panic(text.as_ref()).to_string(),
            "handler panicked: boom"
        );
        let owned: Box<dyn std::any::Any + Send> = Box::new(String::from("kaboom"));
        assert_eq!(
            RecordError::panic(owned.as_ref()).to_string(),
            "handler panicked: kaboom"
        );
        let other: Box<dyn std::any::Any + Send> = Box::new(7u8);
        assert_eq!(
            RecordError::panic(other.as_ref()).kind(),
            RecordErrorKind::Panic
        );
    }
}
