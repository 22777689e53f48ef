//! Properties over random batches of every source, with the expected result computed from the
//! rules (R1, R3, R4, R5, R6, R12): every failed record is reported once per failure and in
//! input order, no succeeded record is reported, no FIFO record after a failure (in its group
//! with skip-group) reaches the handler, and the report always agrees with the response.

mod spec_support;

use std::collections::HashSet;
use std::sync::Mutex;

use batch_core::source::{BatchSource, DynamoDb, Kinesis, Sqs};
use batch_core::testing::{
    dynamodb_record, event_from_records, fifo_message, kinesis_record, sqs_message,
};
use batch_core::{
    BatchError, BatchEvent, BatchProcessor, BatchReport, Json, LambdaEvent, RecordCx, RecordError,
    RecordHandler, RecordHooks,
};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use spec_support::{Plan, R5_SKIPPED, R6_SKIPPED, reported};

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

/// What the response must be: `Err(positions)` for an entire batch failure (R4), or the
/// reported identifiers.
#[derive(Debug, PartialEq)]
enum Expected {
    AllFailed(Vec<usize>),
    Reported(Vec<String>),
}

fn expected(ids: &[String], failed: &[usize], raise: bool) -> Expected {
    if raise && !ids.is_empty() && failed.len() == ids.len() {
        Expected::AllFailed(failed.to_vec())
    } else {
        Expected::Reported(failed.iter().map(|&p| ids[p].clone()).collect())
    }
}

fn actual<R: Serialize>(result: Result<R, BatchError>) -> Expected {
    match result {
        Ok(response) => Expected::Reported(reported(&response)),
        Err(BatchError::AllFailed { failures }) => {
            Expected::AllFailed(failures.iter().map(|f| f.position).collect())
        }
        Err(other) => panic!("unexpected invocation error: {other}"),
    }
}

/// Checks the report against the expected failed positions, then that its response agrees with
/// both the report and what `run` returned.
fn check_report<S: BatchSource>(
    report: BatchReport<S, usize>,
    ids: &[String],
    failed: &[usize],
    raise: bool,
    from_run: &Expected,
) where
    S::Response: Serialize,
{
    assert_eq!(report.len(), ids.len());
    let report_failed: Vec<usize> = report.failures().map(|(o, _)| o.position()).collect();
    assert_eq!(report_failed, failed, "report failures");
    for outcome in report.outcomes() {
        assert_eq!(outcome.id(), Some(ids[outcome.position()].as_str()));
        if let Some(value) = outcome.value() {
            assert_eq!(*value, outcome.position(), "the handler's value");
        }
    }
    let from_report = actual(report.into_response());
    assert_eq!(&from_report, from_run, "report and run agree");
    assert_eq!(from_report, expected(ids, failed, raise));
}

/// Runs `event()` twice through `processor`: `run` and `process`. Returns what `run` gave,
/// the report, and the positions the handler saw in the `run` invocation.
async fn run_both<S: BatchSource>(
    processor: &BatchProcessor<S>,
    event: impl Fn() -> LambdaEvent<BatchEvent>,
    failing: &[usize],
) -> (Expected, BatchReport<S, usize>, Vec<usize>)
where
    S::Response: Serialize,
{
    let plan = Plan::failing(failing.iter().copied());
    let from_run = actual(processor.run(event(), &plan).await);
    let e = event();
    let report = processor
        .process(
            &e.payload,
            &e.context,
            &Plan::failing(failing.iter().copied()),
        )
        .await
        .expect("a well-formed event is processed");
    (from_run, report, plan.ran())
}

fn failing_positions(fails: &[bool]) -> Vec<usize> {
    fails
        .iter()
        .enumerate()
        .filter(|(_, f)| **f)
        .map(|(p, _)| p)
        .collect()
}

fn sorted(mut positions: Vec<usize>) -> Vec<usize> {
    positions.sort();
    positions
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// SQS standard: every record runs once; exactly the failed records are reported, once per
    /// failure, in input order (duplicate ids included); nothing succeeded is reported.
    #[test]
    fn sqs_standard_reports_exactly_the_failed_records(
        records in prop::collection::vec((0..8u8, any::<bool>()), 0..40),
        raise in any::<bool>(),
        concurrency in 1..5usize,
    ) {
        let ids: Vec<String> = records.iter().map(|(id, _)| format!("m-{id}")).collect();
        let fails: Vec<bool> = records.iter().map(|(_, f)| *f).collect();
        let failed = failing_positions(&fails);
        let event = || event_from_records(ids.iter().map(|id| sqs_message(id, "{}")));
        let processor = BatchProcessor::<Sqs>::new()
            .raise_on_entire_batch_failure(raise)
            .concurrency(concurrency);
        let (from_run, report, ran) = block_on(run_both(&processor, event, &failed));
        assert_eq!(sorted(ran), (0..ids.len()).collect::<Vec<_>>(), "every record runs once");
        assert_eq!(from_run, expected(&ids, &failed, raise));
        if let Expected::Reported(reported) = &from_run {
            // Each id is reported once per failed record carrying it: never for a success alone.
            for id in &ids {
                let times_failed = failed.iter().filter(|&&p| &ids[p] == id).count();
                let times_reported = reported.iter().filter(|r| *r == id).count();
                assert_eq!(times_reported, times_failed, "id {id}");
            }
        }
        check_report(report, &ids, &failed, raise, &from_run);
    }

    /// SQS FIFO, with and without skip-group: the model of R5 and R6 decides what runs and what
    /// is reported; skipped records carry the rule's message.
    #[test]
    fn sqs_fifo_never_runs_a_record_after_a_failure_that_blocks_it(
        records in prop::collection::vec((0..5u8, any::<bool>()), 0..30),
        skip_group in any::<bool>(),
        raise in any::<bool>(),
        concurrency in 1..4usize,
    ) {
        // Group 0: attribute missing; group 1: empty string; others: named groups.
        let group = |g: u8| match g {
            0 => None,
            1 => Some(String::new()),
            g => Some(format!("group-{g}")),
        };
        let ids: Vec<String> = (0..records.len()).map(|p| format!("fifo-{p}")).collect();
        let build = |p: usize, g: u8| -> Value {
            let mut record = fifo_message(&ids[p], "x", "{}");
            match group(g) {
                Some(name) => record["attributes"]["MessageGroupId"] = json!(name),
                None => {
                    record["attributes"].as_object_mut().unwrap().remove("MessageGroupId");
                }
            }
            record
        };
        let event = || event_from_records(records.iter().enumerate().map(|(p, (g, _))| build(p, *g)));
        let handler_fails: Vec<usize> =
            records.iter().enumerate().filter(|(_, r)| r.1).map(|(p, _)| p).collect();

        // The model: which records run, which fail, and why.
        let mut model_ran = Vec::new();
        let mut failed = Vec::new();
        let mut skipped: Vec<(usize, &str)> = Vec::new();
        let mut stopped = false;
        let mut failed_groups: HashSet<String> = HashSet::new();
        for (p, (g, fails)) in records.iter().enumerate() {
            let name = group(*g).filter(|n| !n.is_empty());
            if !skip_group && stopped {
                failed.push(p);
                skipped.push((p, R5_SKIPPED));
                continue;
            }
            if skip_group && name.as_ref().is_some_and(|n| failed_groups.contains(n)) {
                failed.push(p);
                skipped.push((p, R6_SKIPPED));
                continue;
            }
            model_ran.push(p);
            if *fails {
                failed.push(p);
                stopped = true;
                if let Some(n) = name {
                    failed_groups.insert(n);
                }
            }
        }

        let processor = BatchProcessor::<Sqs>::fifo()
            .skip_group_on_error(skip_group)
            .raise_on_entire_batch_failure(raise)
            .concurrency(concurrency);
        let (from_run, report, ran) = block_on(run_both(&processor, event, &handler_fails));
        assert_eq!(sorted(ran), model_ran, "records that reached the handler");
        assert_eq!(from_run, expected(&ids, &failed, raise));
        for (p, message) in &skipped {
            let error = report.outcomes()[*p].error().expect("a skipped record fails");
            assert_eq!(error.to_string(), *message, "record {p}");
        }
        check_report(report, &ids, &failed, raise, &from_run);
    }

    /// Kinesis: every failed record's sequence number is reported once, in input order, with
    /// any record concurrency and any partition keys.
    #[test]
    fn kinesis_reports_exactly_the_failed_sequence_numbers(
        records in prop::collection::vec((0..4u8, any::<bool>()), 0..40),
        raise in any::<bool>(),
        concurrency in 1..5usize,
    ) {
        let ids: Vec<String> = (0..records.len()).map(|p| format!("4959{p:040}")).collect();
        let fails: Vec<bool> = records.iter().map(|(_, f)| *f).collect();
        let failed = failing_positions(&fails);
        let event = || {
            event_from_records(records.iter().enumerate().map(|(p, (key, _))| {
                kinesis_record(&ids[p], &format!("key-{key}"), b"{}")
            }))
        };
        let processor = BatchProcessor::<Kinesis>::new()
            .raise_on_entire_batch_failure(raise)
            .concurrency(concurrency);
        let (from_run, report, ran) = block_on(run_both(&processor, event, &failed));
        assert_eq!(sorted(ran), (0..ids.len()).collect::<Vec<_>>(), "every record runs once");
        assert_eq!(from_run, expected(&ids, &failed, raise));
        check_report(report, &ids, &failed, raise, &from_run);
    }

    /// DynamoDB Streams: the same, with random item keys.
    #[test]
    fn dynamodb_reports_exactly_the_failed_sequence_numbers(
        records in prop::collection::vec((0..4u8, any::<bool>()), 0..40),
        raise in any::<bool>(),
        concurrency in 1..5usize,
    ) {
        let ids: Vec<String> = (0..records.len()).map(|p| format!("{}", 100_000_000 + p)).collect();
        let fails: Vec<bool> = records.iter().map(|(_, f)| *f).collect();
        let failed = failing_positions(&fails);
        let event = || {
            event_from_records(records.iter().enumerate().map(|(p, (key, _))| {
                let keys = json!({"pk": {"S": format!("item-{key}")}, "sk": {"N": "1"}});
                dynamodb_record(&ids[p], keys.clone(), keys)
            }))
        };
        let processor = BatchProcessor::<DynamoDb>::new()
            .raise_on_entire_batch_failure(raise)
            .concurrency(concurrency);
        let (from_run, report, ran) = block_on(run_both(&processor, event, &failed));
        assert_eq!(sorted(ran), (0..ids.len()).collect::<Vec<_>>(), "every record runs once");
        assert_eq!(from_run, expected(&ids, &failed, raise));
        check_report(report, &ids, &failed, raise, &from_run);
    }

    /// Typed SQS batches: a record whose body is not valid JSON for `T` (or is null, missing or
    /// not a string) fails alone; every other record succeeds.
    #[test]
    fn typed_sqs_records_with_bad_bodies_fail_alone(
        kinds in prop::collection::vec(0..6u8, 0..30),
        raise in any::<bool>(),
        concurrency in 1..4usize,
    ) {
        let ids: Vec<String> = (0..kinds.len()).map(|p| format!("typed-{p}")).collect();
        let event = || {
            event_from_records(kinds.iter().enumerate().map(|(p, kind)| {
                let mut record = sqs_message(&ids[p], "");
                match kind {
                    0 => record["body"] = json!(p.to_string()),
                    1 => record["body"] = json!("not json"),
                    2 => record["body"] = Value::Null,
                    3 => record["body"] = json!({"n": p}),
                    4 => {
                        record.as_object_mut().unwrap().remove("body");
                    }
                    _ => record["body"] = json!("-1"),
                }
                record
            }))
        };
        let failed: Vec<usize> = kinds.iter().enumerate().filter(|(_, k)| **k != 0).map(|(p, _)| p).collect();
        let processor = BatchProcessor::<Sqs>::new()
            .raise_on_entire_batch_failure(raise)
            .concurrency(concurrency);
        let from_run = actual(block_on(processor.run(event(), &TakePosition)));
        assert_eq!(from_run, expected(&ids, &failed, raise));
        let e = event();
        let report = block_on(processor.process(&e.payload, &e.context, &TakePosition)).unwrap();
        check_report(report, &ids, &failed, raise, &from_run);
    }

    /// R11 with R12: the hooks see every record exactly once, the success hook exactly the
    /// records the report lists as succeeded (with their values) and the failure hook the
    /// others (with their errors), FIFO skips included, under any record concurrency.
    #[test]
    fn hooks_agree_with_the_report(
        records in prop::collection::vec((0..4u8, any::<bool>()), 0..30),
        fifo in 0..3u8,
        concurrency in 1..4usize,
    ) {
        let ids: Vec<String> = (0..records.len()).map(|p| format!("h-{p}")).collect();
        let event = event_from_records(
            records
                .iter()
                .enumerate()
                .map(|(p, (g, _))| fifo_message(&ids[p], &format!("g{g}"), "{}")),
        );
        let failing: Vec<usize> =
            records.iter().enumerate().filter(|(_, r)| r.1).map(|(p, _)| p).collect();
        let hooks = Seen::default();
        let processor = match fifo {
            0 => BatchProcessor::<Sqs>::new(),
            1 => BatchProcessor::<Sqs>::fifo(),
            _ => BatchProcessor::<Sqs>::fifo().skip_group_on_error(true),
        }
        .concurrency(concurrency)
        .with_hooks(&hooks);
        let report = block_on(processor.process(
            &event.payload,
            &event.context,
            &Plan::failing(failing),
        ))
        .unwrap();
        let mut seen = hooks.0.lock().unwrap().clone();
        seen.sort_by_key(|s| s.0);
        let positions: Vec<usize> = seen.iter().map(|s| s.0).collect();
        assert_eq!(positions, (0..ids.len()).collect::<Vec<_>>(), "each record once");
        for (outcome, (_, id, result)) in report.outcomes().iter().zip(&seen) {
            assert_eq!(outcome.id(), id.as_deref());
            match (outcome.result(), result) {
                (Ok(value), Ok(hook_value)) => assert_eq!(value, hook_value),
                (Err(error), Err(hook_error)) => assert_eq!(&error.to_string(), hook_error),
                (outcome, hook) => panic!("report {outcome:?} but hook {hook:?}"),
            }
        }
    }
}

/// Takes the body as `Json<usize>`: valid bodies hold the record's position.
struct TakePosition;

impl RecordHandler<Sqs> for TakePosition {
    type Output = usize;

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<usize, RecordError> {
        let Json(position) = record.extract::<Json<usize>>()?;
        Ok(position)
    }
}

/// What a hook saw: (position, id, value or error message).
type HookCall = (usize, Option<String>, Result<usize, String>);

/// Records what the hooks saw.
#[derive(Default)]
struct Seen(Mutex<Vec<HookCall>>);

impl RecordHooks<Sqs, usize> for Seen {
    fn on_success(&self, record: &RecordCx<'_, Sqs>, value: &usize) {
        self.0.lock().unwrap().push((
            record.position(),
            record.id().map(str::to_owned),
            Ok(*value),
        ));
    }

    fn on_failure(&self, record: &RecordCx<'_, Sqs>, error: &RecordError) {
        self.0.lock().unwrap().push((
            record.position(),
            record.id().map(str::to_owned),
            Err(error.to_string()),
        ));
    }
}
