//! The `sqs_backoff` example's `sqs_client = orders_sqs_client` under the real `lambda_runtime`
//! loop (a mock Runtime API) and in local invoke: the client is built once per process, in the
//! init phase before the first event is asked for, and an error building it is reported as an
//! init error of its own type, never as the state's.

#[path = "support/mock_runtime.rs"]
mod mock_runtime;

use std::process::Command;

use mock_runtime::{MockRuntime, Posted};

/// Two orders that are placed: no visibility to change, so no SQS call and no server needed.
const PLACED: &str = r#"{"Records": [
    {"messageId": "m1", "receiptHandle": "rh-1", "body": "{\"sku\": \"a\", \"quantity\": 1}",
     "attributes": {"ApproximateReceiveCount": "1"}, "eventSource": "aws:sqs",
     "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders"},
    {"messageId": "m2", "receiptHandle": "rh-2", "body": "{\"sku\": \"b\", \"quantity\": 2}",
     "attributes": {"ApproximateReceiveCount": "1"}, "eventSource": "aws:sqs",
     "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders"}
]}"#;

const NO_FAILURES: &str = r#"{"batchItemFailures":[]}"#;

const CREDENTIALS: [(&str, &str); 4] = [
    ("AWS_REGION", "us-east-1"),
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
];

#[test]
fn a_client_that_cannot_be_built_is_posted_as_an_init_error_before_any_event() {
    let mock = MockRuntime::start(vec![PLACED.to_owned()]);
    let mut env = CREDENTIALS.to_vec();
    env.push(("SQS_MAX_ATTEMPTS", "0"));
    let mut function = mock.spawn_function_with_env(env!("CARGO_BIN_EXE_sqs_backoff"), &env);

    let Posted::InitError { error_type, body } = mock.next_posted() else {
        panic!("a client that cannot be built is posted as an init error");
    };
    assert_eq!(error_type.as_deref(), Some("Runtime.InitError"));
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["errorType"], "SqsClientInitError");
    assert_eq!(
        error["errorMessage"],
        "the SQS client could not be built: SQS_MAX_ATTEMPTS must be a whole number from 1 to 10, not `0`"
    );

    let status = function.exit_status();
    assert!(!status.success(), "{status}");
    assert_eq!(mock.try_next_posted(), None, "exactly one post");
    // Built lazily on the first invocation, the error would have come after asking for an event.
    assert_eq!(mock.next_requests(), 0, "no event is asked for");
}

#[test]
fn the_client_is_built_once_before_the_first_event_and_serves_every_invocation() {
    let mock = MockRuntime::start(vec![PLACED.to_owned(), PLACED.to_owned()]);
    let log_path = std::env::temp_dir().join(format!("sqs-client-init-{}.log", std::process::id()));
    let log = std::fs::File::create(&log_path).unwrap();
    let mut env = CREDENTIALS.to_vec();
    env.extend([("SQS_MAX_ATTEMPTS", "5"), ("RUST_LOG", "info")]);
    let mut function = mock.spawn_function_logging(env!("CARGO_BIN_EXE_sqs_backoff"), &env, log);

    for request_id in ["req-1", "req-2"] {
        assert_eq!(
            mock.next_posted(),
            Posted::Response {
                request_id: request_id.into(),
                body: NO_FAILURES.into()
            }
        );
    }
    assert!(function.is_running());
    drop(function);

    let logs = std::fs::read_to_string(&log_path).unwrap();
    let _ = std::fs::remove_file(&log_path);
    let built: Vec<_> = logs
        .lines()
        .filter(|line| line.contains("sqs client built"))
        .collect();
    assert_eq!(built.len(), 1, "built once per process: {logs}");
    assert!(built[0].contains("attempts=5"), "{logs}");
    // In the init phase: outside any invocation's span, and before the first order is placed.
    assert!(!built[0].contains("req-1"), "{logs}");
    let first_order = logs.find("order placed").expect("orders are logged");
    assert!(
        logs.find("sqs client built").unwrap() < first_order,
        "{logs}"
    );
}

#[test]
fn local_invoke_prints_the_client_error_and_exits_1_without_running_a_record() {
    let event = std::env::temp_dir().join(format!("sqs-client-init-{}.json", std::process::id()));
    std::fs::write(&event, PLACED).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_sqs_backoff"))
        .arg(&event)
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .envs(CREDENTIALS)
        .env("SQS_MAX_ATTEMPTS", "many")
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&event);

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.ends_with(
            "Error: the SQS client could not be built: SQS_MAX_ATTEMPTS must be a whole number from 1 to 10, not `many`\n"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("order placed"), "{stderr}");
}
