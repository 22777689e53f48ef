//! [`Processor`]: the lifecycle of a batch, which a custom processor overrides.

use std::future::Future;

use lambda_runtime::Context;

use crate::error::{BatchError, BoxError, RecordError};
use crate::handler::RecordHandler;
use crate::outcome::BatchReport;
use crate::record::RecordCx;
use crate::source::BatchSource;

/// The lifecycle of one batch: prepare once, process each record, clean up once, build the
/// response. Every step has a default; a custom processor overrides the ones it needs and is
/// used with [`BatchProcessor::with_processor`](crate::BatchProcessor::with_processor) or
/// `#[batch_handler(processor = ...)]`.
///
/// `T` is the handler's success value. `Batch` is per-invocation state made by `prepare`,
/// shared by every record (`&Self::Batch`) and handed to `cleanup`.
///
/// This one collects every successful record's value and writes them in one batch at the end;
/// when that write fails, the records are failed too, so they are retried:
///
/// ```
/// use std::sync::Mutex;
/// use batch_core::{BatchProcessor, BatchReport, BoxError, Context, Json, Processor, RecordCx,
///     RecordError, handler_fn};
/// use batch_core::source::Sqs;
/// use batch_core::testing::event_from_str;
///
/// #[derive(Default)]
/// struct BulkWriter { written: Mutex<Vec<u32>>, fail_writes: bool }
///
/// impl Processor<Sqs, u32> for BulkWriter {
///     type Batch = ();
///
///     async fn prepare(&self, _context: &Context) -> Result<(), BoxError> {
///         Ok(())
///     }
///
///     async fn cleanup(&self, _batch: (), report: &mut BatchReport<Sqs, u32>) -> Result<(), BoxError> {
///         let values: Vec<(usize, u32)> =
///             report.successes().map(|(o, v)| (o.position(), *v)).collect();
///         if self.fail_writes {
///             for (position, _) in values {
///                 report.fail(position, RecordError::handler("bulk write failed"));
///             }
///             return Ok(());
///         }
///         self.written.lock().unwrap().extend(values.into_iter().map(|(_, v)| v));
///         Ok(())
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handler = handler_fn(|r: &RecordCx<'_, Sqs>| r.extract::<Json<u32>>().map(|j| j.0));
/// let event = event_from_str(r#"{"Records": [
///     {"messageId": "1", "body": "10"}, {"messageId": "2", "body": "x"}, {"messageId": "3", "body": "30"}
/// ]}"#);
/// let writer = BulkWriter::default();
/// let processor = BatchProcessor::<Sqs>::new().with_processor(&writer);
/// let response = processor.run(event, &handler).await.unwrap();
/// assert_eq!(*writer.written.lock().unwrap(), [10, 30]);
/// assert_eq!(response.batch_item_failures[0].item_identifier, "2");
/// # });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a processor of {S} records whose success value is `{T}`",
    label = "not `Processor<{S}, {T}>`",
    note = "a custom processor implements `batch_core::Processor<S, T>` for the handler's source and success value"
)]
pub trait Processor<S: BatchSource, T> {
    /// Per-invocation state made by [`prepare`](Self::prepare).
    type Batch;

    /// Runs once before the first record; an error fails the invocation and no record starts.
    fn prepare(&self, context: &Context) -> impl Future<Output = Result<Self::Batch, BoxError>>;

    /// Processes one record; by default, calls the handler.
    fn process_record<H>(
        &self,
        batch: &Self::Batch,
        record: &RecordCx<'_, S>,
        handler: &H,
    ) -> impl Future<Output = Result<T, RecordError>>
    where
        H: RecordHandler<S, Output = T>,
    {
        let _ = batch;
        handler.call(record)
    }

    /// Runs once after every record is done; may fail records after the fact with
    /// [`BatchReport::fail`]. An error fails the invocation.
    fn cleanup(
        &self,
        batch: Self::Batch,
        report: &mut BatchReport<S, T>,
    ) -> impl Future<Output = Result<(), BoxError>> {
        let _ = (batch, report);
        std::future::ready(Ok(()))
    }

    /// Builds the response from the report; by default [`BatchReport::into_response`], which
    /// fails the invocation when every record failed or a failed record has no identifier.
    fn response(&self, report: BatchReport<S, T>) -> Result<S::Response, BatchError> {
        report.into_response()
    }
}

/// The built-in processor: no preparation, calls the handler, no clean-up.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultProcessor;

#[diagnostic::do_not_recommend]
impl<S: BatchSource, T> Processor<S, T> for DefaultProcessor {
    type Batch = ();

    fn prepare(&self, _: &Context) -> impl Future<Output = Result<(), BoxError>> {
        std::future::ready(Ok(()))
    }
}

#[diagnostic::do_not_recommend]
impl<S: BatchSource, T, P: Processor<S, T>> Processor<S, T> for &P {
    type Batch = P::Batch;

    fn prepare(&self, context: &Context) -> impl Future<Output = Result<Self::Batch, BoxError>> {
        (**self).prepare(context)
    }

    fn process_record<H>(
        &self,
        batch: &Self::Batch,
        record: &RecordCx<'_, S>,
        handler: &H,
    ) -> impl Future<Output = Result<T, RecordError>>
    where
        H: RecordHandler<S, Output = T>,
    {
        (**self).process_record(batch, record, handler)
    }

    fn cleanup(
        &self,
        batch: Self::Batch,
        report: &mut BatchReport<S, T>,
    ) -> impl Future<Output = Result<(), BoxError>> {
        (**self).cleanup(batch, report)
    }

    fn response(&self, report: BatchReport<S, T>) -> Result<S::Response, BatchError> {
        (**self).response(report)
    }
}
