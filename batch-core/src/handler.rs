//! [`RecordHandler`]: the per-record function the processor runs.

use std::future::{Future, ready};

use crate::error::{BoxError, RecordError};
use crate::record::RecordCx;
use crate::source::BatchSource;

/// Handles one record. `#[batch_handler]` implements it for your function; without the macro,
/// implement it on a type of yours (its `call` may be an `async fn`) or wrap a closure in
/// [`handler_fn`].
///
/// ```
/// use batch_core::{BatchProcessor, Json, RecordCx, RecordError, RecordHandler};
/// use batch_core::source::Sqs;
/// use batch_core::testing::event_from_str;
///
/// struct ChargeOrder;
///
/// impl RecordHandler<Sqs> for ChargeOrder {
///     type Output = u64;
///
///     async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<u64, RecordError> {
///         let Json(cents) = record.extract::<Json<u64>>()?;
///         tokio::task::yield_now().await;
///         if cents == 0 { return Err(RecordError::handler("nothing to charge")) }
///         Ok(cents)
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let event = event_from_str(r#"{"Records": [
///     {"messageId": "1", "body": "250"}, {"messageId": "2", "body": "0"}
/// ]}"#);
/// let response = BatchProcessor::<Sqs>::new().run(event, &ChargeOrder).await.unwrap();
/// assert_eq!(response.batch_item_failures.len(), 1);
/// assert_eq!(response.batch_item_failures[0].item_identifier, "2");
/// # });
/// ```
pub trait RecordHandler<S: BatchSource> {
    /// What a successful record yields, seen by hooks and in the [`BatchReport`](crate::BatchReport).
    type Output;

    /// Handles one record. An `Err` (or a panic) fails this record only.
    fn call(
        &self,
        record: &RecordCx<'_, S>,
    ) -> impl Future<Output = Result<Self::Output, RecordError>>;
}

impl<S: BatchSource, H: RecordHandler<S>> RecordHandler<S> for &H {
    type Output = H::Output;

    fn call(
        &self,
        record: &RecordCx<'_, S>,
    ) -> impl Future<Output = Result<Self::Output, RecordError>> {
        (**self).call(record)
    }
}

/// What a handler may return: `()` or `Result<T, E>` with `E: Into<BoxError>`.
///
/// ```
/// use batch_core::IntoRecordResult;
///
/// assert!(().into_record_result().is_ok());
/// assert_eq!(Ok::<_, String>(5).into_record_result().unwrap(), 5);
/// let failed = Err::<(), _>("out of stock").into_record_result().unwrap_err();
/// assert_eq!(failed.to_string(), "out of stock");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a return type a batch handler can have",
    label = "return `()` or `Result<T, E>`",
    note = "a batch handler returns `()` or `Result<T, E>` where `E: Into<BoxError>` (any `std::error::Error + Send + Sync`, `String`, `&str`, or `anyhow::Error`)"
)]
pub trait IntoRecordResult {
    /// The success value.
    type Output;
    /// Converts the handler's return value into the record's result.
    fn into_record_result(self) -> Result<Self::Output, RecordError>;
}

#[diagnostic::do_not_recommend]
impl IntoRecordResult for () {
    type Output = ();
    fn into_record_result(self) -> Result<(), RecordError> {
        Ok(())
    }
}

#[diagnostic::do_not_recommend]
impl<T, E: Into<BoxError>> IntoRecordResult for Result<T, E> {
    type Output = T;
    fn into_record_result(self) -> Result<T, RecordError> {
        self.map_err(RecordError::handler)
    }
}

/// A handler made of a synchronous closure; see [`handler_fn`].
#[derive(Debug, Clone, Copy)]
pub struct FnHandler<F>(F);

/// Wraps a synchronous closure that handles one record: it returns `()` or `Result<T, E>` with
/// `E: Into<BoxError>`. For async work implement [`RecordHandler`] on a type of yours.
///
/// ```
/// use batch_core::{BatchProcessor, RecordCx, handler_fn};
/// use batch_core::source::Kinesis;
/// use batch_core::testing::event_from_str;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handler = handler_fn(|record: &RecordCx<'_, Kinesis>| {
///     if record.position() == 1 { Err("second record fails") } else { Ok(()) }
/// });
/// let event = event_from_str(r#"{"Records": [
///     {"eventSource": "aws:kinesis", "kinesis": {"sequenceNumber": "10", "data": ""}},
///     {"eventSource": "aws:kinesis", "kinesis": {"sequenceNumber": "11", "data": ""}}
/// ]}"#);
/// let response = BatchProcessor::<Kinesis>::new().run(event, &handler).await.unwrap();
/// assert_eq!(response.batch_item_failures[0].item_identifier.as_deref(), Some("11"));
/// # });
/// ```
pub fn handler_fn<F>(f: F) -> FnHandler<F> {
    FnHandler(f)
}

impl<S, F, R> RecordHandler<S> for FnHandler<F>
where
    S: BatchSource,
    F: Fn(&RecordCx<'_, S>) -> R,
    R: IntoRecordResult,
{
    type Output = R::Output;

    fn call(
        &self,
        record: &RecordCx<'_, S>,
    ) -> impl Future<Output = Result<Self::Output, RecordError>> {
        ready((self.0)(record).into_record_result())
    }
}
