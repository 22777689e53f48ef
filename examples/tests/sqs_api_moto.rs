//! The `sqs_delete_successes` and `sqs_backoff` examples as built binaries in local invoke
//! (DESIGN §6), against moto's SQS server through `AWS_ENDPOINT_URL_SQS`: the event is built from
//! messages really received, and the queue is read afterwards.
//!
//! Needs `moto_server` (see `moto::moto_server`); without it every test fails with the
//! command that installs it.

#[path = "../../tests/tests/moto/mod.rs"]
mod moto;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use batch_core::sqs_api::aws_sdk_sqs::types::QueueAttributeName;

/// Runs an example binary in local invoke on `event` (stdin), with its SQS client pointed at
/// `endpoint` and dummy credentials.
fn invoke(bin: &str, event: &str, endpoint: &str) -> Output {
    let mut child = Command::new(bin)
        .arg("-")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .env_remove("AWS_PROFILE")
        .env("AWS_ENDPOINT_URL_SQS", endpoint)
        .env("AWS_REGION", moto::REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example binary starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(event.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

const ORDERS: &[&str] = &[
    r#"{"sku": "a", "quantity": 1}"#,
    r#"{"sku": "b", "quantity": 0}"#,
    r#"{"sku": "c", "quantity": 2}"#,
];

#[tokio::test]
async fn delete_successes_binary_deletes_the_placed_orders_and_fails_naming_the_other() {
    let server = moto::moto();
    let client = moto::client(&server.endpoint);
    let queue = moto::create_queue(&client, "example-delete", false, Duration::from_secs(1)).await;
    moto::send_bodies(&client, &queue, ORDERS).await;
    let (messages, received) = moto::receive(&client, &queue, 3).await;
    let output = invoke(
        env!("CARGO_BIN_EXE_sqs_delete_successes"),
        &moto::lambda_event(&queue, &messages),
        &server.endpoint,
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert_eq!(text(&output.stdout), "");
    let position = messages
        .iter()
        .position(|m| m.body() == Some(ORDERS[1]))
        .unwrap();
    let failed = messages[position].message_id().unwrap();
    assert!(
        stderr.ends_with(&format!(
            "Error: 1 record failed processing; the successful messages were deleted:\n\
             - record {position} ({failed}): order for b has no quantity\n"
        )),
        "stderr: {stderr}"
    );
    // The invocation failed, so Lambda deletes nothing: only the failed order comes back.
    assert_eq!(
        moto::left_after_timeout(&client, &queue, received).await,
        moto::sorted(&[ORDERS[1]])
    );
}

#[tokio::test]
async fn backoff_binary_keeps_the_failed_order_away_past_the_queue_timeout() {
    let server = moto::moto();
    let client = moto::client(&server.endpoint);
    let queue = moto::create_queue(&client, "example-backoff", false, Duration::from_secs(1)).await;
    moto::send_bodies(&client, &queue, &ORDERS[..2]).await;
    let (messages, _) = moto::receive(&client, &queue, 2).await;
    let failed = messages
        .iter()
        .find(|m| m.body() == Some(ORDERS[1]))
        .and_then(|m| m.message_id())
        .unwrap()
        .to_owned();
    let output = invoke(
        env!("CARGO_BIN_EXE_sqs_backoff"),
        &moto::lambda_event(&queue, &messages),
        &server.endpoint,
    );
    let done = Instant::now();
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        text(&output.stderr)
    );
    assert_eq!(
        text(&output.stdout),
        format!(
            "{{\"batchItemFailures\":[{{\"itemIdentifier\":\"{}\"}}]}}\n",
            failed
        )
    );
    moto::lambda_deletes_all_but(&client, &queue, &messages, &[failed]).await;
    // Backed off for 30 s: still in flight after the queue's 1 s timeout.
    tokio::time::sleep_until((done + Duration::from_millis(1_500)).into()).await;
    let attributes = client
        .get_queue_attributes()
        .queue_url(&queue.url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .unwrap();
    let count = |name: QueueAttributeName| {
        attributes
            .attributes()
            .and_then(|a| a.get(&name))
            .cloned()
            .unwrap()
    };
    assert_eq!(count(QueueAttributeName::ApproximateNumberOfMessages), "0");
    assert_eq!(
        count(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
        "1"
    );
}
