//! The Kafka rows of DESIGN §5, and R8 for Kafka events: none may panic, lose a record, or
//! acknowledge a failed one.

mod spec_support;

use batch_core::source::{Kafka, Kinesis, Sqs};
use batch_core::testing::{event_from_str, kafka_event, kafka_record};
use batch_core::{BatchError, BatchProcessor, Json, RecordCx, RecordError, RecordErrorKind};
use batch_core::{KafkaEventResponse, RecordHandler};
use spec_support::Plan;

/// Decodes every record's value as JSON and fails records whose value is `false`.
struct Typed;

impl RecordHandler<Kafka> for Typed {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Kafka>) -> Result<(), RecordError> {
        let Json(ok) = record.extract::<Json<bool>>()?;
        if ok {
            Ok(())
        } else {
            Err(RecordError::handler("not ok"))
        }
    }
}

fn json(response: &KafkaEventResponse) -> String {
    serde_json::to_string(response).unwrap()
}

async fn run(event: &str) -> Result<KafkaEventResponse, BatchError> {
    BatchProcessor::<Kafka>::new()
        .run(event_from_str(event), &Typed)
        .await
}

/// The reason of an `InvalidEvent` that names both Kafka event sources; nothing ran.
async fn invalid(event: &str) -> String {
    let plan = Plan::failing([]);
    let error = BatchProcessor::<Kafka>::new()
        .run(event_from_str(event), &plan)
        .await
        .unwrap_err();
    assert!(plan.ran().is_empty(), "records ran for {event}");
    assert_eq!(error.error_type(), "InvalidEventError", "{error}");
    assert!(
        error.to_string().contains("aws:kafka or SelfManagedKafka"),
        "{error}"
    );
    match error {
        BatchError::InvalidEvent { reason, .. } => reason,
        other => panic!("expected InvalidEvent, got {other}"),
    }
}

#[tokio::test]
async fn a_value_that_is_not_base64_fails_that_record_alone() {
    // "dHJ1ZQ==" is `true`.
    let event = r#"{"eventSource": "aws:kafka", "records": {"t-0": [
        {"topic": "t", "partition": 0, "offset": 1, "value": "dHJ1ZQ=="},
        {"topic": "t", "partition": 0, "offset": 2, "value": "not base64!"},
        {"topic": "t", "partition": 0, "offset": 3, "value": 17},
        {"topic": "t", "partition": 0, "offset": 4, "value": "dHJ1ZQ=="}
    ]}}"#;
    let event = event_from_str(event);
    let report = BatchProcessor::<Kafka>::new()
        .process(&event.payload, &event.context, &Typed)
        .await
        .unwrap();
    let outcomes = report.outcomes();
    assert!(outcomes[0].is_success() && outcomes[3].is_success());
    for (position, says) in [(1, "is not valid base64"), (2, "is a number, not a string")] {
        let error = outcomes[position].error().unwrap();
        assert_eq!(error.kind(), RecordErrorKind::Malformed);
        assert!(error.to_string().contains(says), "{error}");
    }
    assert_eq!(
        json(&report.into_response().unwrap()),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"t-0","offset":2}},{"itemIdentifier":{"partition":"t-0","offset":3}}]}"#
    );
}

#[tokio::test]
async fn a_tombstone_fails_json_but_not_the_batch() {
    let records = [
        kafka_record("t", 0, 1, Some(b"true")),
        kafka_record("t", 0, 2, None),
    ];
    let response = BatchProcessor::<Kafka>::new()
        .run(kafka_event(records), &Typed)
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"t-0","offset":2}}]}"#
    );
}

#[tokio::test]
async fn a_failed_record_without_topic_partition_or_offset_fails_the_invocation() {
    for record in [
        r#"{"partition": 0, "offset": 2, "value": "ZmFsc2U="}"#,
        r#"{"topic": "t", "offset": 2, "value": "ZmFsc2U="}"#,
        r#"{"topic": "t", "partition": 0, "value": "ZmFsc2U="}"#,
        r#"{"topic": "t", "partition": 0, "offset": "2", "value": "ZmFsc2U="}"#,
        r#"{"topic": "t", "partition": 0, "offset": 2.0, "value": "ZmFsc2U="}"#,
    ] {
        // "ZmFsc2U=" is `false`: the record fails, and cannot be reported (R7).
        let event = format!(
            r#"{{"eventSource": "aws:kafka", "records": {{"t-0": [
                {{"topic": "t", "partition": 0, "offset": 1, "value": "dHJ1ZQ=="}}, {record}]}}}}"#
        );
        let error = run(&event).await.unwrap_err();
        assert_eq!(
            error.error_type(),
            "UnidentifiableRecordError",
            "{record}: {error}"
        );
        assert!(
            error
                .to_string()
                .contains("no usable `topic`, `partition` or `offset`"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_record_without_identifier_that_succeeds_is_fine() {
    let event = r#"{"eventSource": "aws:kafka", "records": {"t-0": [
        {"topic": "t", "partition": 0, "value": "dHJ1ZQ=="}
    ]}}"#;
    assert_eq!(
        json(&run(event).await.unwrap()),
        r#"{"batchItemFailures":[]}"#
    );
}

#[tokio::test]
async fn a_record_field_of_the_wrong_type_fails_that_record_alone() {
    // `&KafkaRecord` needs `headers` to be an array.
    struct Raw;
    impl RecordHandler<Kafka> for Raw {
        type Output = ();
        async fn call(&self, record: &RecordCx<'_, Kafka>) -> Result<(), RecordError> {
            record.extract::<&batch_core::KafkaRecord>().map(drop)
        }
    }
    let event = r#"{"eventSource": "aws:kafka", "records": {"t-0": [
        {"topic": "t", "partition": 0, "offset": 1, "timestamp": 1, "value": null, "headers": []},
        {"topic": "t", "partition": 0, "offset": 2, "timestamp": 1, "value": null, "headers": "x"}
    ]}}"#;
    let response = BatchProcessor::<Kafka>::new()
        .run(event_from_str(event), &Raw)
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"t-0","offset":2}}]}"#
    );
}

#[tokio::test]
async fn empty_and_null_records_are_an_empty_batch() {
    for event in [
        r#"{"eventSource": "aws:kafka", "records": {}}"#,
        r#"{"eventSource": "SelfManagedKafka", "records": null}"#,
        r#"{"eventSource": "aws:kafka", "records": {"t-0": [], "t-1": []}}"#,
    ] {
        assert_eq!(
            json(&run(event).await.unwrap()),
            r#"{"batchItemFailures":[]}"#,
            "{event}"
        );
    }
}

#[tokio::test]
async fn malformed_envelopes_fail_the_invocation_naming_kafka() {
    assert_eq!(
        invalid(r#"{"eventSource": "aws:kafka"}"#).await,
        "it has no `records` field"
    );
    assert_eq!(
        invalid(r#"{"eventSource": "aws:kafka", "records": [{"topic": "t"}]}"#).await,
        "its `records` field is an array, not an object of arrays"
    );
    assert_eq!(
        invalid(r#"{"eventSource": "aws:kafka", "records": 3}"#).await,
        "its `records` field is a number, not an object of arrays"
    );
    assert_eq!(
        invalid(r#"{"eventSource": "aws:kafka", "records": {"t-0": [], "t-1": null}}"#).await,
        "`records.t-1` is null, not an array"
    );
    assert_eq!(
        invalid(r#"{"eventSource": "aws:kafka", "records": {}, "records": {}}"#).await,
        "it has two `records` fields"
    );
    assert!(
        invalid("not json")
            .await
            .starts_with("the event is not valid JSON")
    );
    assert!(
        invalid("[]")
            .await
            .starts_with("the event is not a JSON object")
    );
}

#[tokio::test]
async fn events_of_other_sources_are_refused_both_ways() {
    // An SQS or Kinesis event to a Kafka handler.
    assert_eq!(
        invalid(r#"{"Records": [{"messageId": "1", "eventSource": "aws:sqs"}]}"#).await,
        "it has no `records` field"
    );
    assert_eq!(
        invalid(r#"{"eventSource": "aws:kinesis", "records": {}}"#).await,
        "it comes from aws:kinesis"
    );
    // The event-level source is read wherever it is written, before any record runs.
    let event = r#"{"records": {"t-0": [{"topic": "t", "partition": 0, "offset": 1}]},
        "eventSource": "aws:sqs"}"#;
    assert_eq!(invalid(event).await, "it comes from aws:sqs");

    // A Kafka event to SQS and Kinesis handlers.
    let kafka = r#"{"eventSource": "aws:kafka", "records": {"t-0": [
        {"topic": "t", "partition": 0, "offset": 1, "value": "dHJ1ZQ=="}]}}"#;
    for error in [
        BatchProcessor::<Sqs>::new()
            .run(event_from_str(kafka), &Plan::failing([]))
            .await
            .unwrap_err(),
        BatchProcessor::<Kinesis>::new()
            .run(event_from_str(kafka), &Plan::failing([]))
            .await
            .unwrap_err(),
    ] {
        assert_eq!(error.error_type(), "InvalidEventError", "{error}");
        assert!(error.to_string().contains("no `Records` field"), "{error}");
    }
}

#[tokio::test]
async fn ten_thousand_records_over_many_partitions() {
    // Every 10th record fails; each is reported once, in input order.
    let records = (0..10_000).map(|i| {
        let value: &[u8] = if i % 10 == 3 { b"false" } else { b"true" };
        kafka_record(&format!("topic-{}", i % 4), i % 5, i, Some(value))
    });
    let response = BatchProcessor::<Kafka>::new()
        .concurrency(16)
        .run(kafka_event(records), &Typed)
        .await
        .unwrap();
    assert_eq!(response.batch_item_failures.len(), 1_000);
    // kafka_event groups by partition in first-seen order (topic-0-0, topic-1-1, topic-2-2,
    // topic-3-3, ...); the first three hold no failing offset (3 mod 10), topic-3-3 starts at 3.
    let first = &response.batch_item_failures[0].item_identifier;
    assert_eq!((first.partition.as_str(), first.offset), ("topic-3-3", 3));
    let mut offsets: Vec<i64> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.offset)
        .collect();
    offsets.sort();
    assert_eq!(offsets, (0..1000).map(|i| i * 10 + 3).collect::<Vec<_>>());
}
