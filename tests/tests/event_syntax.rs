//! Events are JSON: any valid spelling of the same event gives the same result (R2, R8).
//! Escaped keys and values, whitespace, field order, nested look-alikes and tricky strings in
//! fields nobody reads must not change which records are read or reported.

mod spec_support;

use batch_core::source::{DynamoDb, Kinesis, Sqs};
use batch_core::testing::event_from_str;
use batch_core::{BatchProcessor, Json, NewImage, RecordCx, RecordError};
use serde::Deserialize;
use spec_support::{ids, reported};

/// Takes the body as `Json<u32>` and fails on 0.
fn zero_fails(record: &RecordCx<'_, Sqs>) -> Result<u32, RecordError> {
    let Json(n) = record.extract::<Json<u32>>()?;
    if n == 0 {
        return Err(RecordError::handler("zero"));
    }
    Ok(n)
}

#[tokio::test]
async fn escaped_keys_and_values_are_the_same_fields() {
    let event = event_from_str(
        r#"{"\u0052ecords": [
            {"\u006dessageId": "\u0061", "\u0065ventSource": "\u0061ws:sqs", "\u0062ody": "\u0030"},
            {"messageId": "b", "eventSource": "aws:sqs", "body": "7"},
            {"messageId": "\u0063\n", "eventSource": "aws\u003asqs", "body": "\u0030"}
        ]}"#,
    );
    let response = BatchProcessor::<Sqs>::new()
        .run(event, &batch_core::handler_fn(zero_fails))
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["a", "c\n"]));
}

#[tokio::test]
async fn escaped_foreign_sources_are_still_foreign() {
    let event = event_from_str(
        r#"{"Records": [
            {"messageId": "a", "eventSource": "aws:sqs", "body": "1"},
            {"messageId": "b", "eventSource": "aws\u003akinesis", "body": "1"}
        ]}"#,
    );
    let error = BatchProcessor::<Sqs>::new()
        .run(event, &batch_core::handler_fn(zero_fails))
        .await
        .unwrap_err();
    assert!(
        matches!(error, batch_core::BatchError::WrongSource { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn whitespace_field_order_and_extra_fields_do_not_matter() {
    let event = event_from_str(
        "\n\t {\r\n  \"version\" : [1, {\"Records\": [{\"messageId\": \"decoy\"}]}],\n  \
         \"Records\" :\n [ \n\
           { \"body\" : \"0\" , \"nested\": {\"messageId\": \"decoy-2\", \"body\": \"5\"},\n\
             \"attributes\": {\"note\": \"]}\\\"{[\"}, \"messageId\" : \"first\" ,\n\
             \"eventSource\" : \"aws:sqs\" } ,\n\
           {\"list\": [[[\"messageId\"]], {\"body\": \"0\"}], \"eventSource\":\"aws:sqs\",\
             \"messageId\":\"second\",\"body\":\"3\", \"n\": -1.5e+10, \"t\": true, \"z\": null}\n\
         ] , \"trailer\": {\"Records\": null} \n } \n",
    );
    let report = BatchProcessor::<Sqs>::new()
        .process(
            &event.payload,
            &event.context,
            &batch_core::handler_fn(zero_fails),
        )
        .await
        .unwrap();
    let outcomes: Vec<(Option<&str>, Option<u32>)> = report
        .outcomes()
        .iter()
        .map(|o| (o.id(), o.value().copied()))
        .collect();
    assert_eq!(outcomes, [(Some("first"), None), (Some("second"), Some(3))]);
    assert_eq!(reported(&report.into_response().unwrap()), ids(&["first"]));
}

#[tokio::test]
async fn bodies_with_json_look_alikes_are_read_whole() {
    // The body is a JSON string whose text has quotes, brackets and escapes.
    let event = event_from_str(
        r#"{"Records": [
            {"messageId": "1", "eventSource": "aws:sqs", "body": "{\"text\": \"}]},\\\"messageId\\\": \\\"x\\\"\", \"n\": 0}"},
            {"messageId": "2", "eventSource": "aws:sqs", "body": "{\"text\": \"\\\\\", \"n\": 4}"}
        ]}"#,
    );
    #[derive(Deserialize)]
    struct Doc {
        text: String,
        n: u32,
    }
    let handler = batch_core::handler_fn(|r: &RecordCx<'_, Sqs>| -> Result<String, RecordError> {
        let Json(doc) = r.extract::<Json<Doc>>()?;
        if doc.n == 0 {
            return Err(RecordError::handler("zero"));
        }
        Ok(doc.text)
    });
    let report = BatchProcessor::<Sqs>::new()
        .process(&event.payload, &event.context, &handler)
        .await
        .unwrap();
    assert_eq!(report.outcomes()[1].value().map(String::as_str), Some("\\"));
    assert_eq!(reported(&report.into_response().unwrap()), ids(&["1"]));
}

#[tokio::test]
async fn stream_records_with_escapes_and_reordered_fields() {
    let event = event_from_str(
        r#"{"Records": [
            {"eventSource": "aws:kinesis", "kinesis": {"data": "MA==", "partitionKey": "k", "sequenceNumber": "4\u0039"}},
            {"kinesis": {"sequenceNumber": "50", "data": "Nw\u003d\u003d", "partitionKey": "k"}, "eventSource": "aws:kinesis"}
        ]}"#,
    );
    let handler = batch_core::handler_fn(|r: &RecordCx<'_, Kinesis>| -> Result<u32, RecordError> {
        let Json(n) = r.extract::<Json<u32>>()?;
        if n == 0 {
            return Err(RecordError::handler("zero"));
        }
        Ok(n)
    });
    let response = BatchProcessor::<Kinesis>::new()
        .run(event, &handler)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["49"]));

    #[derive(Deserialize)]
    struct Item {
        n: u32,
    }
    let event = event_from_str(
        r#"{"Records": [
            {"dynamodb": {"NewImage": {"n": {"N": "0"}}, "Keys": {"Id": {"S": "a"}}, "Sequence\u004eumber": "100"}, "eventSource": "aws:dynamodb"},
            {"eventSource": "aws:dynamodb", "dynamodb": {"SequenceNumber": "101", "NewImage": {"\u006e": {"N": "2"}}, "Keys": {"Id": {"S": "b"}}}}
        ]}"#,
    );
    let handler =
        batch_core::handler_fn(|r: &RecordCx<'_, DynamoDb>| -> Result<u32, RecordError> {
            let NewImage(item) = r.extract::<NewImage<Item>>()?;
            if item.n == 0 {
                return Err(RecordError::handler("zero"));
            }
            Ok(item.n)
        });
    let response = BatchProcessor::<DynamoDb>::new()
        .run(event, &handler)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["100"]));
}
