//! Glue to `lambda_runtime`: [`start`] serves the Lambda Runtime API when
//! `AWS_LAMBDA_RUNTIME_API` is set, and runs local invoke otherwise.
//!
//! Local invoke makes the binary a command-line tool: `BIN EVENT.json` (or `BIN -`, or
//! `BIN < EVENT.json`) runs the handler once on that event and prints the response as one line
//! of JSON on stdout (exit 0), or `Error: ` and the message on stderr (exit 1). Logs go to
//! stderr. `BIN --help` prints usage. The handler gets a test context whose deadline is 15
//! minutes ahead, or [`REMAINING_MS_VAR`] (`LAMBDA_BATCH_REMAINING_MS`) milliseconds ahead when
//! that variable is set, so that the deadline guard (`deadline_margin_ms`) can be tried locally:
//! `LAMBDA_BATCH_REMAINING_MS=1900 BIN EVENT.json`. An invalid value is an `Error:` (exit 1).

#[cfg(feature = "concurrency-tokio")]
mod concurrent;
mod init_error;
mod local;

use std::future::Future;
use std::process::ExitCode;

use lambda_runtime::LambdaEvent;
use serde::Serialize;

use crate::error::{BatchError, BoxError};
use crate::event::HandlerEvent;

#[cfg(feature = "concurrency-tokio")]
pub use concurrent::{start_concurrent, start_concurrent_with_init};

/// The environment variable Lambda sets to the Runtime API's address.
pub const RUNTIME_API_VAR: &str = "AWS_LAMBDA_RUNTIME_API";

/// The environment variable that sets local invoke's remaining time, in milliseconds (a whole
/// number from 1 up; 15 minutes when unset). Lambda never reads it: deployed, the deadline is
/// Lambda's.
///
/// ```sh
/// LAMBDA_BATCH_REMAINING_MS=2900 cargo run --bin deadline -- examples/events/deadline.json
/// ```
///
/// ```
/// assert_eq!(batch_core::runtime::REMAINING_MS_VAR, "LAMBDA_BATCH_REMAINING_MS");
/// ```
pub const REMAINING_MS_VAR: &str = "LAMBDA_BATCH_REMAINING_MS";

/// Runs a `lambda_handler`: under Lambda (`AWS_LAMBDA_RUNTIME_API` set) the `lambda_runtime`
/// loop, otherwise local invoke on the event named on the command line. Sets up `tracing`
/// (honouring `AWS_LAMBDA_LOG_LEVEL` and `RUST_LOG`) unless a subscriber is already set.
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
///     batch_core::runtime::start(lambda_handler)
/// }
/// ```
pub fn start<F, E, Fut, R>(handler: F) -> ExitCode
where
    F: HandlerFn<E, Fut, R>,
    E: HandlerEvent,
    Fut: HandlerFuture<R>,
    R: Serialize + Send + 'static,
{
    start_with_init(async { Ok(()) }, handler)
}

/// Like [`start`], but first awaits `init` (e.g. building shared state) once, before the first
/// invocation: Lambda's init phase. Under Lambda an init error is posted to the Runtime API's
/// `/runtime/init/error` and the process exits non-zero without asking for an event; in local
/// invoke it is printed as `Error: ...` with exit status 1. An error that is a boxed
/// [`BatchError`] is reported as itself (`SqsClientInitError` for the SQS client of
/// `sqs_client = ...`); any other is the state's (`StateInitError`, the message naming the
/// cause).
pub fn start_with_init<I, F, E, Fut, R>(init: I, handler: F) -> ExitCode
where
    I: Future<Output = Result<(), BoxError>>,
    F: HandlerFn<E, Fut, R>,
    E: HandlerEvent,
    Fut: HandlerFuture<R>,
    R: Serialize + Send + 'static,
{
    launch(init, handler, |handler| {
        lambda_runtime::run(lambda_runtime::service_fn(handler))
    })
}

/// Sets up tracing and the tokio runtime, then serves invocations with `run_loop` under Lambda,
/// or runs local invoke otherwise.
fn launch<I, F, E, Fut, R, L, LoopFut>(init: I, handler: F, run_loop: L) -> ExitCode
where
    I: Future<Output = Result<(), BoxError>>,
    F: HandlerFn<E, Fut, R>,
    E: HandlerEvent,
    Fut: HandlerFuture<R>,
    R: Serialize + Send + 'static,
    L: FnOnce(F) -> LoopFut,
    LoopFut: Future<Output = Result<(), lambda_runtime::Error>>,
{
    let under_lambda = std::env::var_os(RUNTIME_API_VAR).is_some();
    if under_lambda {
        init_tracing(std::io::stdout);
    } else {
        // stdout carries the one JSON line of local invoke: logs must not corrupt it.
        init_tracing(std::io::stderr);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("Error: cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        if under_lambda {
            serve(init, handler, run_loop).await
        } else {
            local::invoke(init, handler).await
        }
    })
}

async fn serve<I, F, L, LoopFut>(init: I, handler: F, run_loop: L) -> ExitCode
where
    I: Future<Output = Result<(), BoxError>>,
    L: FnOnce(F) -> LoopFut,
    LoopFut: Future<Output = Result<(), lambda_runtime::Error>>,
{
    if let Err(e) = init.await {
        let error = init_failure(e);
        tracing::error!(error = %error, "init failed");
        if let Err(e) = init_error::report(&error).await {
            tracing::error!(error = %e, "the init error could not be reported to the Runtime API");
        }
        eprintln!("Error: {error}");
        return ExitCode::FAILURE;
    }
    match run_loop(handler).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the Lambda runtime loop stopped");
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What a failed init phase reports: the framework's own init steps fail with a boxed
/// [`BatchError`] that names what could not be built; any other error is the state's.
fn init_failure(e: BoxError) -> BatchError {
    match e.downcast::<BatchError>() {
        Ok(error) => *error,
        Err(e) => BatchError::State(e),
    }
}

/// Sets up the default `tracing` subscriber once, unless the program already set one.
fn init_tracing<W>(writer: W)
where
    W: for<'w> lambda_runtime::tracing::subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    if !tracing::dispatcher::has_been_set() {
        lambda_runtime::tracing::init_default_subscriber_with_writer(writer);
    }
}

/// A `lambda_handler` function: takes the event, returns the response or a [`BatchError`].
///
/// Its future need not be `Send`: invocations are served one at a time on the thread that
/// started them. `start_concurrent` (feature `concurrency-tokio`) asks for more.
pub trait HandlerFn<E, Fut, R>: Fn(LambdaEvent<E>) -> Fut {}
impl<F: Fn(LambdaEvent<E>) -> Fut, E, Fut, R> HandlerFn<E, Fut, R> for F {}

/// The future of a `lambda_handler`.
pub trait HandlerFuture<R>: Future<Output = Result<R, BatchError>> {}
impl<T: Future<Output = Result<R, BatchError>>, R> HandlerFuture<R> for T {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_init_error_of_the_framework_keeps_its_type_and_any_other_is_the_states() {
        let client = init_failure(Box::new(BatchError::SqsClient("no region".into())));
        assert_eq!(client.error_type(), "SqsClientInitError");
        assert_eq!(
            client.to_string(),
            "the SQS client could not be built: no region"
        );

        let state = init_failure("catalog missing".into());
        assert_eq!(state.error_type(), "StateInitError");
        assert_eq!(
            state.to_string(),
            "handler state could not be built: catalog missing"
        );
    }

    #[tokio::test]
    async fn a_state_whose_own_error_is_a_batch_error_is_still_the_states() {
        static CELL: crate::__private::StateCell = crate::__private::StateCell::new();
        let own = BatchError::SqsClient("made by the state function".into());
        let built = CELL.get_or_init(|| async { Err::<u8, _>(own) });
        let error = init_failure(CELL.init(built).await.unwrap_err());
        assert_eq!(error.error_type(), "StateInitError");
        assert_eq!(
            error.to_string(),
            "handler state could not be built: the SQS client could not be built: made by the state function"
        );
    }
}
