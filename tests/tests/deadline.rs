//! R10: the deadline guard, and implausible deadlines counting as none.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use batch_core::processor::DEADLINE_APPROACHING;
use batch_core::source::Sqs;
use batch_core::testing::{event_from_records, sqs_message};
use batch_core::{
    BatchError, BatchProcessor, RecordCx, RecordError, RecordErrorKind, RecordHandler,
};

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn event_with_deadline(n: usize, deadline: u64) -> batch_core::LambdaEvent<batch_core::BatchEvent> {
    let mut event = event_from_records((0..n).map(|i| sqs_message(&format!("m{i}"), "{}")));
    event.context.deadline = deadline;
    event
}

/// Counts calls; the first call sleeps `first_sleep`.
struct Counter {
    calls: AtomicUsize,
    first_sleep: Duration,
}

impl Counter {
    fn new(first_sleep: Duration) -> Self {
        Self {
            calls: AtomicUsize::new(0),
            first_sleep,
        }
    }
}

impl RecordHandler<Sqs> for Counter {
    type Output = ();
    async fn call(&self, _: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            tokio::time::sleep(self.first_sleep).await;
        }
        Ok(())
    }
}

fn ids(response: &batch_core::aws_lambda_events::sqs::SqsBatchResponse) -> Vec<&str> {
    response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect()
}

#[tokio::test]
async fn records_are_not_started_once_less_than_the_margin_remains() {
    // 1 s left, margin 0.6 s: record 0 starts and takes 0.7 s, then too little time is left.
    let counter = Counter::new(Duration::from_millis(700));
    let event = event_with_deadline(4, now_ms() + 1_000);
    let report = BatchProcessor::<Sqs>::new()
        .deadline_margin(Duration::from_millis(600))
        .process(&event.payload, &event.context, &counter)
        .await
        .unwrap();
    assert_eq!(counter.calls.load(Ordering::SeqCst), 1);
    let errors: Vec<(Option<&str>, String, RecordErrorKind)> = report
        .failures()
        .map(|(o, e)| (o.id(), e.to_string(), e.kind()))
        .collect();
    let expected: Vec<(Option<&str>, String, RecordErrorKind)> = ["m1", "m2", "m3"]
        .into_iter()
        .map(|id| {
            (
                Some(id),
                DEADLINE_APPROACHING.to_string(),
                RecordErrorKind::NotStarted,
            )
        })
        .collect();
    assert_eq!(errors, expected);
    assert_eq!(ids(&report.into_response().unwrap()), ["m1", "m2", "m3"]);
}

#[tokio::test]
async fn a_margin_longer_than_the_time_left_starts_nothing() {
    let counter = Counter::new(Duration::ZERO);
    let processor = BatchProcessor::<Sqs>::new().deadline_margin(Duration::from_secs(5));
    let error = processor
        .run(event_with_deadline(2, now_ms() + 2_000), &counter)
        .await
        .unwrap_err();
    assert!(matches!(error, BatchError::AllFailed { .. }), "{error}");
    assert!(error.to_string().contains(DEADLINE_APPROACHING));

    let response = processor
        .raise_on_entire_batch_failure(false)
        .run(event_with_deadline(2, now_ms() + 2_000), &counter)
        .await
        .unwrap();
    assert_eq!(ids(&response), ["m0", "m1"]);
    assert_eq!(counter.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn plenty_of_time_runs_everything() {
    let counter = Counter::new(Duration::ZERO);
    let response = BatchProcessor::<Sqs>::new()
        .deadline_margin(Duration::from_secs(1))
        .run(event_with_deadline(3, now_ms() + 60_000), &counter)
        .await
        .unwrap();
    assert!(ids(&response).is_empty());
    assert_eq!(counter.calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn an_emulator_duration_is_no_deadline() {
    // `cargo lambda` sends `lambda-runtime-deadline-ms: 600000`, a duration: 1970 as a time.
    let counter = Counter::new(Duration::ZERO);
    let response = BatchProcessor::<Sqs>::new()
        .deadline_margin(Duration::from_secs(10))
        .run(event_with_deadline(3, 600_000), &counter)
        .await
        .unwrap();
    assert!(ids(&response).is_empty());
    assert_eq!(counter.calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_deadline_already_passed_at_the_start_is_no_deadline() {
    let counter = Counter::new(Duration::ZERO);
    let response = BatchProcessor::<Sqs>::new()
        .deadline_margin(Duration::from_secs(1))
        .run(event_with_deadline(3, now_ms() - 5_000), &counter)
        .await
        .unwrap();
    assert!(ids(&response).is_empty());
    assert_eq!(counter.calls.load(Ordering::SeqCst), 3);
}
