//! A user's own extractor, and a deadline margin that leaves plenty of time.

use batch_core::prelude::*;
use batch_core::source::Sqs;
use batch_core::testing::event_from_str;
use batch_core::{FromRecord, RecordCx};

/// The tenant a message belongs to, from its `tenant` message attribute.
struct Tenant(String);

impl<'r> FromRecord<'r, Sqs> for Tenant {
    fn from_record(record: &'r RecordCx<'_, Sqs>) -> Result<Self, RecordError> {
        record
            .record()?
            .message_attributes
            .get("tenant")
            .and_then(|attribute| attribute.string_value.clone())
            .map(Tenant)
            .ok_or_else(|| RecordError::extract(format!("{record} has no `tenant` attribute")))
    }
}

#[batch_handler(source = "sqs", deadline_margin_ms = 1000, entrypoint = false)]
async fn handle(Tenant(tenant): Tenant, Json(body): Json<String>) -> Result<String, BoxError> {
    Ok(format!("{tenant}: {body}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let event = event_from_str(
        r#"{"Records": [
            {"messageId": "1", "eventSource": "aws:sqs", "body": "\"hello\"",
             "messageAttributes": {"tenant": {"stringValue": "acme", "dataType": "String"}}},
            {"messageId": "2", "eventSource": "aws:sqs", "body": "\"hello\""}
        ]}"#,
    );
    let response = lambda_handler(event).await.unwrap();
    assert_eq!(response.batch_item_failures.len(), 1);
    assert_eq!(response.batch_item_failures[0].item_identifier, "2");
}
