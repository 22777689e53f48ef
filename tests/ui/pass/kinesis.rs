//! Kinesis: `Json<T>` of the base64-decoded data, the raw record and the context in any order,
//! and `stop_on_first_failure`.

use batch_core::prelude::*;
use batch_core::testing::{event_from_records, kinesis_record};

#[derive(serde::Deserialize)]
struct Reading {
    celsius: f64,
}

#[batch_handler(source = "kinesis", stop_on_first_failure, entrypoint = false)]
async fn record_reading(
    context: &Context,
    Json(reading): Json<Reading>,
    record: &KinesisEventRecord,
) -> Result<f64, BoxError> {
    assert_eq!(context.env_config.function_name, "test-function");
    assert!(record.kinesis.partition_key.starts_with("sensor"));
    if reading.celsius < -273.15 {
        return Err("below absolute zero".into());
    }
    Ok(reading.celsius)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let event = event_from_records([
        kinesis_record("10", "sensor-1", br#"{"celsius": 21.5}"#),
        kinesis_record("11", "sensor-2", br#"{"celsius": -300}"#),
        kinesis_record("12", "sensor-1", br#"{"celsius": 22}"#),
    ]);
    let response = lambda_handler(event).await.unwrap();
    let ids: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_deref().unwrap())
        .collect();
    // Stop on first failure: record 12 is reported without running.
    assert_eq!(ids, ["11", "12"]);
}
