//! `MaybeSend`: `Send` exactly when the `concurrency-tokio` feature needs it.
//!
//! Without the feature a handler future may hold `!Send` values (an `Rc`, a `RefCell` guard) across
//! an `.await`; with it, `lambda_runtime::run_concurrent` moves invocations across threads, so the
//! futures of handlers and processors must be `Send`.

/// Implemented by every type, or with the `concurrency-tokio` feature by every `Send` type.
#[cfg(not(feature = "concurrency-tokio"))]
pub trait MaybeSend {}
#[cfg(not(feature = "concurrency-tokio"))]
impl<T: ?Sized> MaybeSend for T {}

/// Implemented by every type, or with the `concurrency-tokio` feature by every `Send` type.
#[cfg(feature = "concurrency-tokio")]
pub trait MaybeSend: Send {}
#[cfg(feature = "concurrency-tokio")]
impl<T: ?Sized + Send> MaybeSend for T {}
