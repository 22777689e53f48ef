//! `concurrency`, `deadline_margin_ms`, `record_timeout_ms` and `stop_on_first_failure` through
//! the macro, at run time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use batch_core::testing::{event_from_records, kinesis_record, sqs_message};

/// Counts records in flight and keeps the highest count seen.
struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl InFlight {
    const fn new() -> Self {
        Self {
            now: AtomicUsize::new(0),
            max: AtomicUsize::new(0),
        }
    }

    async fn around(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(5)).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

mod concurrent {
    use super::InFlight;
    use batch_core::prelude::*;

    pub static IN_FLIGHT: InFlight = InFlight::new();

    #[batch_handler(source = "kinesis", concurrency = 4, entrypoint = false)]
    async fn handle(_record: &KinesisEventRecord) {
        IN_FLIGHT.around().await;
    }
}

#[tokio::test]
async fn concurrency_runs_up_to_n_records_at_once() {
    let event = event_from_records(
        (0..12).map(|i| kinesis_record(&i.to_string(), &format!("key-{i}"), b"{}")),
    );
    let response = concurrent::lambda_handler(event).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(concurrent::IN_FLIGHT.max.load(Ordering::SeqCst), 4);
}

mod one_key {
    use super::InFlight;
    use batch_core::prelude::*;

    pub static IN_FLIGHT: InFlight = InFlight::new();

    #[batch_handler(source = "kinesis", concurrency = 4, entrypoint = false)]
    async fn handle(_record: &KinesisEventRecord) {
        IN_FLIGHT.around().await;
    }
}

#[tokio::test]
async fn records_of_one_partition_key_still_run_one_at_a_time() {
    let event = event_from_records((0..6).map(|i| kinesis_record(&i.to_string(), "same", b"{}")));
    one_key::lambda_handler(event).await.unwrap();
    assert_eq!(one_key::IN_FLIGHT.max.load(Ordering::SeqCst), 1);
}

mod deadline {
    use batch_core::prelude::*;

    #[batch_handler(
        source = "sqs",
        deadline_margin_ms = 60000,
        raise_on_entire_batch_failure = false,
        entrypoint = false
    )]
    fn handle(_message: &SqsMessage) {
        panic!("no record starts with less than the margin left");
    }
}

#[tokio::test]
async fn records_are_not_started_when_the_deadline_is_near() {
    let mut event = event_from_records([sqs_message("1", "a"), sqs_message("2", "b")]);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    event.context.deadline = (now + Duration::from_secs(5)).as_millis() as u64;
    let response = deadline::lambda_handler(event).await.unwrap();
    let ids: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(ids, ["1", "2"]);
}

mod timeout {
    use batch_core::prelude::*;

    /// Order "stuck" waits on a service that never answers; the others answer at once.
    #[batch_handler(
        source = "sqs",
        record_timeout_ms = 200,
        concurrency = 4,
        entrypoint = false
    )]
    async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
        if message.body.as_deref() == Some("stuck") {
            std::future::pending::<()>().await;
        }
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_record_still_running_after_its_timeout_fails_alone() {
    let started = tokio::time::Instant::now();
    let event = event_from_records([
        sqs_message("1", "a"),
        sqs_message("2", "stuck"),
        sqs_message("3", "c"),
    ]);
    let response = timeout::lambda_handler(event).await.unwrap();
    let ids: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(ids, ["2"]);
    // The batch returns when the stuck record's 200 ms are up, not at Lambda's timeout.
    assert_eq!(started.elapsed(), Duration::from_millis(200));
}

mod stop {
    use batch_core::prelude::*;

    #[batch_handler(source = "kinesis", stop_on_first_failure, entrypoint = false)]
    fn handle(Json(ok): Json<bool>) -> Result<(), &'static str> {
        if ok { Ok(()) } else { Err("not ok") }
    }
}

#[tokio::test]
async fn stop_on_first_failure_reports_every_later_record() {
    let event = event_from_records([
        kinesis_record("1", "a", b"true"),
        kinesis_record("2", "b", b"false"),
        kinesis_record("3", "c", b"true"),
    ]);
    let response = stop::lambda_handler(event).await.unwrap();
    let ids: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["2", "3"]);
}
