//! SQS standard queues: the exact cases of the core-engine issue (R2, R3, R4) and typed bodies.

mod spec_support;

use std::sync::Mutex;

use batch_core::source::Sqs;
use batch_core::testing::{event_from_file, event_from_records, sqs_message};
use batch_core::{BatchError, BatchProcessor, Json, RecordCx, RecordError, RecordHandler};
use serde::Deserialize;
use spec_support::{all_failed, ids, reported};

/// Reads the whole message and fails it when its body is `F`; remembers the ids it saw.
#[derive(Default)]
struct ByBody {
    seen: Mutex<Vec<String>>,
}

impl RecordHandler<Sqs> for ByBody {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
        let message = record.record()?;
        self.seen
            .lock()
            .unwrap()
            .push(message.message_id.clone().unwrap_or_default());
        match message.body.as_deref() {
            Some("F") => Err(RecordError::handler("body says fail")),
            Some("S") => Ok(()),
            other => panic!("unexpected body {other:?}"),
        }
    }
}

/// Records with ids "1", "2", ... and the given S/F bodies.
fn batch(bodies: &[&str]) -> batch_core::LambdaEvent<batch_core::BatchEvent> {
    event_from_records(
        bodies
            .iter()
            .enumerate()
            .map(|(i, body)| sqs_message(&(i + 1).to_string(), body)),
    )
}

#[tokio::test]
async fn f_s_f_reports_records_1_and_3() {
    let handler = ByBody::default();
    let response = BatchProcessor::<Sqs>::new()
        .run(batch(&["F", "S", "F"]), &handler)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "3"]));
    // R1: every record ran once, in input order.
    assert_eq!(*handler.seen.lock().unwrap(), ids(&["1", "2", "3"]));
}

#[tokio::test]
async fn all_succeeded_reports_an_empty_list() {
    let response = BatchProcessor::<Sqs>::new()
        .run(batch(&["S", "S"]), &ByBody::default())
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_string(&response).unwrap(),
        r#"{"batchItemFailures":[]}"#
    );
}

#[tokio::test]
async fn all_failed_fails_the_invocation_with_every_records_error() {
    let handler = ByBody::default();
    let error = BatchProcessor::<Sqs>::new()
        .run(batch(&["F", "F"]), &handler)
        .await
        .unwrap_err();
    assert!(matches!(error, BatchError::AllFailed { .. }));
    let failures = all_failed(&error);
    assert_eq!(failures.len(), 2);
    assert_eq!((failures[0].0, failures[0].1.as_deref()), (0, Some("1")));
    assert_eq!((failures[1].0, failures[1].1.as_deref()), (1, Some("2")));
    assert!(failures.iter().all(|f| f.2.contains("body says fail")));
    // The message carries every record's error, and Debug prints the same text as Display.
    let text = error.to_string();
    assert_eq!(text.matches("body says fail").count(), 2, "{text}");
    assert_eq!(format!("{error:?}"), text);
    assert_eq!(handler.seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn all_failed_without_raising_reports_every_record() {
    let response = BatchProcessor::<Sqs>::new()
        .raise_on_entire_batch_failure(false)
        .run(batch(&["F", "F"]), &ByBody::default())
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "2"]));
}

#[tokio::test]
async fn a_single_failed_record_is_an_entire_batch_failure() {
    let error = BatchProcessor::<Sqs>::new()
        .run(batch(&["F"]), &ByBody::default())
        .await
        .unwrap_err();
    assert_eq!(all_failed(&error).len(), 1);
}

#[tokio::test]
async fn two_failed_records_sharing_a_message_id_are_reported_twice() {
    let event = event_from_records([
        sqs_message("dup", "F"),
        sqs_message("other", "S"),
        sqs_message("dup", "F"),
    ]);
    let response = BatchProcessor::<Sqs>::new()
        .run(event, &ByBody::default())
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["dup", "dup"]));
}

#[tokio::test]
async fn a_failed_record_shares_its_id_with_a_succeeded_one() {
    let event = event_from_records([sqs_message("same", "S"), sqs_message("same", "F")]);
    let response = BatchProcessor::<Sqs>::new()
        .run(event, &ByBody::default())
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["same"]));
}

#[tokio::test]
async fn identifiers_are_reported_exactly_as_received() {
    // R2: no trimming, no normalisation, escapes decoded as JSON decodes them.
    let event = event_from_records([
        sqs_message(" spaced id ", "F"),
        sqs_message("ok", "S"),
        sqs_message("quote\"and\\slash/é", "F"),
    ]);
    let response = BatchProcessor::<Sqs>::new()
        .run(event, &ByBody::default())
        .await
        .unwrap();
    assert_eq!(
        reported(&response),
        ids(&[" spaced id ", "quote\"and\\slash/é"])
    );
}

#[derive(Debug, Deserialize)]
struct Order {
    sku: String,
    quantity: u32,
}

/// Takes the body as `Json<Order>`; every order that parses succeeds with its quantity.
struct TakeOrder;

impl RecordHandler<Sqs> for TakeOrder {
    type Output = u32;

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<u32, RecordError> {
        let Json(order) = record.extract::<Json<Order>>()?;
        assert!(!order.sku.is_empty());
        Ok(order.quantity)
    }
}

#[tokio::test]
async fn typed_batch_with_one_body_not_valid_for_t_reports_only_that_record() {
    let event = event_from_records([
        sqs_message("a", r#"{"sku": "A-1", "quantity": 1}"#),
        sqs_message("b", r#"{"sku": "B-2", "quantity": "two"}"#),
        sqs_message("c", r#"{"sku": "C-3", "quantity": 3}"#),
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
    assert_eq!(values, [Some(1), None, Some(3)]);
    let error = report.outcomes()[1].error().unwrap().to_string();
    // Where and what, never the value (R14).
    assert!(
        error.ends_with("quantity: invalid type: string, expected u32 at line 1 column 32"),
        "{error}"
    );
    assert!(!error.contains("two"), "{error}");
    assert!(error.contains('b'), "the message names the record: {error}");

    let response = processor.run(event, &TakeOrder).await.unwrap();
    assert_eq!(reported(&response), ids(&["b"]));
}

#[derive(Debug, Deserialize)]
struct Item {
    item: serde_json::Value,
}

#[tokio::test]
async fn sample_events_from_aws() {
    // The second body of sqs.json is base64 text, not JSON: with Json<T> it fails alone.
    let handler = batch_core::handler_fn(|r: &RecordCx<'_, Sqs>| {
        r.extract::<Json<serde_json::Value>>().map(|_| ())
    });
    let response = BatchProcessor::<Sqs>::new()
        .run(
            event_from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sqs.json")),
            &handler,
        )
        .await
        .unwrap();
    assert_eq!(
        reported(&response),
        ids(&["244fc6b4-87a3-44ab-83d2-361172410c3a"])
    );

    let handler = batch_core::handler_fn(|r: &RecordCx<'_, Sqs>| {
        r.extract::<Json<Item>>().map(|Json(i)| i.item.to_string())
    });
    let event = event_from_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/sqs-json-bodies.json"
    ));
    let report = BatchProcessor::<Sqs>::new()
        .process(&event.payload, &event.context, &handler)
        .await
        .unwrap();
    let values: Vec<&str> = report.successes().map(|(_, v)| v.as_str()).collect();
    assert_eq!(values, [r#"{"laptop":"amd"}"#, r#"{"keyboard":"classic"}"#]);
}

#[tokio::test]
async fn escaped_ids_and_bodies_are_decoded_as_json_decodes_them() {
    let event = batch_core::testing::event_from_str(
        r#"{"Records": [
            {"messageId": "a\u00e9\/b", "eventSource": "aws:sqs",
             "body": "{\"sku\": \"\\u00e9\\\"x\", \"quantity\": 4}"},
            {"messageId": "tab\tid", "eventSource": "aws:sqs", "body": "{\"sku\": \"\\n\", \"quantity\": 0}"}
        ]}"#,
    );
    let handler = batch_core::handler_fn(|r: &RecordCx<'_, Sqs>| -> Result<String, RecordError> {
        let Json(order) = r.extract::<Json<Order>>()?;
        if order.quantity == 0 {
            return Err(RecordError::handler("no quantity"));
        }
        Ok(order.sku)
    });
    let processor = BatchProcessor::<Sqs>::new();
    let report = processor
        .process(&event.payload, &event.context, &handler)
        .await
        .unwrap();
    assert_eq!(
        report.outcomes()[0].value().map(String::as_str),
        Some("\u{e9}\"x")
    );
    assert_eq!(report.outcomes()[0].id(), Some("a\u{e9}/b"));
    let response = report.into_response().unwrap();
    assert_eq!(reported(&response), ids(&["tab\tid"]));
}
