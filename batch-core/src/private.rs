//! What `#[batch_handler]`'s expansion names: `batch_core::__private`. Not a public API; it
//! changes with the macro.
//!
//! The expansion names only paths under this module, so a user's crate needs no dependency
//! but `batch-core`.

pub use std::any::Any;
pub use std::future::Future;
use std::sync::OnceLock;

use futures::FutureExt as _;

use crate::error::BoxError;
use crate::hooks::RecordHooks;
use crate::processor::Processor;

pub use core::result::Result;
pub use std::process::ExitCode;
pub use std::time::Duration;

pub use lambda_runtime::LambdaEvent;

pub use crate::compact_event::CompactEvent;
pub use crate::error::{BatchError, RecordError};
pub use crate::event::BatchEvent;

/// batch-core's extractors that never read a record's own text, only its identifier, payload
/// and ordering field: a handler that takes only these gets a [`CompactEvent`]. `#[batch_handler]`
/// picks them by the names written; this checks that the names are batch-core's.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not batch-core's extractor of that name",
    label = "#[batch_handler] reads this name as batch-core's own extractor",
    note = "rename your type, or write its path so that its last segment is not `Json`, `NewImage`, `OldImage`, `State` or `Context`"
)]
pub trait PayloadOnly {}
impl<T> PayloadOnly for crate::Json<T> {}
impl<T> PayloadOnly for Option<crate::Json<T>> {}
impl<T> PayloadOnly for crate::NewImage<T> {}
impl<T> PayloadOnly for Option<crate::NewImage<T>> {}
impl<T> PayloadOnly for crate::OldImage<T> {}
impl<T> PayloadOnly for Option<crate::OldImage<T>> {}
impl<T> PayloadOnly for crate::State<T> {}
impl PayloadOnly for &lambda_runtime::Context {}

/// Compiles only for [`PayloadOnly`] types.
pub const fn payload_only<T: PayloadOnly>() {}
pub use crate::extract::FromRecord;
pub use crate::handler::{IntoRecordResult, RecordHandler};
pub use crate::processor::BatchProcessor;
pub use crate::record::RecordCx;
pub use crate::runtime::{start, start_with_init};
pub use crate::source::{BatchSource, DynamoDb, Kafka, Kinesis, Sqs};

/// The handler's state (`state = init`), built once per process.
///
/// `main` builds it before the first invocation (Lambda's init phase); `lambda_handler` awaits it
/// again, which is a no-op once it is built and builds it on the first call when a test calls
/// `lambda_handler` directly. Concurrent first calls build it once. An error is not kept: the
/// next call tries again.
///
/// The value lives for the rest of the process. A value tied to one tokio runtime (an SDK
/// client's connection pool) does not survive into another runtime, as each `#[tokio::test]`
/// has its own.
pub struct StateCell(tokio::sync::OnceCell<Box<dyn Any + Send + Sync>>);

impl StateCell {
    /// An empty cell, for a `static`.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self(tokio::sync::OnceCell::const_new())
    }

    /// The state, built by `init` the first time. `S` is the type the handler's `State<&S>`
    /// names, so a state function that builds another type (or is not `async`) is a compile
    /// error here, in the words of [`StateFn`].
    pub async fn get_or_init<S, F>(
        &'static self,
        init: F,
    ) -> Result<&'static (dyn Any + Send + Sync), BatchError>
    where
        S: Any + Send + Sync,
        F: StateFn<S>,
    {
        let state = self
            .0
            .get_or_try_init(|| async {
                match init.build().await {
                    Ok(state) => Ok(Box::new(state) as Box<dyn Any + Send + Sync>),
                    Err(e) => Err(BatchError::State(e.into())),
                }
            })
            .await?;
        // The value inside the box, not the box: `State<&S>` downcasts it to `S`.
        Ok(&**state)
    }

    /// Builds the state for `main`'s init phase: awaits `built`, the expansion's one call of
    /// [`get_or_init`](Self::get_or_init), so that a wrong state function is reported once.
    /// Its error stays a boxed [`BatchError::State`], so that a state function whose own error
    /// is a `BatchError` is still reported as the state's.
    pub async fn init(
        &'static self,
        built: impl Future<Output = Result<&'static (dyn Any + Send + Sync), BatchError>>,
    ) -> Result<(), BoxError> {
        built.await?;
        Ok(())
    }
}

/// What `state = ...` must name: an `async fn() -> Result<S, E>` with `E: Into<BoxError>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a state function that builds `{S}`",
    label = "`state = ...` needs an `async fn() -> Result<{S}, E>`",
    note = "the state function takes no arguments and is `async` (a plain `fn` becomes `async fn`); it returns `Result<{S}, E>` where `{S}` is the type the handler's `State<&{S}>` names and `E: Into<BoxError>`"
)]
pub trait StateFn<S> {
    /// The state function's error.
    type Error: Into<BoxError>;
    /// Runs the state function.
    fn build(self) -> impl Future<Output = Result<S, Self::Error>>;
}

#[diagnostic::do_not_recommend]
impl<S, F, Fut, E> StateFn<S> for F
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<S, E>>,
    E: Into<BoxError>,
{
    type Error = E;
    fn build(self) -> impl Future<Output = Result<S, E>> {
        self()
    }
}

/// A value built once per process on first use: the `hooks` and `processor` of
/// `#[batch_handler]`. Type-erased so that a `static` can hold a value of a type the macro
/// cannot name.
pub struct PerProcess(OnceLock<Box<dyn Any + Send + Sync>>);

impl PerProcess {
    /// An empty cell, for a `static`.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self(OnceLock::new())
    }

    /// The value, built by `build` on the first call. Every call site builds the same type:
    /// each expansion has its own `static`.
    pub fn get_or_init<T: Any + Send + Sync>(
        &'static self,
        build: impl FnOnce() -> T,
    ) -> &'static T {
        let value = self.0.get_or_init(|| Box::new(build()));
        match value.downcast_ref::<T>() {
            Some(value) => value,
            None => unreachable!("a `PerProcess` cell is built by one expression"),
        }
    }
}

/// Hooks for source `S` and success value `T`: what `hooks = ...` must give.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not hooks for {S} records",
    label = "`hooks = ...` needs a value implementing `RecordHooks<{S}, {T}>`",
    note = "`{T}` is what the handler returns on success; implement `batch_core::RecordHooks<{S}, {T}>` (or `impl<T> RecordHooks<{S}, T>`) for `{Self}`"
)]
pub trait Hooks<S: BatchSource, T>: RecordHooks<S, T> {}

#[diagnostic::do_not_recommend]
impl<S: BatchSource, T, K: RecordHooks<S, T> + ?Sized> Hooks<S, T> for K {}

/// A processor for source `S` and success value `T`: what `processor = ...` must give.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a processor for {S} records",
    label = "`processor = ...` needs a value implementing `Processor<{S}, {T}>`",
    note = "`{T}` is what the handler returns on success; implement `batch_core::Processor<{S}, {T}>` for `{Self}`"
)]
pub trait CheckedProcessor<S: BatchSource, T>: Processor<S, T> {}

#[diagnostic::do_not_recommend]
impl<S: BatchSource, T, P: Processor<S, T> + ?Sized> CheckedProcessor<S, T> for P {}

/// Checks, where the user wrote `hooks = ...`, that the value is hooks for this source and
/// this handler's success value. Returns them as a trait object so that a value that is not
/// hooks gives this one error, not a second one at `run`.
pub fn hooks<S, H, K>(
    hooks: &'static K,
    _handler: &H,
) -> &'static (dyn RecordHooks<S, H::Output> + Send + Sync)
where
    S: BatchSource,
    H: RecordHandler<S>,
    H::Output: 'static,
    K: Hooks<S, H::Output> + Send + Sync,
{
    hooks
}

/// Checks, where the user wrote `processor = ...`, that the value is a processor for this source
/// and this handler's success value.
pub fn processor<S, H, P>(processor: &'static P, _handler: &H) -> &'static P
where
    S: BatchSource,
    H: RecordHandler<S>,
    P: CheckedProcessor<S, H::Output>,
{
    processor
}

/// The handler function behind the generated [`RecordHandler`]: it extracts the parameters and
/// calls the function, whatever the function returns.
///
/// The return type is checked once, where [`Generated`] must be a [`RecordHandler`], so that a
/// return type that is not `()` or `Result<T, E>` is one compile error rather than one per use.
pub trait HandlerFn<S: BatchSource> {
    /// What the function returns.
    type Return;

    /// Extracts the parameters from the record and calls the function.
    fn call(
        &self,
        record: &RecordCx<'_, S>,
    ) -> impl Future<Output = Result<Self::Return, RecordError>>;
}

/// The generated handler: the function's return value becomes the record's result.
pub struct Generated<H>(pub H);

impl<S, H> RecordHandler<S> for Generated<H>
where
    S: BatchSource,
    H: HandlerFn<S>,
    H::Return: IntoRecordResult,
{
    type Output = <H::Return as IntoRecordResult>::Output;

    // A combinator rather than an `async fn`: each `async` layer keeps the future it awaits in
    // its own state, and every record's future is written and moved whole.
    fn call(
        &self,
        record: &RecordCx<'_, S>,
    ) -> impl Future<Output = Result<Self::Output, RecordError>> {
        self.0
            .call(record)
            .map(|returned| returned?.into_record_result())
    }
}

/// The exit status of the `main` that `#[batch_handler]` generates: a type of its own, so that
/// the expansion can check that the `main` of the module is the generated one.
pub struct GeneratedMain(pub ExitCode);

impl std::process::Termination for GeneratedMain {
    fn report(self) -> ExitCode {
        self.0
    }
}

/// What only the generated `main` returns.
#[diagnostic::on_unimplemented(
    message = "this module has its own `main`: add `entrypoint = false` to #[batch_handler]",
    label = "#[batch_handler] generates `main` unless `entrypoint = false`",
    note = "with `entrypoint = false` the macro generates `lambda_handler` only; your `main` can serve it with `batch_core::lambda_runtime::run(service_fn(lambda_handler))`"
)]
pub trait IsGeneratedMain {}

#[diagnostic::do_not_recommend]
impl IsGeneratedMain for GeneratedMain {}

/// Checks that `main` in the handler's module is the generated one, not the user's.
pub fn assert_generated_main<T: IsGeneratedMain>(_main: fn() -> T) {}

/// `main` of `#[batch_handler(concurrent_invocations)]`: serves concurrent invocations. The
/// expansion has no `cfg` of its own, so this macro is the switch: with the `concurrency-tokio`
/// feature it calls `start_concurrent_with_init`, without it it is an error that names the
/// feature, located where the user wrote `concurrent_invocations`.
#[cfg(feature = "concurrency-tokio")]
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_core_start_concurrent {
    ($handler:expr) => {
        $crate::runtime::start_concurrent($handler)
    };
    ($init:expr, $handler:expr) => {
        $crate::runtime::start_concurrent_with_init($init, $handler)
    };
}

/// `main` of `#[batch_handler(concurrent_invocations)]`: serves concurrent invocations. The
/// expansion has no `cfg` of its own, so this macro is the switch: with the `concurrency-tokio`
/// feature it calls `start_concurrent_with_init`, without it it is an error that names the
/// feature, located where the user wrote `concurrent_invocations`.
#[cfg(not(feature = "concurrency-tokio"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_core_start_concurrent {
    ($($arguments:tt)*) => {
        ::core::compile_error!(
            "`concurrent_invocations` needs the `concurrency-tokio` feature of batch-core: \
             enable it in Cargo.toml with `batch-core = { version = \"0.1\", features = [\"concurrency-tokio\"] }`"
        )
    };
}

pub use crate::__batch_core_start_concurrent as start_concurrent;

/// The SQS client of `#[batch_handler(delete_successes)]`, built once per process: by
/// `sqs_client = path` or from the environment. A client belongs to the tokio runtime that
/// built it.
#[cfg(feature = "sqs-api")]
pub struct SqsClientCell(tokio::sync::OnceCell<aws_sdk_sqs::Client>);

#[cfg(feature = "sqs-api")]
impl SqsClientCell {
    /// An empty cell, for a `static`.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self(tokio::sync::OnceCell::const_new())
    }

    /// The client, built by `init` the first time; an error is not kept, the next call tries
    /// again.
    pub async fn get_or_init<F, Fut, E>(
        &'static self,
        init: F,
    ) -> Result<aws_sdk_sqs::Client, BatchError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<aws_sdk_sqs::Client, E>>,
        E: Into<BoxError>,
    {
        let client = self
            .0
            .get_or_try_init(|| async { init().await.map_err(|e| BatchError::SqsClient(e.into())) })
            .await?;
        Ok(client.clone())
    }

    /// The client, built from the environment the first time.
    pub async fn from_env(&'static self) -> aws_sdk_sqs::Client {
        self.0
            .get_or_init(crate::sqs_api::client_from_env)
            .await
            .clone()
    }

    /// The generated `main`'s init phase: builds the client from the environment before the
    /// first invocation.
    pub async fn init_from_env(&'static self) -> Result<(), BoxError> {
        self.from_env().await;
        Ok(())
    }

    /// The generated `main`'s init phase: builds the client with `sqs_client = ...` before the
    /// first invocation; its error, a boxed [`BatchError::SqsClient`], is reported to Lambda as
    /// an init error of that type.
    pub async fn init<F, Fut, E>(&'static self, init: F) -> Result<(), BoxError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<aws_sdk_sqs::Client, E>>,
        E: Into<BoxError>,
    {
        self.get_or_init(init).await?;
        Ok(())
    }
}

/// The per-process cell of the SQS client of `delete_successes` and `retry_backoff`: a
/// `static` with the `sqs-api` feature, nothing without (the steps' macros then name the
/// feature).
#[cfg(feature = "sqs-api")]
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_core_sqs_client_cell {
    ($cell:ident) => {
        static $cell: $crate::__private::SqsClientCell = $crate::__private::SqsClientCell::new();
    };
}

/// The per-process cell of the SQS client of `delete_successes` and `retry_backoff`: a
/// `static` with the `sqs-api` feature, nothing without (the steps' macros then name the
/// feature).
#[cfg(not(feature = "sqs-api"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_core_sqs_client_cell {
    ($cell:ident) => {};
}

pub use crate::__batch_core_sqs_client_cell as sqs_client_cell;

/// The generated `main`'s init phase for the SQS client: a future of `Result<(), BoxError>`
/// that builds it (from `sqs_client = path` or the environment). Without the `sqs-api` feature
/// a future that does nothing (the steps' macros name the feature).
#[cfg(feature = "sqs-api")]
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_core_sqs_client_init {
    ($cell:ident) => {
        $cell.init_from_env()
    };
    ($cell:ident, $init:path) => {
        $cell.init($init)
    };
}

/// The generated `main`'s init phase for the SQS client: a future of `Result<(), BoxError>`
/// that builds it (from `sqs_client = path` or the environment). Without the `sqs-api` feature
/// a future that does nothing (the steps' macros name the feature).
#[cfg(not(feature = "sqs-api"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_core_sqs_client_init {
    ($($arguments:tt)*) => {
        ::core::future::ready(::core::result::Result::<(), $crate::BoxError>::Ok(()))
    };
}

pub use crate::__batch_core_sqs_client_init as sqs_client_init;

/// `delete_successes` of `#[batch_handler]`: adds the delete-successes mode to a processor. The
/// expansion has no `cfg` of its own, so this macro is the switch: with the `sqs-api` feature it
/// takes the client from the per-process cell (built by `main`'s init phase, or here on the
/// first call when a test calls `lambda_handler`), without it it is an error that names the
/// feature, located where the user wrote `delete_successes`.
#[cfg(feature = "sqs-api")]
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_core_delete_successes {
    ($processor:expr, $suppress:expr, $cell:ident) => {
        $processor
            .delete_successes($cell.from_env().await)
            .suppress_exception($suppress)
    };
    ($processor:expr, $suppress:expr, $cell:ident, $init:path) => {
        $processor
            .delete_successes($cell.get_or_init($init).await?)
            .suppress_exception($suppress)
    };
}

/// `delete_successes` of `#[batch_handler]`: adds the delete-successes mode to a processor. The
/// expansion has no `cfg` of its own, so this macro is the switch: with the `sqs-api` feature it
/// takes the client from the per-process cell (built by `main`'s init phase, or here on the
/// first call when a test calls `lambda_handler`), without it it is an error that names the
/// feature, located where the user wrote `delete_successes`.
#[cfg(not(feature = "sqs-api"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_core_delete_successes {
    ($($arguments:tt)*) => {
        ::core::compile_error!(
            "`delete_successes`, `suppress_exception` and `sqs_client` need the `sqs-api` feature of batch-core: \
             enable it in Cargo.toml with `batch-core = { version = \"0.1\", features = [\"sqs-api\"] }`"
        )
    };
}

pub use crate::__batch_core_delete_successes as delete_successes;

/// `retry_backoff = ...` of `#[batch_handler]`: adds retry backoff to a processor, with the
/// client of the per-process cell (the one `delete_successes` uses too). Without the `sqs-api` feature it is an error that
/// names the feature, located where the user wrote `retry_backoff`.
#[cfg(feature = "sqs-api")]
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_core_retry_backoff {
    ($processor:expr, $policy:expr, $cell:ident) => {
        $processor.retry_backoff($cell.from_env().await, $policy)
    };
    ($processor:expr, $policy:expr, $cell:ident, $init:path) => {
        $processor.retry_backoff($cell.get_or_init($init).await?, $policy)
    };
}

/// `retry_backoff = ...` of `#[batch_handler]`: adds retry backoff to a processor, with the
/// client of the per-process cell (the one `delete_successes` uses too). Without the `sqs-api` feature it is an error that
/// names the feature, located where the user wrote `retry_backoff`.
#[cfg(not(feature = "sqs-api"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __batch_core_retry_backoff {
    ($($arguments:tt)*) => {
        ::core::compile_error!(
            "`retry_backoff` needs the `sqs-api` feature of batch-core: \
             enable it in Cargo.toml with `batch-core = { version = \"0.1\", features = [\"sqs-api\"] }`"
        )
    };
}

pub use crate::__batch_core_retry_backoff as retry_backoff;
