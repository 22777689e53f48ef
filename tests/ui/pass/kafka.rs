//! Kafka: `Option<Json<T>>` of the base64-decoded value (a tombstone is `None`), the raw record,
//! and `stop_on_first_failure` per partition.

use batch_core::prelude::*;
use batch_core::testing::{kafka_event, kafka_record};

#[derive(serde::Deserialize)]
struct Order {
    quantity: u32,
}

#[batch_handler(source = "kafka", stop_on_first_failure, entrypoint = false)]
async fn place(order: Option<Json<Order>>, record: &KafkaRecord) -> Result<(), BoxError> {
    assert_eq!(record.topic.as_deref(), Some("orders"));
    match order {
        Some(Json(order)) if order.quantity == 0 => Err("no quantity".into()),
        _ => Ok(()),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let event = kafka_event([
        kafka_record("orders", 0, 5, Some(br#"{"quantity": 0}"#)),
        kafka_record("orders", 0, 6, Some(br#"{"quantity": 1}"#)),
        kafka_record("orders", 1, 9, None),
    ]);
    let response = lambda_handler(event).await.unwrap();
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| (f.item_identifier.partition.as_str(), f.item_identifier.offset))
        .collect();
    // Offset 6 follows the failure in orders-0 and is reported without running; orders-1 goes on.
    assert_eq!(failed, [("orders-0", 5), ("orders-0", 6)]);
}
