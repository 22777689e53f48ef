//! The Lambda context and the deadline guard: each record sees the invocation's `&Context`
//! (request id, remaining time) and up to four records run at once. With
//! `deadline_margin_ms = 500`, no record starts when less than half a second is left: those are
//! reported as failed, so the function answers before it times out.
//!
//! `cargo run --bin context -- examples/events/context.json`

use batch_core::DeadlineExt;
use batch_core::prelude::*;

#[batch_handler(source = "kinesis", concurrency = 4, deadline_margin_ms = 500)]
async fn index_document(
    Json(document): Json<serde_json::Value>,
    context: &Context,
    record: &KinesisEventRecord,
) -> Result<(), BoxError> {
    let remaining_ms = context.remaining().map(|left| left.as_millis() as u64);
    tracing::info!(
        request_id = %context.request_id,
        partition_key = %record.kinesis.partition_key,
        remaining_ms,
        "indexing"
    );
    // Stands in for a call to a search index.
    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    match document.get("title").and_then(|t| t.as_str()) {
        Some(_) => Ok(()),
        None => Err("document has no title".into()),
    }
}
