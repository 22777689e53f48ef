//! Kafka (Amazon MSK or self-managed): orders as base64-encoded JSON values. An order without
//! items, or a value that is not JSON, fails; `stop_on_first_failure` then holds back the rest of
//! that partition (Lambda resumes it at the lowest reported offset) while other partitions go on.
//! A tombstone (a `null` value: the order was deleted upstream) is acknowledged.
//!
//! `cargo run --bin kafka -- examples/events/kafka.json`
//!
//! Lambda accepts partial batch responses from Kafka only for event source mappings in
//! provisioned mode (`ProvisionedPollerConfig`); see `examples/sam/kafka.yaml`.

use batch_core::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order {
    order_id: String,
    items: Vec<Item>,
    total_cents: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    sku: String,
    quantity: u32,
}

#[batch_handler(source = "kafka", stop_on_first_failure, concurrency = 8)]
async fn place_order(order: Option<Json<Order>>, record: &KafkaRecord) -> Result<(), BoxError> {
    let Some(Json(order)) = order else {
        tracing::info!(offset = record.offset, "order deleted upstream (tombstone)");
        return Ok(());
    };
    if order.items.is_empty() {
        return Err(format!("order {} has no items", order.order_id).into());
    }
    let units: u32 = order.items.iter().map(|item| item.quantity).sum();
    tracing::info!(
        order = %order.order_id,
        first_sku = %order.items[0].sku,
        units,
        total_cents = order.total_cents,
        "order placed"
    );
    Ok(())
}
