//! R9 and R15: for deterministic handlers, every concurrency N gives exactly the sequential
//! response and the same outcomes, for every source, FIFO skip-group and stop-on-first-failure
//! included.

use batch_core::source::{BatchSource, DynamoDb, Kinesis, Sqs};
use batch_core::testing::{
    dynamodb_record, event_from_records, fifo_message, kinesis_record, sqs_message,
};
use batch_core::{BatchEvent, BatchProcessor, LambdaEvent, RecordCx, RecordError, RecordHandler};
use proptest::prelude::*;
use serde_json::json;

/// A record of a generated batch: its ordering key, whether it fails, and how many times it
/// yields before finishing (so completion order varies with N).
#[derive(Debug, Clone)]
struct Spec {
    key: u8,
    fails: bool,
    yields: u8,
}

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (0u8..5, prop::bool::weighted(0.25), 0u8..6).prop_map(|(key, fails, yields)| Spec {
            key,
            fails,
            yields,
        }),
        0..40,
    )
}

/// Fails or succeeds by the record's position in the plan; deterministic.
struct Planned(Vec<Spec>);

impl Planned {
    async fn handle<S: BatchSource>(&self, record: &RecordCx<'_, S>) -> Result<usize, RecordError> {
        let spec = &self.0[record.position()];
        for _ in 0..spec.yields {
            tokio::task::yield_now().await;
        }
        if spec.fails {
            Err(RecordError::handler("planned"))
        } else {
            Ok(record.position())
        }
    }
}

impl RecordHandler<Sqs> for Planned {
    type Output = usize;
    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<usize, RecordError> {
        self.handle(record).await
    }
}
impl RecordHandler<Kinesis> for Planned {
    type Output = usize;
    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<usize, RecordError> {
        self.handle(record).await
    }
}
impl RecordHandler<DynamoDb> for Planned {
    type Output = usize;
    async fn call(&self, record: &RecordCx<'_, DynamoDb>) -> Result<usize, RecordError> {
        self.handle(record).await
    }
}

/// What a run shows: the response JSON (or the error's text) and every outcome.
#[derive(Debug, PartialEq)]
struct Observed {
    response: String,
    outcomes: Vec<Result<usize, String>>,
}

impl Observed {
    /// Under stop-on-first-failure a record after the lowest failure may have run (and failed
    /// with its own error) under concurrency, where sequential processing never started it:
    /// the reported records are the same, the messages may differ.
    fn reported_only(&self) -> (bool, Vec<bool>) {
        (
            self.response
                .starts_with("error: All records failed processing."),
            self.outcomes.iter().map(Result::is_ok).collect(),
        )
    }
}

fn observe<S: BatchSource>(
    processor: &BatchProcessor<S>,
    event: &LambdaEvent<BatchEvent>,
    plan: &Planned,
) -> Observed
where
    Planned: RecordHandler<S, Output = usize>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let report = processor
            .process(&event.payload, &event.context, plan)
            .await
            .unwrap();
        let outcomes = report
            .outcomes()
            .iter()
            .map(|o| o.result().as_ref().copied().map_err(|e| e.to_string()))
            .collect();
        let response = match report.into_response() {
            Ok(response) => serde_json::to_string(&response).unwrap(),
            Err(error) => format!("error: {error}"),
        };
        Observed { response, outcomes }
    })
}

fn assert_same_for_every_n<S: BatchSource>(
    processor: BatchProcessor<S>,
    event: LambdaEvent<BatchEvent>,
    plan: Planned,
    n: usize,
    stop_on_first_failure: bool,
) -> Result<(), TestCaseError>
where
    Planned: RecordHandler<S, Output = usize>,
{
    let sequential = observe(&processor.clone().concurrency(1), &event, &plan);
    let concurrent = observe(&processor.concurrency(n), &event, &plan);
    if stop_on_first_failure {
        prop_assert_eq!(concurrent.reported_only(), sequential.reported_only());
        if !concurrent.response.starts_with("error:") {
            prop_assert_eq!(concurrent.response, sequential.response);
        }
    } else {
        prop_assert_eq!(concurrent, sequential);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sqs_standard(specs in specs(), n in 2usize..20) {
        let event = event_from_records(specs.iter().enumerate().map(|(i, _)| sqs_message(&format!("m{i}"), "{}")));
        assert_same_for_every_n(BatchProcessor::<Sqs>::new(), event, Planned(specs), n, false)?;
    }

    #[test]
    fn sqs_fifo_skip_group(specs in specs(), n in 2usize..20) {
        let event = event_from_records(specs.iter().enumerate().map(|(i, s)| {
            // Key 0 stands for a record without a group: never skipped, never blocking.
            let group = if s.key == 0 { String::new() } else { format!("g{}", s.key) };
            fifo_message(&format!("m{i}"), &group, "{}")
        }));
        let processor = BatchProcessor::<Sqs>::fifo().skip_group_on_error(true);
        assert_same_for_every_n(processor, event, Planned(specs), n, false)?;
    }

    #[test]
    fn kinesis(specs in specs(), n in 2usize..20, stop in any::<bool>()) {
        let event = event_from_records(specs.iter().enumerate().map(|(i, s)| {
            kinesis_record(&format!("{i}"), &format!("k{}", s.key), b"{}")
        }));
        let processor = BatchProcessor::<Kinesis>::new().stop_on_first_failure(stop);
        assert_same_for_every_n(processor, event, Planned(specs), n, stop)?;
    }

    #[test]
    fn dynamodb(specs in specs(), n in 2usize..20, stop in any::<bool>()) {
        let event = event_from_records(specs.iter().enumerate().map(|(i, s)| {
            dynamodb_record(&format!("{i}"), json!({"Id": {"N": s.key.to_string()}}), json!({}))
        }));
        let processor = BatchProcessor::<DynamoDb>::new().stop_on_first_failure(stop);
        assert_same_for_every_n(processor, event, Planned(specs), n, stop)?;
    }
}
