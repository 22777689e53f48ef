//! Runs example binaries under the real `lambda_runtime` loop against a mock Runtime API.

#[path = "support/mock_runtime.rs"]
mod mock_runtime;

use mock_runtime::{MockRuntime, Posted};

const ALL_FAILED: &str = r#"{"Records": [
    {"messageId": "x1", "eventSource": "aws:sqs", "body": "not json"},
    {"messageId": "x2", "eventSource": "aws:sqs", "body": "{\"sku\": \"X\", \"quantity\": 0}"}
]}"#;

fn sample(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("events")
            .join(name),
    )
    .unwrap()
}

#[test]
fn posts_the_partial_failure_response_then_an_error_then_serves_on() {
    let mock = MockRuntime::start(vec![
        sample("sqs.json"),
        ALL_FAILED.to_owned(),
        sample("sqs.json"),
    ]);
    let mut function = mock.spawn_function(env!("CARGO_BIN_EXE_sqs"));

    let partial = r#"{"batchItemFailures":[{"itemIdentifier":"244fc6b4-87a3-44ab-83d2-361172410c3a"},{"itemIdentifier":"7a2e6cd1-1b2c-4e8f-9d3a-5f6b7c8d9e0f"}]}"#;
    assert_eq!(
        mock.next_posted(),
        Posted::Response {
            request_id: "req-1".into(),
            body: partial.into()
        }
    );

    let Posted::Error { request_id, body } = mock.next_posted() else {
        panic!("an all-failed batch is posted as an invocation error");
    };
    assert_eq!(request_id, "req-2");
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["errorType"], "BatchProcessingError");
    let message = error["errorMessage"].as_str().unwrap();
    assert!(
        message.starts_with("All records failed processing. 2 individual errors:"),
        "{message}"
    );
    assert!(
        message.contains("record 1 (x2): order for X has no quantity"),
        "{message}"
    );

    // The process keeps serving: the third invocation is answered like the first.
    assert_eq!(
        mock.next_posted(),
        Posted::Response {
            request_id: "req-3".into(),
            body: partial.into()
        }
    );
    assert!(function.is_running());
}

#[test]
fn a_malformed_event_is_posted_as_an_error_naming_the_source() {
    let mock = MockRuntime::start(vec![
        r#"{"Records": "nope"}"#.to_owned(),
        sample("kinesis.json"),
    ]);
    let _function = mock.spawn_function(env!("CARGO_BIN_EXE_kinesis"));
    let Posted::Error { body, .. } = mock.next_posted() else {
        panic!("a malformed event fails the invocation");
    };
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["errorType"], "InvalidEventError");
    assert_eq!(
        error["errorMessage"],
        "invalid event: its `Records` field is a string, not an array (expected a batch event from aws:kinesis); nothing was processed"
    );
    assert!(matches!(mock.next_posted(), Posted::Response { .. }));
}

#[test]
fn a_failed_state_is_posted_as_an_init_error_and_the_function_exits() {
    let mock = MockRuntime::start(vec![sample("state.json")]);
    let mut function = mock.spawn_function_with_env(
        env!("CARGO_BIN_EXE_state"),
        &[("CATALOG_FILE", "/no/such/catalog.json")],
    );

    let Posted::InitError { error_type, body } = mock.next_posted() else {
        panic!("a state that cannot be built is posted as an init error");
    };
    assert_eq!(error_type.as_deref(), Some("Runtime.InitError"));
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["errorType"], "StateInitError");
    let message = error["errorMessage"].as_str().unwrap();
    assert!(
        message.starts_with(
            "handler state could not be built: cannot read the catalog `/no/such/catalog.json`: "
        ),
        "{message}"
    );

    let status = function.exit_status();
    assert!(!status.success(), "{status}");
    assert_eq!(mock.try_next_posted(), None, "exactly one post");
    assert_eq!(mock.next_requests(), 0, "no event is asked for");
}

#[test]
fn an_init_error_that_cannot_be_posted_is_logged_and_the_function_still_exits_1() {
    // Nothing listens on port 1; the others are not a Runtime API address at all.
    for endpoint in ["127.0.0.1:1", "/a/path", "not an address"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_state"))
            .env("AWS_LAMBDA_RUNTIME_API", endpoint)
            .env("CATALOG_FILE", "/no/such/catalog.json")
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        // 1, not a panic's 101.
        assert_eq!(output.status.code(), Some(1), "{endpoint}");
        let logs = String::from_utf8_lossy(&output.stdout);
        assert!(
            logs.contains("the init error could not be reported to the Runtime API"),
            "{endpoint}: {logs}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("Error: handler state could not be built: "),
            "{endpoint}: {stderr}"
        );
    }
}

/// One SQS batch of one resize request that waits `io_ms` on I/O.
#[cfg(feature = "concurrency-tokio")]
fn resize_batch(id: &str, io_ms: u64) -> String {
    format!(
        r#"{{"Records": [{{"messageId": "{id}", "eventSource": "aws:sqs",
            "body": "{{\"image\": \"{id}.png\", \"width\": 64, \"io_ms\": {io_ms}}}"}}]}}"#
    )
}

#[cfg(feature = "concurrency-tokio")]
#[test]
fn concurrent_invocations_overlap_under_managed_instances() {
    // The first invocation waits 3 s; the second none. Served one at a time, the first is
    // answered first; served two at a time, the second is answered while the first still waits.
    let mock = MockRuntime::start(vec![resize_batch("slow", 3000), resize_batch("fast", 0)]);
    let _function = mock.spawn_function_with_env(
        env!("CARGO_BIN_EXE_concurrent_invocations"),
        &[("AWS_LAMBDA_MAX_CONCURRENCY", "2")],
    );
    let empty = r#"{"batchItemFailures":[]}"#;
    assert_eq!(
        mock.next_posted(),
        Posted::Response {
            request_id: "req-2".into(),
            body: empty.into()
        }
    );
    assert_eq!(
        mock.next_posted(),
        Posted::Response {
            request_id: "req-1".into(),
            body: empty.into()
        }
    );
}

#[cfg(feature = "concurrency-tokio")]
#[test]
fn concurrent_invocations_without_max_concurrency_serve_one_at_a_time() {
    let mock = MockRuntime::start(vec![resize_batch("slow", 300), resize_batch("fast", 0)]);
    let _function = mock.spawn_function(env!("CARGO_BIN_EXE_concurrent_invocations"));
    for request_id in ["req-1", "req-2"] {
        let Posted::Response {
            request_id: posted, ..
        } = mock.next_posted()
        else {
            panic!("both batches succeed");
        };
        assert_eq!(posted, request_id);
    }
}
