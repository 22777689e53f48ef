//! The per-record time limit of [`BatchProcessor::record_timeout`](crate::BatchProcessor::record_timeout).

use std::sync::Once;
use std::time::Duration;

/// Runs `future` for at most `limit`: `Err(limit)` when it was still running then, and it is
/// dropped, which cancels it. Without a limit, or outside a tokio runtime (whose timer keeps the
/// limit; Lambda's runtime is one), it runs to its end; the latter is logged once.
pub(crate) async fn within<F: Future>(
    limit: Option<Duration>,
    future: F,
) -> Result<F::Output, Duration> {
    let Some(limit) = limit else {
        return Ok(future.await);
    };
    if tokio::runtime::Handle::try_current().is_err() {
        static WARNED: Once = Once::new();
        WARNED.call_once(|| {
            tracing::warn!(
                "record_timeout needs a tokio runtime to keep its limit; records run to their end"
            );
        });
        return Ok(future.await);
    }
    tokio::time::timeout(limit, future).await.map_err(|_| limit)
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
}
