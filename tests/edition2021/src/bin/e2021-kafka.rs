//! Kafka with tombstones and a stop per partition, under edition 2021.

#![deny(warnings, rust_2018_idioms)]

use batch_core::prelude::*;

#[derive(serde::Deserialize)]
struct Payment {
    cents: i64,
}

#[batch_handler(source = "kafka", stop_on_first_failure, concurrency = 4)]
async fn charge(payment: Option<Json<Payment>>, record: &KafkaRecord) -> Result<(), String> {
    match payment {
        Some(Json(payment)) if payment.cents < 0 => {
            Err(format!("offset {} has a negative amount", record.offset))
        }
        _ => Ok(()),
    }
}
