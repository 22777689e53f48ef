//! Hooks: a value built once per process whose `on_success` and `on_failure` see every record,
//! here to count successes and failures as metrics (a failure includes a body that does not
//! parse, and records never started).
//!
//! `cargo run --bin hooks -- examples/events/hooks.json`

use std::sync::atomic::{AtomicU64, Ordering};

use batch_core::prelude::*;
use batch_core::source::Sqs;
use batch_core::{RecordCx, RecordHooks};

/// Counters a real function would publish as metrics.
#[derive(Default)]
struct Metrics {
    succeeded: AtomicU64,
    failed: AtomicU64,
}

impl RecordHooks<Sqs, u64> for Metrics {
    fn on_success(&self, record: &RecordCx<'_, Sqs>, points: &u64) {
        let total = self.succeeded.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::info!(
            id = record.id(),
            points,
            succeeded = total,
            "metric: success"
        );
    }

    fn on_failure(&self, record: &RecordCx<'_, Sqs>, error: &RecordError) {
        let total = self.failed.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::info!(id = record.id(), %error, failed = total, "metric: failure");
    }
}

#[derive(serde::Deserialize)]
struct Purchase {
    amount_cents: u64,
}

/// Loyalty points for a purchase: one per euro, and none for a free purchase (an error).
#[batch_handler(source = "sqs", hooks = Metrics::default())]
async fn award_points(Json(purchase): Json<Purchase>) -> Result<u64, BoxError> {
    match purchase.amount_cents / 100 {
        0 => Err("a purchase under one euro earns no points".into()),
        points => Ok(points),
    }
}
