//! Helpers shared by the spec tests: read a response's reported identifiers, and handlers
//! that fail planned records and remember which records ran.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::Mutex;

use batch_core::source::BatchSource;
use batch_core::{BatchError, RecordCx, RecordError, RecordHandler};
use serde::Serialize;
use serde_json::Value;

/// The `itemIdentifier`s of a response, in order, read from its JSON as Lambda reads it.
/// Panics when the response is not `{"batchItemFailures": [{"itemIdentifier": "<string>"}...]}`.
pub fn reported<R: Serialize>(response: &R) -> Vec<String> {
    let json = serde_json::to_value(response).expect("a response serializes");
    let failures = json
        .get("batchItemFailures")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("response without a batchItemFailures array: {json}"));
    failures
        .iter()
        .map(|failure| match failure.get("itemIdentifier") {
            Some(Value::String(id)) if !id.is_empty() => id.clone(),
            other => panic!("itemIdentifier is not a non-empty string: {other:?} in {json}"),
        })
        .collect()
}

/// Owned strings from string literals, for comparing with [`reported`].
pub fn ids(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

/// The text an all-failed error must start with (R4).
pub const ALL_FAILED_PREFIX: &str = "All records failed processing.";
/// R5's message for a FIFO record not run because an earlier record failed.
pub const R5_SKIPPED: &str = "A previous record failed processing";
/// R6's message for a FIFO record not run because an earlier record of its group failed.
pub const R6_SKIPPED: &str = "A previous record from this message group failed processing";

/// Asserts that `error` is `AllFailed` with the R4 message, and returns each carried failure as
/// (position, id, message).
pub fn all_failed(error: &BatchError) -> Vec<(usize, Option<String>, String)> {
    assert!(
        error.to_string().starts_with(ALL_FAILED_PREFIX),
        "message does not start with {ALL_FAILED_PREFIX:?}: {error}"
    );
    assert_eq!(error.error_type(), "BatchProcessingError");
    match error {
        BatchError::AllFailed { failures } => failures
            .iter()
            .map(|f| (f.position, f.id.clone(), f.error.to_string()))
            .collect(),
        other => panic!("expected BatchError::AllFailed, got {other}"),
    }
}

/// A handler that fails the records at the planned positions (with `planned failure N`),
/// succeeds with the position otherwise, and remembers which positions ran. It yields once
/// before deciding, so that concurrent records interleave.
#[derive(Default)]
pub struct Plan {
    failing: BTreeSet<usize>,
    ran: Mutex<Vec<usize>>,
}

impl Plan {
    pub fn failing(positions: impl IntoIterator<Item = usize>) -> Self {
        Self {
            failing: positions.into_iter().collect(),
            ran: Mutex::new(Vec::new()),
        }
    }

    /// The positions that ran, in the order they started.
    pub fn ran(&self) -> Vec<usize> {
        self.ran.lock().unwrap().clone()
    }

    pub fn message(position: usize) -> String {
        format!("planned failure {position}")
    }
}

impl<S: BatchSource> RecordHandler<S> for Plan {
    type Output = usize;

    async fn call(&self, record: &RecordCx<'_, S>) -> Result<usize, RecordError> {
        let position = record.position();
        self.ran.lock().unwrap().push(position);
        tokio::task::yield_now().await;
        if self.failing.contains(&position) {
            Err(RecordError::handler(Plan::message(position)))
        } else {
            Ok(position)
        }
    }
}
