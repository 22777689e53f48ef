//! R15: stop on first failure for Kinesis and DynamoDB Streams, with and without concurrency.

use std::sync::Mutex;
use std::time::Duration;

use batch_core::source::{BatchSource, DynamoDb, Kinesis};
use batch_core::testing::{dynamodb_record, event_from_records, kinesis_record};
use batch_core::{
    BatchError, BatchProcessor, RecordCx, RecordError, RecordErrorKind, RecordHandler, SkipReason,
};

/// The message of a record reported because an earlier one failed under stop_on_first_failure.
const SKIPPED: &str = "not processed: an earlier record failed and stop_on_first_failure is on";
use serde_json::json;

/// Fails the records whose position is listed; records the positions that ran. Each record
/// sleeps `delay_ms[position]` first, so that completion order differs from input order.
struct Plan {
    failing: Vec<usize>,
    delay_ms: Vec<u64>,
    ran: Mutex<Vec<usize>>,
}

impl Plan {
    fn new(failing: &[usize], delay_ms: &[u64]) -> Self {
        Self {
            failing: failing.to_vec(),
            delay_ms: delay_ms.to_vec(),
            ran: Mutex::new(Vec::new()),
        }
    }

    async fn handle<S: BatchSource>(&self, record: &RecordCx<'_, S>) -> Result<(), RecordError> {
        let position = record.position();
        self.ran.lock().unwrap().push(position);
        tokio::time::sleep(Duration::from_millis(self.delay_ms[position])).await;
        if self.failing.contains(&position) {
            Err(RecordError::handler(format!("record {position} failed")))
        } else {
            Ok(())
        }
    }

    fn ran(&self) -> Vec<usize> {
        let mut ran = self.ran.lock().unwrap().clone();
        ran.sort();
        ran
    }
}

impl RecordHandler<Kinesis> for Plan {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<(), RecordError> {
        self.handle(record).await
    }
}

impl RecordHandler<DynamoDb> for Plan {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, DynamoDb>) -> Result<(), RecordError> {
        self.handle(record).await
    }
}

fn kinesis_event(n: usize) -> batch_core::LambdaEvent<batch_core::BatchEvent> {
    event_from_records((0..n).map(|i| kinesis_record(&format!("seq-{i}"), &format!("k{i}"), b"{}")))
}

fn dynamodb_event(n: usize) -> batch_core::LambdaEvent<batch_core::BatchEvent> {
    event_from_records((0..n).map(|i| {
        dynamodb_record(
            &format!("seq-{i}"),
            json!({"Id": {"N": i.to_string()}}),
            json!({}),
        )
    }))
}

#[tokio::test(start_paused = true)]
async fn kinesis_sequential_stops_at_the_first_failure() {
    // [S, F, S, S]: records 3 and 4 never run; 2, 3, 4 are reported.
    let plan = Plan::new(&[1], &[0; 4]);
    let report = BatchProcessor::<Kinesis>::new()
        .stop_on_first_failure(true)
        .process(
            &kinesis_event(4).payload,
            &batch_core::testing::test_context("t"),
            &plan,
        )
        .await
        .unwrap();
    assert_eq!(plan.ran(), [0, 1]);
    let errors: Vec<(usize, String)> = report
        .failures()
        .map(|(o, e)| (o.position(), e.to_string()))
        .collect();
    assert_eq!(
        errors,
        [
            (1, "record 1 failed".to_string()),
            (2, SKIPPED.to_string()),
            (3, SKIPPED.to_string()),
        ]
    );
    assert_eq!(
        report.failures().nth(1).unwrap().1.kind(),
        RecordErrorKind::Skipped(SkipReason::EarlierRecordFailed)
    );
    let response = report.into_response().unwrap();
    let ids: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect();
    assert_eq!(ids, ["seq-1", "seq-2", "seq-3"]);
}

#[tokio::test(start_paused = true)]
async fn without_the_option_every_record_runs() {
    let plan = Plan::new(&[1], &[0; 4]);
    let response = BatchProcessor::<Kinesis>::new()
        .run(kinesis_event(4), &plan)
        .await
        .unwrap();
    assert_eq!(plan.ran(), [0, 1, 2, 3]);
    let ids: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect();
    assert_eq!(ids, ["seq-1"]);
}

#[tokio::test(start_paused = true)]
async fn dynamodb_concurrent_reports_everything_from_the_lowest_failure() {
    // Six records, all in flight at once. Record 3 fails first (fast), record 1 fails later
    // (slow): everything from 1 on is reported, records 4 and 5 ran but are reported too, and
    // record 0 still runs and succeeds.
    let plan = Plan::new(&[1, 3], &[30, 60, 30, 1, 30, 30]);
    let response = BatchProcessor::<DynamoDb>::new()
        .stop_on_first_failure(true)
        .concurrency(6)
        .run(dynamodb_event(6), &plan)
        .await
        .unwrap();
    assert_eq!(plan.ran(), [0, 1, 2, 3, 4, 5]);
    let ids: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect();
    assert_eq!(ids, ["seq-1", "seq-2", "seq-3", "seq-4", "seq-5"]);
}

#[tokio::test(start_paused = true)]
async fn concurrent_does_not_start_records_after_a_failure() {
    // Two slots: 0 and 1 start; 1 fails at once; 0 is slow. Records 2.. must not start.
    let plan = Plan::new(&[1], &[50, 0, 0, 0, 0]);
    let response = BatchProcessor::<Kinesis>::new()
        .stop_on_first_failure(true)
        .concurrency(2)
        .run(kinesis_event(5), &plan)
        .await
        .unwrap();
    assert_eq!(plan.ran(), [0, 1]);
    let ids: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect();
    assert_eq!(ids, ["seq-1", "seq-2", "seq-3", "seq-4"]);
}

#[tokio::test(start_paused = true)]
async fn a_failing_first_record_fails_the_whole_batch() {
    for concurrency in [1, 4] {
        let plan = Plan::new(&[0], &[0, 10, 10]);
        let error = BatchProcessor::<DynamoDb>::new()
            .stop_on_first_failure(true)
            .concurrency(concurrency)
            .run(dynamodb_event(3), &plan)
            .await
            .unwrap_err();
        let BatchError::AllFailed { failures } = &error else {
            panic!("expected AllFailed, got {error}");
        };
        assert_eq!(failures.len(), 3);
        assert!(
            error
                .to_string()
                .starts_with("All records failed processing.")
        );
    }
}
