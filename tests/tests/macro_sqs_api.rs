//! `#[batch_handler(delete_successes, sqs_client = ...)]` end to end, with the client's endpoint
//! down: a partly failed batch fails the invocation and names every success as not deleted
//! (nothing is acknowledged); a batch that all succeeded returns normally without calling SQS.
#![cfg(feature = "sqs-api")]

use batch_core::BatchError;
use batch_core::prelude::*;
use batch_core::sqs_api::aws_sdk_sqs;
use batch_core::testing::event_from_str;

/// A client whose endpoint is a port nothing listens on, without the SDK's own retries.
async fn endpoint_down() -> Result<aws_sdk_sqs::Client, BoxError> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let config = aws_sdk_sqs::Config::builder()
        .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "a", "b", None, None, "test",
        ))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .retry_config(aws_sdk_sqs::config::retry::RetryConfig::disabled())
        .build();
    Ok(aws_sdk_sqs::Client::from_conf(config))
}

#[batch_handler(source = "sqs", delete_successes, sqs_client = endpoint_down, entrypoint = false)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    match message.body.as_deref() {
        Some("fail") => Err("declined".into()),
        _ => Ok(()),
    }
}

fn event(bodies: &[&str]) -> String {
    let records: Vec<String> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            format!(
                r#"{{"messageId":"m{i}","receiptHandle":"rh{i}","body":"{body}","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:000000000000:orders","attributes":{{"ApproximateReceiveCount":"1"}}}}"#
            )
        })
        .collect();
    format!(r#"{{"Records":[{}]}}"#, records.join(","))
}

// One test, one runtime: the client built once per process belongs to this test's runtime.
#[tokio::test]
async fn delete_successes_with_the_endpoint_down() {
    let response = lambda_handler(event_from_str(&event(&["ok", "ok"])))
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());

    let error = lambda_handler(event_from_str(&event(&["ok", "fail", "ok"])))
        .await
        .unwrap_err();
    let BatchError::SomeFailed {
        failures,
        not_deleted,
    } = &error
    else {
        panic!("expected SomeFailed, got {error}");
    };
    let failed: Vec<_> = failures.iter().map(|f| f.id.as_deref().unwrap()).collect();
    assert_eq!(failed, ["m1"]);
    let kept: Vec<_> = not_deleted
        .iter()
        .map(|f| f.id.as_deref().unwrap())
        .collect();
    assert_eq!(kept, ["m0", "m2"]);
    assert_eq!(error.error_type(), "SQSBatchProcessingError");

    let error = lambda_handler(event_from_str(&event(&["fail", "fail"])))
        .await
        .unwrap_err();
    assert!(matches!(error, BatchError::AllFailed { .. }));
}
