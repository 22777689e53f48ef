//! The processing loop: one pass over the records, in input order.

use std::any::Any;
use std::borrow::Cow;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use lambda_runtime::Context;
use tracing::Instrument;

use super::fifo::FifoState;
use super::{Options, Processor};
use crate::error::{BatchError, RecordError, RecordErrorKind};
use crate::event::split_records;
use crate::handler::RecordHandler;
use crate::hooks::RecordHooks;
use crate::outcome::{BatchReport, RecordOutcome};
use crate::record::RecordCx;
use crate::source::{BatchSource, RecordHeader};

/// Everything one invocation needs, borrowed from the caller.
pub(crate) struct Invocation<'a, P, K, H> {
    pub(crate) options: &'a Options,
    pub(crate) processor: &'a P,
    pub(crate) hooks: &'a K,
    pub(crate) handler: &'a H,
    pub(crate) state: Option<&'a (dyn Any + Send + Sync)>,
    pub(crate) context: &'a Context,
}

impl<P, K, H> Invocation<'_, P, K, H> {
    /// Processes an event: split, check every record's source (R8), prepare, run each record
    /// under the FIFO rules, clean up. Returns every record's outcome (R12).
    pub(crate) async fn process<S>(
        &self,
        text: &str,
    ) -> Result<BatchReport<S, H::Output>, BatchError>
    where
        S: BatchSource,
        H: RecordHandler<S>,
        P: Processor<S, H::Output>,
        K: RecordHooks<S, H::Output>,
    {
        let raws = split_records(text, S::EVENT_SOURCE)?;
        let span = tracing::info_span!(
            "batch",
            source = S::NAME,
            records = raws.len(),
            request_id = %self.context.request_id,
        );
        async {
            let headers: Vec<RecordHeader<'_>> =
                raws.iter().map(|raw| S::read_header(raw)).collect();
            if let Some((position, found)) = headers
                .iter()
                .enumerate()
                .find_map(|(i, h)| h.foreign_source.as_ref().map(|found| (i, found)))
            {
                return Err(BatchError::WrongSource {
                    expected: S::EVENT_SOURCE,
                    found: found.clone(),
                    position,
                });
            }
            let batch = self
                .processor
                .prepare(self.context)
                .await
                .map_err(BatchError::Prepare)?;
            let mut fifo = FifoState::new(self.options.fifo);
            let mut outcomes = Vec::with_capacity(raws.len());
            for (position, (raw, header)) in raws.iter().zip(&headers).enumerate() {
                let record = RecordCx::<S>::new(position, raw, header, self.context, self.state);
                let span = tracing::info_span!("record", position, id = header.id.as_deref());
                let result = self
                    .run_record(&batch, &record, &mut fifo)
                    .instrument(span.clone())
                    .await;
                span.in_scope(|| self.report(&record, &result));
                outcomes.push(RecordOutcome {
                    position,
                    id: header.id.as_deref().map(str::to_owned),
                    result,
                });
            }
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

    /// Runs one record unless a rule or its header says it must fail without running.
    async fn run_record<S>(
        &self,
        batch: &P::Batch,
        record: &RecordCx<'_, S>,
        fifo: &mut FifoState,
    ) -> Result<H::Output, RecordError>
    where
        S: BatchSource,
        H: RecordHandler<S>,
        P: Processor<S, H::Output>,
    {
        let header = record.header();
        let group: Result<Option<Cow<'_, str>>, RecordError> = match header.ordering {
            Some(raw) if fifo.reads_groups() => S::ordering_key(raw).map_err(|reason| {
                RecordError::new(RecordErrorKind::Malformed, format!("{record}: {reason}"))
            }),
            _ => Ok(None),
        };
        let group_name = group.as_ref().ok().and_then(|g| g.as_deref());
        if let Some(skipped) = fifo.blocked(group_name) {
            return Err(skipped);
        }
        let result = match (&header.malformed, &group) {
            (Some(reason), _) => Err(RecordError::new(
                RecordErrorKind::Malformed,
                format!("{record}: {reason}"),
            )),
            (None, Err(error)) => Err(RecordError::new(error.kind(), error.message())),
            (None, Ok(_)) => {
                let call = async {
                    self.processor
                        .process_record(batch, record, self.handler)
                        .await
                };
                match AssertUnwindSafe(call).catch_unwind().await {
                    Ok(result) => result,
                    Err(payload) => Err(RecordError::panic(payload.as_ref())),
                }
            }
        };
        if result.is_err() {
            fifo.failed(group_name);
        }
        result
    }

    /// Logs a failure (never the body, R14) and calls the hooks (R11).
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
