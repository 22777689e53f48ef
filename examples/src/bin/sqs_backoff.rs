//! SQS standard queue with retry backoff (R18): an order that fails comes back after 30 s on
//! its first delivery, then 60 s, 120 s ... (at most an hour) instead of after the queue's fixed
//! visibility timeout, because its visibility timeout is set from its `ApproximateReceiveCount`
//! before the response is returned. Failures are reported with `ReportBatchItemFailures`.
//! Feature `sqs-api`.
//!
//! The SQS client is built once per process from the environment (`AWS_ENDPOINT_URL_SQS`
//! points it at a local server such as moto). The role needs `sqs:ChangeMessageVisibility`.
//!
//! `cargo run --features sqs-api --bin sqs_backoff -- examples/events/sqs.json`
//! (the sample event's receipt handles are made up: the visibility changes are refused and
//! logged, and the response is the same as without backoff).

use std::time::Duration;

use batch_core::prelude::*;
use batch_core::sqs_api::RetryBackoff;
use serde::Deserialize;

#[derive(Deserialize)]
struct Order {
    sku: String,
    quantity: u32,
}

#[batch_handler(
    source = "sqs",
    retry_backoff = RetryBackoff::exponential(Duration::from_secs(30), Duration::from_secs(3600))
)]
async fn place_order(Json(order): Json<Order>) -> Result<(), BoxError> {
    if order.quantity == 0 {
        return Err(format!("order for {} has no quantity", order.sku).into());
    }
    tracing::info!(sku = %order.sku, quantity = order.quantity, "order placed");
    Ok(())
}

/// Every order placed: no visibility to change, no SQS call, so this runs without a server.
#[cfg(test)]
mod tests {
    use super::*;
    use batch_core::testing::event_from_str;

    #[tokio::test]
    async fn a_batch_that_all_succeeded_reports_nothing() {
        let event = event_from_str(
            r#"{"Records": [{"messageId": "1", "receiptHandle": "rh-1", "body": "{\"sku\": \"a\", \"quantity\": 1}",
                "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders"}]}"#,
        );
        let response = lambda_handler(event).await.unwrap();
        assert!(response.batch_item_failures.is_empty());
    }
}
