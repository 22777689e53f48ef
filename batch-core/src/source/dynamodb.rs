//! Amazon DynamoDB Streams.

use std::borrow::Cow;
use std::collections::BTreeMap;

use aws_lambda_events::dynamodb::EventRecord;
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{BatchSource, RecordHeader, read_object};

/// Amazon DynamoDB Streams.
///
/// Records are [`dynamodb::EventRecord`](EventRecord)s identified by `dynamodb.SequenceNumber`;
/// the ordering key is the item's `dynamodb.Keys`; [`NewImage<T>`](crate::NewImage) and
/// [`OldImage<T>`](crate::OldImage) read the item images. The response is a
/// [`DynamoDbEventResponse`].
///
/// ```
/// use batch_core::BatchProcessor;
/// use batch_core::source::DynamoDb;
///
/// let processor = BatchProcessor::<DynamoDb>::new();
/// # let _ = processor;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DynamoDb;

#[derive(Deserialize)]
struct Header<'e> {
    #[serde(rename = "eventSource", borrow, default)]
    event_source: Option<&'e RawValue>,
    #[serde(borrow, default)]
    dynamodb: Option<&'e RawValue>,
}

#[derive(Deserialize)]
struct Change<'e> {
    #[serde(rename = "SequenceNumber", borrow, default)]
    sequence_number: Option<&'e RawValue>,
    #[serde(rename = "Keys", borrow, default)]
    keys: Option<&'e RawValue>,
    #[serde(rename = "NewImage", borrow, default)]
    new_image: Option<&'e RawValue>,
    #[serde(rename = "OldImage", borrow, default)]
    old_image: Option<&'e RawValue>,
}

impl BatchSource for DynamoDb {
    const EVENT_SOURCE: &'static str = "aws:dynamodb";
    const NAME: &'static str = "DynamoDB Streams";
    const ID_FIELD: &'static str = "dynamodb.SequenceNumber";
    const ORDERED: bool = true;
    type Record = EventRecord;
    type Response = DynamoDbEventResponse;

    fn read_header(raw: &RawValue) -> RecordHeader<'_> {
        let fields: Header<'_> = match read_object(raw, "the record") {
            Ok(fields) => fields,
            Err(reason) => return RecordHeader::unreadable(reason),
        };
        let mut header = RecordHeader::default();
        header.check_event_source(fields.event_source, Self::EVENT_SOURCE);
        let Some(change) = fields.dynamodb else {
            header.note_malformed("the record has no `dynamodb` field".to_owned());
            return header;
        };
        match read_object::<Change<'_>>(change, "`dynamodb`") {
            Ok(change) => {
                header.read_id(change.sequence_number, Self::ID_FIELD);
                header.ordering = change.keys;
                header.payload = change.new_image;
                header.old_payload = change.old_image;
            }
            Err(reason) => header.note_malformed(reason),
        }
        header
    }

    /// The item's keys with attribute names sorted, so that the same item gives the same key
    /// however its `Keys` object is ordered.
    fn ordering_key(raw: &RawValue) -> Result<Option<Cow<'_, str>>, String> {
        let keys: BTreeMap<String, serde_json::Value> = read_object(raw, "`dynamodb.Keys`")?;
        serde_json::to_string(&keys)
            .map(|key| Some(Cow::Owned(key)))
            .map_err(|e| format!("`dynamodb.Keys` cannot be read: {e}"))
    }

    fn response<'a>(failed: impl Iterator<Item = &'a str>) -> DynamoDbEventResponse {
        let mut response = DynamoDbEventResponse::default();
        response.batch_item_failures = failed
            .map(|id| {
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = Some(id.to_owned());
                failure
            })
            .collect();
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> RecordHeader<'_> {
        DynamoDb::read_header(serde_json::from_str(text).unwrap())
    }

    #[test]
    fn reads_sequence_number_keys_and_images() {
        let h = header(
            r#"{"eventSource":"aws:dynamodb","dynamodb":{"SequenceNumber":"7","Keys":{"Id":{"N":"1"}},"NewImage":{"A":{"S":"x"}}}}"#,
        );
        assert_eq!(h.id.as_deref(), Some("7"));
        assert_eq!(h.payload.unwrap().get(), r#"{"A":{"S":"x"}}"#);
        assert!(h.old_payload.is_none());
    }

    #[test]
    fn ordering_key_ignores_attribute_order() {
        let a: &RawValue = serde_json::from_str(r#"{"B":{"S":"2"},"A":{"N":"1"}}"#).unwrap();
        let b: &RawValue = serde_json::from_str(r#"{"A":{"N":"1"},"B":{"S":"2"}}"#).unwrap();
        assert_eq!(
            DynamoDb::ordering_key(a).unwrap(),
            DynamoDb::ordering_key(b).unwrap()
        );
    }
}
