//! R11 hooks (success and failure, including records that never ran), R12 the outcome report
//! and its agreement with the response, R13 custom processors.

mod spec_support;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use batch_core::source::{BatchSource, Kinesis, Sqs};
use batch_core::testing::{event_from_records, fifo_message, kinesis_record, sqs_message};
use batch_core::{
    BatchError, BatchProcessor, BatchReport, BoxError, Context, Json, Processor, RecordCx,
    RecordError, RecordErrorKind, RecordHandler, RecordHooks, SkipReason,
};
use serde_json::json;
use spec_support::{Plan, R5_SKIPPED, R6_SKIPPED, all_failed, ids, reported};

// ---------------------------------------------------------------------------------------------
// R11: hooks

/// What a hook saw: (position, id, Ok(value) or Err(message)).
type Seen = (usize, Option<String>, Result<String, String>);

#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
    kinds: Mutex<Vec<(usize, RecordErrorKind)>>,
}

impl Recorder {
    /// Everything seen, sorted by position.
    fn seen(&self) -> Vec<Seen> {
        let mut seen = self.seen.lock().unwrap().clone();
        seen.sort_by_key(|s| s.0);
        seen
    }

    fn kind(&self, position: usize) -> RecordErrorKind {
        let kinds = self.kinds.lock().unwrap();
        let found: Vec<_> = kinds.iter().filter(|k| k.0 == position).collect();
        assert_eq!(
            found.len(),
            1,
            "one failure hook call for record {position}"
        );
        found[0].1
    }
}

impl<S: BatchSource, T: std::fmt::Debug> RecordHooks<S, T> for Recorder {
    fn on_success(&self, record: &RecordCx<'_, S>, value: &T) {
        self.seen.lock().unwrap().push((
            record.position(),
            record.id().map(str::to_owned),
            Ok(format!("{value:?}")),
        ));
    }

    fn on_failure(&self, record: &RecordCx<'_, S>, error: &RecordError) {
        self.seen.lock().unwrap().push((
            record.position(),
            record.id().map(str::to_owned),
            Err(error.to_string()),
        ));
        self.kinds
            .lock()
            .unwrap()
            .push((record.position(), error.kind()));
    }
}

fn ok(position: usize, id: &str, value: &str) -> Seen {
    (position, Some(id.to_owned()), Ok(value.to_owned()))
}

fn failed(position: usize, id: &str, message: &str) -> Seen {
    (position, Some(id.to_owned()), Err(message.to_owned()))
}

#[tokio::test]
async fn hooks_see_every_success_with_its_value_and_every_failure_with_its_error() {
    let hooks = Recorder::default();
    let event = event_from_records([
        sqs_message("a", "{}"),
        sqs_message("b", "{}"),
        sqs_message("c", "{}"),
    ]);
    let response = BatchProcessor::<Sqs>::new()
        .with_hooks(&hooks)
        .run(event, &Plan::failing([1]))
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["b"]));
    assert_eq!(
        hooks.seen(),
        [
            ok(0, "a", "0"),
            failed(1, "b", &Plan::message(1)),
            ok(2, "c", "2")
        ]
    );
    assert_eq!(hooks.kind(1), RecordErrorKind::Handler);
}

#[tokio::test]
async fn the_failure_hook_sees_fifo_records_skipped_by_r5() {
    let hooks = Recorder::default();
    let event = event_from_records([
        fifo_message("1", "g1", "{}"),
        fifo_message("2", "g1", "{}"),
        fifo_message("3", "g2", "{}"),
        fifo_message("4", "g2", "{}"),
    ]);
    let plan = Plan::failing([1]);
    BatchProcessor::<Sqs>::fifo()
        .with_hooks(&hooks)
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(
        hooks.seen(),
        [
            ok(0, "1", "0"),
            failed(1, "2", &Plan::message(1)),
            failed(2, "3", R5_SKIPPED),
            failed(3, "4", R5_SKIPPED),
        ]
    );
    assert_eq!(
        hooks.kind(2),
        RecordErrorKind::Skipped(SkipReason::PreviousRecordFailed)
    );
    assert_eq!(plan.ran(), [0, 1]);
}

#[tokio::test]
async fn the_failure_hook_sees_fifo_records_skipped_by_r6() {
    let hooks = Recorder::default();
    let event = event_from_records([
        fifo_message("1", "g1", "{}"),
        fifo_message("2", "g2", "{}"),
        fifo_message("3", "g1", "{}"),
        fifo_message("4", "g2", "{}"),
    ]);
    BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .with_hooks(&hooks)
        .run(event, &Plan::failing([0]))
        .await
        .unwrap();
    assert_eq!(
        hooks.seen(),
        [
            failed(0, "1", &Plan::message(0)),
            ok(1, "2", "1"),
            failed(2, "3", R6_SKIPPED),
            ok(3, "4", "3"),
        ]
    );
}

/// Takes the body as `Json<u32>` and succeeds with it.
struct TakeNumber;

impl RecordHandler<Sqs> for TakeNumber {
    type Output = u32;

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<u32, RecordError> {
        let Json(n) = record.extract::<Json<u32>>()?;
        Ok(n)
    }
}

#[tokio::test]
async fn the_failure_hook_sees_extractor_failures_and_malformed_records() {
    let hooks = Recorder::default();
    let mut object_body = sqs_message("object", "");
    object_body["body"] = json!({"n": 1});
    let mut null_body = sqs_message("null", "");
    null_body["body"] = json!(null);
    let event = event_from_records([
        sqs_message("good", "5"),
        sqs_message("text", "five"),
        object_body,
        null_body,
        sqs_message("negative", "-5"),
    ]);
    let response = BatchProcessor::<Sqs>::new()
        .with_hooks(&hooks)
        .run(event, &TakeNumber)
        .await
        .unwrap();
    assert_eq!(
        reported(&response),
        ids(&["text", "object", "null", "negative"])
    );
    let seen = hooks.seen();
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[0], ok(0, "good", "5"));
    for (position, id) in [(1, "text"), (2, "object"), (3, "null"), (4, "negative")] {
        assert_eq!(seen[position].0, position);
        assert_eq!(seen[position].1.as_deref(), Some(id));
        let message = seen[position].2.as_ref().unwrap_err();
        assert!(message.contains(id), "names the record: {message}");
    }
    let text_error = serde_json::from_str::<u32>("five").unwrap_err().to_string();
    assert!(seen[1].2.as_ref().unwrap_err().contains(&text_error));
    assert_eq!(hooks.kind(1), RecordErrorKind::Extract);
}

#[tokio::test]
async fn hooks_are_called_when_every_record_failed() {
    let hooks = Recorder::default();
    let event = event_from_records([sqs_message("a", "x"), sqs_message("b", "y")]);
    let error = BatchProcessor::<Sqs>::new()
        .with_hooks(&hooks)
        .run(event, &TakeNumber)
        .await
        .unwrap_err();
    assert_eq!(all_failed(&error).len(), 2);
    let seen = hooks.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.2.is_err()));
}

#[tokio::test]
async fn the_failure_hook_sees_panics() {
    let hooks = Recorder::default();
    let handler = batch_core::handler_fn(|r: &RecordCx<'_, Sqs>| {
        if r.position() == 1 {
            panic!("hook test panic");
        }
        Ok::<_, RecordError>(r.position())
    });
    let event = event_from_records([sqs_message("a", "{}"), sqs_message("b", "{}")]);
    BatchProcessor::<Sqs>::new()
        .with_hooks(&hooks)
        .run(event, &handler)
        .await
        .unwrap();
    let seen = hooks.seen();
    assert_eq!(seen[0], ok(0, "a", "0"));
    assert!(seen[1].2.as_ref().unwrap_err().contains("hook test panic"));
    assert_eq!(hooks.kind(1), RecordErrorKind::Panic);
}

/// Kinesis: record 0 fails after a delay; the others succeed at once.
struct SlowFirstFailure;

impl RecordHandler<Kinesis> for SlowFirstFailure {
    type Output = usize;

    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<usize, RecordError> {
        if record.position() == 0 {
            tokio::time::sleep(Duration::from_millis(30)).await;
            return Err(RecordError::handler("first record failed"));
        }
        Ok(record.position())
    }
}

#[tokio::test]
async fn the_failure_hook_sees_every_record_reported_under_r15() {
    // R11: the failure hook sees each failed record, including those short-circuited by R15.
    // With concurrency, records 1..3 (other partition keys) may run before record 0 fails; R15
    // reports them anyway. The hooks must agree with what is reported.
    let hooks = Recorder::default();
    let event =
        event_from_records((0..4).map(|i| kinesis_record(&i.to_string(), &format!("k{i}"), b"{}")));
    let processor = BatchProcessor::<Kinesis>::new()
        .stop_on_first_failure(true)
        .concurrency(4)
        .raise_on_entire_batch_failure(false)
        .with_hooks(&hooks);
    let report = processor
        .process(&event.payload, &event.context, &SlowFirstFailure)
        .await
        .unwrap();
    let failed_in_report: Vec<usize> = report.failures().map(|(o, _)| o.position()).collect();
    assert_eq!(failed_in_report, [0, 1, 2, 3]);
    let failure_hook: Vec<usize> = hooks
        .seen()
        .iter()
        .filter(|s| s.2.is_err())
        .map(|s| s.0)
        .collect();
    assert_eq!(
        failure_hook,
        failed_in_report,
        "every record reported as failed reaches the failure hook; hooks saw {:?}",
        hooks.seen()
    );
}

#[tokio::test]
async fn the_failure_hook_sees_stream_records_not_started_under_r15() {
    let hooks = Recorder::default();
    let event = event_from_records((0..4).map(|i| kinesis_record(&i.to_string(), "k", b"{}")));
    let plan = Plan::failing([1]);
    let response = BatchProcessor::<Kinesis>::new()
        .stop_on_first_failure(true)
        .with_hooks(&hooks)
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "2", "3"]));
    assert_eq!(plan.ran(), [0, 1]);
    let seen = hooks.seen();
    assert_eq!(seen[0], ok(0, "0", "0"));
    assert_eq!(seen[1], failed(1, "1", &Plan::message(1)));
    assert!(seen[2].2.is_err() && seen[3].2.is_err(), "{seen:?}");
    assert_eq!(
        hooks.kind(2),
        RecordErrorKind::Skipped(SkipReason::EarlierRecordFailed)
    );
}

// ---------------------------------------------------------------------------------------------
// R12: the report

#[tokio::test]
async fn the_report_lists_every_outcome_in_input_order_and_agrees_with_the_response() {
    let event = event_from_records([
        sqs_message("a", "10"),
        sqs_message("b", "oops"),
        sqs_message("c", "30"),
        sqs_message("d", "[]"),
    ]);
    let processor = BatchProcessor::<Sqs>::new();
    let report = processor
        .process(&event.payload, &event.context, &TakeNumber)
        .await
        .unwrap();
    assert_eq!(report.len(), 4);
    assert!(!report.is_empty() && !report.all_failed());
    let outcomes: Vec<(usize, Option<&str>, Option<u32>, bool)> = report
        .outcomes()
        .iter()
        .map(|o| (o.position(), o.id(), o.value().copied(), o.is_success()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (0, Some("a"), Some(10), true),
            (1, Some("b"), None, false),
            (2, Some("c"), Some(30), true),
            (3, Some("d"), None, false),
        ]
    );
    let successes: Vec<(Option<&str>, u32)> =
        report.successes().map(|(o, v)| (o.id(), *v)).collect();
    assert_eq!(successes, [(Some("a"), 10), (Some("c"), 30)]);
    let failures: Vec<Option<&str>> = report.failures().map(|(o, _)| o.id()).collect();
    assert_eq!(failures, [Some("b"), Some("d")]);
    let error = report.outcomes()[1].error().unwrap();
    assert_eq!(error.kind(), RecordErrorKind::Extract);
    assert!(report.outcomes()[1].result().is_err());

    let from_report = report.into_response().unwrap();
    let from_run = processor.run(event, &TakeNumber).await.unwrap();
    assert_eq!(reported(&from_report), ids(&["b", "d"]));
    assert_eq!(
        serde_json::to_value(&from_report).unwrap(),
        serde_json::to_value(&from_run).unwrap()
    );
}

#[tokio::test]
async fn a_report_of_an_entire_batch_failure_never_yields_an_empty_response() {
    // The Powertools trap: after the all-failed error, the response must not acknowledge anything.
    let event = event_from_records([sqs_message("a", "x"), sqs_message("b", "y")]);
    let report = BatchProcessor::<Sqs>::new()
        .process(&event.payload, &event.context, &TakeNumber)
        .await
        .unwrap();
    assert!(report.all_failed());
    assert_eq!(report.failures().count(), 2);
    let error = report.into_response().unwrap_err();
    assert_eq!(all_failed(&error).len(), 2);

    let report = BatchProcessor::<Sqs>::new()
        .raise_on_entire_batch_failure(false)
        .process(&event.payload, &event.context, &TakeNumber)
        .await
        .unwrap();
    assert_eq!(reported(&report.into_response().unwrap()), ids(&["a", "b"]));
}

#[tokio::test]
async fn the_report_of_an_empty_batch_is_empty() {
    let event = batch_core::testing::event_from_str(r#"{"Records": []}"#);
    let report = BatchProcessor::<Sqs>::new()
        .process(&event.payload, &event.context, &TakeNumber)
        .await
        .unwrap();
    assert!(report.is_empty() && !report.all_failed());
    assert!(reported(&report.into_response().unwrap()).is_empty());
}

#[tokio::test]
async fn the_report_shows_fifo_skips_and_agrees_with_the_response() {
    let event = event_from_records([
        fifo_message("1", "g", "1"),
        fifo_message("2", "g", "bad"),
        fifo_message("3", "h", "3"),
    ]);
    let processor = BatchProcessor::<Sqs>::fifo();
    let report = processor
        .process(&event.payload, &event.context, &TakeNumber)
        .await
        .unwrap();
    let results: Vec<Result<u32, String>> = report
        .outcomes()
        .iter()
        .map(|o| match o.result() {
            Ok(v) => Ok(*v),
            Err(e) => Err(e.to_string()),
        })
        .collect();
    assert_eq!(results[0], Ok(1));
    let serde_message = serde_json::from_str::<u32>("bad").unwrap_err().to_string();
    assert!(results[1].as_ref().unwrap_err().contains(&serde_message));
    assert_eq!(results[2], Err(R5_SKIPPED.to_owned()));
    let response = report.into_response().unwrap();
    assert_eq!(reported(&response), ids(&["2", "3"]));
}

// ---------------------------------------------------------------------------------------------
// R13: custom processors

/// Logs every lifecycle step; `prepare` makes a per-invocation token that every record sees;
/// `cleanup` writes the successful values and fails the records whose value is odd.
#[derive(Default)]
struct Logged {
    log: Mutex<Vec<String>>,
    tokens: AtomicUsize,
    fail_prepare: bool,
    fail_cleanup: bool,
    fail_all_in_cleanup: bool,
    written: Mutex<Vec<usize>>,
}

impl Logged {
    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
    fn push(&self, entry: String) {
        self.log.lock().unwrap().push(entry);
    }
}

impl<S: BatchSource> Processor<S, usize> for Logged {
    type Batch = usize;

    async fn prepare(&self, context: &Context) -> Result<usize, BoxError> {
        assert!(!context.request_id.is_empty());
        let token = self.tokens.fetch_add(1, Ordering::SeqCst);
        self.push(format!("prepare {token}"));
        if self.fail_prepare {
            return Err("no connection".into());
        }
        Ok(token)
    }

    async fn process_record<H>(
        &self,
        batch: &usize,
        record: &RecordCx<'_, S>,
        handler: &H,
    ) -> Result<usize, RecordError>
    where
        H: RecordHandler<S, Output = usize>,
    {
        self.push(format!("record {} with {batch}", record.position()));
        handler.call(record).await
    }

    async fn cleanup(
        &self,
        batch: usize,
        report: &mut BatchReport<S, usize>,
    ) -> Result<(), BoxError> {
        self.push(format!("cleanup {batch}"));
        if self.fail_cleanup {
            return Err("flush failed".into());
        }
        let successes: Vec<(usize, usize)> = report
            .successes()
            .map(|(o, v)| (o.position(), *v))
            .collect();
        for (position, value) in successes {
            if self.fail_all_in_cleanup || value % 2 == 1 {
                assert!(report.fail(
                    position,
                    RecordError::new(RecordErrorKind::Processor, "write failed")
                ));
            } else {
                self.written.lock().unwrap().push(value);
            }
        }
        Ok(())
    }
}

fn four_records() -> batch_core::LambdaEvent<batch_core::BatchEvent> {
    event_from_records((1..=4).map(|i| sqs_message(&i.to_string(), "{}")))
}

#[tokio::test]
async fn a_custom_processor_prepares_once_processes_each_record_and_cleans_up_once() {
    let processor = Logged::default();
    let batch = BatchProcessor::<Sqs>::new().with_processor(&processor);
    let plan = Plan::failing([2]);
    let response = batch.run(four_records(), &plan).await.unwrap();
    assert_eq!(
        processor.log(),
        [
            "prepare 0",
            "record 0 with 0",
            "record 1 with 0",
            "record 2 with 0",
            "record 3 with 0",
            "cleanup 0"
        ]
    );
    // Record 3 (position 2) failed in the handler; positions 1 and 3 have odd values and are
    // failed by cleanup; position 0 is written.
    assert_eq!(reported(&response), ids(&["2", "3", "4"]));
    assert_eq!(*processor.written.lock().unwrap(), [0]);

    // A second invocation prepares and cleans up once more, with its own token.
    batch.run(four_records(), &Plan::failing([])).await.unwrap();
    let log = processor.log();
    assert_eq!(log.iter().filter(|l| l.starts_with("prepare")).count(), 2);
    assert_eq!(log.iter().filter(|l| l.starts_with("cleanup")).count(), 2);
    assert_eq!(log[6], "prepare 1");
    assert_eq!(log[11], "cleanup 1");
}

#[tokio::test]
async fn failures_added_by_cleanup_are_in_the_report_and_count_for_r4() {
    let processor = Logged {
        fail_all_in_cleanup: true,
        ..Logged::default()
    };
    let batch = BatchProcessor::<Sqs>::new().with_processor(&processor);
    let event = four_records();
    let report = batch
        .process(&event.payload, &event.context, &Plan::failing([]))
        .await
        .unwrap();
    assert!(report.all_failed());
    assert!(
        report
            .failures()
            .all(|(_, e)| e.to_string() == "write failed")
    );
    // Every record failed in cleanup: the whole batch failed (R4), nothing is acknowledged.
    let error = batch
        .run(four_records(), &Plan::failing([]))
        .await
        .unwrap_err();
    assert_eq!(all_failed(&error).len(), 4);
}

#[tokio::test]
async fn a_prepare_error_fails_the_invocation_with_nothing_run() {
    let processor = Logged {
        fail_prepare: true,
        ..Logged::default()
    };
    let plan = Plan::failing([]);
    let error = BatchProcessor::<Sqs>::new()
        .with_processor(&processor)
        .run(four_records(), &plan)
        .await
        .unwrap_err();
    assert!(matches!(error, BatchError::Prepare(_)), "{error}");
    assert!(error.to_string().contains("no connection"), "{error}");
    assert!(plan.ran().is_empty());
    assert_eq!(processor.log(), ["prepare 0"]);
}

#[tokio::test]
async fn a_cleanup_error_fails_the_invocation() {
    let processor = Logged {
        fail_cleanup: true,
        ..Logged::default()
    };
    let error = BatchProcessor::<Sqs>::new()
        .with_processor(&processor)
        .run(four_records(), &Plan::failing([]))
        .await
        .unwrap_err();
    assert!(matches!(error, BatchError::Cleanup(_)), "{error}");
    assert!(error.to_string().contains("flush failed"), "{error}");
}

#[tokio::test]
async fn a_custom_processor_never_processes_records_skipped_by_fifo_rules() {
    let processor = Logged::default();
    let event = event_from_records([
        fifo_message("1", "g", "{}"),
        fifo_message("2", "g", "{}"),
        fifo_message("3", "g", "{}"),
    ]);
    let response = BatchProcessor::<Sqs>::fifo()
        .with_processor(&processor)
        .run(event, &Plan::failing([0]))
        .await;
    // Every record failed: record 1 in the handler, 2 and 3 by R5.
    let error = response.unwrap_err();
    assert_eq!(all_failed(&error).len(), 3);
    assert_eq!(
        processor.log(),
        ["prepare 0", "record 0 with 0", "cleanup 0"]
    );
}

/// A processor that fails some records itself, without calling the handler.
struct Gatekeeper;

impl Processor<Kinesis, usize> for Gatekeeper {
    type Batch = ();

    async fn prepare(&self, _: &Context) -> Result<(), BoxError> {
        Ok(())
    }

    async fn process_record<H>(
        &self,
        _: &(),
        record: &RecordCx<'_, Kinesis>,
        handler: &H,
    ) -> Result<usize, RecordError>
    where
        H: RecordHandler<Kinesis, Output = usize>,
    {
        if record.id() == Some("blocked") {
            return Err(RecordError::new(
                RecordErrorKind::Processor,
                "blocked by processor",
            ));
        }
        handler.call(record).await
    }
}

#[tokio::test]
async fn a_custom_processor_can_fail_records_itself() {
    let plan = Plan::failing([]);
    let event = event_from_records([
        kinesis_record("1", "k", b"{}"),
        kinesis_record("blocked", "k", b"{}"),
        kinesis_record("3", "k", b"{}"),
    ]);
    let response = BatchProcessor::<Kinesis>::new()
        .with_processor(Gatekeeper)
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["blocked"]));
    assert_eq!(plan.ran(), [0, 2]);
}

/// Panics in both hooks.
struct PanickingHooks;

impl<S: BatchSource, T> RecordHooks<S, T> for PanickingHooks {
    fn on_success(&self, _: &RecordCx<'_, S>, _: &T) {
        panic!("success hook panicked");
    }
    fn on_failure(&self, _: &RecordCx<'_, S>, _: &RecordError) {
        panic!("failure hook panicked");
    }
}

#[tokio::test]
async fn a_panicking_hook_does_not_change_any_outcome() {
    let event = event_from_records([
        sqs_message("a", "{}"),
        sqs_message("b", "{}"),
        sqs_message("c", "{}"),
    ]);
    let plan = Plan::failing([1]);
    let response = BatchProcessor::<Sqs>::new()
        .with_hooks(PanickingHooks)
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["b"]));
    assert_eq!(plan.ran(), [0, 1, 2]);
}

/// Builds the response itself, counting the calls, on top of the default rules.
#[derive(Default)]
struct CountingResponse {
    responses: AtomicUsize,
}

impl Processor<Sqs, usize> for CountingResponse {
    type Batch = ();

    async fn prepare(&self, _: &Context) -> Result<(), BoxError> {
        Ok(())
    }

    fn response(
        &self,
        report: BatchReport<Sqs, usize>,
    ) -> Result<batch_core::sqs::SqsBatchResponse, BatchError> {
        self.responses.fetch_add(1, Ordering::SeqCst);
        report.into_response()
    }
}

#[tokio::test]
async fn run_builds_the_response_with_the_custom_processor() {
    let processor = CountingResponse::default();
    let response = BatchProcessor::<Sqs>::new()
        .with_processor(&processor)
        .run(four_records(), &Plan::failing([0, 3]))
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "4"]));
    assert_eq!(processor.responses.load(Ordering::SeqCst), 1);
}
