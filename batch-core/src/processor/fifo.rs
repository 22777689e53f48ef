//! FIFO ordering rules: stop at the first failure, or skip the rest of a failed message
//! group. Each decision is made when a record would start.

use std::collections::HashSet;

use crate::error::{RecordError, SkipReason};

/// How an SQS FIFO batch treats the records after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FifoPolicy {
    /// Not a FIFO batch: every record runs.
    #[default]
    None,
    /// At the first failure stop: every later record fails without running.
    StopOnFirstFailure,
    /// After a failure in message group G, every later record of G fails without running;
    /// other groups go on.
    SkipGroupOnError,
}

/// What the rules have seen so far in one batch.
#[derive(Debug, Default)]
pub(crate) struct FifoState {
    policy: FifoPolicy,
    stopped: bool,
    failed_groups: HashSet<String>,
}

impl FifoState {
    pub(crate) fn new(policy: FifoPolicy) -> Self {
        Self {
            policy,
            ..Self::default()
        }
    }

    /// The error of a record that must not start, or `None` when it may start.
    pub(crate) fn blocked(&self, group: Option<&str>) -> Option<RecordError> {
        if self.stopped {
            return Some(RecordError::skipped(SkipReason::PreviousRecordFailed));
        }
        match group {
            Some(group) if self.failed_groups.contains(group) => {
                Some(RecordError::skipped(SkipReason::PreviousGroupRecordFailed))
            }
            _ => None,
        }
    }

    /// Notes that a record of `group` failed (a record without a group blocks nobody).
    pub(crate) fn failed(&mut self, group: Option<&str>) {
        match self.policy {
            FifoPolicy::None => {}
            FifoPolicy::StopOnFirstFailure => self.stopped = true,
            FifoPolicy::SkipGroupOnError => {
                if let Some(group) = group
                    && !self.failed_groups.contains(group)
                {
                    self.failed_groups.insert(group.to_owned());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RecordErrorKind;

    #[test]
    fn stop_on_first_failure_blocks_everything_after() {
        let mut state = FifoState::new(FifoPolicy::StopOnFirstFailure);
        assert!(state.blocked(Some("g")).is_none());
        state.failed(Some("g"));
        let blocked = state.blocked(Some("other")).unwrap();
        assert_eq!(blocked.to_string(), "A previous record failed processing");
        assert_eq!(
            blocked.kind(),
            RecordErrorKind::Skipped(SkipReason::PreviousRecordFailed)
        );
        assert!(state.blocked(None).is_some());
    }

    #[test]
    fn skip_group_blocks_only_that_group() {
        let mut state = FifoState::new(FifoPolicy::SkipGroupOnError);
        state.failed(Some("g1"));
        state.failed(None);
        let blocked = state.blocked(Some("g1")).unwrap();
        assert_eq!(
            blocked.to_string(),
            "A previous record from this message group failed processing"
        );
        assert_eq!(
            blocked.kind(),
            RecordErrorKind::Skipped(SkipReason::PreviousGroupRecordFailed)
        );
        assert!(state.blocked(Some("g2")).is_none());
        assert!(state.blocked(None).is_none());
    }
}
