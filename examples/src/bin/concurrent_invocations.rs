//! Concurrent invocations (Lambda Managed Instances): one process serves several batches at once,
//! as many as `AWS_LAMBDA_MAX_CONCURRENCY` says (one at a time when it is unset, as on classic
//! Lambda). Needs batch-core's `concurrency-tokio` feature, and a handler whose future is `Send`.
//! Each record stands for a resize request that waits on I/O for `io_ms` milliseconds.
//!
//! `cargo run --features concurrency-tokio --bin concurrent_invocations -- examples/events/concurrent-invocations.json`

use std::time::Duration;

use batch_core::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Resize {
    image: String,
    width: u32,
    io_ms: u64,
}

#[batch_handler(source = "sqs", concurrency = 4, concurrent_invocations)]
async fn resize(Json(request): Json<Resize>) -> Result<(), BoxError> {
    if request.width == 0 {
        return Err(format!("{}: a width of 0 is not an image", request.image).into());
    }
    // Stands in for downloading and uploading the image.
    tokio::time::sleep(Duration::from_millis(request.io_ms)).await;
    tracing::info!(image = %request.image, width = request.width, "resized");
    Ok(())
}
