//! The rules that decide, when a record would start, whether it may: FIFO,
//! stop on first failure (per partition for Kafka) and the deadline guard.

use std::collections::HashSet;

use super::deadline::DeadlineGuard;
use super::fifo::FifoState;
use crate::error::{RecordError, SkipReason};

/// What the rules have seen so far in one batch.
#[derive(Debug)]
pub(crate) struct StartRules {
    fifo: FifoState,
    stop_on_first_failure: bool,
    /// Whether a failure stops only its ordering key (Kafka partitions).
    stop_per_key: bool,
    /// The lowest position that failed so far.
    lowest_failed: Option<usize>,
    /// The ordering keys stopped by a failure, when `stop_per_key`.
    stopped_keys: HashSet<String>,
    deadline: DeadlineGuard,
}

impl StartRules {
    pub(crate) fn new(
        fifo: FifoState,
        stop_on_first_failure: bool,
        stop_per_key: bool,
        deadline: DeadlineGuard,
    ) -> Self {
        Self {
            fifo,
            stop_on_first_failure,
            stop_per_key,
            lowest_failed: None,
            stopped_keys: HashSet::new(),
            deadline,
        }
    }

    /// The error of a record that must not start, or `None` when it may start.
    pub(crate) fn blocked(&self, position: usize, group: Option<&str>) -> Option<RecordError> {
        if self.after_failure(position) || self.key_stopped(group) {
            return Some(stop_error());
        }
        self.fifo.blocked(group).or_else(|| self.deadline.blocked())
    }

    /// Notes that the record at `position`, of FIFO message group `group`, failed.
    pub(crate) fn failed(&mut self, position: usize, group: Option<&str>) {
        self.fifo.failed(group);
        if self.stop_on_first_failure
            && self.stop_per_key
            && let Some(key) = group
            && !self.stopped_keys.contains(key)
        {
            self.stopped_keys.insert(key.to_owned());
        }
        if self.lowest_failed.is_none_or(|lowest| position < lowest) {
            self.lowest_failed = Some(position);
        }
    }

    /// Whether a record at `position` comes after a failure that stops the stream:
    /// such a record is reported even when it already ran. For Kafka a later record of the
    /// failed partition never ran (records of a key run one after another), so
    /// [`key_stopped`](Self::key_stopped) has refused it already.
    pub(crate) fn after_failure(&self, position: usize) -> bool {
        self.stop_on_first_failure
            && !self.stop_per_key
            && self.lowest_failed.is_some_and(|lowest| position > lowest)
    }

    /// Whether an earlier record of this ordering key failed and stops the key.
    fn key_stopped(&self, key: Option<&str>) -> bool {
        key.is_some_and(|key| self.stopped_keys.contains(key))
    }
}

/// The error of a record reported because an earlier record failed under `stop_on_first_failure`.
pub(crate) fn stop_error() -> RecordError {
    RecordError::skipped(SkipReason::EarlierRecordFailed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RecordErrorKind;
    use crate::processor::fifo::FifoPolicy;

    fn rules(stop_per_key: bool) -> StartRules {
        StartRules::new(
            FifoState::new(FifoPolicy::None),
            true,
            stop_per_key,
            DeadlineGuard::new(&lambda_runtime::Context::default(), None),
        )
    }

    #[test]
    fn a_failure_stops_the_whole_stream() {
        let mut rules = rules(false);
        rules.failed(1, Some("a"));
        assert!(rules.blocked(0, Some("a")).is_none());
        assert!(rules.blocked(2, Some("b")).is_some());
        assert!(rules.after_failure(2));
    }

    #[test]
    fn a_failure_stops_only_its_partition() {
        let mut rules = rules(true);
        rules.failed(1, Some("orders-0"));
        assert_eq!(
            rules.blocked(2, Some("orders-0")).unwrap().kind(),
            RecordErrorKind::Skipped(SkipReason::EarlierRecordFailed)
        );
        assert!(rules.blocked(3, Some("orders-1")).is_none());
        assert!(rules.blocked(4, None).is_none());
        assert!(!rules.after_failure(3));
    }
}
