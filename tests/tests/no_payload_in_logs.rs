//! R14: no part of a payload reaches a log line or an error message. Markers are planted in
//! every failing field of every source; every log line (captured at TRACE) and every error
//! (`Display` and `Debug` of `RecordError` and `BatchError`) is searched for them, and each
//! message must still say where the problem is and what was expected.

mod spec_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use batch_core::source::{BatchSource, DynamoDb, Kafka, Kinesis, Sqs};
use batch_core::testing::{
    dynamodb_record, event_from_records, event_from_str, fifo_message, kafka_event, kafka_record,
    kinesis_record, sqs_message,
};
use batch_core::{
    BatchError, BatchProcessor, Json, NewImage, RecordCx, RecordError, RecordHandler, RecordHooks,
    handler_fn,
};
use serde::Deserialize;
use serde_json::{Value, json};
use spec_support::{ids, reported};

/// The string marker planted in payloads.
const SECRET: &str = "SECRET-TOKEN-123";
/// The number marker planted in payloads (out of range for `u32`).
const NUMBER: &str = "4111111111111111";

// ---------------------------------------------------------------------------------------------
// Capture and checks

/// Every log line written while the guard lives, at every level, with span events.
struct Logs {
    buffer: Arc<Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl Write for SharedWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn capture() -> Self {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || SharedWriter(writer.clone()))
            .finish();
        Self {
            buffer,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().unwrap()).into_owned()
    }
}

/// Fails when `text` holds a marker, or any part of one.
fn assert_clean(what: &str, text: &str) {
    for marker in [SECRET, "SECRET", NUMBER, "41111111"] {
        assert!(
            !text.contains(marker),
            "{what} quotes the payload ({marker}): {text}"
        );
    }
}

fn assert_error_clean(what: &str, error: &RecordError) {
    assert_clean(what, &error.to_string());
    assert_clean(what, &format!("{error:?}"));
}

fn assert_batch_error_clean(what: &str, error: &BatchError) {
    assert_clean(what, &error.to_string());
    assert_clean(what, &format!("{error:?}"));
    if let BatchError::AllFailed { failures } = error {
        for failure in failures {
            assert_clean(what, &failure.to_string());
            assert_clean(what, &format!("{failure:?}"));
        }
    }
}

/// A failing record: its identifier, the record, and what its message must say.
struct Case {
    id: &'static str,
    record: Value,
    says: &'static str,
}

fn case(id: &'static str, record: Value, says: &'static str) -> Case {
    Case { id, record, says }
}

/// Runs the cases behind a good record, then alone (every record failed: R4), and checks that
/// each fails alone with a message that says `says`, and that no error and no log line quotes a
/// marker.
async fn check<S, H>(handler: &H, good: Value, cases: Vec<Case>)
where
    S: BatchSource,
    S::Response: serde::Serialize + std::fmt::Debug,
    H: RecordHandler<S>,
{
    let logs = Logs::capture();
    let mut records = vec![good];
    records.extend(cases.iter().map(|c| c.record.clone()));
    let event = event_from_records(records.clone());
    let report = BatchProcessor::<S>::new()
        .process(&event.payload, &event.context, handler)
        .await
        .unwrap();
    assert!(report.outcomes()[0].is_success(), "the good record failed");
    for (position, case) in cases.iter().enumerate() {
        let error = report.outcomes()[position + 1]
            .error()
            .unwrap_or_else(|| panic!("{} did not fail", case.id));
        assert_error_clean(case.id, error);
        let message = error.to_string();
        assert!(
            message.contains(case.says),
            "{}: expected the message to say {:?}: {message}",
            case.id,
            case.says
        );
    }
    let response = BatchProcessor::<S>::new()
        .run(event_from_records(records), handler)
        .await
        .unwrap();
    let expected: Vec<&str> = cases.iter().map(|c| c.id).collect();
    assert_eq!(reported(&response), ids(&expected));

    let error = BatchProcessor::<S>::new()
        .run(
            event_from_records(cases.iter().map(|c| c.record.clone())),
            handler,
        )
        .await
        .unwrap_err();
    assert!(matches!(error, BatchError::AllFailed { .. }), "{error}");
    assert_batch_error_clean("AllFailed", &error);

    let text = logs.text();
    assert_clean("the logs", &text);
    // The capture works: every failure was logged, with its redacted message.
    for case in &cases {
        assert!(
            text.contains(case.says),
            "{}: the log does not say {:?}",
            case.id,
            case.says
        );
    }
    assert!(text.contains("record failed"), "{text}");
}

/// Runs one bad record among good ones and checks the invocation fails (R7, R8) with an error
/// that says `says` and quotes nothing, in the logs too.
async fn check_invocation_error<S>(good: Value, bad: Value, says: &str) -> BatchError
where
    S: BatchSource,
    S::Response: std::fmt::Debug,
{
    let logs = Logs::capture();
    let handler = handler_fn(|_: &RecordCx<'_, S>| ());
    let error = BatchProcessor::<S>::new()
        .run(event_from_records([good, bad]), &handler)
        .await
        .unwrap_err();
    assert_batch_error_clean("the invocation error", &error);
    assert!(
        error.to_string().contains(says),
        "expected the error to say {says:?}: {error}"
    );
    assert_clean("the logs", &logs.text());
    error
}

// ---------------------------------------------------------------------------------------------
// Payload types

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Order {
    sku: String,
    quantity: u32,
    #[serde(default)]
    items: Vec<Line>,
    #[serde(default)]
    colour: Option<Colour>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Line {
    quantity: u32,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum Colour {
    Red,
    Green,
}

const GOOD_ORDER: &str = r#"{"sku": "A", "quantity": 1}"#;

/// The failing bodies (with their ids and what the message must say), planted with markers.
fn bad_bodies() -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "wrong-type",
            format!(r#"{{"sku": "A", "quantity": "{SECRET}"}}"#),
            "quantity: invalid type: string, expected u32",
        ),
        (
            "wrong-shape",
            format!(r#""{SECRET}""#),
            "invalid type: string, expected struct Order",
        ),
        (
            "unknown-variant",
            format!(r#"{{"sku": "A", "quantity": 1, "colour": "{SECRET}"}}"#),
            "colour: unknown variant, expected `Red` or `Green`",
        ),
        (
            "unknown-field",
            format!(r#"{{"sku": "A", "quantity": 1, "{SECRET}": {NUMBER}}}"#),
            "unknown field, expected one of `sku`, `quantity`, `items`, `colour`",
        ),
        (
            "out-of-range",
            format!(r#"{{"sku": "A", "quantity": {NUMBER}}}"#),
            "quantity: invalid value: integer, expected u32",
        ),
        (
            "float",
            format!(r#"{{"sku": "A", "quantity": {NUMBER}.5}}"#),
            "quantity: invalid type: floating point, expected u32",
        ),
        (
            "nested",
            format!(
                r#"{{"sku": "A", "quantity": 1, "items": [{{"quantity": 1}}, {{"quantity": 2}}, {{"quantity": "{SECRET}"}}]}}"#
            ),
            "items[2].quantity: invalid type: string, expected u32",
        ),
        (
            "number-for-string",
            format!(r#"{{"sku": {NUMBER}, "quantity": 1}}"#),
            "sku: invalid type: integer, expected a string",
        ),
        (
            "syntax",
            format!(r#"{{"sku": "A", "quantity": 1 {SECRET}"#),
            "expected `,` or `}`",
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// SQS

#[tokio::test]
async fn sqs_bodies_never_reach_logs_or_errors() {
    let handler =
        handler_fn(|r: &RecordCx<'_, Sqs>| r.extract::<Json<Order>>().map(|o| o.quantity));
    let mut cases: Vec<Case> = bad_bodies()
        .into_iter()
        .map(|(id, body, says)| case(id, sqs_message(id, &body), says))
        .collect();
    let mut object_body = sqs_message("body-object", "");
    object_body["body"] = json!({ SECRET: NUMBER.parse::<u64>().unwrap() });
    cases.push(case(
        "body-object",
        object_body,
        "the message body is an object, not a string",
    ));
    check::<Sqs, _>(&handler, sqs_message("good", GOOD_ORDER), cases).await;
}

#[tokio::test]
async fn sqs_header_fields_of_the_wrong_type_are_described_by_type() {
    let handler = handler_fn(|_: &RecordCx<'_, Sqs>| ());
    let mut source_object = sqs_message("source-object", "{}");
    source_object["eventSource"] = json!({ "name": SECRET });
    let mut source_number = sqs_message("source-number", "{}");
    source_number["eventSource"] = json!(NUMBER.parse::<u64>().unwrap());
    check::<Sqs, _>(
        &handler,
        sqs_message("good", "{}"),
        vec![
            case(
                "source-object",
                source_object,
                "`eventSource` is an object, not a string",
            ),
            case(
                "source-number",
                source_number,
                "`eventSource` is a number, not a string",
            ),
        ],
    )
    .await;

    // FIFO: the group id is the ordering key, always read.
    let logs = Logs::capture();
    let mut group_number = fifo_message("group-number", "g", "{}");
    group_number["attributes"]["MessageGroupId"] = json!(NUMBER.parse::<u64>().unwrap());
    let mut group_object = fifo_message("group-object", "g", "{}");
    group_object["attributes"]["MessageGroupId"] = json!({ SECRET: 1 });
    let event = event_from_records([fifo_message("good", "g", "{}"), group_number, group_object]);
    let report = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .process(&event.payload, &event.context, &handler)
        .await
        .unwrap();
    for (position, says) in [
        (1, "`attributes.MessageGroupId` is a number, not a string"),
        (2, "`attributes.MessageGroupId` is an object, not a string"),
    ] {
        let error = report.outcomes()[position].error().unwrap();
        assert_error_clean("group id", error);
        assert!(error.to_string().contains(says), "{error}");
    }
    assert_clean("the logs", &logs.text());
}

#[tokio::test]
async fn sqs_identifiers_and_sources_of_the_wrong_type_fail_the_invocation_without_values() {
    for (id, says) in [
        (
            json!({ "id": SECRET }),
            "`messageId` is an object, not a string",
        ),
        (
            json!(NUMBER.parse::<u64>().unwrap()),
            "`messageId` is a number, not a string",
        ),
        (json!([SECRET]), "`messageId` is an array, not a string"),
    ] {
        let mut bad = sqs_message("x", "{}");
        bad["messageId"] = id;
        let error = check_invocation_error::<Sqs>(sqs_message("good", "{}"), bad, says).await;
        assert!(
            matches!(error, BatchError::UnidentifiableRecord { .. }),
            "{error}"
        );
    }

    // An eventSource that names no known source is payload: it is not repeated.
    let mut foreign = sqs_message("foreign", "{}");
    foreign["eventSource"] = json!(SECRET);
    let error =
        check_invocation_error::<Sqs>(sqs_message("good", "{}"), foreign, "another source").await;
    match error {
        BatchError::WrongSource { found, .. } => assert_eq!(found, "another source"),
        other => panic!("expected WrongSource, got {other}"),
    }
    // A known one is named.
    let mut kinesis = sqs_message("kinesis", "{}");
    kinesis["eventSource"] = json!("aws:kinesis");
    check_invocation_error::<Sqs>(sqs_message("good", "{}"), kinesis, "comes from aws:kinesis")
        .await;
}

/// The raw record (validated as a whole, R8) with a field of the wrong type.
#[tokio::test]
async fn raw_sqs_records_with_a_field_of_the_wrong_type_quote_nothing() {
    let handler = handler_fn(|r: &RecordCx<'_, Sqs>| r.record().map(|_| ()));
    let mut receipt = sqs_message("receipt", "{}");
    receipt["receiptHandle"] = json!(NUMBER.parse::<u64>().unwrap());
    let mut region = sqs_message("region", "{}");
    region["awsRegion"] = json!({ SECRET: true });
    let mut attribute = sqs_message("attribute", "{}");
    attribute["messageAttributes"] = json!({ "tenant": { "stringValue": SECRET, "dataType": 7 } });
    check::<Sqs, _>(
        &handler,
        sqs_message("good", "{}"),
        vec![
            case(
                "receipt",
                receipt,
                "receiptHandle: invalid type: integer, expected a string",
            ),
            case(
                "region",
                region,
                "awsRegion: invalid type: map, expected a string",
            ),
            case(
                "attribute",
                attribute,
                "messageAttributes.<key>.dataType: invalid type: integer, expected a string",
            ),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Kinesis

#[tokio::test]
async fn kinesis_data_never_reaches_logs_or_errors() {
    let handler =
        handler_fn(|r: &RecordCx<'_, Kinesis>| r.extract::<Json<Order>>().map(|o| o.quantity));
    let mut cases: Vec<Case> = bad_bodies()
        .into_iter()
        .map(|(id, body, says)| case(id, kinesis_record(id, "key", body.as_bytes()), says))
        .collect();
    let mut not_base64 = kinesis_record("not-base64", "key", b"");
    not_base64["kinesis"]["data"] = json!(SECRET);
    // `SECRET-TOKEN-123` (a length base64 allows): its first byte outside the alphabet is `-`,
    // at offset 6.
    cases.push(case(
        "not-base64",
        not_base64,
        "`kinesis.data` is not valid base64: a byte at offset 6 is not in its alphabet",
    ));
    let mut data_number = kinesis_record("data-number", "key", b"");
    data_number["kinesis"]["data"] = json!(NUMBER.parse::<u64>().unwrap());
    cases.push(case(
        "data-number",
        data_number,
        "`kinesis.data` is a number, not a string",
    ));
    let mut key_number = kinesis_record("key-number", "key", GOOD_ORDER.as_bytes());
    key_number["kinesis"]["partitionKey"] = json!(NUMBER.parse::<u64>().unwrap());
    cases.push(case(
        "key-number",
        key_number,
        "`kinesis.partitionKey` is a number, not a string",
    ));
    let mut source = kinesis_record("source-object", "key", GOOD_ORDER.as_bytes());
    source["eventSource"] = json!({ SECRET: 1 });
    cases.push(case(
        "source-object",
        source,
        "`eventSource` is an object, not a string",
    ));
    check::<Kinesis, _>(
        &handler,
        kinesis_record("good", "key", GOOD_ORDER.as_bytes()),
        cases,
    )
    .await;
}

#[tokio::test]
async fn kinesis_identifiers_and_raw_records_quote_nothing() {
    let mut bad = kinesis_record("x", "key", b"{}");
    bad["kinesis"]["sequenceNumber"] = json!(NUMBER.parse::<u64>().unwrap());
    check_invocation_error::<Kinesis>(
        kinesis_record("good", "key", b"{}"),
        bad,
        "`kinesis.sequenceNumber` is a number, not a string",
    )
    .await;

    let handler = handler_fn(|r: &RecordCx<'_, Kinesis>| r.record().map(|_| ()));
    let mut stamp = kinesis_record("stamp", "key", b"{}");
    stamp["kinesis"]["approximateArrivalTimestamp"] = json!(SECRET);
    let mut version = kinesis_record("version", "key", b"{}");
    version["kinesis"]["kinesisSchemaVersion"] = json!(NUMBER.parse::<u64>().unwrap());
    check::<Kinesis, _>(
        &handler,
        kinesis_record("good", "key", b"{}"),
        vec![
            case("stamp", stamp, "kinesis.approximateArrivalTimestamp: "),
            case(
                "version",
                version,
                "kinesis.kinesisSchemaVersion: invalid type: integer, expected a string",
            ),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// DynamoDB Streams

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Row {
    quantity: u32,
    name: String,
    tags: Vec<String>,
    nested: Line,
}

fn row(quantity: Value, name: Value, tags: Value, nested: Value) -> Value {
    json!({ "quantity": quantity, "name": name, "tags": tags, "nested": nested })
}

fn good_row() -> Value {
    row(
        json!({"N": "1"}),
        json!({"S": "a"}),
        json!({"L": [{"S": "t"}]}),
        json!({"M": {"quantity": {"N": "2"}}}),
    )
}

fn dynamodb(id: &str, image: Value) -> Value {
    dynamodb_record(id, json!({"Id": {"N": "1"}}), image)
}

#[tokio::test]
async fn dynamodb_images_never_reach_logs_or_errors() {
    let handler =
        handler_fn(|r: &RecordCx<'_, DynamoDb>| r.extract::<NewImage<Row>>().map(|i| i.quantity));
    let with = |key: &str, value: Value| {
        let mut image = good_row();
        image[key] = value;
        image
    };
    let mut not_object = dynamodb("not-object", json!({}));
    not_object["dynamodb"]["NewImage"] = json!(SECRET);
    let cases = vec![
        case(
            "n-not-a-number",
            dynamodb("n-not-a-number", with("quantity", json!({"N": SECRET}))),
            "quantity: the number attribute cannot be read as u32",
        ),
        case(
            "n-out-of-range",
            dynamodb("n-out-of-range", with("quantity", json!({"N": NUMBER}))),
            "quantity: the number attribute cannot be read as u32",
        ),
        case(
            "s-for-number",
            dynamodb("s-for-number", with("quantity", json!({"S": SECRET}))),
            "quantity: Expected num",
        ),
        case(
            "n-for-string",
            dynamodb("n-for-string", with("name", json!({"N": NUMBER}))),
            "name: Expected string",
        ),
        case(
            "m-nested",
            dynamodb(
                "m-nested",
                with("nested", json!({"M": {"quantity": {"S": SECRET}}})),
            ),
            "nested.quantity: Expected num",
        ),
        case(
            "l-element",
            dynamodb(
                "l-element",
                with("tags", json!({"L": [{"S": "t"}, {"N": NUMBER}]})),
            ),
            "tags[1]: Expected string",
        ),
        case(
            "not-an-attribute",
            dynamodb("not-an-attribute", with("name", json!({"Q": SECRET}))),
            // The attribute name is payload, and so is serde_dynamo's message about the tag.
            "`NewImage` is not a DynamoDB item: <key>: invalid value (the type's message is withheld",
        ),
        case(
            "not-object",
            not_object,
            "`NewImage` is not a DynamoDB item: invalid type: string, expected a map",
        ),
    ];
    check::<DynamoDb, _>(&handler, dynamodb("good", good_row()), cases).await;
}

#[tokio::test]
async fn dynamodb_identifiers_and_raw_records_quote_nothing() {
    let mut bad = dynamodb("x", good_row());
    bad["dynamodb"]["SequenceNumber"] = json!({ SECRET: 1 });
    check_invocation_error::<DynamoDb>(
        dynamodb("good", good_row()),
        bad,
        "`dynamodb.SequenceNumber` is an object, not a string",
    )
    .await;

    let handler = handler_fn(|r: &RecordCx<'_, DynamoDb>| r.record().map(|_| ()));
    let mut region = dynamodb("region", good_row());
    region["awsRegion"] = json!(NUMBER.parse::<u64>().unwrap());
    let mut size = dynamodb("size", good_row());
    size["dynamodb"]["SizeBytes"] = json!(SECRET);
    check::<DynamoDb, _>(
        &handler,
        dynamodb("good", good_row()),
        vec![
            case(
                "region",
                region,
                "awsRegion: invalid type: integer, expected a string",
            ),
            case(
                "size",
                size,
                "dynamodb.SizeBytes: invalid type: string, expected i64",
            ),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Through the macro's lambda_handler

mod generated {
    use batch_core::prelude::*;

    #[batch_handler(source = "sqs", entrypoint = false)]
    async fn handle(Json(order): Json<super::Order>) -> Result<u32, BoxError> {
        Ok(order.quantity)
    }
}

#[tokio::test]
async fn the_generated_lambda_handler_quotes_nothing() {
    let logs = Logs::capture();
    let records: Vec<Value> = bad_bodies()
        .into_iter()
        .map(|(id, body, _)| sqs_message(id, &body))
        .collect();
    let error = generated::lambda_handler(event_from_records(records.clone()))
        .await
        .unwrap_err();
    assert!(matches!(error, BatchError::AllFailed { .. }), "{error}");
    assert_batch_error_clean("lambda_handler", &error);
    let diagnostic = batch_core::lambda_runtime::Diagnostic::from(error);
    assert_clean("errorMessage", &diagnostic.error_message);

    let mut with_good = vec![sqs_message("good", GOOD_ORDER)];
    with_good.extend(records);
    let response = generated::lambda_handler(event_from_records(with_good))
        .await
        .unwrap();
    assert_eq!(reported(&response).len(), bad_bodies().len());
    let text = logs.text();
    assert_clean("the logs", &text);
    assert!(text.contains("items[2].quantity: invalid type: string, expected u32"));
}

// ---------------------------------------------------------------------------------------------
// The opt-in

/// Keeps each failure's payload detail, as a user who wants values in their own logs would.
#[derive(Default)]
struct KeepDetail(Mutex<Vec<Option<String>>>);

impl RecordHooks<Sqs, u32> for KeepDetail {
    fn on_failure(&self, _record: &RecordCx<'_, Sqs>, error: &RecordError) {
        self.0
            .lock()
            .unwrap()
            .push(error.payload_detail().map(str::to_owned));
    }
}

#[tokio::test]
async fn payload_detail_is_the_explicit_opt_in_to_values() {
    let logs = Logs::capture();
    let hooks = KeepDetail::default();
    let handler =
        handler_fn(|r: &RecordCx<'_, Sqs>| r.extract::<Json<Order>>().map(|o| o.quantity));
    let event = event_from_records([
        sqs_message("good", GOOD_ORDER),
        sqs_message("bad", &format!(r#"{{"sku": "A", "quantity": "{SECRET}"}}"#)),
    ]);
    let report = BatchProcessor::<Sqs>::new()
        .with_hooks(&hooks)
        .process(&event.payload, &event.context, &handler)
        .await
        .unwrap();
    let error = report.outcomes()[1].error().unwrap();
    assert_error_clean("the error", error);
    // serde's own message, value included, only where it is asked for.
    assert_eq!(
        error.payload_detail(),
        Some(r#"invalid type: string "SECRET-TOKEN-123", expected u32 at line 1 column 43"#)
    );
    assert_eq!(
        hooks.0.lock().unwrap().as_slice(),
        [Some(
            r#"invalid type: string "SECRET-TOKEN-123", expected u32 at line 1 column 43"#
                .to_owned()
        )]
    );
    // A handler's own error carries no payload detail.
    assert_eq!(RecordError::handler("declined").payload_detail(), None);
    assert_clean("the logs", &logs.text());
}

// ---------------------------------------------------------------------------------------------
// Kafka

fn kafka(offset: i64, value: &[u8]) -> Value {
    kafka_record("orders", 0, offset, Some(value))
}

#[tokio::test]
async fn kafka_values_never_reach_logs_or_errors() {
    let logs = Logs::capture();
    let handler =
        handler_fn(|r: &RecordCx<'_, Kafka>| r.extract::<Json<Order>>().map(|o| o.quantity));
    let mut records = vec![kafka(0, GOOD_ORDER.as_bytes())];
    let mut says: Vec<&str> = Vec::new();
    for (offset, (_, body, said)) in (1..).zip(bad_bodies()) {
        records.push(kafka(offset, body.as_bytes()));
        says.push(said);
    }
    // `SECRET-TOKEN-123`: its first byte outside the base64 alphabet is `-`, at offset 6.
    let mut not_base64 = kafka(100, b"");
    not_base64["value"] = json!(SECRET);
    records.push(not_base64);
    says.push("`value` is not valid base64: a byte at offset 6 is not in its alphabet");
    let mut value_number = kafka(101, b"");
    value_number["value"] = json!(NUMBER.parse::<u64>().unwrap());
    records.push(value_number);
    says.push("`value` is a number, not a string");

    let event = kafka_event(records.clone());
    let report = BatchProcessor::<Kafka>::new()
        .process(&event.payload, &event.context, &handler)
        .await
        .unwrap();
    assert!(report.outcomes()[0].is_success(), "the good record failed");
    assert_eq!(report.len(), says.len() + 1);
    for (position, said) in says.iter().enumerate() {
        let error = report.outcomes()[position + 1]
            .error()
            .unwrap_or_else(|| panic!("record {} did not fail", position + 1));
        assert_error_clean("a Kafka record", error);
        let message = error.to_string();
        assert!(message.contains(said), "expected {said:?} in {message}");
    }

    let error = BatchProcessor::<Kafka>::new()
        .run(kafka_event(records[1..].to_vec()), &handler)
        .await
        .unwrap_err();
    assert!(matches!(error, BatchError::AllFailed { .. }), "{error}");
    assert_batch_error_clean("AllFailed", &error);

    let text = logs.text();
    assert_clean("the logs", &text);
    assert!(text.contains("record failed"), "{text}");
}

#[tokio::test]
async fn kafka_identifiers_and_event_sources_quote_nothing() {
    let logs = Logs::capture();
    let handler = handler_fn(|_: &RecordCx<'_, Kafka>| ());
    let run = |event| async { BatchProcessor::<Kafka>::new().run(event, &handler).await };

    let mut topic = kafka(1, b"{}");
    topic["topic"] = json!(NUMBER.parse::<u64>().unwrap());
    let mut offset = kafka(2, b"{}");
    offset["offset"] = json!(SECRET);
    for (bad, says) in [
        (topic, "`topic` is a number, not a string"),
        (offset, "`offset` is a string, not an integer"),
    ] {
        let error = run(kafka_event([kafka(0, b"{}"), bad])).await.unwrap_err();
        assert!(
            matches!(error, BatchError::UnidentifiableRecord { .. }),
            "{error}"
        );
        assert_batch_error_clean("an unidentifiable Kafka record", &error);
        assert!(error.to_string().contains(says), "{says:?}: {error}");
    }

    for (source, says) in [
        (json!(SECRET), "it comes from another source"),
        (
            json!({ "name": SECRET }),
            "its `eventSource` is an object, not a string",
        ),
    ] {
        let event = json!({ "eventSource": source, "records": { "orders-0": [kafka(0, b"{}")] } });
        let error = run(event_from_str(&event.to_string())).await.unwrap_err();
        assert!(matches!(error, BatchError::InvalidEvent { .. }), "{error}");
        assert_batch_error_clean("a Kafka event of another source", &error);
        assert!(error.to_string().contains(says), "{says:?}: {error}");
    }
    assert_clean("the logs", &logs.text());
}
