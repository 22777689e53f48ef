//! [`RecordHooks`]: called on every success and every failure.

use crate::error::RecordError;
use crate::record::RecordCx;
use crate::source::BatchSource;

/// Called on every record's success and failure, e.g. to count metrics.
///
/// The failure hook also sees records that never ran: those skipped by a FIFO rule, the deadline
/// guard or stop-on-first-failure, and those whose extractor failed. Each record reaches exactly
/// one hook, the one that agrees with the report: under `stop_on_first_failure` with
/// `concurrency > 1` the success hooks run at the end of the batch, because a record that
/// succeeded is reported as failed when a record before it fails later. Hooks are synchronous
/// and should be quick; a hook that panics is logged and does not change the record's outcome.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use batch_core::{BatchProcessor, RecordCx, RecordError, RecordHooks, handler_fn};
/// use batch_core::source::Sqs;
/// use batch_core::testing::event_from_str;
///
/// #[derive(Default)]
/// struct Counts { ok: AtomicUsize, failed: AtomicUsize }
///
/// impl<T> RecordHooks<Sqs, T> for Counts {
///     fn on_success(&self, _: &RecordCx<'_, Sqs>, _: &T) {
///         self.ok.fetch_add(1, Ordering::Relaxed);
///     }
///     fn on_failure(&self, _: &RecordCx<'_, Sqs>, _: &RecordError) {
///         self.failed.fetch_add(1, Ordering::Relaxed);
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let counts = Counts::default();
/// let processor = BatchProcessor::<Sqs>::new().with_hooks(&counts);
/// let handler = handler_fn(|r: &RecordCx<'_, Sqs>| if r.position() == 0 { Err("no") } else { Ok(()) });
/// let event = event_from_str(r#"{"Records": [{"messageId": "a"}, {"messageId": "b"}]}"#);
/// processor.run(event, &handler).await.unwrap();
/// assert_eq!(counts.ok.load(Ordering::Relaxed), 1);
/// assert_eq!(counts.failed.load(Ordering::Relaxed), 1);
/// # });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the hooks of a batch handler of {S} records whose success value is `{T}`",
    label = "not `RecordHooks<{S}, {T}>`",
    note = "hooks implement `batch_core::RecordHooks<S, T>` for the handler's source and success value (or for every `T`)"
)]
pub trait RecordHooks<S: BatchSource, T> {
    /// A record succeeded with `value`.
    fn on_success(&self, record: &RecordCx<'_, S>, value: &T) {
        let _ = (record, value);
    }

    /// A record failed, ran or not.
    fn on_failure(&self, record: &RecordCx<'_, S>, error: &RecordError) {
        let _ = (record, error);
    }
}

/// No hooks: the processor's default.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHooks;

#[diagnostic::do_not_recommend]
impl<S: BatchSource, T> RecordHooks<S, T> for NoHooks {}

#[diagnostic::do_not_recommend]
impl<S: BatchSource, T, K: RecordHooks<S, T> + ?Sized> RecordHooks<S, T> for &K {
    fn on_success(&self, record: &RecordCx<'_, S>, value: &T) {
        (**self).on_success(record, value)
    }

    fn on_failure(&self, record: &RecordCx<'_, S>, error: &RecordError) {
        (**self).on_failure(record, error)
    }
}
