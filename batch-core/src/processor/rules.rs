//! The rules that decide, when a record would start, whether it may: FIFO (R5, R6),
//! stop on first failure (R15) and the deadline guard (R10).

use super::deadline::DeadlineGuard;
use super::fifo::FifoState;
use crate::error::{RecordError, SkipReason};

/// What the rules have seen so far in one batch.
#[derive(Debug)]
pub(crate) struct StartRules {
    fifo: FifoState,
    stop_on_first_failure: bool,
    /// The lowest position that failed so far.
    lowest_failed: Option<usize>,
    deadline: DeadlineGuard,
}

impl StartRules {
    pub(crate) fn new(
        fifo: FifoState,
        stop_on_first_failure: bool,
        deadline: DeadlineGuard,
    ) -> Self {
        Self {
            fifo,
            stop_on_first_failure,
            lowest_failed: None,
            deadline,
        }
    }

    /// The error of a record that must not start, or `None` when it may start.
    pub(crate) fn blocked(&self, position: usize, group: Option<&str>) -> Option<RecordError> {
        if self.after_failure(position) {
            return Some(stop_error());
        }
        self.fifo.blocked(group).or_else(|| self.deadline.blocked())
    }

    /// Notes that the record at `position`, of FIFO message group `group`, failed.
    pub(crate) fn failed(&mut self, position: usize, group: Option<&str>) {
        self.fifo.failed(group);
        if self.lowest_failed.is_none_or(|lowest| position < lowest) {
            self.lowest_failed = Some(position);
        }
    }

    /// Whether a record at `position` comes after a failure that stops the stream (R15):
    /// such a record is reported even when it already ran.
    pub(crate) fn after_failure(&self, position: usize) -> bool {
        self.stop_on_first_failure && self.lowest_failed.is_some_and(|lowest| position > lowest)
    }
}

/// The error of a record reported because of R15.
pub(crate) fn stop_error() -> RecordError {
    RecordError::skipped(SkipReason::EarlierRecordFailed)
}
