//! SQS standard queue with retry backoff (R18): an order that fails comes back after 30 s on
//! its first delivery, then 60 s, 120 s ... (at most an hour) instead of after the queue's fixed
//! visibility timeout, because its visibility timeout is set from its `ApproximateReceiveCount`
//! before the response is returned. Failures are reported with `ReportBatchItemFailures`.
//! Feature `sqs-api`.
//!
//! The SQS client is built once per process by `sqs_client = orders_sqs_client`, in `main`
//! before the first invocation (Lambda's init phase): from the environment
//! (`AWS_ENDPOINT_URL_SQS` points it at a local server such as moto), with the number of
//! attempts per call read from `SQS_MAX_ATTEMPTS` (default 3). When that setting is not a whole
//! number from 1 to 10 the function does not start: under Lambda the error is reported to the
//! Runtime API as an init error, in local invoke it is printed as `Error: ...` with exit status
//! 1. The role needs `sqs:ChangeMessageVisibility`.
//!
//! `cargo run --features sqs-api --bin sqs_backoff -- examples/events/sqs.json`
//! (the sample event's receipt handles are made up: the visibility changes are refused and
//! logged, and the response is the same as without backoff).

use std::time::Duration;

use batch_core::prelude::*;
use batch_core::sqs_api::aws_sdk_sqs::{self, config::retry::RetryConfig};
use batch_core::sqs_api::{RetryBackoff, client_from_env};
use serde::Deserialize;

#[derive(Deserialize)]
struct Order {
    sku: String,
    quantity: u32,
}

/// The client of the visibility changes: the environment's, with `SQS_MAX_ATTEMPTS` attempts
/// per call.
async fn orders_sqs_client() -> Result<aws_sdk_sqs::Client, BoxError> {
    let attempts = match std::env::var("SQS_MAX_ATTEMPTS") {
        Ok(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=10).contains(n))
            .ok_or_else(|| {
                format!("SQS_MAX_ATTEMPTS must be a whole number from 1 to 10, not `{text}`")
            })?,
        Err(_) => 3,
    };
    let config = client_from_env()
        .await
        .config()
        .to_builder()
        .retry_config(RetryConfig::standard().with_max_attempts(attempts))
        .build();
    tracing::info!(attempts, "sqs client built");
    Ok(aws_sdk_sqs::Client::from_conf(config))
}

#[batch_handler(
    source = "sqs",
    retry_backoff = RetryBackoff::exponential(Duration::from_secs(30), Duration::from_secs(3600)),
    sqs_client = orders_sqs_client
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
