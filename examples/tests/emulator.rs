//! Every example under `cargo lambda watch`, the Lambda Runtime API emulator, invoked with
//! `cargo lambda invoke` exactly as a user would. Enabled by the `emulator-tests` feature (the
//! README's test command turns it on); fails with install instructions without cargo-lambda.

#[path = "support/emulator.rs"]
mod emulator;

use std::path::PathBuf;

use emulator::Emulator;

fn event(name: &str) -> PathBuf {
    emulator::workspace().join("examples/events").join(name)
}

/// (binary, sample event, exact response), one row per example.
const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "sqs",
        "sqs.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"244fc6b4-87a3-44ab-83d2-361172410c3a"},{"itemIdentifier":"7a2e6cd1-1b2c-4e8f-9d3a-5f6b7c8d9e0f"}]}"#,
    ),
    (
        "sqs_fifo",
        "sqs-fifo.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"fifo-2"},{"itemIdentifier":"fifo-4"}]}"#,
    ),
    (
        "kinesis",
        "kinesis.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"49590338271490256608559692540925702759324208523137515618"},{"itemIdentifier":"49590338271490256608559692541114340500326730457002754146"}]}"#,
    ),
    (
        "dynamodb",
        "dynamodb.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"4421584500"},{"itemIdentifier":"5563918774"}]}"#,
    ),
    (
        "kafka",
        "kafka.json",
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":42}},{"itemIdentifier":{"partition":"orders-0","offset":43}},{"itemIdentifier":{"partition":"orders-1","offset":19}}]}"#,
    ),
    (
        "state",
        "state.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"state-2"}]}"#,
    ),
    (
        "hooks",
        "hooks.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"hooks-2"},{"itemIdentifier":"hooks-3"}]}"#,
    ),
    (
        "custom_processor",
        "custom-processor.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"bulk-2"},{"itemIdentifier":"bulk-3"}]}"#,
    ),
    // The emulator sends `lambda-runtime-deadline-ms: 600000`, a duration: R10 counts it as no
    // deadline, so the 500 ms margin stops no record and only the untitled document fails.
    (
        "context",
        "context.json",
        r#"{"batchItemFailures":[{"itemIdentifier":"49590338271490256608559692538361571095921575989136588902"}]}"#,
    ),
    // The same duration header means no deadline here either: every report is rendered.
    ("deadline", "deadline.json", r#"{"batchItemFailures":[]}"#),
];

#[test]
fn every_example_answers_its_sample_event() {
    for (bin, file, expected) in EXAMPLES {
        let emulator = Emulator::start(bin);
        assert_eq!(
            emulator.invoke_ok(&event(file)),
            *expected,
            "{bin} on {file}"
        );
    }
}

#[test]
fn an_all_failed_batch_is_an_invocation_error_and_the_function_serves_on() {
    let dir = std::env::temp_dir().join(format!("lambda-batch-emulator-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let all_failed = dir.join("all-failed.json");
    std::fs::write(
        &all_failed,
        r#"{"Records": [
            {"messageId": "x1", "eventSource": "aws:sqs", "body": "not json"},
            {"messageId": "x2", "eventSource": "aws:sqs", "body": "{\"sku\": \"X\", \"quantity\": 0}"}
        ]}"#,
    )
    .unwrap();

    let mut emulator = Emulator::start("sqs");
    let output = emulator.invoke(&all_failed);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    // cargo lambda prints `Error: <errorType>` and the error message.
    assert!(stderr.contains("Error: BatchProcessingError"), "{stderr}");
    assert!(
        stderr.contains("All records failed processing. 2 individual errors:"),
        "{stderr}"
    );
    assert!(emulator.function_running());

    let (_, file, expected) = EXAMPLES[0];
    assert_eq!(emulator.invoke_ok(&event(file)), expected);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn state_is_built_once_across_warm_invocations() {
    let mut emulator = Emulator::start("state");
    let (_, file, expected) = EXAMPLES.iter().find(|(bin, _, _)| *bin == "state").unwrap();
    for _ in 0..2 {
        assert_eq!(emulator.invoke_ok(&event(file)), *expected);
    }
    let logs = emulator.stop_function();
    assert_eq!(logs.matches("catalog loaded").count(), 1, "{logs}");
    assert_eq!(logs.matches("order priced").count(), 4, "{logs}");
}

#[test]
fn cargo_lambda_build_makes_a_bootstrap_for_every_example() {
    let cargo_lambda = emulator::cargo_lambda();
    // cargo lambda finds Zig (from the `ziglang` package installed beside it) on PATH.
    let mut path =
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect::<Vec<_>>();
    if let Some(dir) = cargo_lambda.parent().filter(|d| !d.as_os_str().is_empty()) {
        path.insert(0, dir.to_path_buf());
    }
    let status = std::process::Command::new(&cargo_lambda)
        .args([
            "lambda",
            "build",
            "--release",
            "--target",
            "x86_64-unknown-linux-gnu",
            "-p",
            "examples",
        ])
        .env("PATH", std::env::join_paths(path).unwrap())
        .current_dir(emulator::workspace())
        .status()
        .expect("cargo lambda build runs");
    assert!(status.success(), "cargo lambda build --release failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| emulator::workspace().join("target"));
    for (bin, _, _) in EXAMPLES {
        let bootstrap = target.join("lambda").join(bin).join("bootstrap");
        let bytes =
            std::fs::read(&bootstrap).unwrap_or_else(|e| panic!("{}: {e}", bootstrap.display()));
        assert_eq!(&bytes[..4], b"\x7fELF", "{bin} is an ELF executable");
        assert_eq!(
            u16::from_le_bytes([bytes[18], bytes[19]]),
            0x3e,
            "{bin} is built for x86_64"
        );
        println!("{bin}: bootstrap {} bytes", bytes.len());
    }
}
