//! The generated `main` under the real `lambda_runtime` loop, against an in-process mock of the
//! Runtime API on 127.0.0.1 (the examples' mock).

// Formatted by the examples package, in its own edition.
#[rustfmt::skip]
#[path = "../../../examples/tests/support/mock_runtime.rs"]
mod mock_runtime;

use batch_core::testing::kinesis_record;
use mock_runtime::{MockRuntime, Posted};

#[test]
fn posts_partial_responses_and_an_all_failed_error() {
    let mock = MockRuntime::start(vec![
        r#"{"Records": [
            {"messageId": "1", "eventSource": "aws:sqs", "body": "{\"quantity\": 1}"},
            {"messageId": "2", "eventSource": "aws:sqs", "body": "poison"}
        ]}"#
        .to_owned(),
        r#"{"Records": [{"messageId": "3", "eventSource": "aws:sqs", "body": "{\"quantity\": 0}"}]}"#
            .to_owned(),
    ]);
    let mut function = mock.spawn_function(env!("CARGO_BIN_EXE_e2021-sqs"));
    assert_eq!(
        mock.next_posted(),
        Posted::Response {
            request_id: "req-1".into(),
            body: r#"{"batchItemFailures":[{"itemIdentifier":"2"}]}"#.into(),
        }
    );
    let Posted::Error { request_id, body } = mock.next_posted() else {
        panic!("an all-failed batch is posted as an invocation error");
    };
    assert_eq!(request_id, "req-2");
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["errorType"], "BatchProcessingError");
    assert!(
        error["errorMessage"]
            .as_str()
            .unwrap()
            .starts_with("All records failed processing."),
        "{body}"
    );
    assert!(function.is_running());
}

#[test]
fn builds_state_before_serving_kinesis_batches() {
    let records = vec![
        kinesis_record("10", "sensor-a", b"20"),
        kinesis_record("11", "sensor-b", b"45"),
    ];
    let event = serde_json::json!({ "Records": records }).to_string();
    let mock = MockRuntime::start(vec![event.clone(), event]);
    let mut function = mock.spawn_function(env!("CARGO_BIN_EXE_e2021-kinesis"));
    for request_id in ["req-1", "req-2"] {
        assert_eq!(
            mock.next_posted(),
            Posted::Response {
                request_id: request_id.into(),
                body: r#"{"batchItemFailures":[{"itemIdentifier":"11"}]}"#.into(),
            }
        );
    }
    assert!(function.is_running());
}
