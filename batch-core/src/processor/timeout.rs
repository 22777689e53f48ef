//! The per-record time limit of [`BatchProcessor::record_timeout`](crate::BatchProcessor::record_timeout).

use std::panic::AssertUnwindSafe;
use std::sync::Once;
use std::time::Duration;

use futures::FutureExt as _;
use futures::future::Either;

/// Runs `future` for at most `limit`: `Err(limit)` when it was still running then, and it is
/// dropped, which cancels it. Without a limit it runs to its end; so it does, logged once, where
/// the limit cannot be kept: outside a tokio runtime, or in one built without timers (Lambda's
/// runtime has them).
///
/// Not an `async fn`: that would keep `future` twice in its state (as the argument, and as the
/// future it awaits), and every record's future is written and moved whole.
pub(crate) fn within<F: Future>(
    limit: Option<Duration>,
    future: F,
) -> impl Future<Output = Result<F::Output, Duration>> {
    match limit {
        None => Either::Left(future.map(Ok)),
        // Boxed so that a record without a limit does not carry room for a timer in its future.
        Some(limit) => Either::Right(Box::pin(limited(limit, future))),
    }
}

async fn limited<F: Future>(limit: Duration, future: F) -> Result<F::Output, Duration> {
    // tokio panics when a timer is made in a runtime without timers: that panic is the only
    // way to tell, so it is caught here rather than failing the record.
    let timer = tokio::runtime::Handle::try_current().ok().and_then(|_| {
        std::panic::catch_unwind(AssertUnwindSafe(|| tokio::time::sleep(limit))).ok()
    });
    let Some(timer) = timer else {
        static WARNED: Once = Once::new();
        WARNED.call_once(|| {
            tracing::warn!(
                "record_timeout needs a tokio runtime with timers to keep its limit; records run \
                 to their end"
            );
        });
        return Ok(future.await);
    };
    tokio::select! {
        biased;
        output = future => Ok(output),
        () = timer => Err(limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_future_past_its_limit_is_cancelled() {
        let result = within(
            Some(Duration::from_millis(30)),
            std::future::pending::<()>(),
        )
        .await;
        assert_eq!(result, Err(Duration::from_millis(30)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_future_within_its_limit_gives_its_output() {
        let sleeps = async {
            tokio::time::sleep(Duration::from_millis(29)).await;
            7
        };
        assert_eq!(within(Some(Duration::from_millis(30)), sleeps).await, Ok(7));
    }

    #[test]
    fn without_a_tokio_runtime_the_future_runs_to_its_end() {
        let slow = async { 7 };
        let result = futures::executor::block_on(within(Some(Duration::ZERO), slow));
        assert_eq!(result, Ok(7));
    }

    #[test]
    fn in_a_runtime_without_timers_the_future_runs_to_its_end() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let result = runtime.block_on(within(Some(Duration::from_millis(1)), async { 7 }));
        assert_eq!(result, Ok(7));
    }
}
