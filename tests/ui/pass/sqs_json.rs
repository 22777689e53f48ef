//! SQS with a typed payload: a poison record fails alone.

use batch_core::prelude::*;
use batch_core::testing::event_from_str;

#[derive(serde::Deserialize)]
struct Order {
    sku: String,
    quantity: u32,
}

#[batch_handler(source = "sqs", entrypoint = false)]
async fn place_order(Json(order): Json<Order>) -> Result<(), BoxError> {
    if order.quantity == 0 {
        return Err(format!("no quantity for {}", order.sku).into());
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let event = event_from_str(
        r#"{"Records": [
            {"messageId": "1", "eventSource": "aws:sqs", "body": "{\"sku\": \"A\", \"quantity\": 1}"},
            {"messageId": "2", "eventSource": "aws:sqs", "body": "{\"sku\": \"B\", \"quantity\": 0}"},
            {"messageId": "3", "eventSource": "aws:sqs", "body": "not json"}
        ]}"#,
    );
    let response = lambda_handler(event).await.unwrap();
    assert_eq!(
        serde_json::to_string(&response).unwrap(),
        r#"{"batchItemFailures":[{"itemIdentifier":"2"},{"itemIdentifier":"3"}]}"#
    );
}
