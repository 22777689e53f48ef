//! R3, R9 and R16 on random Kafka batches over several topics and partitions: every
//! concurrency N gives the sequential response; the response lists exactly the records a model
//! of the spec says failed (none lost, none wrongly acknowledged), in input order; with
//! `stop_on_first_failure` no record after its partition's first failure starts.

use std::sync::Mutex;

use batch_core::source::Kafka;
use batch_core::testing::{event_from_str, kafka_record};
use batch_core::{BatchProcessor, RecordCx, RecordError, RecordHandler};
use proptest::prelude::*;
use serde_json::Value;

/// One record of a generated partition: whether its handler fails, and how many times it
/// yields first (so completion order varies with N).
#[derive(Debug, Clone)]
struct Spec {
    fails: bool,
    yields: u8,
}

/// Partitions in event order, each a list of records.
fn partitions() -> impl Strategy<Value = Vec<Vec<Spec>>> {
    let spec =
        (prop::bool::weighted(0.25), 0u8..5).prop_map(|(fails, yields)| Spec { fails, yields });
    prop::collection::vec(prop::collection::vec(spec, 0..8), 0..6)
}

/// A record as the model sees it: its partition name, offset and plan.
struct Planned {
    partition: String,
    offset: i64,
    spec: Spec,
}

/// The event text (members in the order generated, which is not sorted: partition `i` is
/// topic `t{(7 - i) % 3}`) and the records in that order.
fn build(partitions: &[Vec<Spec>], base_offset: i64) -> (String, Vec<Planned>) {
    let mut members = Vec::new();
    let mut planned = Vec::new();
    for (i, specs) in partitions.iter().enumerate() {
        let topic = format!("t{}", (7 - i) % 3);
        let partition = i as i64;
        let name = format!("{topic}-{partition}");
        let records: Vec<Value> = specs
            .iter()
            .enumerate()
            .map(|(j, spec)| {
                let offset = base_offset + j as i64;
                planned.push(Planned {
                    partition: name.clone(),
                    offset,
                    spec: spec.clone(),
                });
                kafka_record(&topic, partition, offset, Some(b"{}"))
            })
            .collect();
        members.push(format!(
            "{}:{}",
            Value::from(name.as_str()),
            Value::from(records)
        ));
    }
    let event = format!(
        r#"{{"eventSource":"aws:kafka","records":{{{}}}}}"#,
        members.join(",")
    );
    (event, planned)
}

/// What the spec says: the (partition, offset) of every reported record, in input order, and
/// the positions that run.
fn model(planned: &[Planned], stop: bool) -> (Vec<(String, i64)>, Vec<usize>) {
    let mut stopped: Vec<&str> = Vec::new();
    let mut reported = Vec::new();
    let mut ran = Vec::new();
    for (position, record) in planned.iter().enumerate() {
        if stop && stopped.contains(&record.partition.as_str()) {
            reported.push((record.partition.clone(), record.offset));
            continue;
        }
        ran.push(position);
        if record.spec.fails {
            reported.push((record.partition.clone(), record.offset));
            stopped.push(&record.partition);
        }
    }
    (reported, ran)
}

struct Handler<'a> {
    planned: &'a [Planned],
    ran: Mutex<Vec<usize>>,
}

impl RecordHandler<Kafka> for Handler<'_> {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Kafka>) -> Result<(), RecordError> {
        let position = record.position();
        self.ran.lock().unwrap().push(position);
        let spec = &self.planned[position].spec;
        for _ in 0..spec.yields {
            tokio::task::yield_now().await;
        }
        if spec.fails {
            Err(RecordError::handler("planned"))
        } else {
            Ok(())
        }
    }
}

/// The response as (partition, offset) pairs, or `None` when every record failed (R4).
fn run(
    event: &str,
    planned: &[Planned],
    n: usize,
    stop: bool,
) -> (Option<Vec<(String, i64)>>, Vec<usize>) {
    let handler = Handler {
        planned,
        ran: Mutex::new(Vec::new()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let result = runtime.block_on(
        BatchProcessor::<Kafka>::new()
            .concurrency(n)
            .stop_on_first_failure(stop)
            .run(event_from_str(event), &handler),
    );
    let mut ran = handler.ran.into_inner().unwrap();
    ran.sort_unstable();
    let response = match result {
        Ok(response) => Some(
            response
                .batch_item_failures
                .into_iter()
                .map(|f| (f.item_identifier.partition, f.item_identifier.offset))
                .collect(),
        ),
        Err(error) => {
            assert!(
                error
                    .to_string()
                    .starts_with("All records failed processing."),
                "{error}"
            );
            None
        }
    };
    (response, ran)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_concurrency_reports_what_the_spec_says(
        partitions in partitions(),
        n in 1usize..12,
        stop in any::<bool>(),
        near_max in any::<bool>(),
    ) {
        let base = if near_max { i64::MAX - 10 } else { 40 };
        let (event, planned) = build(&partitions, base);
        let (expected, expected_ran) = model(&planned, stop);
        let all_failed = !planned.is_empty() && expected.len() == planned.len();

        let (sequential, sequential_ran) = run(&event, &planned, 1, stop);
        let (concurrent, concurrent_ran) = run(&event, &planned, n, stop);
        prop_assert_eq!(&concurrent, &sequential);
        prop_assert_eq!(&concurrent_ran, &expected_ran);
        prop_assert_eq!(&sequential_ran, &expected_ran);
        if all_failed {
            prop_assert!(concurrent.is_none());
        } else {
            prop_assert_eq!(concurrent, Some(expected));
        }
    }
}
