//! Kinesis Data Streams: click events as base64-encoded JSON; a record whose data is not JSON
//! and a click with a negative duration fail alone.
//!
//! `cargo run --bin kinesis -- examples/events/kinesis.json`

use batch_core::aws_lambda_events::streams::KinesisEventResponse;
use batch_core::source::Kinesis;
use batch_core::{
    BatchError, BatchEvent, BatchProcessor, Json, LambdaEvent, RecordCx, RecordError, RecordHandler,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Click {
    user: String,
    page: String,
    duration_ms: i64,
}

struct RecordClick;

impl RecordHandler<Kinesis> for RecordClick {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<(), RecordError> {
        let Json(click) = record.extract::<Json<Click>>()?;
        if click.duration_ms < 0 {
            return Err(RecordError::handler(format!(
                "negative duration for {} on {}",
                click.user, click.page
            )));
        }
        tracing::info!(user = %click.user, page = %click.page, "click recorded");
        Ok(())
    }
}

async fn lambda_handler(
    event: LambdaEvent<BatchEvent>,
) -> Result<KinesisEventResponse, BatchError> {
    BatchProcessor::<Kinesis>::new()
        .run(event, &RecordClick)
        .await
}

fn main() -> std::process::ExitCode {
    batch_core::runtime::start(lambda_handler)
}
