//! The deadline guard: with `deadline_margin_ms = 1000`, no record starts when less than a
//! second is left before the invocation's deadline. Those records are reported as failed
//! (`not started: deadline approaching`), so the function answers in time and Lambda redelivers
//! only them, instead of timing out and retrying the whole batch.
//!
//! Each report takes a second to render. Local invoke gives 15 minutes, so all four succeed;
//! `LAMBDA_BATCH_REMAINING_MS` sets the time left, and with 2.9 s the first two start (2.9 s
//! and 1.9 s left) while the last two are not started (0.9 s left or less):
//!
//! `cargo run --bin deadline -- examples/events/deadline.json`
//! `LAMBDA_BATCH_REMAINING_MS=2900 cargo run --bin deadline -- examples/events/deadline.json`

use std::time::Duration;

use batch_core::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct ReportRequest {
    report: String,
}

#[batch_handler(source = "sqs", deadline_margin_ms = 1000)]
async fn render_report(Json(request): Json<ReportRequest>) -> Result<(), BoxError> {
    // Stands in for slow work, e.g. rendering a PDF.
    tokio::time::sleep(Duration::from_secs(1)).await;
    tracing::info!(report = %request.report, "report rendered");
    Ok(())
}
