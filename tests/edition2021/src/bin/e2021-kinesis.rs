//! Kinesis with state built once in `main`, under edition 2021.

#![deny(warnings, rust_2018_idioms)]

use batch_core::prelude::*;

struct Limits {
    max_celsius: f64,
}

async fn load_limits() -> Result<Limits, std::io::Error> {
    Ok(Limits { max_celsius: 40.0 })
}

#[batch_handler(source = "kinesis", state = load_limits, stop_on_first_failure, deadline_margin_ms = 500)]
async fn check(
    Json(celsius): Json<f64>,
    State(limits): State<&Limits>,
    record: &KinesisEventRecord,
) -> Result<(), String> {
    if celsius > limits.max_celsius {
        return Err(format!("{} is too hot", record.kinesis.partition_key));
    }
    Ok(())
}
