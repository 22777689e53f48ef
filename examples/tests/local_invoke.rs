//! Runs every example binary in local invoke (DESIGN §6) on its sample event and checks stdout,
//! stderr and the exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("events")
}

fn run(bin: &str, args: &[&str], stdin: Option<&str>) -> Output {
    run_with_env(bin, args, stdin, &[])
}

fn run_with_env(bin: &str, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(bin)
        .args(args)
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .env_remove("LAMBDA_BATCH_REMAINING_MS")
        .envs(env.iter().copied())
        .env("RUST_LOG", "info")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example binary starts");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> &str {
    std::str::from_utf8(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> &str {
    std::str::from_utf8(&output.stderr).unwrap()
}

/// Runs `bin` on `examples/events/<event>` and checks it printed exactly `expected` and a newline.
fn assert_response(bin: &str, event: &str, expected: &str) {
    let path = events_dir().join(event);
    let output = run(bin, &[path.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), format!("{expected}\n"));
}

#[test]
fn sqs_reports_the_poison_body_and_the_rejected_order() {
    assert_response(
        env!("CARGO_BIN_EXE_sqs"),
        "sqs.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"244fc6b4-87a3-44ab-83d2-361172410c3a"},{"itemIdentifier":"7a2e6cd1-1b2c-4e8f-9d3a-5f6b7c8d9e0f"}]}"#,
    );
}

#[test]
fn fifo_skips_the_rest_of_the_failed_group_only() {
    assert_response(
        env!("CARGO_BIN_EXE_sqs_fifo"),
        "sqs-fifo.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"fifo-2"},{"itemIdentifier":"fifo-4"}]}"#,
    );
}

#[test]
fn kinesis_reports_sequence_numbers() {
    assert_response(
        env!("CARGO_BIN_EXE_kinesis"),
        "kinesis.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"49590338271490256608559692540925702759324208523137515618"},{"itemIdentifier":"49590338271490256608559692541114340500326730457002754146"}]}"#,
    );
}

#[test]
fn kafka_reports_partition_and_offset_and_holds_back_the_failed_partition() {
    // orders-0: 42 has no items, 43 is held back by stop_on_first_failure; orders-1: 18 is a
    // tombstone (acknowledged), 19 is not JSON.
    assert_response(
        env!("CARGO_BIN_EXE_kafka"),
        "kafka.json",
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":42}},{"itemIdentifier":{"partition":"orders-0","offset":43}},{"itemIdentifier":{"partition":"orders-1","offset":19}}]}"#,
    );
}

#[test]
fn dynamodb_reports_the_misfit_image_and_the_empty_stock() {
    assert_response(
        env!("CARGO_BIN_EXE_dynamodb"),
        "dynamodb.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"4421584500"},{"itemIdentifier":"5563918774"}]}"#,
    );
}

#[test]
fn state_is_built_once_and_shared_by_every_record() {
    let path = events_dir().join("state.json");
    let output = run(env!("CARGO_BIN_EXE_state"), &[path.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "{\"batchItemFailures\":[{\"itemIdentifier\":\"state-2\"}]}\n"
    );
    assert_eq!(stderr(&output).matches("catalog loaded").count(), 1);
}

#[test]
fn a_state_that_cannot_be_built_is_an_error_with_exit_1() {
    let path = events_dir().join("state.json");
    let output = Command::new(env!("CARGO_BIN_EXE_state"))
        .arg(&path)
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .env("CATALOG_FILE", "/no/such/catalog.json")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).starts_with(
            "Error: handler state could not be built: cannot read the catalog `/no/such/catalog.json`: "
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn hooks_count_every_success_and_failure() {
    let path = events_dir().join("hooks.json");
    let output = run(env!("CARGO_BIN_EXE_hooks"), &[path.to_str().unwrap()], None);
    assert_eq!(
        stdout(&output),
        "{\"batchItemFailures\":[{\"itemIdentifier\":\"hooks-2\"},{\"itemIdentifier\":\"hooks-3\"}]}\n"
    );
    let logs = stderr(&output);
    assert_eq!(logs.matches("metric: success").count(), 2);
    assert_eq!(logs.matches("metric: failure").count(), 2);
    assert!(logs.contains("succeeded=2") && logs.contains("failed=2"));
}

#[test]
fn a_custom_processor_fails_rows_its_bulk_write_refused() {
    assert_response(
        env!("CARGO_BIN_EXE_custom_processor"),
        "custom-processor.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"bulk-2"},{"itemIdentifier":"bulk-3"}]}"#,
    );
}

#[test]
fn context_example_processes_concurrently_within_the_deadline() {
    // The local context's deadline is 15 minutes ahead: the 500 ms margin stops nothing.
    assert_response(
        env!("CARGO_BIN_EXE_context"),
        "context.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"49590338271490256608559692538361571095921575989136588902"}]}"#,
    );
}

#[test]
fn deadline_example_renders_every_report_with_the_default_fifteen_minutes() {
    assert_response(
        env!("CARGO_BIN_EXE_deadline"),
        "deadline.json",
        r#"{"batchItemFailures":[]}"#,
    );
}

#[test]
fn a_short_remaining_time_makes_the_deadline_guard_stop_the_later_records() {
    // Margin 1000 ms, 1000 ms a record, 2900 ms left: records 1 and 2 start (2900 and about
    // 1900 ms left; record 2 may start up to 900 ms late on a busy machine), records 3 and 4
    // would start with at most 900 ms left, so they do not.
    let path = events_dir().join("deadline.json");
    let output = run_with_env(
        env!("CARGO_BIN_EXE_deadline"),
        &[path.to_str().unwrap()],
        None,
        &[("LAMBDA_BATCH_REMAINING_MS", "2900")],
    );
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "{\"batchItemFailures\":[{\"itemIdentifier\":\"deadline-3\"},{\"itemIdentifier\":\"deadline-4\"}]}\n"
    );
    let logs = stderr(&output);
    assert_eq!(logs.matches("report rendered").count(), 2, "{logs}");
    assert_eq!(
        logs.matches("not started: deadline approaching").count(),
        2,
        "{logs}"
    );
}

#[test]
fn an_invalid_remaining_time_is_an_error_with_exit_1() {
    let path = events_dir().join("deadline.json");
    for value in ["0", "soon", "1.5"] {
        let output = run_with_env(
            env!("CARGO_BIN_EXE_deadline"),
            &[path.to_str().unwrap()],
            None,
            &[("LAMBDA_BATCH_REMAINING_MS", value)],
        );
        assert_eq!(output.status.code(), Some(1), "{value}");
        assert!(stdout(&output).is_empty(), "{value}");
        assert_eq!(
            stderr(&output),
            format!(
                "Error: LAMBDA_BATCH_REMAINING_MS must be a whole number of milliseconds from 1 up, not `{value}`\n"
            )
        );
    }
}

#[test]
fn logs_go_to_stderr_and_never_show_bodies() {
    let path = events_dir().join("sqs.json");
    let output = run(env!("CARGO_BIN_EXE_sqs"), &[path.to_str().unwrap()], None);
    assert!(stderr(&output).contains("record failed"));
    assert_eq!(stdout(&output).lines().count(), 1);
    // The poison body is base64 text; it must not appear in the logs.
    assert!(!stderr(&output).contains("SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg=="));
}

#[test]
fn reads_the_event_from_stdin_with_dash_or_no_argument() {
    let event = std::fs::read_to_string(events_dir().join("sqs-fifo.json")).unwrap();
    let expected = "{\"batchItemFailures\":[{\"itemIdentifier\":\"fifo-2\"},{\"itemIdentifier\":\"fifo-4\"}]}\n";
    for args in [&["-"][..], &[][..]] {
        let output = run(env!("CARGO_BIN_EXE_sqs_fifo"), args, Some(&event));
        assert_eq!(output.status.code(), Some(0), "args {args:?}");
        assert_eq!(stdout(&output), expected, "args {args:?}");
    }
}

#[test]
fn help_prints_usage_on_stdout_and_exits_0() {
    for flag in ["--help", "-h"] {
        let output = run(env!("CARGO_BIN_EXE_kinesis"), &[flag], None);
        assert_eq!(output.status.code(), Some(0));
        assert!(stdout(&output).starts_with("Usage: kinesis [EVENT.json | -]"));
        assert!(stdout(&output).contains("LAMBDA_BATCH_REMAINING_MS"));
        assert!(stderr(&output).is_empty());
    }
}

#[test]
fn an_all_failed_batch_is_an_error_with_exit_1() {
    let event = r#"{"Records": [
        {"messageId": "a", "eventSource": "aws:sqs", "body": "not json"},
        {"messageId": "b", "eventSource": "aws:sqs", "body": "{\"sku\": \"X\", \"quantity\": 0}"}
    ]}"#;
    let output = run(env!("CARGO_BIN_EXE_sqs"), &["-"], Some(event));
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    let err = stderr(&output);
    let line = err
        .lines()
        .find(|l| l.starts_with("Error: "))
        .expect("an Error: line");
    assert_eq!(
        line,
        "Error: All records failed processing. 2 individual errors:"
    );
    assert!(err.contains("- record 0 (a): "));
    assert!(err.contains("- record 1 (b): order for X has no quantity"));
}

#[test]
fn a_large_all_failed_batch_prints_a_bounded_error_and_logs_every_failure() {
    let records: Vec<String> = (0..25)
        .map(|p| {
            format!(r#"{{"messageId": "a{p}", "eventSource": "aws:sqs", "body": "not json"}}"#)
        })
        .collect();
    let event = format!(r#"{{"Records": [{}]}}"#, records.join(","));
    let output = run(env!("CARGO_BIN_EXE_sqs"), &["-"], Some(&event));
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    // Each failure is logged at warn when it happens ...
    assert_eq!(err.matches("record failed").count(), 25, "{err}");
    // ... and the error names the first 10, then counts the rest.
    let start = err.find("Error: ").expect("an Error: line");
    let lines: Vec<&str> = err[start..].lines().collect();
    assert_eq!(
        lines[0],
        "Error: All records failed processing. 25 individual errors:"
    );
    assert_eq!(lines.len(), 12, "{err}");
    for (position, line) in lines[1..11].iter().enumerate() {
        let named = format!("- record {position} (a{position}): ");
        assert!(line.starts_with(&named), "{line}");
    }
    assert_eq!(lines[11], "... and 15 more");
}

#[test]
fn invalid_json_and_wrong_source_are_errors_with_exit_1() {
    let cases = [
        (
            "{not json",
            "Error: invalid event: the event is not valid JSON",
        ),
        (
            r#"{"Records": [{"eventSource": "aws:kinesis", "kinesis": {}}]}"#,
            "Error: record 0 comes from aws:kinesis, but this handler processes aws:sqs events",
        ),
        (
            r#"{"records": []}"#,
            "Error: invalid event: it has no `Records` field",
        ),
    ];
    for (event, expected) in cases {
        let output = run(env!("CARGO_BIN_EXE_sqs"), &["-"], Some(event));
        assert_eq!(output.status.code(), Some(1), "{event}");
        assert!(stdout(&output).is_empty(), "{event}");
        assert!(
            stderr(&output).contains(expected),
            "{event}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn an_unreadable_file_or_extra_argument_is_an_error_with_exit_1() {
    let output = run(
        env!("CARGO_BIN_EXE_dynamodb"),
        &["/no/such/event.json"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).starts_with("Error: cannot read `/no/such/event.json`: "));

    let output = run(env!("CARGO_BIN_EXE_dynamodb"), &["a.json", "b.json"], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).starts_with("Error: unexpected argument `b.json`"));
}

#[test]
fn an_empty_batch_answers_an_empty_failure_list() {
    let output = run(
        env!("CARGO_BIN_EXE_kinesis"),
        &["-"],
        Some(r#"{"Records": []}"#),
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "{\"batchItemFailures\":[]}\n");
}

#[cfg(feature = "concurrency-tokio")]
#[test]
fn concurrent_invocations_example_runs_in_local_invoke_too() {
    assert_response(
        env!("CARGO_BIN_EXE_concurrent_invocations"),
        "concurrent-invocations.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"}]}"#,
    );
}
