//! DynamoDB Streams: failures reported by `dynamodb.SequenceNumber` (R2, R3, R4), item images.

mod spec_support;

use batch_core::source::DynamoDb;
use batch_core::testing::{dynamodb_record, event_from_file, event_from_records};
use batch_core::{BatchProcessor, NewImage, OldImage, RecordCx, RecordError, RecordHandler};
use serde::Deserialize;
use serde_json::json;
use spec_support::{all_failed, ids, reported};

#[derive(Debug, Deserialize)]
struct Order {
    id: u64,
    status: String,
}

/// Reads the new image and fails the record when its status is `F`.
struct ByStatus;

impl RecordHandler<DynamoDb> for ByStatus {
    type Output = u64;

    async fn call(&self, record: &RecordCx<'_, DynamoDb>) -> Result<u64, RecordError> {
        let NewImage(order) = record.extract::<NewImage<Order>>()?;
        match order.status.as_str() {
            "F" => Err(RecordError::handler("status says fail")),
            _ => Ok(order.id),
        }
    }
}

fn order(sequence_number: &str, id: u64, status: &str) -> serde_json::Value {
    dynamodb_record(
        sequence_number,
        json!({"id": {"N": id.to_string()}}),
        json!({"id": {"N": id.to_string()}, "status": {"S": status}}),
    )
}

#[tokio::test]
async fn f_s_f_reports_the_sequence_numbers_of_records_1_and_3() {
    let event = event_from_records([
        order("111100000000000000001", 1, "F"),
        order("111100000000000000002", 2, "S"),
        order("111100000000000000003", 1, "F"),
    ]);
    let response = BatchProcessor::<DynamoDb>::new()
        .run(event, &ByStatus)
        .await
        .unwrap();
    assert_eq!(
        reported(&response),
        ids(&["111100000000000000001", "111100000000000000003"])
    );
}

#[tokio::test]
async fn all_succeeded_and_all_failed() {
    let response = BatchProcessor::<DynamoDb>::new()
        .run(
            event_from_records([order("1", 1, "S"), order("2", 2, "S")]),
            &ByStatus,
        )
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_string(&response).unwrap(),
        r#"{"batchItemFailures":[]}"#
    );

    let failing = || event_from_records([order("1", 1, "F"), order("2", 2, "F")]);
    let error = BatchProcessor::<DynamoDb>::new()
        .run(failing(), &ByStatus)
        .await
        .unwrap_err();
    let ids_carried: Vec<Option<String>> = all_failed(&error).into_iter().map(|f| f.1).collect();
    assert_eq!(ids_carried, [Some("1".to_owned()), Some("2".to_owned())]);

    let response = BatchProcessor::<DynamoDb>::new()
        .raise_on_entire_batch_failure(false)
        .run(failing(), &ByStatus)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "2"]));
}

#[tokio::test]
async fn an_image_that_does_not_fit_t_fails_only_its_record() {
    // `{"N": "5"}` into a String is an error for serde_dynamo (§9): status must be a string.
    let event = event_from_records([
        order("1", 1, "S"),
        dynamodb_record(
            "2",
            json!({"id": {"N": "2"}}),
            json!({"id": {"N": "2"}, "status": {"N": "5"}}),
        ),
        order("3", 3, "S"),
    ]);
    let processor = BatchProcessor::<DynamoDb>::new();
    let report = processor
        .process(&event.payload, &event.context, &ByStatus)
        .await
        .unwrap();
    let values: Vec<Option<u64>> = report
        .outcomes()
        .iter()
        .map(|o| o.value().copied())
        .collect();
    assert_eq!(values, [Some(1), None, Some(3)]);
    let response = processor.run(event, &ByStatus).await.unwrap();
    assert_eq!(reported(&response), ids(&["2"]));
}

#[derive(Debug, Deserialize)]
struct Message {
    #[serde(rename = "Message")]
    message: String,
}

#[tokio::test]
async fn removes_have_no_new_image_and_option_accepts_that() {
    let mut remove = dynamodb_record("9", json!({"id": {"N": "1"}}), json!({}));
    remove["eventName"] = json!("REMOVE");
    let change = remove["dynamodb"].as_object_mut().unwrap();
    change.remove("NewImage");
    change.insert(
        "OldImage".into(),
        json!({"id": {"N": "1"}, "status": {"S": "S"}}),
    );
    let event = || event_from_records([order("8", 1, "S"), remove.clone()]);

    // NewImage<T> fails a record without a new image...
    let response = BatchProcessor::<DynamoDb>::new()
        .run(event(), &ByStatus)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["9"]));

    // ...Option<NewImage<T>> accepts it, and OldImage<T> reads the old one.
    let handler = batch_core::handler_fn(
        |r: &RecordCx<'_, DynamoDb>| -> Result<String, RecordError> {
            let new = r.extract::<Option<NewImage<Order>>>()?;
            let old = r.extract::<Option<OldImage<Order>>>()?;
            Ok(format!(
                "{:?}/{:?}",
                new.map(|n| n.0.status),
                old.map(|o| o.0.status)
            ))
        },
    );
    let report = BatchProcessor::<DynamoDb>::new()
        .process(&event().payload, &event().context, &handler)
        .await
        .unwrap();
    let values: Vec<&str> = report.successes().map(|(_, v)| v.as_str()).collect();
    assert_eq!(values, [r#"Some("S")/None"#, r#"None/Some("S")"#]);
}

#[tokio::test]
async fn sample_event_from_aws() {
    let handler = batch_core::handler_fn(|r: &RecordCx<'_, DynamoDb>| -> Result<(), RecordError> {
        let NewImage(m) = r.extract::<NewImage<Message>>()?;
        if m.message == "failure" {
            Err(RecordError::handler("failure"))
        } else {
            Ok(())
        }
    });
    // Record 1 says "failure"; record 2 has no `Message` attribute, so NewImage<Message> fails.
    let event = event_from_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/dynamodb.json"
    ));
    let response = BatchProcessor::<DynamoDb>::new()
        .raise_on_entire_batch_failure(false)
        .run(event, &handler)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["3275880929", "8640712661"]));

    let event = event_from_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/dynamodb-images.json"
    ));
    let response = BatchProcessor::<DynamoDb>::new()
        .run(event, &handler)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["8640712661"]));
}
