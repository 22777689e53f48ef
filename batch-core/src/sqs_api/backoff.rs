//! The retry backoff policy (R18): how long a failed message stays invisible, from its
//! `ApproximateReceiveCount`.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How long a message that failed stays invisible before SQS delivers it again (R18), from how
/// many times it was received: `base × 2^(count − 1)`, capped at `max` and at
/// [`RetryBackoff::CEILING`] (11 h 30 min).
///
/// Used with [`BatchProcessor::retry_backoff`](crate::BatchProcessor::retry_backoff) or
/// `#[batch_handler(retry_backoff = ...)]`: before the response is returned, each record that ran
/// and failed gets its visibility timeout set with `ChangeMessageVisibilityBatch`, so it comes
/// back after 30 s, 60 s, 120 s ... instead of after the queue's fixed timeout.
///
/// ```
/// use std::time::Duration;
/// use batch_core::sqs_api::RetryBackoff;
///
/// let policy = RetryBackoff::exponential(Duration::from_secs(30), Duration::from_secs(3600));
/// assert_eq!(policy.delay(Some(1)), Duration::from_secs(30));
/// assert_eq!(policy.delay(Some(2)), Duration::from_secs(60));
/// assert_eq!(policy.delay(Some(3)), Duration::from_secs(120));
/// assert_eq!(policy.delay(Some(8)), Duration::from_secs(3600)); // 3840 s, capped at max
/// assert_eq!(policy.delay(None), Duration::from_secs(30)); // no count: the first delivery
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBackoff {
    base: Duration,
    max: Duration,
    jitter: bool,
}

impl RetryBackoff {
    /// The longest delay any policy gives: SQS refuses a visibility timeout that ends more than
    /// 12 hours after the message was received, and the receive happened up to ~20 minutes
    /// before the handler runs.
    ///
    /// ```
    /// use std::time::Duration;
    /// use batch_core::sqs_api::RetryBackoff;
    ///
    /// assert_eq!(RetryBackoff::CEILING, Duration::from_secs(11 * 3600 + 30 * 60));
    /// let policy = RetryBackoff::exponential(Duration::from_secs(3600), Duration::from_secs(24 * 3600));
    /// assert_eq!(policy.delay(Some(10)), RetryBackoff::CEILING);
    /// ```
    pub const CEILING: Duration = Duration::from_secs(11 * 3600 + 30 * 60);

    /// Exponential backoff: `base` after the first delivery, doubling with each later one, never
    /// more than `max` (nor [`CEILING`](Self::CEILING)). Without jitter, so every message with the
    /// same receive count gets the same delay.
    ///
    /// ```
    /// use std::time::Duration;
    /// use batch_core::sqs_api::RetryBackoff;
    ///
    /// let policy = RetryBackoff::exponential(Duration::from_secs(2), Duration::from_secs(10));
    /// let delays: Vec<u64> = (1..=5).map(|n| policy.delay(Some(n)).as_secs()).collect();
    /// assert_eq!(delays, [2, 4, 8, 10, 10]);
    /// ```
    pub const fn exponential(base: Duration, max: Duration) -> Self {
        Self {
            base,
            max,
            jitter: false,
        }
    }

    /// Spreads the delays of messages that failed together: each gets a delay drawn evenly
    /// between half the computed delay and all of it ("equal jitter"), so it still grows with
    /// the receive count.
    ///
    /// ```
    /// use std::time::Duration;
    /// use batch_core::sqs_api::RetryBackoff;
    ///
    /// let policy = RetryBackoff::exponential(Duration::from_secs(40), Duration::from_secs(600)).with_jitter();
    /// for _ in 0..100 {
    ///     let delay = policy.delay(Some(2)); // 80 s without jitter
    ///     assert!(delay >= Duration::from_secs(40) && delay <= Duration::from_secs(80));
    /// }
    /// ```
    pub const fn with_jitter(mut self) -> Self {
        self.jitter = true;
        self
    }

    /// The delay for a message received `receive_count` times (its `ApproximateReceiveCount`):
    /// `base × 2^(count − 1)`, capped. A count of `0` or none counts as `1`; a count so large that
    /// the product overflows gives the cap.
    ///
    /// ```
    /// use std::time::Duration;
    /// use batch_core::sqs_api::RetryBackoff;
    ///
    /// let policy = RetryBackoff::exponential(Duration::from_secs(1), Duration::from_secs(60));
    /// assert_eq!(policy.delay(Some(0)), Duration::from_secs(1));
    /// assert_eq!(policy.delay(Some(u32::MAX)), Duration::from_secs(60));
    /// ```
    pub fn delay(&self, receive_count: Option<u32>) -> Duration {
        let exponent = receive_count.unwrap_or(1).max(1) - 1;
        let cap = self.max.min(Self::CEILING);
        let delay = 2u32
            .checked_pow(exponent)
            .and_then(|factor| self.base.checked_mul(factor))
            .map_or(cap, |delay| delay.min(cap));
        if self.jitter {
            let half = delay / 2;
            half + half.mul_f64(random_fraction())
        } else {
            delay
        }
    }

    /// The visibility timeout to set, in whole seconds (what SQS takes): the delay rounded up.
    pub(crate) fn visibility_timeout_secs(&self, receive_count: Option<u32>) -> i32 {
        let delay = self.delay(receive_count);
        let secs = delay.as_secs() + u64::from(delay.subsec_nanos() > 0);
        // At most CEILING (41,400 s), so it fits.
        i32::try_from(secs.min(Self::CEILING.as_secs())).unwrap_or(i32::MAX)
    }
}

/// A number in `[0, 1)`, different on each call: from the standard library's randomly keyed
/// hasher, which is enough to spread retries and needs no dependency.
fn random_fraction() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn doubles_from_base_with_each_receive() {
        let policy = RetryBackoff::exponential(secs(30), secs(100_000));
        let delays: Vec<_> = (1..=6).map(|n| policy.delay(Some(n))).collect();
        assert_eq!(
            delays,
            [
                secs(30),
                secs(60),
                secs(120),
                secs(240),
                secs(480),
                secs(960)
            ]
        );
    }

    #[test]
    fn a_count_of_zero_or_none_is_the_first_delivery() {
        let policy = RetryBackoff::exponential(secs(7), secs(100));
        assert_eq!(policy.delay(Some(0)), secs(7));
        assert_eq!(policy.delay(None), secs(7));
    }

    #[test]
    fn is_capped_at_max() {
        let policy = RetryBackoff::exponential(secs(30), secs(100));
        assert_eq!(policy.delay(Some(3)), secs(100));
        assert_eq!(policy.delay(Some(4)), secs(100));
    }

    #[test]
    fn is_capped_at_eleven_and_a_half_hours_whatever_max_says() {
        let policy = RetryBackoff::exponential(secs(3600), secs(48 * 3600));
        assert_eq!(policy.delay(Some(4)), secs(8 * 3600));
        assert_eq!(policy.delay(Some(5)), secs(41_400));
        assert_eq!(policy.visibility_timeout_secs(Some(5)), 41_400);
        let base_past_ceiling = RetryBackoff::exponential(secs(50_000), secs(60_000));
        assert_eq!(base_past_ceiling.delay(Some(1)), secs(41_400));
    }

    #[test]
    fn huge_counts_and_bases_give_the_cap_without_overflow() {
        let policy = RetryBackoff::exponential(secs(1), secs(600));
        for count in [32, 33, 64, 65, 1_000, u32::MAX] {
            assert_eq!(policy.delay(Some(count)), secs(600), "count {count}");
        }
        let huge_base = RetryBackoff::exponential(Duration::MAX, Duration::MAX);
        assert_eq!(huge_base.delay(Some(2)), secs(41_400));
        assert_eq!(huge_base.visibility_timeout_secs(Some(u32::MAX)), 41_400);
    }

    #[test]
    fn the_timeout_is_the_delay_rounded_up_to_whole_seconds() {
        let policy = RetryBackoff::exponential(Duration::from_millis(1_500), secs(60));
        assert_eq!(policy.visibility_timeout_secs(Some(1)), 2);
        assert_eq!(policy.visibility_timeout_secs(Some(2)), 3);
        let zero = RetryBackoff::exponential(Duration::ZERO, secs(60));
        assert_eq!(zero.visibility_timeout_secs(Some(3)), 0);
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_delay_and_varies() {
        let policy = RetryBackoff::exponential(secs(100), secs(1_000)).with_jitter();
        let delays: Vec<_> = (0..200).map(|_| policy.delay(Some(2))).collect();
        assert!(delays.iter().all(|d| *d >= secs(100) && *d <= secs(200)));
        let first = delays[0];
        assert!(delays.iter().any(|d| *d != first), "jitter never varied");
    }
}
