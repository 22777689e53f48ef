//! Kafka (Amazon MSK and self-managed): failures reported as `{"partition", "offset"}` (R2, R3,
//! R16), records in the order the event lists them, tombstones, stop per partition, and the
//! bad inputs of §5 for Kafka. Expected responses are written by hand from the spec.

use std::sync::Mutex;
use std::time::Duration;

use batch_core::source::Kafka;
use batch_core::testing::{event_from_file, event_from_str, kafka_event, kafka_record};
use batch_core::{BatchError, BatchProcessor, KafkaEventResponse, RecordCx, RecordError};
use batch_core::{KafkaBatchItemFailure, KafkaItemIdentifier, RecordHandler};

/// The response as Lambda reads it.
fn json(response: &KafkaEventResponse) -> String {
    serde_json::to_string(response).unwrap()
}

fn fixture<E: batch_core::HandlerEvent>(name: &str) -> batch_core::LambdaEvent<E> {
    event_from_file(format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR")))
}

/// Handlers written with the macro, as users write them.
mod orders {
    use batch_core::prelude::*;

    #[derive(serde::Deserialize)]
    pub struct Order {
        #[serde(rename = "orderId")]
        pub order_id: String,
        pub quantity: u32,
    }

    /// Fails orders without quantity; a tombstone fails (`Json<T>` is not `Option`).
    #[batch_handler(source = "kafka", entrypoint = false)]
    async fn place(Json(order): Json<Order>) -> Result<(), BoxError> {
        if order.quantity == 0 {
            return Err(format!("order {} has no quantity", order.order_id).into());
        }
        Ok(())
    }

    pub mod tombstones {
        use super::Order;
        use batch_core::prelude::*;

        /// Accepts tombstones (deleted orders).
        #[batch_handler(source = "kafka", entrypoint = false)]
        fn place(order: Option<Json<Order>>) -> Result<(), BoxError> {
            match order {
                Some(Json(order)) if order.quantity == 0 => Err("no quantity".into()),
                _ => Ok(()),
            }
        }
    }

    pub mod raw {
        use batch_core::prelude::*;

        /// Fails the record whose key (as received, base64) is `by0y`; reads the raw record.
        #[batch_handler(source = "kafka", entrypoint = false)]
        fn check(record: &KafkaRecord) -> Result<String, BoxError> {
            match record.key.as_deref() {
                Some("by0y") => Err("declined".into()),
                _ => Ok(format!(
                    "{}:{}:{}",
                    record.topic.as_deref().unwrap_or_default(),
                    record.partition,
                    record.offset
                )),
            }
        }
    }

    pub mod payments {
        use batch_core::prelude::*;

        #[derive(serde::Deserialize)]
        struct Payment {
            cents: i64,
        }

        #[batch_handler(source = "kafka", entrypoint = false)]
        async fn charge(Json(payment): Json<Payment>) -> Result<(), BoxError> {
            if payment.cents < 0 {
                return Err("negative amount".into());
            }
            Ok(())
        }
    }
}

#[tokio::test]
async fn msk_sample_reports_the_bad_order_and_the_tombstone_in_event_order() {
    // orders-1 is listed first in the file: offsets 15 (quantity 2), 16 (quantity 0); then
    // orders-0: 7 (quantity 1), 8 (a tombstone, which `Json<T>` refuses).
    let response = orders::lambda_handler(fixture("kafka-msk.json"))
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-1","offset":16}},{"itemIdentifier":{"partition":"orders-0","offset":8}}]}"#
    );
}

#[tokio::test]
async fn option_json_takes_a_tombstone_as_none() {
    let response = orders::tombstones::lambda_handler(fixture("kafka-msk.json"))
        .await
        .unwrap();
    assert_eq!(
        response.batch_item_failures,
        [KafkaBatchItemFailure {
            item_identifier: KafkaItemIdentifier {
                partition: "orders-1".into(),
                offset: 16
            }
        }]
    );
}

#[tokio::test]
async fn a_missing_value_is_a_tombstone_too() {
    let event = r#"{"eventSource": "aws:kafka", "records": {"orders-0": [
        {"topic": "orders", "partition": 0, "offset": 3}
    ]}}"#;
    let response = orders::tombstones::lambda_handler(event_from_str(event))
        .await
        .unwrap();
    assert_eq!(json(&response), r#"{"batchItemFailures":[]}"#);
    // `Json<T>` fails it, and as the only record that is the whole batch (R4).
    let error = orders::lambda_handler(event_from_str(event))
        .await
        .unwrap_err();
    assert!(matches!(error, BatchError::AllFailed { .. }), "{error}");
    assert!(error.to_string().contains("tombstone"), "{error}");
}

#[tokio::test]
async fn self_managed_sample_is_accepted() {
    // payments-0: offset 120 charges 1999 cents, offset 121 charges -5.
    let response = orders::payments::lambda_handler(fixture("kafka-self-managed.json"))
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"payments-0","offset":121}}]}"#
    );
}

#[tokio::test]
async fn raw_record_handler_sees_the_whole_record() {
    let event = fixture("kafka-msk.json");
    let report = BatchProcessor::<Kafka>::new()
        .process(&event.payload, &event.context, &RawValues)
        .await
        .unwrap();
    let seen: Vec<_> = report
        .outcomes()
        .iter()
        .map(|o| o.value().cloned())
        .collect();
    assert_eq!(
        seen,
        [
            Some("orders:1:15".to_owned()),
            None,
            Some("orders:0:7".to_owned()),
            Some("orders:0:8".to_owned())
        ]
    );
    assert_eq!(report.outcomes()[1].id(), Some("orders-1@16"));
    let response = orders::raw::lambda_handler(fixture("kafka-msk.json"))
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-1","offset":16}}]}"#
    );
}

/// What `orders::raw::check` does, without the macro, so that its values can be read.
struct RawValues;

impl RecordHandler<Kafka> for RawValues {
    type Output = String;

    async fn call(&self, record: &RecordCx<'_, Kafka>) -> Result<String, RecordError> {
        let kafka = record.extract::<&batch_core::KafkaRecord>()?;
        if kafka.key.as_deref() == Some("by0y") {
            return Err(RecordError::handler("declined"));
        }
        Ok(format!(
            "{}:{}:{}",
            kafka.topic.as_deref().unwrap_or_default(),
            kafka.partition,
            kafka.offset
        ))
    }
}

/// Fails the records whose decoded value is `F`; remembers the order in which records started.
#[derive(Default)]
struct ByValue {
    started: Mutex<Vec<String>>,
    delay: Option<Duration>,
}

impl RecordHandler<Kafka> for ByValue {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Kafka>) -> Result<(), RecordError> {
        self.started
            .lock()
            .unwrap()
            .push(record.id().unwrap_or("?").to_owned());
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        let batch_core::Json(value) = record.extract::<batch_core::Json<String>>()?;
        match value.as_str() {
            "F" => Err(RecordError::handler("value says fail")),
            _ => Ok(()),
        }
    }
}

#[tokio::test]
async fn members_run_in_the_order_written_not_a_hash_maps() {
    // A HashMap or BTreeMap would not give zeta, alpha, mid.
    let event = r#"{"eventSource": "aws:kafka", "records": {
        "zeta-0": [{"topic": "zeta", "partition": 0, "offset": 5, "value": "IkYi"},
                   {"topic": "zeta", "partition": 0, "offset": 6, "value": "IlMi"}],
        "alpha-3": [{"topic": "alpha", "partition": 3, "offset": 1, "value": "IkYi"}],
        "mid-1": [{"topic": "mid", "partition": 1, "offset": 9, "value": "IkYi"}]
    }}"#;
    let handler = ByValue::default();
    let response = BatchProcessor::<Kafka>::new()
        .run(event_from_str(event), &handler)
        .await
        .unwrap();
    assert_eq!(
        *handler.started.lock().unwrap(),
        ["zeta-0@5", "zeta-0@6", "alpha-3@1", "mid-1@9"]
    );
    assert_eq!(
        json(&response),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"zeta-0","offset":5}},{"itemIdentifier":{"partition":"alpha-3","offset":1}},{"itemIdentifier":{"partition":"mid-1","offset":9}}]}"#
    );
}

#[tokio::test]
async fn offsets_are_exact_up_to_i64_max() {
    // 2^53 + 1 and i64::MAX would change through an f64.
    let event = r#"{"eventSource": "aws:kafka", "records": {"big-7": [
        {"topic": "big", "partition": 7, "offset": 9007199254740993, "value": "IkYi"},
        {"topic": "big", "partition": 7, "offset": 9223372036854775806, "value": "IlMi"},
        {"topic": "big", "partition": 7, "offset": 9223372036854775807, "value": "IkYi"}
    ]}}"#;
    let response = BatchProcessor::<Kafka>::new()
        .run(event_from_str(event), &ByValue::default())
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"big-7","offset":9007199254740993}},{"itemIdentifier":{"partition":"big-7","offset":9223372036854775807}}]}"#
    );
}

#[tokio::test]
async fn the_identifier_comes_from_the_records_own_topic_and_partition() {
    // The member name disagrees with the record; Powertools reports the record's own fields.
    let event = r#"{"eventSource": "aws:kafka", "records": {"renamed-0": [
        {"topic": "orders", "partition": 2, "offset": 4, "value": "IkYi"},
        {"topic": "orders", "partition": 2, "offset": 5, "value": "IlMi"}
    ]}}"#;
    let response = BatchProcessor::<Kafka>::new()
        .run(event_from_str(event), &ByValue::default())
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-2","offset":4}}]}"#
    );
}

#[tokio::test]
async fn stop_on_first_failure_stops_only_that_partition() {
    // a-0: S F S S; b-0: S S; a-1: F S. Interleaved in the event as two members per topic.
    let records = [
        kafka_record("a", 0, 10, Some(b"\"S\"")),
        kafka_record("a", 0, 11, Some(b"\"F\"")),
        kafka_record("a", 0, 12, Some(b"\"S\"")),
        kafka_record("a", 0, 13, Some(b"\"S\"")),
        kafka_record("b", 0, 20, Some(b"\"S\"")),
        kafka_record("b", 0, 21, Some(b"\"S\"")),
        kafka_record("a", 1, 30, Some(b"\"F\"")),
        kafka_record("a", 1, 31, Some(b"\"S\"")),
    ];
    let expected = r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"a-0","offset":11}},{"itemIdentifier":{"partition":"a-0","offset":12}},{"itemIdentifier":{"partition":"a-0","offset":13}},{"itemIdentifier":{"partition":"a-1","offset":30}},{"itemIdentifier":{"partition":"a-1","offset":31}}]}"#;
    for concurrency in [1, 2, 8] {
        let handler = ByValue {
            delay: Some(Duration::from_millis(1)),
            ..ByValue::default()
        };
        let response = BatchProcessor::<Kafka>::new()
            .stop_on_first_failure(true)
            .concurrency(concurrency)
            .run(kafka_event(records.clone()), &handler)
            .await
            .unwrap();
        assert_eq!(json(&response), expected, "concurrency {concurrency}");
        let mut started = handler.started.lock().unwrap().clone();
        started.sort();
        assert_eq!(
            started,
            ["a-0@10", "a-0@11", "a-1@30", "b-0@20", "b-0@21"],
            "concurrency {concurrency}: records after a partition's failure never start"
        );
    }
    // Without the option every record runs and only the failures are reported.
    let response = BatchProcessor::<Kafka>::new()
        .run(kafka_event(records), &ByValue::default())
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"a-0","offset":11}},{"itemIdentifier":{"partition":"a-1","offset":30}}]}"#
    );
}

#[tokio::test(start_paused = true)]
async fn concurrency_keeps_each_partition_in_order() {
    let records = (0..12).map(|i| kafka_record("t", i % 3, 100 + i, Some(b"\"S\"")));
    let handler = ByValue {
        delay: Some(Duration::from_millis(10)),
        ..ByValue::default()
    };
    let started_at = tokio::time::Instant::now();
    let response = BatchProcessor::<Kafka>::new()
        .concurrency(12)
        .run(kafka_event(records), &handler)
        .await
        .unwrap();
    assert_eq!(json(&response), r#"{"batchItemFailures":[]}"#);
    // Three partitions of four records side by side: four rounds of 10 ms.
    assert_eq!(started_at.elapsed(), Duration::from_millis(40));
    let started = handler.started.lock().unwrap().clone();
    for partition in ["t-0", "t-1", "t-2"] {
        let offsets: Vec<_> = started
            .iter()
            .filter(|id| id.starts_with(&format!("{partition}@")))
            .cloned()
            .collect();
        let mut sorted = offsets.clone();
        sorted.sort_by_key(|id| id.rsplit_once('@').unwrap().1.parse::<i64>().unwrap());
        assert_eq!(offsets, sorted, "{partition} ran out of order");
        assert_eq!(offsets.len(), 4);
    }
}

#[tokio::test]
async fn all_failed_fails_the_invocation() {
    let records = [
        kafka_record("t", 0, 1, Some(b"\"F\"")),
        kafka_record("t", 1, 2, Some(b"\"F\"")),
    ];
    let error = BatchProcessor::<Kafka>::new()
        .run(kafka_event(records.clone()), &ByValue::default())
        .await
        .unwrap_err();
    match &error {
        BatchError::AllFailed { failures } => {
            let ids: Vec<_> = failures.iter().map(|f| f.id.as_deref()).collect();
            assert_eq!(ids, [Some("t-0@1"), Some("t-1@2")]);
        }
        other => panic!("expected AllFailed, got {other}"),
    }
    let response = BatchProcessor::<Kafka>::new()
        .raise_on_entire_batch_failure(false)
        .run(kafka_event(records), &ByValue::default())
        .await
        .unwrap();
    assert_eq!(response.batch_item_failures.len(), 2);
}
