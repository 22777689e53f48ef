//! Serving concurrent invocations (Lambda Managed Instances), with the `concurrency-tokio`
//! feature.
//!
//! The plain [`start`](super::start) never needs `Send`; only these functions ask for it, because
//! `lambda_runtime::run_concurrent` runs invocations on several tokio worker tasks at once.

use std::future::Future;
use std::process::ExitCode;

use lambda_runtime::LambdaEvent;
use serde::Serialize;

use super::launch;
use crate::error::{BatchError, BoxError};
use crate::event::HandlerEvent;

/// Like [`start`](super::start), but under Lambda serves concurrent invocations with
/// `lambda_runtime::run_concurrent`: as many at once as `AWS_LAMBDA_MAX_CONCURRENCY` says (one
/// at a time when it is unset, as on classic Lambda). Local invoke is unchanged.
///
/// The handler is cloned into each worker, so it must be `Clone + Send + 'static` and its
/// future `Send + 'static`. `#[batch_handler(concurrent_invocations)]` calls this.
///
/// ```no_run
/// use batch_core::{BatchError, BatchEvent, BatchProcessor, LambdaEvent, RecordCx, handler_fn};
/// use batch_core::aws_lambda_events::sqs::SqsBatchResponse;
/// use batch_core::source::Sqs;
///
/// async fn lambda_handler(event: LambdaEvent<BatchEvent>) -> Result<SqsBatchResponse, BatchError> {
///     let handler = handler_fn(|record: &RecordCx<'_, Sqs>| {
///         tracing::info!(id = record.id(), "processing");
///     });
///     BatchProcessor::<Sqs>::new().run(event, &handler).await
/// }
///
/// fn main() -> std::process::ExitCode {
///     batch_core::runtime::start_concurrent(lambda_handler)
/// }
/// ```
pub fn start_concurrent<F, E, Fut, R>(handler: F) -> ExitCode
where
    F: Fn(LambdaEvent<E>) -> Fut + Clone + Send + 'static,
    E: HandlerEvent,
    Fut: Future<Output = Result<R, BatchError>> + Send + 'static,
    R: Serialize + Send + 'static,
{
    start_concurrent_with_init(async { Ok(()) }, handler)
}

/// Like [`start_concurrent`], but first awaits `init` once, before the first invocation, as
/// [`start_with_init`](super::start_with_init) does.
pub fn start_concurrent_with_init<I, F, E, Fut, R>(init: I, handler: F) -> ExitCode
where
    I: Future<Output = Result<(), BoxError>>,
    F: Fn(LambdaEvent<E>) -> Fut + Clone + Send + 'static,
    E: HandlerEvent,
    Fut: Future<Output = Result<R, BatchError>> + Send + 'static,
    R: Serialize + Send + 'static,
{
    launch(init, handler, |handler| {
        lambda_runtime::run_concurrent(lambda_runtime::service_fn(handler))
    })
}
