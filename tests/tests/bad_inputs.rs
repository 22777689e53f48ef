//! Every row of DESIGN §5: malformed events and records. None may panic, lose a record, or
//! acknowledge a failed one; each gives a clear error (R7, R8).

mod spec_support;

use std::fmt::Write as _;

use batch_core::source::{BatchSource, DynamoDb, Kinesis, Sqs};
use batch_core::testing::{
    dynamodb_record, event_from_file, event_from_records, event_from_str, fifo_message,
    kinesis_record, sqs_message,
};
use batch_core::{
    BatchError, BatchProcessor, FromRecord, Json, KinesisEventRecord, RecordCx, RecordError,
    RecordErrorKind, RecordHandler, SqsMessage,
};
use serde::Deserialize;
use serde_json::{Value, json};
use spec_support::{Plan, all_failed, ids, reported};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Runs `event` through a default processor of source `S` with a handler that fails nothing,
/// and returns the invocation error. Fails the test if the invocation succeeded.
async fn invocation_error<S: BatchSource>(event: &str) -> (BatchError, Plan)
where
    S::Response: std::fmt::Debug,
{
    let plan = Plan::failing([]);
    let result = BatchProcessor::<S>::new()
        .run(event_from_str(event), &plan)
        .await;
    match result {
        Err(error) => {
            // Debug prints the same text as Display (§3), and never an empty message.
            assert_eq!(format!("{error:?}"), error.to_string());
            assert!(!error.to_string().is_empty());
            (error, plan)
        }
        Ok(response) => panic!(
            "{} handler acknowledged {event:.200}: {response:?}",
            S::NAME
        ),
    }
}

/// Whether an error message names the source: its `eventSource` or its name.
fn names_source<S: BatchSource>(message: &str) -> bool {
    message.contains(S::EVENT_SOURCE) || message.contains(S::NAME)
}

fn sqs_record(id: &str) -> Value {
    sqs_message(id, "{}")
}

fn kinesis(id: &str) -> Value {
    kinesis_record(id, "key", b"{}")
}

fn dynamodb(id: &str) -> Value {
    dynamodb_record(id, json!({"Id": {"N": "1"}}), json!({"Id": {"N": "1"}}))
}

fn event_json(records: &[Value]) -> String {
    json!({ "Records": records }).to_string()
}

// ---------------------------------------------------------------------------------------------
// Row: event not JSON / not an object / no `Records` → invocation error naming the source (R8)

const MALFORMED_EVENTS: &[&str] = &[
    "",
    "   ",
    "not json",
    r#"{"Records": [{"messageId": "1"}"#,
    "[]",
    r#"[{"Records": []}]"#,
    "42",
    r#""Records""#,
    "null",
    "true",
    "{}",
    r#"{"records": []}"#,
    r#"{"Records": null}"#,
    r#"{"Records": {}}"#,
    r#"{"Records": {"0": {"messageId": "1"}}}"#,
    r#"{"Records": "[]"}"#,
    r#"{"Records": 3}"#,
    r#"{"Records": false}"#,
    r#"{"Records": [],}"#,
    r#"{"Records": []} {"Records": []}"#,
    r#"{"Records": [{"messageId": "1", "body": "x"},]}"#,
];

async fn rejects_malformed_events<S: BatchSource>()
where
    S::Response: std::fmt::Debug,
{
    for event in MALFORMED_EVENTS {
        let (error, plan) = invocation_error::<S>(event).await;
        let message = error.to_string();
        assert!(
            matches!(error, BatchError::InvalidEvent { .. }),
            "{} handler, event {event:?}: expected InvalidEvent, got {message}",
            S::NAME
        );
        assert!(
            names_source::<S>(&message),
            "{} handler, event {event:?}: the error does not name the expected source: {message}",
            S::NAME
        );
        assert!(plan.ran().is_empty());
        assert_ne!(error.error_type(), "BatchProcessingError");
    }
}

#[tokio::test]
async fn malformed_events_fail_the_invocation_naming_sqs() {
    rejects_malformed_events::<Sqs>().await;
}

#[tokio::test]
async fn malformed_events_fail_the_invocation_naming_kinesis() {
    rejects_malformed_events::<Kinesis>().await;
}

#[tokio::test]
async fn malformed_events_fail_the_invocation_naming_dynamodb() {
    rejects_malformed_events::<DynamoDb>().await;
}

#[tokio::test]
async fn malformed_fifo_events_fail_the_invocation_too() {
    for event in MALFORMED_EVENTS {
        let plan = Plan::failing([]);
        let error = BatchProcessor::<Sqs>::fifo()
            .skip_group_on_error(true)
            .run(event_from_str(event), &plan)
            .await
            .unwrap_err();
        assert!(matches!(error, BatchError::InvalidEvent { .. }), "{error}");
        assert!(names_source::<Sqs>(&error.to_string()), "{error}");
    }
}

// ---------------------------------------------------------------------------------------------
// Row: an event or a record of another source (every mix) → invocation error (R8)

async fn rejects_foreign<S: BatchSource>(foreign: &[Value], own: Value, found: &str)
where
    S::Response: std::fmt::Debug,
{
    // A whole event of the other source.
    let (error, _) = invocation_error::<S>(&event_json(foreign)).await;
    let message = error.to_string();
    assert!(
        matches!(error, BatchError::WrongSource { .. }),
        "{} handler given {found}: expected WrongSource, got {message}",
        S::NAME
    );
    assert!(names_source::<S>(&message), "{message}");
    // One foreign record among good ones, first, in the middle and last: nothing acknowledged.
    let mut mixes = Vec::new();
    mixes.push(vec![foreign[0].clone(), own.clone(), own.clone()]);
    mixes.push(vec![own.clone(), foreign[0].clone(), own.clone()]);
    mixes.push(vec![own.clone(), own.clone(), foreign[0].clone()]);
    for mix in mixes {
        let (error, _) = invocation_error::<S>(&event_json(&mix)).await;
        let message = error.to_string();
        assert!(
            matches!(error, BatchError::WrongSource { .. }),
            "{} handler, one {found} record: expected WrongSource, got {message}",
            S::NAME
        );
        assert!(names_source::<S>(&message), "{message}");
        assert!(message.contains(found), "names what it found: {message}");
    }
}

#[tokio::test]
async fn kinesis_and_dynamodb_events_are_rejected_by_an_sqs_handler() {
    rejects_foreign::<Sqs>(
        &[kinesis("1"), kinesis("2")],
        sqs_record("a"),
        "aws:kinesis",
    )
    .await;
    rejects_foreign::<Sqs>(
        &[dynamodb("1"), dynamodb("2")],
        sqs_record("a"),
        "aws:dynamodb",
    )
    .await;
}

#[tokio::test]
async fn sqs_and_dynamodb_events_are_rejected_by_a_kinesis_handler() {
    rejects_foreign::<Kinesis>(&[sqs_record("1"), sqs_record("2")], kinesis("a"), "aws:sqs").await;
    rejects_foreign::<Kinesis>(
        &[dynamodb("1"), dynamodb("2")],
        kinesis("a"),
        "aws:dynamodb",
    )
    .await;
}

#[tokio::test]
async fn sqs_and_kinesis_events_are_rejected_by_a_dynamodb_handler() {
    rejects_foreign::<DynamoDb>(
        &[sqs_record("1"), sqs_record("2")],
        dynamodb("a"),
        "aws:sqs",
    )
    .await;
    rejects_foreign::<DynamoDb>(&[kinesis("1"), kinesis("2")], dynamodb("a"), "aws:kinesis").await;
}

#[tokio::test]
async fn sample_events_of_another_source_are_rejected() {
    let path = |name: &str| format!("{}/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let handler = Plan::failing([]);
    for name in ["kinesis", "dynamodb"] {
        let error = BatchProcessor::<Sqs>::new()
            .run(event_from_file(path(name)), &handler)
            .await
            .unwrap_err();
        assert!(
            matches!(error, BatchError::WrongSource { .. }),
            "{name}: {error}"
        );
        let error = BatchProcessor::<Sqs>::fifo()
            .run(event_from_file(path(name)), &handler)
            .await
            .unwrap_err();
        assert!(
            matches!(error, BatchError::WrongSource { .. }),
            "{name}: {error}"
        );
    }
    for name in ["sqs", "sqs-fifo", "dynamodb"] {
        let error = BatchProcessor::<Kinesis>::new()
            .run(event_from_file(path(name)), &handler)
            .await
            .unwrap_err();
        assert!(
            matches!(error, BatchError::WrongSource { .. }),
            "{name}: {error}"
        );
    }
    for name in ["sqs", "kinesis"] {
        let error = BatchProcessor::<DynamoDb>::new()
            .run(event_from_file(path(name)), &handler)
            .await
            .unwrap_err();
        assert!(
            matches!(error, BatchError::WrongSource { .. }),
            "{name}: {error}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Row: `Records: []` → {"batchItemFailures": []}

#[tokio::test]
async fn empty_records_is_an_empty_response_for_every_source() {
    let plan = Plan::failing([]);
    let event = || event_from_str(r#"{"Records": []}"#);
    let empty = r#"{"batchItemFailures":[]}"#;
    let sqs = BatchProcessor::<Sqs>::new()
        .run(event(), &plan)
        .await
        .unwrap();
    assert_eq!(serde_json::to_string(&sqs).unwrap(), empty);
    let fifo = BatchProcessor::<Sqs>::fifo()
        .run(event(), &plan)
        .await
        .unwrap();
    assert_eq!(serde_json::to_string(&fifo).unwrap(), empty);
    let kinesis = BatchProcessor::<Kinesis>::new()
        .run(event(), &plan)
        .await
        .unwrap();
    assert_eq!(serde_json::to_string(&kinesis).unwrap(), empty);
    let dynamodb = BatchProcessor::<DynamoDb>::new()
        .run(event(), &plan)
        .await
        .unwrap();
    assert_eq!(serde_json::to_string(&dynamodb).unwrap(), empty);
    assert!(plan.ran().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Rows: SQS body null or missing / not valid JSON / wrong shape, handler takes Json<T>

#[derive(Debug, Deserialize)]
struct Order {
    sku: String,
    quantity: u32,
}

/// Takes `Json<Order>`; succeeds with the quantity.
struct TakeOrder;

impl RecordHandler<Sqs> for TakeOrder {
    type Output = u32;

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<u32, RecordError> {
        let Json(order) = record.extract::<Json<Order>>()?;
        assert!(!order.sku.is_empty());
        Ok(order.quantity)
    }
}

const GOOD_ORDER: &str = r#"{"sku": "A", "quantity": 7}"#;

/// Runs [`TakeOrder`] on [good, `bad`, good] and checks that only `bad` (id "bad") failed, and
/// that its message names it. Returns the failure's message.
async fn only_the_bad_body_fails(bad: Value) -> String {
    let event = event_from_records([
        sqs_message("good-1", GOOD_ORDER),
        bad,
        sqs_message("good-2", GOOD_ORDER),
    ]);
    let processor = BatchProcessor::<Sqs>::new();
    let report = processor
        .process(&event.payload, &event.context, &TakeOrder)
        .await
        .unwrap();
    let values: Vec<Option<u32>> = report
        .outcomes()
        .iter()
        .map(|o| o.value().copied())
        .collect();
    assert_eq!(values, [Some(7), None, Some(7)]);
    let message = report.outcomes()[1].error().unwrap().to_string();
    assert!(
        message.contains("bad"),
        "the message names the record: {message}"
    );
    let response = processor.run(event, &TakeOrder).await.unwrap();
    assert_eq!(reported(&response), ids(&["bad"]));
    message
}

#[tokio::test]
async fn body_null_fails_that_record_only() {
    let mut bad = sqs_message("bad", "");
    bad["body"] = Value::Null;
    let message = only_the_bad_body_fails(bad).await;
    assert!(message.contains("body"), "{message}");
}

#[tokio::test]
async fn body_missing_fails_that_record_only() {
    let mut bad = sqs_message("bad", "");
    bad.as_object_mut().unwrap().remove("body");
    let message = only_the_bad_body_fails(bad).await;
    assert!(message.contains("body"), "{message}");
}

#[tokio::test]
async fn body_not_json_fails_that_record_with_serdes_message() {
    let body = "quantity=7";
    let serde_message = serde_json::from_str::<Order>(body).unwrap_err().to_string();
    let message = only_the_bad_body_fails(sqs_message("bad", body)).await;
    assert!(message.contains(&serde_message), "{message}");
}

#[tokio::test]
async fn body_of_the_wrong_shape_fails_that_record_with_serdes_message_without_values() {
    // serde's message, with the field path and without the value it quotes (R14).
    for (body, cause) in [
        (
            r#"{"sku": "A"}"#,
            "missing field `quantity` at line 1 column 12",
        ),
        (
            r#"{"sku": "A", "quantity": -1}"#,
            "quantity: invalid value: integer, expected u32 at line 1 column 27",
        ),
        (r#"["A", 7, 8]"#, "trailing characters at line 1 column 10"),
        (
            "null",
            "invalid type: null, expected struct Order at line 1 column 4",
        ),
        (
            "7",
            "invalid type: integer, expected struct Order at line 1 column 1",
        ),
        (
            r#""{\"sku\": \"A\", \"quantity\": 7}""#,
            "invalid type: string, expected struct Order at line 1 column 35",
        ),
    ] {
        let message = only_the_bad_body_fails(sqs_message("bad", body)).await;
        let expected = format!("the payload is not valid JSON for `bad_inputs::Order`: {cause}");
        assert!(message.ends_with(&expected), "body {body}: {message}");
    }
}

#[tokio::test]
async fn body_empty_string_is_not_valid_json() {
    let serde_message = serde_json::from_str::<Order>("").unwrap_err().to_string();
    let message = only_the_bad_body_fails(sqs_message("bad", "")).await;
    assert!(message.contains(&serde_message), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Row: a record field of the wrong JSON type → that record fails alone when its id is readable

#[tokio::test]
async fn body_of_the_wrong_json_type_fails_that_record_only() {
    for body in [
        json!({"sku": "A", "quantity": 7}),
        json!([1]),
        json!(7),
        json!(true),
    ] {
        let mut bad = sqs_message("bad", "");
        bad["body"] = body.clone();
        only_the_bad_body_fails(bad).await;
    }
}

/// Reads the whole message (a raw-record handler), which validates the whole record (R8).
struct RawSqs;

impl RecordHandler<Sqs> for RawSqs {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
        let message: &SqsMessage = FromRecord::from_record(record)?;
        assert!(message.message_id.is_some());
        Ok(())
    }
}

#[tokio::test]
async fn raw_record_handlers_fail_a_record_with_a_field_of_the_wrong_type() {
    let mutations: Vec<(&str, Value)> = vec![
        ("body", json!({"a": 1})),
        ("body", json!(5)),
        ("receiptHandle", json!(17)),
        ("messageAttributes", json!("x")),
        ("attributes", json!([1, 2])),
        ("md5OfBody", json!({"x": 1})),
        ("awsRegion", json!(false)),
    ];
    for (field, value) in mutations {
        let mut bad = sqs_message("bad", "{}");
        bad[field] = value.clone();
        let event = event_from_records([sqs_message("ok-1", "{}"), bad, sqs_message("ok-2", "{}")]);
        let processor = BatchProcessor::<Sqs>::new();
        let report = processor
            .process(&event.payload, &event.context, &RawSqs)
            .await
            .unwrap();
        let failed: Vec<usize> = report.failures().map(|(o, _)| o.position()).collect();
        assert_eq!(failed, [1], "{field} = {value}");
        let response = processor.run(event, &RawSqs).await.unwrap();
        assert_eq!(reported(&response), ids(&["bad"]), "{field} = {value}");
    }
}

#[tokio::test]
async fn fields_always_read_fail_their_record_alone_whatever_the_handler() {
    // eventSource and the ordering key are always read (R8): a wrong type fails the record even
    // for a handler that reads nothing else.
    let mut source_number = sqs_message("bad-source", "{}");
    source_number["eventSource"] = json!(7);
    let mut group_number = fifo_message("bad-group", "g", "{}");
    group_number["attributes"]["MessageGroupId"] = json!(12);
    let mut attributes_string = fifo_message("bad-attributes", "g", "{}");
    attributes_string["attributes"] = json!("MessageGroupId=g");
    let event = event_from_records([
        fifo_message("ok-1", "g", "{}"),
        source_number,
        group_number,
        attributes_string,
        fifo_message("ok-2", "h", "{}"),
    ]);
    let plan = Plan::failing([]);
    let response = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(
        reported(&response),
        ids(&["bad-source", "bad-group", "bad-attributes"])
    );
    assert!(plan.ran().contains(&0) && plan.ran().contains(&4));

    let mut key_number = kinesis("bad-key");
    key_number["kinesis"]["partitionKey"] = json!(3);
    let mut kinesis_source = kinesis("bad-source");
    kinesis_source["eventSource"] = json!(["aws:kinesis"]);
    let event = event_from_records([kinesis("1"), key_number, kinesis_source, kinesis("4")]);
    let response = BatchProcessor::<Kinesis>::new()
        .run(event, &Plan::failing([]))
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["bad-key", "bad-source"]));

    let mut keys_string = dynamodb("bad-keys");
    keys_string["dynamodb"]["Keys"] = json!("Id=1");
    let event = event_from_records([dynamodb("1"), keys_string, dynamodb("3")]);
    let response = BatchProcessor::<DynamoDb>::new()
        .run(event, &Plan::failing([]))
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["bad-keys"]));
}

/// Reads the whole Kinesis record.
struct RawKinesis;

impl RecordHandler<Kinesis> for RawKinesis {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<(), RecordError> {
        let _: &KinesisEventRecord = FromRecord::from_record(record)?;
        Ok(())
    }
}

#[tokio::test]
async fn kinesis_and_dynamodb_records_with_a_field_of_the_wrong_type_fail_alone() {
    let mut bad = kinesis("bad");
    bad["kinesis"]["approximateArrivalTimestamp"] = json!("yesterday");
    let event = event_from_records([kinesis("1"), bad, kinesis("3")]);
    let response = BatchProcessor::<Kinesis>::new()
        .run(event, &RawKinesis)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["bad"]));

    // A NewImage that is not a DynamoDB item fails a NewImage<T> handler's record alone.
    let handler = batch_core::handler_fn(|r: &RecordCx<'_, DynamoDb>| {
        r.extract::<batch_core::NewImage<Value>>().map(|_| ())
    });
    for image in [
        json!("item"),
        json!([1]),
        json!({"Id": 1}),
        json!({"Id": {"Q": "1"}}),
    ] {
        let mut bad = dynamodb("bad");
        bad["dynamodb"]["NewImage"] = image.clone();
        let event = event_from_records([dynamodb("1"), bad, dynamodb("3")]);
        let response = BatchProcessor::<DynamoDb>::new()
            .run(event, &handler)
            .await
            .unwrap();
        assert_eq!(reported(&response), ids(&["bad"]), "NewImage = {image}");
    }
}

// ---------------------------------------------------------------------------------------------
// Row: Kinesis `data` not valid base64 → that record fails alone (R8)

#[tokio::test]
async fn kinesis_data_not_base64_fails_that_record_alone() {
    for data in [
        json!("not base64!"),
        json!("e30"),
        json!("@@@@"),
        json!(42),
        json!({"a": 1}),
    ] {
        let mut bad = kinesis("bad");
        bad["kinesis"]["data"] = data.clone();
        let event = || event_from_records([kinesis("1"), bad.clone(), kinesis("3")]);

        let typed = batch_core::handler_fn(|r: &RecordCx<'_, Kinesis>| {
            r.extract::<Json<Value>>().map(|_| ())
        });
        let processor = BatchProcessor::<Kinesis>::new();
        let e = event();
        let report = processor
            .process(&e.payload, &e.context, &typed)
            .await
            .unwrap();
        let failed: Vec<usize> = report.failures().map(|(o, _)| o.position()).collect();
        assert_eq!(failed, [1], "data = {data}");
        let message = report.outcomes()[1].error().unwrap().to_string();
        assert!(message.contains("bad"), "names the record: {message}");
        let response = processor.run(event(), &typed).await.unwrap();
        assert_eq!(reported(&response), ids(&["bad"]), "data = {data}");

        let response = processor.run(event(), &RawKinesis).await.unwrap();
        assert_eq!(
            reported(&response),
            ids(&["bad"]),
            "raw handler, data = {data}"
        );
    }
}

#[tokio::test]
async fn kinesis_data_null_or_missing_fails_a_json_handler_record_alone() {
    let typed =
        batch_core::handler_fn(|r: &RecordCx<'_, Kinesis>| r.extract::<Json<Value>>().map(|_| ()));
    let mut null = kinesis("null-data");
    null["kinesis"]["data"] = Value::Null;
    let mut missing = kinesis("no-data");
    missing["kinesis"].as_object_mut().unwrap().remove("data");
    let event = event_from_records([kinesis("1"), null, missing, kinesis("4")]);
    let response = BatchProcessor::<Kinesis>::new()
        .run(event, &typed)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["null-data", "no-data"]));
}

// ---------------------------------------------------------------------------------------------
// Row: failed record without messageId / sequence number → invocation error (R7)

/// SQS records whose messageId is unusable: missing, null, empty, not a string.
fn sqs_without_id() -> Vec<(&'static str, Value)> {
    let with = |id: Value| {
        let mut record = sqs_message("x", "{}");
        record["messageId"] = id;
        record
    };
    let mut missing = sqs_message("x", "{}");
    missing.as_object_mut().unwrap().remove("messageId");
    vec![
        ("missing", missing),
        ("null", with(Value::Null)),
        ("empty", with(json!(""))),
        ("a number", with(json!(12))),
        ("an object", with(json!({"id": "12"}))),
    ]
}

fn assert_unidentifiable(error: &BatchError, field: &str, what: &str) {
    let message = error.to_string();
    assert_eq!(
        format!("{error:?}"),
        message,
        "Debug prints the same text as Display"
    );
    assert!(
        matches!(error, BatchError::UnidentifiableRecord { .. }),
        "{what}: expected UnidentifiableRecord, got {message}"
    );
    assert!(
        message.contains(field),
        "{what}: names `{field}`: {message}"
    );
    assert_ne!(error.error_type(), "BatchProcessingError");
}

#[tokio::test]
async fn a_failed_sqs_record_without_a_usable_message_id_fails_the_invocation() {
    for (what, record) in sqs_without_id() {
        let event = event_from_records([sqs_message("1", "{}"), record, sqs_message("3", "{}")]);
        let error = BatchProcessor::<Sqs>::new()
            .run(event, &Plan::failing([1]))
            .await
            .unwrap_err();
        assert_unidentifiable(&error, "messageId", what);
    }
}

#[tokio::test]
async fn a_succeeded_sqs_record_without_an_id_is_not_a_problem() {
    // Only a failed record needs an identifier: missing, null and empty ids that succeed are fine.
    for (what, record) in sqs_without_id().into_iter().take(3) {
        let event = event_from_records([sqs_message("1", "{}"), record, sqs_message("3", "{}")]);
        let response = BatchProcessor::<Sqs>::new()
            .run(event, &Plan::failing([2]))
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(reported(&response), ids(&["3"]), "{what}");
    }
}

#[tokio::test]
async fn a_message_id_that_is_not_a_string_fails_the_record_and_so_the_invocation() {
    // The identifier is always validated (R8); such a record cannot be reported (R7).
    for (what, record) in sqs_without_id().into_iter().skip(3) {
        let event = event_from_records([sqs_message("1", "{}"), record]);
        let error = BatchProcessor::<Sqs>::new()
            .run(event, &Plan::failing([]))
            .await
            .unwrap_err();
        assert_unidentifiable(&error, "messageId", what);
    }
}

#[tokio::test]
async fn an_unidentifiable_record_in_an_entire_batch_failure_is_reported_as_r4() {
    for (what, record) in sqs_without_id() {
        let event = || event_from_records([record.clone(), sqs_message("2", "{}")]);
        let error = BatchProcessor::<Sqs>::new()
            .run(event(), &Plan::failing([0, 1]))
            .await
            .unwrap_err();
        let failures = all_failed(&error);
        assert_eq!(failures.len(), 2, "{what}");
        assert_eq!(failures[0].1, None, "{what}");
        assert_eq!(failures[1].1.as_deref(), Some("2"), "{what}");

        // Without raising, the unidentifiable record fails the invocation (R7).
        let error = BatchProcessor::<Sqs>::new()
            .raise_on_entire_batch_failure(false)
            .run(event(), &Plan::failing([0, 1]))
            .await
            .unwrap_err();
        assert_unidentifiable(&error, "messageId", what);
    }
    let error = BatchProcessor::<Sqs>::new()
        .run(
            event_from_str(r#"{"Records": [{"body": "{}"}]}"#),
            &Plan::failing([0]),
        )
        .await
        .unwrap_err();
    assert_eq!(all_failed(&error).len(), 1);
}

#[tokio::test]
async fn fifo_records_without_an_id_follow_r7_too() {
    let mut no_id = fifo_message("x", "g", "{}");
    no_id.as_object_mut().unwrap().remove("messageId");
    // The record without an id is skipped after record 1 fails: still unreportable.
    let event = event_from_records([
        fifo_message("1", "g", "{}"),
        no_id,
        fifo_message("3", "h", "{}"),
    ]);
    let error = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(event, &Plan::failing([0]))
        .await
        .unwrap_err();
    assert_unidentifiable(&error, "messageId", "skipped fifo record");
}

#[tokio::test]
async fn a_failed_stream_record_without_a_sequence_number_fails_the_invocation() {
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut missing = kinesis("x");
    missing["kinesis"]
        .as_object_mut()
        .unwrap()
        .remove("sequenceNumber");
    cases.push(("missing", missing));
    for (what, id) in [
        ("null", Value::Null),
        ("empty", json!("")),
        ("a number", json!(49590)),
    ] {
        let mut record = kinesis("x");
        record["kinesis"]["sequenceNumber"] = id;
        cases.push((what, record));
    }
    let mut no_kinesis = kinesis("x");
    no_kinesis.as_object_mut().unwrap().remove("kinesis");
    cases.push(("no kinesis object", no_kinesis));
    let mut kinesis_string = kinesis("x");
    kinesis_string["kinesis"] = json!("49590");
    cases.push(("kinesis a string", kinesis_string));
    cases.push(("record not an object", json!(["49590"])));
    for (what, record) in cases {
        let event = event_from_records([kinesis("1"), record, kinesis("3")]);
        let error = BatchProcessor::<Kinesis>::new()
            .run(event, &Plan::failing([1]))
            .await
            .unwrap_err();
        assert_unidentifiable(&error, "sequenceNumber", what);
    }

    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut missing = dynamodb("x");
    missing["dynamodb"]
        .as_object_mut()
        .unwrap()
        .remove("SequenceNumber");
    cases.push(("missing", missing));
    for (what, id) in [
        ("null", Value::Null),
        ("empty", json!("")),
        ("a number", json!(3275880929u64)),
    ] {
        let mut record = dynamodb("x");
        record["dynamodb"]["SequenceNumber"] = id;
        cases.push((what, record));
    }
    let mut no_change = dynamodb("x");
    no_change.as_object_mut().unwrap().remove("dynamodb");
    cases.push(("no dynamodb object", no_change));
    cases.push(("record not an object", json!("3275880929")));
    for (what, record) in cases {
        let event = event_from_records([dynamodb("1"), record, dynamodb("3")]);
        let error = BatchProcessor::<DynamoDb>::new()
            .run(event, &Plan::failing([1]))
            .await
            .unwrap_err();
        assert_unidentifiable(&error, "SequenceNumber", what);
    }
}

#[tokio::test]
async fn a_record_that_is_not_an_object_cannot_be_reported() {
    for record in [
        json!(42),
        json!("059f36b4"),
        json!(null),
        json!([{"messageId": "1"}]),
    ] {
        let event = event_from_records([sqs_message("1", "{}"), record.clone()]);
        let error = BatchProcessor::<Sqs>::new()
            .run(event, &Plan::failing([]))
            .await
            .unwrap_err();
        assert_unidentifiable(&error, "messageId", &record.to_string());
    }
}

// ---------------------------------------------------------------------------------------------
// Row: FIFO record without MessageGroupId (or empty) → belongs to no group, never skipped (R6)

#[tokio::test]
async fn fifo_records_without_a_group_are_never_skipped() {
    let mut missing = fifo_message("2", "x", "{}");
    missing["attributes"]
        .as_object_mut()
        .unwrap()
        .remove("MessageGroupId");
    let mut null = fifo_message("4", "x", "{}");
    null["attributes"]["MessageGroupId"] = Value::Null;
    let event = event_from_records([
        fifo_message("1", "", "{}"),
        missing,
        fifo_message("3", "", "{}"),
        null,
        fifo_message("5", "", "{}"),
    ]);
    // Records 1 and 3 fail; every record without a group still runs.
    let plan = Plan::failing([0, 2]);
    let response = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "3"]));
    assert_eq!(plan.ran(), [0, 1, 2, 3, 4]);
}

// ---------------------------------------------------------------------------------------------
// Row: handler panics → that record fails with the panic message

struct Panicky;

impl RecordHandler<Sqs> for Panicky {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
        tokio::task::yield_now().await;
        match record.id() {
            Some("static") => panic!("static panic message"),
            Some(id @ "formatted") => panic!("formatted panic message for {id}"),
            Some("not-a-string") => std::panic::panic_any(7_u8),
            _ => Ok(()),
        }
    }
}

#[tokio::test]
async fn a_panicking_handler_fails_only_its_record_with_the_panic_message() {
    let event = event_from_records([
        sqs_message("1", "{}"),
        sqs_message("static", "{}"),
        sqs_message("3", "{}"),
        sqs_message("formatted", "{}"),
        sqs_message("5", "{}"),
        sqs_message("not-a-string", "{}"),
        sqs_message("7", "{}"),
    ]);
    let processor = BatchProcessor::<Sqs>::new();
    let report = processor
        .process(&event.payload, &event.context, &Panicky)
        .await
        .unwrap();
    let ok: Vec<bool> = report.outcomes().iter().map(|o| o.is_success()).collect();
    assert_eq!(ok, [true, false, true, false, true, false, true]);
    assert_eq!(
        report.outcomes()[5].error().unwrap().kind(),
        RecordErrorKind::Panic
    );
    let first = report.outcomes()[1].error().unwrap();
    assert_eq!(first.kind(), RecordErrorKind::Panic);
    assert!(
        first.to_string().contains("static panic message"),
        "{first}"
    );
    let second = report.outcomes()[3].error().unwrap();
    assert!(
        second
            .to_string()
            .contains("formatted panic message for formatted"),
        "{second}"
    );
    let response = processor.run(event, &Panicky).await.unwrap();
    assert_eq!(
        reported(&response),
        ids(&["static", "formatted", "not-a-string"])
    );
}

#[tokio::test]
async fn panics_in_sync_handlers_and_extractors_are_caught_too() {
    let sync = batch_core::handler_fn(|r: &RecordCx<'_, Kinesis>| {
        if r.id() == Some("2") {
            panic!("sync boom");
        }
    });
    let event = event_from_records([kinesis("1"), kinesis("2"), kinesis("3")]);
    let e = event_from_records([kinesis("1"), kinesis("2"), kinesis("3")]);
    let report = BatchProcessor::<Kinesis>::new()
        .process(&e.payload, &e.context, &sync)
        .await
        .unwrap();
    let message = report.outcomes()[1].error().unwrap().to_string();
    assert!(message.contains("sync boom"), "{message}");
    let response = BatchProcessor::<Kinesis>::new()
        .run(event, &sync)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["2"]));

    struct Exploding;
    impl<'r> FromRecord<'r, Sqs> for Exploding {
        fn from_record(record: &'r RecordCx<'_, Sqs>) -> Result<Self, RecordError> {
            if record.position() == 0 {
                panic!("extractor boom");
            }
            Ok(Exploding)
        }
    }
    let handler =
        batch_core::handler_fn(|r: &RecordCx<'_, Sqs>| r.extract::<Exploding>().map(|_| ()));
    let event = event_from_records([sqs_message("1", "{}"), sqs_message("2", "{}")]);
    let response = BatchProcessor::<Sqs>::new()
        .run(event, &handler)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1"]));
}

#[tokio::test]
async fn a_panic_in_a_fifo_batch_counts_as_a_failure() {
    let event = event_from_records([
        fifo_message("1", "g", "{}"),
        fifo_message("static", "g", "{}"),
        fifo_message("3", "g", "{}"),
        fifo_message("4", "h", "{}"),
    ]);
    let response = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(event, &Panicky)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["static", "3"]));
}

// ---------------------------------------------------------------------------------------------
// Row: 10,000 records / 6 MB event → processed correctly

#[derive(Deserialize)]
struct Padded {
    n: usize,
    pad: String,
}

struct Every97th;

impl RecordHandler<Sqs> for Every97th {
    type Output = usize;

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<usize, RecordError> {
        let Json(padded) = record.extract::<Json<Padded>>()?;
        assert_eq!(padded.pad.len(), 560);
        if padded.n % 97 == 0 {
            Err(RecordError::handler("multiple of 97"))
        } else {
            Ok(padded.n)
        }
    }
}

#[tokio::test]
async fn ten_thousand_records_of_a_six_megabyte_event() {
    let pad = "p".repeat(560);
    let mut text = String::from(r#"{"Records": ["#);
    for n in 0..10_000 {
        if n > 0 {
            text.push(',');
        }
        let body = serde_json::to_string(&format!(r#"{{"n": {n}, "pad": "{pad}"}}"#)).unwrap();
        write!(
            text,
            r#"{{"messageId": "m-{n}", "receiptHandle": "h-{n}", "body": {body}, "attributes": {{"ApproximateReceiveCount": "1"}}, "messageAttributes": {{}}, "eventSource": "aws:sqs", "awsRegion": "us-east-1"}}"#
        )
        .unwrap();
    }
    text.push_str("]}");
    assert!(text.len() >= 6_000_000, "event is {} bytes", text.len());

    let expected: Vec<String> = (0..10_000)
        .filter(|n| n % 97 == 0)
        .map(|n| format!("m-{n}"))
        .collect();
    assert_eq!(expected.len(), 104);

    let processor = BatchProcessor::<Sqs>::new();
    let event = event_from_str(&text);
    let report = processor
        .process(&event.payload, &event.context, &Every97th)
        .await
        .unwrap();
    assert_eq!(report.len(), 10_000);
    assert_eq!(report.successes().count(), 10_000 - 104);
    assert!(report.successes().all(|(o, v)| o.position() == *v));
    let response = processor
        .run(event_from_str(&text), &Every97th)
        .await
        .unwrap();
    assert_eq!(reported(&response), expected);

    // The same event through a raw-record handler and a FIFO processor.
    let raw = batch_core::handler_fn(|r: &RecordCx<'_, Sqs>| -> Result<(), RecordError> {
        let message = r.record()?;
        if message.receipt_handle.as_deref() == Some("h-9999") {
            return Err(RecordError::handler("last"));
        }
        Ok(())
    });
    let response = processor.run(event_from_str(&text), &raw).await.unwrap();
    assert_eq!(reported(&response), ids(&["m-9999"]));
    // FIFO: record 0 (n = 0) fails, so the other 9,999 are short-circuited: all failed (R4).
    let error = BatchProcessor::<Sqs>::fifo()
        .run(event_from_str(&text), &Every97th)
        .await
        .unwrap_err();
    let failures = all_failed(&error);
    assert_eq!(failures.len(), 10_000);
    assert!(failures.iter().enumerate().all(|(i, f)| f.0 == i));
}

#[tokio::test]
async fn ten_thousand_stream_records() {
    let records: Vec<Value> = (0..10_000)
        .map(|n| kinesis_record(&format!("{:056}", n), &format!("key-{}", n % 10), b"{}"))
        .collect();
    let plan = Plan::failing((0..10_000).filter(|n| n % 1000 == 999));
    let response = BatchProcessor::<Kinesis>::new()
        .run(event_from_records(records), &plan)
        .await
        .unwrap();
    let expected: Vec<String> = (0..10_000)
        .filter(|n| n % 1000 == 999)
        .map(|n| format!("{:056}", n))
        .collect();
    assert_eq!(reported(&response), expected);
    assert_eq!(plan.ran(), (0..10_000).collect::<Vec<_>>());
}

/// Reads the whole DynamoDB record.
struct RawDynamoDb;

impl RecordHandler<DynamoDb> for RawDynamoDb {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, DynamoDb>) -> Result<(), RecordError> {
        let _: &batch_core::dynamodb::EventRecord = FromRecord::from_record(record)?;
        Ok(())
    }
}

#[tokio::test]
async fn raw_dynamodb_handlers_fail_a_record_with_a_field_of_the_wrong_type() {
    let mut region = dynamodb("bad-region");
    region["awsRegion"] = json!(17);
    let mut size = dynamodb("bad-size");
    size["dynamodb"]["SizeBytes"] = json!("big");
    let event = event_from_records([dynamodb("1"), region, size, dynamodb("4")]);
    let response = BatchProcessor::<DynamoDb>::new()
        .run(event, &RawDynamoDb)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["bad-region", "bad-size"]));
}

// ---------------------------------------------------------------------------------------------
// Row: a record with a duplicated key other than its identifier → that record fails alone,
// saying which key

/// Runs `records` (JSON texts, which may repeat keys) through `S` with a handler that fails
/// nothing; returns the reported ids, the failure messages by position and what ran.
async fn run_texts<S: BatchSource>(records: &[&str]) -> (Vec<String>, Vec<(usize, String)>, Plan)
where
    S::Response: serde::Serialize + std::fmt::Debug,
{
    let text = format!(r#"{{"Records": [{}]}}"#, records.join(","));
    let plan = Plan::failing([]);
    let event = event_from_str(&text);
    let report = BatchProcessor::<S>::new()
        .process(&event.payload, &event.context, &plan)
        .await
        .unwrap();
    let failures = report
        .failures()
        .map(|(o, e)| (o.position(), e.to_string()))
        .collect();
    let response = BatchProcessor::<S>::new()
        .run(event_from_str(&text), &Plan::failing([]))
        .await
        .unwrap();
    (reported(&response), failures, plan)
}

#[tokio::test]
async fn a_record_with_a_duplicated_key_fails_alone_saying_which_key() {
    let ok = r#"{"messageId": "ok", "body": "{}"}"#;
    for (record, key) in [
        (
            r#"{"messageId": "dup", "body": "{}", "body": "{}"}"#,
            "body",
        ),
        (
            r#"{"eventSource": "aws:sqs", "messageId": "dup", "eventSource": "aws:sqs"}"#,
            "eventSource",
        ),
        (
            r#"{"messageId": "dup", "attributes": {}, "attributes": {}}"#,
            "attributes",
        ),
    ] {
        let (reported, failures, plan) = run_texts::<Sqs>(&[ok, record, ok]).await;
        assert_eq!(reported, ids(&["dup"]), "{record}");
        let expected = format!("record 1 (dup): the record has two `{key}` fields");
        assert_eq!(failures, [(1, expected)], "{record}");
        assert_eq!(plan.ran(), [0, 2], "{record}");
    }

    let ok = r#"{"kinesis": {"sequenceNumber": "1", "partitionKey": "k", "data": "e30="}}"#;
    let dup = r#"{"kinesis": {"sequenceNumber": "2", "partitionKey": "k", "data": "e30=", "data": "e30="}}"#;
    let (reported, failures, _) = run_texts::<Kinesis>(&[ok, dup]).await;
    assert_eq!(reported, ids(&["2"]));
    assert_eq!(
        failures,
        [(
            1,
            "record 1 (2): `kinesis` has two `data` fields".to_owned()
        )]
    );

    let ok = r#"{"dynamodb": {"SequenceNumber": "1", "Keys": {"Id": {"N": "1"}}}}"#;
    let dup = r#"{"dynamodb": {"SequenceNumber": "2", "Keys": {"Id": {"N": "1"}}, "NewImage": {}, "NewImage": {}}}"#;
    let (reported, failures, _) = run_texts::<DynamoDb>(&[ok, dup]).await;
    assert_eq!(reported, ids(&["2"]));
    assert_eq!(
        failures,
        [(
            1,
            "record 1 (2): `dynamodb` has two `NewImage` fields".to_owned()
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Row: a record whose identifier key appears twice → unidentifiable (R7): never pick one

async fn unidentifiable_texts<S: BatchSource>(records: &[&str]) -> String
where
    S::Response: std::fmt::Debug,
{
    let text = format!(r#"{{"Records": [{}]}}"#, records.join(","));
    let (error, plan) = invocation_error::<S>(&text).await;
    assert!(
        matches!(error, BatchError::UnidentifiableRecord { .. }),
        "expected UnidentifiableRecord, got {error}"
    );
    assert!(!plan.ran().contains(&1), "the record without an id ran");
    error.to_string()
}

/// Whether an unidentifiable-record message names exactly one record, as `line`, under its
/// header line.
fn names_only(message: &str, line: &str) -> bool {
    message.split_once('\n').map(|(_, listed)| listed) == Some(&format!("- {line}"))
}

#[tokio::test]
async fn a_record_whose_identifier_key_appears_twice_is_unidentifiable() {
    let ok = r#"{"messageId": "ok", "body": "{}"}"#;
    // Even two equal values: which one is the id is a guess serde would refuse to make.
    for record in [
        r#"{"messageId": "m", "body": "{}", "messageId": "m"}"#,
        r#"{"messageId": "m1", "messageId": "m2"}"#,
    ] {
        let message = unidentifiable_texts::<Sqs>(&[ok, record, ok]).await;
        assert!(
            names_only(&message, "record 1: the record has two `messageId` fields"),
            "{message}"
        );
        assert!(
            !message.contains("m1") && !message.contains("m2"),
            "{message}"
        );
    }

    let ok = r#"{"kinesis": {"sequenceNumber": "1", "partitionKey": "k"}}"#;
    for (record, reason) in [
        (
            r#"{"kinesis": {"sequenceNumber": "2", "partitionKey": "k", "sequenceNumber": "2"}}"#,
            "`kinesis` has two `sequenceNumber` fields",
        ),
        (
            r#"{"kinesis": {"sequenceNumber": "2"}, "kinesis": {"sequenceNumber": "2"}}"#,
            "the record has two `kinesis` fields",
        ),
    ] {
        let message = unidentifiable_texts::<Kinesis>(&[ok, record]).await;
        assert!(
            names_only(&message, &format!("record 1: {reason}")),
            "{message}"
        );
    }

    let ok = r#"{"dynamodb": {"SequenceNumber": "1"}}"#;
    for (record, reason) in [
        (
            r#"{"dynamodb": {"SequenceNumber": "2", "SequenceNumber": "3"}}"#,
            "`dynamodb` has two `SequenceNumber` fields",
        ),
        (
            r#"{"dynamodb": {"SequenceNumber": "2"}, "dynamodb": {"SequenceNumber": "2"}}"#,
            "the record has two `dynamodb` fields",
        ),
    ] {
        let message = unidentifiable_texts::<DynamoDb>(&[ok, record]).await;
        assert!(
            names_only(&message, &format!("record 1: {reason}")),
            "{message}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Row: a body or data holding a lone surrogate escape, or JSON nested past serde's depth limit
// → that record fails with an accurate message; no stack overflow, no panic

const LONE_SURROGATE: &str = r"holds a lone surrogate escape (a \uD800-\uDFFF escape without its pair), which is not valid Unicode";

#[tokio::test]
async fn a_body_or_data_with_a_lone_surrogate_fails_that_record_saying_so() {
    let typed =
        batch_core::handler_fn(|r: &RecordCx<'_, Sqs>| r.extract::<Json<Value>>().map(|_| ()));
    for body in [r#""\ud800""#, r#""{\"a\": 1}\udfff""#, r#""x\ud83d\u0041""#] {
        let text = format!(
            r#"{{"Records": [{{"messageId": "1", "body": "{{}}"}}, {{"messageId": "s", "body": {body}}}]}}"#
        );
        let event = event_from_str(&text);
        let report = BatchProcessor::<Sqs>::new()
            .process(&event.payload, &event.context, &typed)
            .await
            .unwrap();
        let failures: Vec<(usize, String)> = report
            .failures()
            .map(|(o, e)| (o.position(), e.to_string()))
            .collect();
        let expected = format!("record 1 (s): the message body {LONE_SURROGATE}");
        assert_eq!(failures, [(1, expected)], "body {body}");

        // A raw-record handler reads the whole record: it fails that record alone too.
        let response = BatchProcessor::<Sqs>::new()
            .run(event_from_str(&text), &RawSqs)
            .await
            .unwrap();
        assert_eq!(reported(&response), ids(&["s"]), "body {body}");
    }

    let typed =
        batch_core::handler_fn(|r: &RecordCx<'_, Kinesis>| r.extract::<Json<Value>>().map(|_| ()));
    let text = r#"{"Records": [{"kinesis": {"sequenceNumber": "1", "partitionKey": "k", "data": "e30\ud800"}}]}"#;
    let event = event_from_str(text);
    let report = BatchProcessor::<Kinesis>::new()
        .process(&event.payload, &event.context, &typed)
        .await
        .unwrap();
    let message = report.outcomes()[0].error().unwrap().to_string();
    assert_eq!(
        message,
        format!("record 0 (1): `kinesis.data` {LONE_SURROGATE}")
    );
}

#[tokio::test]
async fn an_identifier_with_a_lone_surrogate_is_unidentifiable_saying_so() {
    let ok = r#"{"messageId": "ok", "body": "{}"}"#;
    let message =
        unidentifiable_texts::<Sqs>(&[ok, r#"{"messageId": "m\ud800", "body": "{}"}"#]).await;
    assert!(
        names_only(&message, &format!("record 1: `messageId` {LONE_SURROGATE}")),
        "{message}"
    );
    let ok = r#"{"kinesis": {"sequenceNumber": "1", "partitionKey": "k"}}"#;
    let bad = r#"{"kinesis": {"sequenceNumber": "\udc00", "partitionKey": "k"}}"#;
    let message = unidentifiable_texts::<Kinesis>(&[ok, bad]).await;
    assert!(
        names_only(
            &message,
            &format!("record 1: `kinesis.sequenceNumber` {LONE_SURROGATE}")
        ),
        "{message}"
    );
}

/// Found by fuzzing (batch-core/fuzz, `dynamodb`): an item key whose attribute name holds a
/// lone surrogate escape failed its record only when records ran concurrently, where the
/// ordering key is built; one at a time the record ran. Concurrency must not change the
/// response (R9).
#[tokio::test]
async fn a_dynamodb_key_name_with_a_lone_surrogate_runs_at_any_concurrency() {
    let text = r#"{"Records": [
        {"eventSource": "aws:dynamodb", "dynamodb": {"SequenceNumber": "1", "Keys": {"\ud800": {"S": "x"}}}},
        {"eventSource": "aws:dynamodb", "dynamodb": {"SequenceNumber": "2", "Keys": {"a": {"S": "x"}}}}
    ]}"#;
    for concurrency in [1, 4] {
        let plan = Plan::failing([1]);
        let response = BatchProcessor::<DynamoDb>::new()
            .concurrency(concurrency)
            .run(event_from_str(text), &plan)
            .await
            .unwrap();
        assert_eq!(
            reported(&response),
            ids(&["2"]),
            "concurrency {concurrency}"
        );
        let mut ran = plan.ran();
        ran.sort();
        assert_eq!(ran, [0, 1], "concurrency {concurrency}");
    }
}

#[tokio::test]
async fn a_body_nested_ten_thousand_deep_fails_that_record_without_overflowing() {
    let deep = "[".repeat(10_000);
    let records = [
        sqs_message("1", "[]"),
        sqs_message("deep", &deep),
        sqs_message("3", &format!("{deep}{}", "]".repeat(10_000))),
    ];
    let any_json =
        batch_core::handler_fn(|r: &RecordCx<'_, Sqs>| r.extract::<Json<Value>>().map(|_| ()));
    let event = event_from_records(records.clone());
    let report = BatchProcessor::<Sqs>::new()
        .process(&event.payload, &event.context, &any_json)
        .await
        .unwrap();
    let failed: Vec<usize> = report.failures().map(|(o, _)| o.position()).collect();
    assert_eq!(failed, [1, 2]);
    // serde_json stops at its depth limit of 128 and says so, at the element where it stopped.
    let path = "[0]".repeat(127);
    for position in [1, 2] {
        let message = report.outcomes()[position].error().unwrap().to_string();
        let expected = format!("{path}: recursion limit exceeded at line 1 column 128");
        assert!(message.ends_with(&expected), "{message}");
    }
    // A typed handler rejects the inner array at once (serde_json has read only the outer `[`).
    let event = event_from_records(records);
    let report = BatchProcessor::<Sqs>::new()
        .process(&event.payload, &event.context, &TakeOrder)
        .await
        .unwrap();
    let message = report.outcomes()[1].error().unwrap().to_string();
    assert!(
        message.ends_with(
            "`bad_inputs::Order`: [0]: invalid type: sequence, expected a string at line 1 column 1"
        ),
        "{message}"
    );
}
