//! The generated `main` in local invoke (DESIGN §6): one JSON line on stdout and exit 0, or
//! `Error: ` and the message on stderr and exit 1; state is built before the event is handled.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use batch_core::testing::kinesis_record;

fn run(bin: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(bin)
        .args(args)
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn event_file(name: &str, json: &str) -> String {
    let path = std::env::temp_dir().join(format!("edition2021-{}-{name}.json", std::process::id()));
    std::fs::write(&path, json).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn sqs_reports_the_failed_records_on_one_line() {
    let path = event_file(
        "sqs",
        r#"{"Records": [
            {"messageId": "1", "eventSource": "aws:sqs", "body": "{\"quantity\": 1}"},
            {"messageId": "2", "eventSource": "aws:sqs", "body": "{\"quantity\": 0}"},
            {"messageId": "3", "eventSource": "aws:sqs", "body": "not json"}
        ]}"#,
    );
    let output = run(env!("CARGO_BIN_EXE_e2021-sqs"), &[&path], "");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "{\"batchItemFailures\":[{\"itemIdentifier\":\"2\"},{\"itemIdentifier\":\"3\"}]}\n"
    );
}

#[test]
fn an_all_failed_batch_is_an_error_and_exit_1() {
    let event = r#"{"Records": [{"messageId": "1", "eventSource": "aws:sqs", "body": "{\"quantity\": 0}"}]}"#;
    let output = run(env!("CARGO_BIN_EXE_e2021-sqs"), &["-"], event);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("Error: All records failed processing."),
        "{}",
        stderr(&output)
    );
}

#[test]
fn help_prints_usage_and_exits_0() {
    let output = run(env!("CARGO_BIN_EXE_e2021-sqs-fifo"), &["--help"], "");
    assert!(output.status.success());
    assert!(!stdout(&output).is_empty());
}

#[test]
fn fifo_skips_the_rest_of_a_failed_group() {
    let fifo = |id: &str, group: &str, body: &str| {
        format!(
            r#"{{"messageId": "{id}", "eventSource": "aws:sqs", "body": "{body}",
                "attributes": {{"MessageGroupId": "{group}"}}}}"#
        )
    };
    let event = format!(
        r#"{{"Records": [{}, {}, {}, {}]}}"#,
        fifo("1", "a", "fail"),
        fifo("2", "b", "ok"),
        fifo("3", "a", "ok"),
        fifo("4", "b", "ok")
    );
    let output = run(env!("CARGO_BIN_EXE_e2021-sqs-fifo"), &[], &event);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "{\"batchItemFailures\":[{\"itemIdentifier\":\"1\"},{\"itemIdentifier\":\"3\"}]}\n"
    );
}

#[test]
fn kinesis_state_is_built_and_later_records_stop() {
    let records: Vec<_> = [("1", "21"), ("2", "50"), ("3", "21")]
        .iter()
        .map(|(seq, celsius)| kinesis_record(seq, &format!("sensor-{seq}"), celsius.as_bytes()))
        .collect();
    let event = serde_json::json!({ "Records": records }).to_string();
    let output = run(env!("CARGO_BIN_EXE_e2021-kinesis"), &["-"], &event);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "{\"batchItemFailures\":[{\"itemIdentifier\":\"2\"},{\"itemIdentifier\":\"3\"}]}\n"
    );
}

#[test]
fn dynamodb_of_an_empty_batch_acknowledges_nothing_to_fail() {
    let output = run(
        env!("CARGO_BIN_EXE_e2021-dynamodb"),
        &["-"],
        r#"{"Records": []}"#,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "{\"batchItemFailures\":[]}\n");
}

#[test]
fn an_event_of_another_source_is_an_error() {
    let event = r#"{"Records": [{"messageId": "1", "eventSource": "aws:sqs", "body": "x"}]}"#;
    let output = run(env!("CARGO_BIN_EXE_e2021-dynamodb"), &["-"], event);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("Error: "), "{}", stderr(&output));
}

#[test]
fn kafka_stops_only_the_failed_partition() {
    use batch_core::testing::kafka_record;
    // payments-0: 1 ok, 2 negative, 3 ok (not started); payments-1: 7 negative, then a tombstone.
    let partition = |records: &[serde_json::Value]| serde_json::Value::from(records.to_vec());
    let event = format!(
        r#"{{"eventSource": "SelfManagedKafka", "records": {{"payments-0": {}, "payments-1": {}}}}}"#,
        partition(&[
            kafka_record("payments", 0, 1, Some(br#"{"cents": 5}"#)),
            kafka_record("payments", 0, 2, Some(br#"{"cents": -5}"#)),
            kafka_record("payments", 0, 3, Some(br#"{"cents": 5}"#)),
        ]),
        partition(&[
            kafka_record("payments", 1, 7, Some(br#"{"cents": -1}"#)),
            kafka_record("payments", 1, 8, None),
        ]),
    );
    let output = run(env!("CARGO_BIN_EXE_e2021-kafka"), &["-"], &event);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        concat!(
            r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"payments-0","offset":2}},"#,
            r#"{"itemIdentifier":{"partition":"payments-0","offset":3}},"#,
            r#"{"itemIdentifier":{"partition":"payments-1","offset":7}},"#,
            r#"{"itemIdentifier":{"partition":"payments-1","offset":8}}]}"#,
            "\n"
        )
    );
}
