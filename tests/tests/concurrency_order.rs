//! R9: under `concurrency = N`, records that share an ordering key never overlap and start in
//! input order; at most N run at once; failures are reported in input order.

use std::sync::Mutex;
use std::time::Duration;

use batch_core::source::{DynamoDb, Kinesis, Sqs};
use batch_core::testing::{dynamodb_record, event_from_records, fifo_message, kinesis_record};
use batch_core::{BatchProcessor, RecordCx, RecordError, RecordHandler};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Start,
    End,
}

/// Logs (step, key, position) and yields a position-dependent number of times, so that
/// records finish out of order.
struct Logger {
    key_of: Vec<String>,
    log: Mutex<Vec<(Step, usize)>>,
}

impl Logger {
    fn new(key_of: Vec<String>) -> Self {
        Self {
            key_of,
            log: Mutex::new(Vec::new()),
        }
    }

    async fn step<S: batch_core::source::BatchSource>(
        &self,
        record: &RecordCx<'_, S>,
    ) -> Result<(), RecordError> {
        let position = record.position();
        self.log.lock().unwrap().push((Step::Start, position));
        for _ in 0..(position * 7919) % 13 {
            tokio::task::yield_now().await;
        }
        self.log.lock().unwrap().push((Step::End, position));
        if position % 17 == 3 {
            Err(RecordError::handler("planned failure"))
        } else {
            Ok(())
        }
    }

    /// Checks the log: per key no overlap and input order; at most `n` in flight, and more
    /// than one at some point.
    fn check(&self, n: usize) {
        let log = self.log.lock().unwrap();
        let mut running: Vec<usize> = Vec::new();
        let mut last_started_of_key: std::collections::HashMap<&str, usize> = Default::default();
        let mut most_in_flight = 0;
        for &(step, position) in log.iter() {
            let key = self.key_of[position].as_str();
            match step {
                Step::Start => {
                    assert!(
                        running.iter().all(|&p| self.key_of[p] != key),
                        "record {position} started while another record of key {key} ran"
                    );
                    if let Some(&previous) = last_started_of_key.get(key) {
                        assert!(
                            previous < position,
                            "key {key}: {position} started after {previous}"
                        );
                    }
                    last_started_of_key.insert(key, position);
                    running.push(position);
                    most_in_flight = most_in_flight.max(running.len());
                }
                Step::End => running.retain(|&p| p != position),
            }
        }
        assert_eq!(
            log.len(),
            2 * self.key_of.len(),
            "every record ran exactly once"
        );
        assert!(most_in_flight <= n, "{most_in_flight} in flight, limit {n}");
        assert!(most_in_flight > 1, "records ran concurrently");
    }

    fn expected_failures(&self) -> Vec<usize> {
        (0..self.key_of.len()).filter(|p| p % 17 == 3).collect()
    }
}

impl RecordHandler<Kinesis> for Logger {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<(), RecordError> {
        self.step(record).await
    }
}

impl RecordHandler<DynamoDb> for Logger {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, DynamoDb>) -> Result<(), RecordError> {
        self.step(record).await
    }
}

impl RecordHandler<Sqs> for Logger {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
        self.step(record).await
    }
}

fn keys(count: usize, distinct: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!("key-{}", (i * 31 + i / 7) % distinct))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn kinesis_partition_keys_never_overlap_under_concurrency_16() {
    let keys = keys(1000, 10);
    let event = event_from_records(
        keys.iter()
            .enumerate()
            .map(|(i, key)| kinesis_record(&format!("{i:05}"), key, b"{}")),
    );
    let logger = Logger::new(keys);
    let response = BatchProcessor::<Kinesis>::new()
        .concurrency(16)
        .run(event, &logger)
        .await
        .unwrap();
    logger.check(16);
    let reported: Vec<String> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect();
    let expected: Vec<String> = logger
        .expected_failures()
        .iter()
        .map(|p| format!("{p:05}"))
        .collect();
    assert_eq!(reported, expected);
}

#[tokio::test(start_paused = true)]
async fn dynamodb_item_keys_never_overlap_whatever_their_attribute_order() {
    let keys = keys(300, 10);
    let records = keys.iter().enumerate().map(|(i, key)| {
        // The same item written with its key attributes in either order is one ordering key.
        let item_keys = if i % 2 == 0 {
            json!({"Id": {"S": key}, "Sort": {"N": "1"}})
        } else {
            json!({"Sort": {"N": "1"}, "Id": {"S": key}})
        };
        dynamodb_record(&format!("{i}"), item_keys, json!({"Id": {"S": key}}))
    });
    let event = event_from_records(records);
    let logger = Logger::new(keys);
    let response = BatchProcessor::<DynamoDb>::new()
        .concurrency(8)
        .run(event, &logger)
        .await
        .unwrap();
    logger.check(8);
    let reported: Vec<String> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect();
    let expected: Vec<String> = logger
        .expected_failures()
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(reported, expected);
}

#[tokio::test(start_paused = true)]
async fn fifo_groups_never_overlap_under_skip_group_concurrency() {
    let keys = keys(400, 10);
    let records = keys
        .iter()
        .enumerate()
        .map(|(i, key)| fifo_message(&format!("m{i}"), key, "{}"));
    let logger = Logger::new(keys.clone());
    let response = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .concurrency(16)
        .run(event_from_records(records), &logger)
        .await
        .unwrap();
    // Records after a failure in their group do not run: the log covers the others.
    let log = logger.log.lock().unwrap().clone();
    let mut failed_groups = std::collections::HashSet::new();
    let mut expected = Vec::new();
    let mut ran = Vec::new();
    for (position, key) in keys.iter().enumerate() {
        if failed_groups.contains(key) {
            expected.push(format!("m{position}"));
            continue;
        }
        ran.push(position);
        if position % 17 == 3 {
            failed_groups.insert(key.clone());
            expected.push(format!("m{position}"));
        }
    }
    let mut started: Vec<usize> = log
        .iter()
        .filter(|(step, _)| *step == Step::Start)
        .map(|(_, p)| *p)
        .collect();
    started.sort();
    assert_eq!(started, ran);
    let reported: Vec<String> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(reported, expected);
}

#[tokio::test(start_paused = true)]
async fn standard_sqs_has_no_ordering_key_and_fills_every_slot() {
    struct Gate(Mutex<(usize, usize)>);
    impl RecordHandler<Sqs> for Gate {
        type Output = ();
        async fn call(&self, _: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
            {
                let mut g = self.0.lock().unwrap();
                g.0 += 1;
                g.1 = g.1.max(g.0);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
            self.0.lock().unwrap().0 -= 1;
            Ok(())
        }
    }
    // Every message in the same (ignored) group: a standard queue does not order them.
    let records = (0..40).map(|i| fifo_message(&format!("m{i}"), "same", "{}"));
    let gate = Gate(Mutex::new((0, 0)));
    let response = BatchProcessor::<Sqs>::new()
        .concurrency(8)
        .run(event_from_records(records), &gate)
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(gate.0.lock().unwrap().1, 8);
}

#[tokio::test(start_paused = true)]
async fn fifo_without_skip_group_runs_one_at_a_time() {
    let keys = keys(50, 50);
    let event = event_from_records(
        keys.iter()
            .enumerate()
            .map(|(i, key)| fifo_message(&format!("m{i}"), key, "{}")),
    );
    let logger = Logger::new(keys);
    let response = BatchProcessor::<Sqs>::fifo()
        .concurrency(16)
        .run(event, &logger)
        .await
        .unwrap();
    let log = logger.log.lock().unwrap();
    // Sequential: start 0, end 0, start 1, end 1, start 2, end 2, start 3, end 3 (fails), stop.
    let expected: Vec<(Step, usize)> = (0..4)
        .flat_map(|p| [(Step::Start, p), (Step::End, p)])
        .collect();
    assert_eq!(*log, expected);
    let reported: Vec<String> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    let expected: Vec<String> = (3..50).map(|p| format!("m{p}")).collect();
    assert_eq!(reported, expected);
}
