//! The deadline guard: a record is not started when too little time is left.

use std::sync::Once;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lambda_runtime::Context;

use crate::error::{RecordError, RecordErrorKind};

/// The message of a record not started because the deadline is near.
pub const DEADLINE_APPROACHING: &str = "not started: deadline approaching";

/// 2001-01-01T00:00:00Z in milliseconds: an earlier deadline is not a real epoch time (the
/// `cargo lambda` emulator sends a duration, e.g. 600000, in `lambda-runtime-deadline-ms`).
const PLAUSIBLE_AFTER_MS: u64 = 978_307_200_000;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Time left before the invocation's deadline.
///
/// ```
/// use std::time::Duration;
/// use batch_core::DeadlineExt;
///
/// let context = batch_core::testing::test_context("orders");
/// let left = context.remaining().unwrap();
/// assert!(left > Duration::from_secs(14 * 60) && left <= Duration::from_secs(15 * 60));
///
/// // A deadline before 2001 is a duration sent by an emulator, not a time: no deadline.
/// let mut emulated = context.clone();
/// emulated.deadline = 600_000;
/// assert_eq!(emulated.remaining(), None);
/// ```
pub trait DeadlineExt {
    /// Time left before the deadline (zero once it has passed), or `None` when the context has
    /// no plausible deadline.
    fn remaining(&self) -> Option<Duration>;
}

impl DeadlineExt for Context {
    fn remaining(&self) -> Option<Duration> {
        (self.deadline >= PLAUSIBLE_AFTER_MS)
            .then(|| Duration::from_millis(self.deadline.saturating_sub(now_ms())))
    }
}

/// The guard of one invocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DeadlineGuard {
    /// The deadline in epoch milliseconds and the margin, when both apply.
    limit: Option<(u64, u64)>,
}

impl DeadlineGuard {
    /// A guard for this invocation. An implausible deadline (before 2001, or already passed
    /// when the invocation starts) counts as none.
    pub(crate) fn new(context: &Context, margin: Option<Duration>) -> Self {
        let Some(margin) = margin else {
            return Self { limit: None };
        };
        let now = now_ms();
        let deadline = context.deadline;
        if deadline < PLAUSIBLE_AFTER_MS || deadline <= now {
            return Self { limit: None };
        }
        let margin = margin.as_millis().min(u64::MAX as u128) as u64;
        if margin >= deadline - now {
            static WARN_ONCE: Once = Once::new();
            WARN_ONCE.call_once(|| {
                tracing::warn!(
                    margin_ms = margin,
                    remaining_ms = deadline - now,
                    "the deadline margin is at least the time the invocation has: no record will start"
                );
            });
        }
        Self {
            limit: Some((deadline, margin)),
        }
    }

    /// The error of a record that must not start now, or `None`.
    pub(crate) fn blocked(&self) -> Option<RecordError> {
        let (deadline, margin) = self.limit?;
        (deadline.saturating_sub(now_ms()) < margin)
            .then(|| RecordError::new(RecordErrorKind::NotStarted, DEADLINE_APPROACHING))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(deadline: u64) -> Context {
        let mut context = Context::default();
        context.deadline = deadline;
        context
    }

    #[test]
    fn blocks_when_less_than_the_margin_remains() {
        let guard = DeadlineGuard::new(&context(now_ms() + 500), Some(Duration::from_secs(1)));
        assert_eq!(guard.blocked().unwrap().to_string(), DEADLINE_APPROACHING);
        let guard = DeadlineGuard::new(&context(now_ms() + 60_000), Some(Duration::from_secs(1)));
        assert!(guard.blocked().is_none());
    }

    #[test]
    fn implausible_deadlines_count_as_none() {
        let margin = Some(Duration::from_secs(1));
        assert!(
            DeadlineGuard::new(&context(600_000), margin)
                .blocked()
                .is_none()
        );
        assert!(DeadlineGuard::new(&context(0), margin).blocked().is_none());
        assert!(
            DeadlineGuard::new(&context(now_ms() - 1_000), margin)
                .blocked()
                .is_none()
        );
    }

    #[test]
    fn no_margin_no_guard() {
        assert!(
            DeadlineGuard::new(&context(now_ms() + 1), None)
                .blocked()
                .is_none()
        );
    }
}
