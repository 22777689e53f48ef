//! The `sqs` example under the real `lambda_runtime` loop while the Runtime API misbehaves: what
//! the function does (exit status, what it posts, whether it asks again), and that it never
//! posts a success response for a batch it did not process in full. A response that Lambda does
//! not receive acknowledges nothing: the invocation times out and the whole batch comes back.

#[path = "support/fault_runtime.rs"]
mod fault_runtime;

use std::time::Duration;

use fault_runtime::{Answer, FaultRuntime, Next, Posted};

const BIN: &str = env!("CARGO_BIN_EXE_sqs");

/// Two orders: `ok` places, `empty` has no quantity and fails.
const EVENT: &str = r#"{"Records": [
    {"messageId": "ok", "eventSource": "aws:sqs", "body": "{\"sku\": \"A\", \"quantity\": 1}"},
    {"messageId": "empty", "eventSource": "aws:sqs", "body": "{\"sku\": \"B\", \"quantity\": 0}"}
]}"#;
const RESPONSE: &str = r#"{"batchItemFailures":[{"itemIdentifier":"empty"}]}"#;

fn response(request_id: &str, body: &str) -> Posted {
    Posted::Response {
        request_id: request_id.to_owned(),
        body: body.to_owned(),
    }
}

#[test]
fn next_answered_500_ends_the_process_without_posting() {
    let runtime = FaultRuntime::start(vec![Next::Status(500), Next::Event(EVENT.into())], vec![]);
    let mut function = runtime.spawn_function(BIN);
    let status = function
        .exit_within(Duration::from_secs(20))
        .expect("the function exits");
    // The answer has no request id, and lambda_runtime 1.5 panics on that
    // (`invoke_request_id`: "missing lambda-runtime-aws-request-id header"), so the process
    // exits 101 without asking again; Lambda starts a new environment and the event is not lost.
    assert!(!status.success());
    assert_eq!(runtime.next_requests(), 1);
    assert_eq!(runtime.posted_within(Duration::from_millis(200)), []);
}

#[test]
fn a_next_that_never_answers_is_waited_on() {
    let runtime = FaultRuntime::start(vec![Next::Hang], vec![]);
    let mut function = runtime.spawn_function(BIN);
    // As in a frozen environment: no timeout of its own, no second request, nothing posted.
    assert_eq!(function.exit_within(Duration::from_secs(2)), None);
    assert_eq!(runtime.next_requests(), 1);
    assert_eq!(runtime.posted_within(Duration::from_millis(200)), []);
}

#[test]
fn an_event_cut_off_mid_body_ends_the_process_without_posting() {
    let runtime = FaultRuntime::start(vec![Next::CloseMidBody(EVENT.into())], vec![]);
    let mut function = runtime.spawn_function(BIN);
    let status = function
        .exit_within(Duration::from_secs(20))
        .expect("the function exits");
    // Reading the body fails, so nothing runs: no response, no error posted for half an event.
    assert_eq!(status.code(), Some(1));
    assert_eq!(runtime.next_requests(), 1);
    assert_eq!(runtime.posted_within(Duration::from_millis(200)), []);
}

#[test]
fn a_response_answered_500_is_not_posted_again_and_the_function_serves_on() {
    let runtime = FaultRuntime::start(
        vec![Next::Event(EVENT.into()), Next::Event(EVENT.into())],
        vec![Answer::Status(500)],
    );
    let mut function = runtime.spawn_function(BIN);
    // The batch was processed in full before its response was posted; the refused post is
    // logged and not retried (Lambda then times the invocation out and redelivers the batch).
    assert_eq!(runtime.next_posted(), response("req-1", RESPONSE));
    assert_eq!(runtime.next_posted(), response("req-2", RESPONSE));
    assert_eq!(function.exit_within(Duration::from_millis(500)), None);
    assert_eq!(runtime.next_requests(), 3);
}

#[test]
fn a_response_whose_connection_closes_ends_the_process() {
    let runtime = FaultRuntime::start(
        vec![Next::Event(EVENT.into()), Next::Event(EVENT.into())],
        vec![Answer::Close],
    );
    let mut function = runtime.spawn_function(BIN);
    assert_eq!(runtime.next_posted(), response("req-1", RESPONSE));
    let status = function
        .exit_within(Duration::from_secs(20))
        .expect("the function exits");
    // The loop stops with the connection error: exit 1, the second event is never asked for.
    assert_eq!(status.code(), Some(1));
    assert_eq!(runtime.next_requests(), 1);
    assert_eq!(runtime.posted_within(Duration::from_millis(200)), []);
}

#[test]
fn an_event_over_6_mb_is_processed_in_full() {
    // 6,000 orders of about 1.1 KB each; every 1,000th has no quantity.
    let note = "x".repeat(1_024);
    let records: Vec<String> = (0..6_000)
        .map(|i| {
            let quantity = if i % 1_000 == 999 { 0 } else { 1 };
            format!(
                r#"{{"messageId": "m{i}", "eventSource": "aws:sqs", "body": "{{\"sku\": \"S{i}\", \"quantity\": {quantity}, \"note\": \"{note}\"}}"}}"#
            )
        })
        .collect();
    let event = format!(r#"{{"Records": [{}]}}"#, records.join(","));
    assert!(event.len() > 6 * 1024 * 1024, "{} bytes", event.len());
    let expected = format!(
        r#"{{"batchItemFailures":[{}]}}"#,
        (0..6)
            .map(|k| format!(r#"{{"itemIdentifier":"m{}"}}"#, k * 1_000 + 999))
            .collect::<Vec<_>>()
            .join(",")
    );
    let runtime = FaultRuntime::start(vec![Next::Event(event)], vec![]);
    let _function = runtime.spawn_function(BIN);
    assert_eq!(runtime.next_posted(), response("req-1", &expected));
}
