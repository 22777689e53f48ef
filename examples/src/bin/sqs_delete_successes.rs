//! SQS standard queue whose event source mapping does not report batch item failures (the
//! older Powertools `PartialSQSProcessor` mode, R17): when some orders fail, the successful
//! messages are deleted with `DeleteMessageBatch`, then the invocation fails naming the failed
//! ones, so only those go back to the queue. Feature `sqs-api`.
//!
//! The SQS client is built once per process from the environment (`AWS_ENDPOINT_URL_SQS`
//! points it at a local server such as moto). The role needs `sqs:DeleteMessage`.
//!
//! `cargo run --features sqs-api --bin sqs_delete_successes -- examples/events/sqs.json`
//! (against real SQS or a local server: the sample event's receipt handles are made up, so SQS
//! refuses them and the invocation fails naming every message it could not delete).

use batch_core::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Order {
    sku: String,
    quantity: u32,
}

#[batch_handler(source = "sqs", delete_successes)]
async fn place_order(Json(order): Json<Order>) -> Result<(), BoxError> {
    if order.quantity == 0 {
        return Err(format!("order for {} has no quantity", order.sku).into());
    }
    tracing::info!(sku = %order.sku, quantity = order.quantity, "order placed");
    Ok(())
}

/// Every order placed: nothing to delete, the function returns normally and Lambda deletes
/// the batch. No SQS call is made, so this runs without a server.
#[cfg(test)]
mod tests {
    use super::*;
    use batch_core::testing::event_from_str;

    #[tokio::test]
    async fn a_batch_that_all_succeeded_returns_normally() {
        let event = event_from_str(
            r#"{"Records": [{"messageId": "1", "receiptHandle": "rh-1", "body": "{\"sku\": \"a\", \"quantity\": 1}",
                "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders"}]}"#,
        );
        let response = lambda_handler(event).await.unwrap();
        assert!(response.batch_item_failures.is_empty());
    }
}
