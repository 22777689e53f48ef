//! The processing loop: one loop on the invoking task, at most N record futures in flight,
//! every rule decided when a record would start, results stored by position.

use std::any::Any;
use std::borrow::Cow;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use futures::stream::{FuturesUnordered, StreamExt};
use lambda_runtime::Context;
use tracing::Instrument;

use super::deadline::DeadlineGuard;
use super::fifo::{FifoPolicy, FifoState};
use super::rules::{StartRules, stop_error};
use super::schedule::Schedule;
use super::timeout;
use super::{Options, Processor};
use crate::error::{BatchError, RecordError, RecordErrorKind};
use crate::event::EventRecords;
use crate::handler::RecordHandler;
use crate::hooks::RecordHooks;
use crate::outcome::{BatchReport, RecordOutcome};
use crate::record::RecordCx;
use crate::record_id::RecordId;
use crate::source::{BatchSource, RecordHeader, SqsReceipt};

/// Everything one invocation needs, borrowed from the caller.
pub(crate) struct Invocation<'a, P, K, H> {
    pub(crate) options: &'a Options,
    pub(crate) processor: &'a P,
    pub(crate) hooks: &'a K,
    pub(crate) handler: &'a H,
    pub(crate) state: Option<&'a (dyn Any + Send + Sync)>,
    pub(crate) context: &'a Context,
}

/// What the batch keeps of a record while it waits or runs: borrowed from the event text.
struct Slot<'e> {
    raw: &'e str,
    header: RecordHeader<'e>,
    /// The ordering key (FIFO group, partition key, item keys), or why it cannot be read.
    key: Result<Option<Cow<'e, str>>, String>,
}

impl Slot<'_> {
    fn key(&self) -> Option<&str> {
        self.key.as_ref().ok().and_then(|key| key.as_deref())
    }
}

impl<P, K, H> Invocation<'_, P, K, H> {
    /// Processes an event: split, check every record's source, prepare, run the records
    /// under the rules, clean up. Returns every record's outcome.
    pub(crate) async fn process<S, E>(
        &self,
        event: &E,
    ) -> Result<BatchReport<S, H::Output>, BatchError>
    where
        S: BatchSource,
        E: EventRecords<S>,
        H: RecordHandler<S>,
        P: Processor<S, H::Output>,
        K: RecordHooks<S, H::Output>,
    {
        let slots = self.read_slots::<S, E>(event)?;
        let span = tracing::info_span!(
            "batch",
            source = S::NAME,
            records = slots.len(),
            request_id = %self.context.request_id,
        );
        async {
            let batch = self
                .processor
                .prepare(self.context)
                .await
                .map_err(BatchError::Prepare)?;
            let results = self.run_all(&batch, &slots).await;
            let ids = RecordId::share(slots.iter().map(|slot| slot.header.id.as_deref()));
            let outcomes = results
                .into_iter()
                .zip(&slots)
                .zip(ids)
                .enumerate()
                .map(|(position, ((result, slot), id))| RecordOutcome {
                    position,
                    id,
                    result,
                    receipt: self
                        .options
                        .keep_sqs_receipts
                        .then(|| SqsReceipt::from_header(&slot.header)),
                })
                .collect();
            let mut report = BatchReport::new(outcomes, self.options.raise_on_entire_batch_failure);
            self.processor
                .cleanup(batch, &mut report)
                .await
                .map_err(BatchError::Cleanup)?;
            Ok(report)
        }
        .instrument(span)
        .await
    }

    /// Reads every record's header and ordering key in one pass over the event's records, and
    /// rejects the event when a record names another source.
    fn read_slots<'e, S: BatchSource, E: EventRecords<S>>(
        &self,
        event: &'e E,
    ) -> Result<Vec<Slot<'e>>, BatchError> {
        let fifo = self.options.fifo != FifoPolicy::None;
        // Keys order records only when several run at once; one at a time, they are checked.
        // Stopping a Kafka partition (R16) needs every record's partition.
        let stop_per_key = self.options.stop_on_first_failure && S::STOP_PER_ORDERING_KEY;
        let build_keys = fifo || stop_per_key || self.options.effective_concurrency() > 1;
        let mut slots = Vec::new();
        event.for_each_record(|raw, mut header| {
            if let Some(found) = header.foreign_source.take() {
                return Err(BatchError::WrongSource {
                    expected: S::EVENT_SOURCE,
                    found,
                    position: slots.len(),
                });
            }
            let key = match (header.known_key, header.ordering) {
                (Some(known), _) if S::ORDERED || fifo => match known {
                    Ok(key) if build_keys => Ok(key.map(Cow::Borrowed)),
                    Ok(_) => Ok(None),
                    Err(why) => Err(why.to_owned()),
                },
                (Some(_), _) => Ok(None),
                (None, Some(raw)) if S::ORDERED || fifo => match build_keys {
                    true => S::ordering_key(raw),
                    false => S::check_ordering(raw).map(|()| None),
                },
                _ => Ok(None),
            };
            slots.push(Slot { raw, header, key });
            Ok(())
        })?;
        Ok(slots)
    }

    /// Runs the records: at most N in flight, each key's records one after another, every
    /// rule decided when a record would start. Results come back by position.
    async fn run_all<S>(
        &self,
        batch: &P::Batch,
        slots: &[Slot<'_>],
    ) -> Vec<Result<H::Output, RecordError>>
    where
        S: BatchSource,
        H: RecordHandler<S>,
        P: Processor<S, H::Output>,
        K: RecordHooks<S, H::Output>,
    {
        let concurrency = self.options.effective_concurrency();
        let mut progress = Progress {
            schedule: if concurrency == 1 {
                Schedule::in_order(slots.len())
            } else {
                Schedule::by_key(slots.iter().map(Slot::key))
            },
            rules: StartRules::new(
                FifoState::new(self.options.fifo),
                self.options.stop_on_first_failure,
                S::STOP_PER_ORDERING_KEY,
                DeadlineGuard::new(self.context, self.options.deadline_margin),
            ),
            results: std::iter::repeat_with(|| None).take(slots.len()).collect(),
        };
        // R15 under concurrency: a record that succeeds may still be reported, when a record
        // before it fails later. Its hook waits for the end of the batch, so that each record
        // reaches exactly one hook, the one that agrees with the report.
        // (Not under R16: a partition's records run one after another, so a failure never
        // comes after a later record of its partition ran.)
        let defer_success =
            self.options.stop_on_first_failure && !S::STOP_PER_ORDERING_KEY && concurrency > 1;
        let mut in_flight = FuturesUnordered::new();
        loop {
            while in_flight.len() < concurrency {
                let Some(position) = progress.schedule.next_ready() else {
                    break;
                };
                let slot = &slots[position];
                let result = match self.refuse(&progress.rules, position, slot) {
                    Some(error) => {
                        let record = self.record_cx::<S>(position, slot);
                        let result = Err(error);
                        record_span(position, slot).in_scope(|| self.report(&record, &result));
                        result
                    }
                    // One at a time: run it right here, without the machinery of many.
                    None if concurrency == 1 => {
                        self.run_record(batch, position, slot, false).await.1
                    }
                    None => {
                        in_flight.push(self.run_record(batch, position, slot, defer_success));
                        continue;
                    }
                };
                progress.settle(position, slot.key(), result);
            }
            let Some((position, result)) = in_flight.next().await else {
                break;
            };
            progress.settle(position, slots[position].key(), result);
        }
        let Progress { rules, results, .. } = progress;
        results
            .into_iter()
            .zip(slots)
            .enumerate()
            .map(|(position, (result, slot))| {
                let (result, report_now) = match result {
                    // R15: a record after the lowest failure is redelivered anyway: report it.
                    // (Only a record that ran concurrently gets here; its hook was deferred.)
                    Some(Ok(_)) if rules.after_failure(position) => (Err(stop_error()), true),
                    Some(Ok(value)) => (Ok(value), defer_success),
                    // Reported when it finished or was refused.
                    Some(Err(error)) => (Err(error), false),
                    None => (
                        Err(RecordError::new(
                            RecordErrorKind::Processor,
                            "the record was never scheduled",
                        )),
                        true,
                    ),
                };
                if report_now {
                    let record = self.record_cx::<S>(position, slot);
                    record_span(position, slot).in_scope(|| self.report(&record, &result));
                }
                result
            })
            .collect()
    }

    /// Why a record must fail without running: a rule (FIFO order, a failed message group, the
    /// deadline, `stop_on_first_failure`), or a header or ordering key that does not fit the
    /// source's schema.
    fn refuse(&self, rules: &StartRules, position: usize, slot: &Slot<'_>) -> Option<RecordError> {
        if let Some(error) = rules.blocked(position, slot.key()) {
            return Some(error);
        }
        let malformed = match (&slot.header.malformed, &slot.key) {
            (Some(reason), _) | (None, Err(reason)) => reason,
            (None, Ok(_)) => return None,
        };
        let name = match slot.header.id.as_deref() {
            Some(id) => format!("record {position} ({id})"),
            None => format!("record {position}"),
        };
        Some(RecordError::new(
            RecordErrorKind::Malformed,
            format!("{name}: {malformed}"),
        ))
    }

    fn record_cx<'s, S: BatchSource>(
        &'s self,
        position: usize,
        slot: &'s Slot<'s>,
    ) -> RecordCx<'s, S> {
        RecordCx::new(position, slot.raw, &slot.header, self.context, self.state)
    }

    /// One record's future: builds the record, runs it with panics caught, calls the hooks.
    /// The record's lazily parsed state lives only as long as this future.
    fn run_record<'s, S>(
        &'s self,
        batch: &'s P::Batch,
        position: usize,
        slot: &'s Slot<'s>,
        defer_success: bool,
    ) -> impl Future<Output = (usize, Result<H::Output, RecordError>)> + 's
    where
        S: BatchSource,
        H: RecordHandler<S>,
        P: Processor<S, H::Output>,
        K: RecordHooks<S, H::Output>,
    {
        let span = record_span(position, slot);
        async move {
            let record = self.record_cx::<S>(position, slot);
            // In an `async` block, so that the call itself happens inside the unwind guard: a
            // synchronous handler (`handler_fn`) runs, and may panic, when it is called.
            let call = async {
                self.processor
                    .process_record(batch, &record, self.handler)
                    .await
            };
            // The timer runs inside the unwind guard: a runtime without timers panics there.
            let limited = timeout::within(self.options.record_timeout, call);
            let result = match AssertUnwindSafe(limited).catch_unwind().await {
                Ok(Ok(result)) => result,
                Ok(Err(limit)) => Err(RecordError::timed_out(limit)),
                Err(payload) => Err(RecordError::panic(payload.as_ref())),
            };
            if !(defer_success && result.is_ok()) {
                self.report(&record, &result);
            }
            (position, result)
        }
        .instrument(span)
    }

    /// Logs a failure (never the body) and calls the hooks.
    fn report<S>(&self, record: &RecordCx<'_, S>, result: &Result<H::Output, RecordError>)
    where
        S: BatchSource,
        H: RecordHandler<S>,
        K: RecordHooks<S, H::Output>,
    {
        let hook = AssertUnwindSafe(|| match result {
            Ok(value) => self.hooks.on_success(record, value),
            Err(error) => {
                tracing::warn!(error = %error, kind = ?error.kind(), "record failed");
                self.hooks.on_failure(record, error);
            }
        });
        if let Err(payload) = std::panic::catch_unwind(hook) {
            let error = RecordError::panic(payload.as_ref());
            tracing::error!(error = %error, "a record hook panicked; the record's outcome stands");
        }
    }
}

/// The span of one record, with its identifier.
fn record_span(position: usize, slot: &Slot<'_>) -> tracing::Span {
    tracing::info_span!("record", position, id = slot.header.id.as_deref())
}

/// The state of a batch while its records run.
struct Progress<T> {
    schedule: Schedule,
    rules: StartRules,
    /// Each record's result, by position.
    results: Vec<Option<Result<T, RecordError>>>,
}

impl<T> Progress<T> {
    /// Records that the record at `position` is done, ran or not.
    fn settle(&mut self, position: usize, key: Option<&str>, result: Result<T, RecordError>) {
        if result.is_err() {
            self.rules.failed(position, key);
        }
        self.results[position] = Some(result);
        self.schedule.done(position);
    }
}
