//! R4 and R7: the all-failed and unidentifiable-record errors stay small however many records
//! failed (the first 10 named, then "... and N more"), while the error's data keeps every one.

mod spec_support;

use batch_core::lambda_runtime::Diagnostic;
use batch_core::source::{Kinesis, Sqs};
use batch_core::testing::{event_from_records, kinesis_record, sqs_message};
use batch_core::{BatchError, BatchProcessor, RecordCx, RecordError, handler_fn};
use serde_json::Value;
use spec_support::{Plan, all_failed};

fn sqs_records(count: usize) -> Vec<Value> {
    (0..count)
        .map(|p| sqs_message(&format!("m{p}"), "{}"))
        .collect()
}

#[tokio::test]
async fn ten_thousand_failures_make_a_small_error_message_and_keep_every_failure() {
    let error = BatchProcessor::<Sqs>::new()
        .run(
            event_from_records(sqs_records(10_000)),
            &Plan::failing(0..10_000),
        )
        .await
        .unwrap_err();
    assert_eq!(all_failed(&error).len(), 10_000);

    let diagnostic = Diagnostic::from(error);
    assert_eq!(diagnostic.error_type, "BatchProcessingError");
    let expected = "All records failed processing. 10000 individual errors:
- record 0 (m0): planned failure 0
- record 1 (m1): planned failure 1
- record 2 (m2): planned failure 2
- record 3 (m3): planned failure 3
- record 4 (m4): planned failure 4
- record 5 (m5): planned failure 5
- record 6 (m6): planned failure 6
- record 7 (m7): planned failure 7
- record 8 (m8): planned failure 8
- record 9 (m9): planned failure 9
... and 9990 more";
    assert_eq!(diagnostic.error_message, expected);
}

#[tokio::test]
async fn two_kilobyte_handler_errors_stay_bounded() {
    let handler = handler_fn(|_: &RecordCx<'_, Sqs>| -> Result<(), RecordError> {
        Err(RecordError::handler("e".repeat(2048)))
    });
    let error = BatchProcessor::<Sqs>::new()
        .run(event_from_records(sqs_records(10_000)), &handler)
        .await
        .unwrap_err();
    let BatchError::AllFailed { failures } = &error else {
        panic!("expected AllFailed, got {error}");
    };
    // The data keeps each handler error whole.
    assert_eq!(failures.len(), 10_000);
    assert!(failures.iter().all(|f| f.error.message().len() == 2048));

    let message = Diagnostic::from(error).error_message;
    // 10 lines of at most 512 bytes plus a marker, a header and the count: about 5.5 KB.
    assert!(message.len() < 6 * 1024, "{} bytes", message.len());
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 12);
    // "- " then 512 bytes: "record 0 (m0): " (15 bytes) and 497 of the handler's bytes.
    assert_eq!(
        lines[1],
        format!("- record 0 (m0): {} ... (truncated)", "e".repeat(497))
    );
    assert_eq!(lines[11], "... and 9990 more");
}

/// Kinesis records whose sequence number is missing at `unidentifiable` positions.
fn kinesis_records(count: usize, unidentifiable: &[usize]) -> Vec<Value> {
    (0..count)
        .map(|p| {
            let mut record = kinesis_record(&format!("{p}"), "key", b"{}");
            if unidentifiable.contains(&p) {
                record["kinesis"]
                    .as_object_mut()
                    .unwrap()
                    .remove("sequenceNumber");
            }
            record
        })
        .collect()
}

#[tokio::test]
async fn every_unidentifiable_record_among_good_ones_is_named() {
    let records = kinesis_records(8, &[1, 4, 6]);
    let error = BatchProcessor::<Kinesis>::new()
        .run(event_from_records(records), &Plan::failing([1, 2, 4, 6]))
        .await
        .unwrap_err();
    let BatchError::UnidentifiableRecord { failures, field } = &error else {
        panic!("expected UnidentifiableRecord, got {error}");
    };
    assert_eq!(*field, "kinesis.sequenceNumber");
    let positions: Vec<usize> = failures.iter().map(|f| f.position).collect();
    // Record 2 failed too, but it has an identifier: only 1, 4 and 6 are unidentifiable.
    assert_eq!(positions, [1, 4, 6]);
    assert_eq!(
        error.to_string(),
        "3 failed records have no usable `kinesis.sequenceNumber`, so their failures cannot be \
         reported and the whole batch is retried:
- record 1 (no identifier): planned failure 1
- record 4 (no identifier): planned failure 4
- record 6 (no identifier): planned failure 6"
    );
}

#[tokio::test]
async fn twenty_five_unidentifiable_records_name_ten_and_count_fifteen() {
    let unidentifiable: Vec<usize> = (0..25).map(|i| 2 * i).collect();
    let records = kinesis_records(50, &unidentifiable);
    let error = BatchProcessor::<Kinesis>::new()
        .run(event_from_records(records), &Plan::failing(0..50))
        .await;
    // Every record failed, and raising is on: R4 wins over R7.
    assert_eq!(all_failed(&error.unwrap_err()).len(), 50);

    let error = BatchProcessor::<Kinesis>::new()
        .raise_on_entire_batch_failure(false)
        .run(
            event_from_records(kinesis_records(50, &unidentifiable)),
            &Plan::failing(0..50),
        )
        .await
        .unwrap_err();
    let BatchError::UnidentifiableRecord { failures, .. } = &error else {
        panic!("expected UnidentifiableRecord, got {error}");
    };
    assert_eq!(failures.len(), 25);
    let expected = "25 failed records have no usable `kinesis.sequenceNumber`, so their failures \
                    cannot be reported and the whole batch is retried:
- record 0 (no identifier): planned failure 0
- record 2 (no identifier): planned failure 2
- record 4 (no identifier): planned failure 4
- record 6 (no identifier): planned failure 6
- record 8 (no identifier): planned failure 8
- record 10 (no identifier): planned failure 10
- record 12 (no identifier): planned failure 12
- record 14 (no identifier): planned failure 14
- record 16 (no identifier): planned failure 16
- record 18 (no identifier): planned failure 18
... and 15 more";
    assert_eq!(error.to_string(), expected);
    assert_eq!(
        Diagnostic::from(error).error_type,
        "UnidentifiableRecordError"
    );
}
