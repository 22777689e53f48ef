//! SQS standard queue: orders as JSON bodies. A body that is not an order and an order without
//! a quantity fail alone; only they go back to the queue.
//!
//! `cargo run --bin sqs -- examples/events/sqs.json`

use batch_core::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Order {
    sku: String,
    quantity: u32,
}

#[batch_handler(source = "sqs")]
async fn place_order(Json(order): Json<Order>) -> Result<(), BoxError> {
    if order.quantity == 0 {
        return Err(format!("order for {} has no quantity", order.sku).into());
    }
    tracing::info!(sku = %order.sku, quantity = order.quantity, "order placed");
    Ok(())
}

/// Testing a handler: call the generated `lambda_handler` on a sample event.
#[cfg(test)]
mod tests {
    use super::*;
    use batch_core::testing::event_from_file;

    #[tokio::test]
    async fn reports_the_poison_body_and_the_empty_order() {
        let event = event_from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/events/sqs.json"));
        let response = lambda_handler(event).await.unwrap();
        let failed: Vec<&str> = response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.as_str())
            .collect();
        assert_eq!(
            failed,
            [
                "244fc6b4-87a3-44ab-83d2-361172410c3a",
                "7a2e6cd1-1b2c-4e8f-9d3a-5f6b7c8d9e0f"
            ]
        );
    }
}
