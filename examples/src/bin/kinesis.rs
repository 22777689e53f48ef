//! Kinesis Data Streams: click events as base64-encoded JSON. A record whose data is not JSON
//! and a click with a negative duration fail alone.
//!
//! `cargo run --bin kinesis -- examples/events/kinesis.json`

use batch_core::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Click {
    user: String,
    page: String,
    duration_ms: i64,
}

#[batch_handler(source = "kinesis")]
async fn record_click(Json(click): Json<Click>) -> Result<(), BoxError> {
    if click.duration_ms < 0 {
        return Err(format!("negative duration for {} on {}", click.user, click.page).into());
    }
    tracing::info!(user = %click.user, page = %click.page, "click recorded");
    Ok(())
}
