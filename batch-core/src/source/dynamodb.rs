//! Amazon DynamoDB Streams.

use std::borrow::Cow;
use std::fmt;

use serde::de::DeserializeOwned;

use super::{BatchSource, RecordHeader, read_stream_header};
use crate::dynamodb_json::{self, ImageError};
use crate::error::{RecordError, RecordErrorKind};
use crate::redact;
use crate::scan::{self, Kind};
use aws_lambda_events::dynamodb::EventRecord;
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};

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

impl BatchSource for DynamoDb {
    const EVENT_SOURCE: &'static str = "aws:dynamodb";
    const NAME: &'static str = "DynamoDB Streams";
    const ID_FIELD: &'static str = "dynamodb.SequenceNumber";
    const ORDERED: bool = true;
    type Record = EventRecord;
    type Response = DynamoDbEventResponse;

    fn read_header(rest: &str) -> RecordHeader<'_> {
        let fields = ["SequenceNumber", "Keys", "NewImage", "OldImage"];
        let (mut header, found) = read_stream_header(
            rest,
            Self::EVENT_SOURCE,
            super::Container {
                name: "dynamodb",
                quoted: "`dynamodb`",
            },
            fields,
        );
        if let Some([sequence_number, keys, new_image, old_image]) = found {
            header.read_id(sequence_number, Self::ID_FIELD);
            header.ordering = keys;
            header.payload = new_image;
            header.old_payload = old_image;
        }
        header
    }

    /// The item's keys read as DynamoDB JSON, attribute names sorted, so that the same item
    /// gives the same key however its `Keys` object is written (white space, escapes, the order
    /// of the attributes). Keys that are not DynamoDB JSON of strings, numbers and binaries
    /// keep their written form, names sorted and white space dropped: the key only groups
    /// records, and reading it must not fail a record that runs fine one at a time (R9:
    /// concurrency gives the same response).
    fn ordering_key(raw: &str) -> Result<Option<Cow<'_, str>>, String> {
        Self::check_ordering(raw)?;
        if let Some(key) = dynamodb_json::canonical_key(raw) {
            return Ok(Some(Cow::Owned(key)));
        }
        let mut keys: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::with_capacity(2);
        for field in scan::fields(raw) {
            let (name, value) = field.ok_or("`dynamodb.Keys` is not valid JSON")?;
            // A name that is not valid Unicode (a lone surrogate escape) is kept as written,
            // as values are: the key only groups records, and reading it must not fail a
            // record that runs fine one at a time (R9: concurrency gives the same response).
            let name = scan::key(name).unwrap_or(Cow::Borrowed(name));
            keys.push((name, scan::minify(value)));
        }
        keys.sort();
        let mut key = String::new();
        for (name, value) in keys {
            key.push_str(&name);
            key.push('\0');
            key.push_str(&value);
            key.push('\0');
        }
        Ok(Some(Cow::Owned(key)))
    }

    fn check_ordering(raw: &str) -> Result<(), String> {
        match Kind::of(raw) {
            Kind::Object => Ok(()),
            kind => Err(format!(
                "`dynamodb.Keys` is {}, not an object",
                kind.describe()
            )),
        }
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

/// Deserializes a DynamoDB image (DynamoDB JSON) into `T` as `serde_dynamo` does, straight from
/// the event's text.
pub(crate) fn image<T: DeserializeOwned>(
    record: &dyn fmt::Display,
    raw: &str,
    which: &str,
) -> Result<T, RecordError> {
    dynamodb_json::from_image(raw).map_err(|error| match error {
        ImageError::Malformed(e) => RecordError::new(
            RecordErrorKind::Malformed,
            format!(
                "{record}: `{which}` is not a DynamoDB item: {}",
                redact::json_error::<serde_dynamo::Item>(raw.as_bytes())
            ),
        )
        .with_payload_detail(e.to_string()),
        // The failure is located by a second pass, only now that it failed (R14).
        ImageError::DoesNotFit(e) => RecordError::extract(format!(
            "{record}: `{which}` does not fit `{}`: {}",
            std::any::type_name::<T>(),
            redact::dynamodb_error::<T>(raw)
        ))
        .with_payload_detail(e.to_string()),
    })
}

pub(crate) fn missing_image(record: &dyn fmt::Display, which: &str) -> RecordError {
    RecordError::extract(format!(
        "{record} has no `{which}` (take `Option<{which}<T>>` to accept records without one)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> RecordHeader<'_> {
        DynamoDb::read_header(text)
    }

    #[test]
    fn reads_sequence_number_keys_and_images() {
        let h = header(
            r#"{"eventSource":"aws:dynamodb","dynamodb":{"SequenceNumber":"7","Keys":{"Id":{"N":"1"}},"NewImage":{"A":{"S":"x"}}}}"#,
        );
        assert_eq!(h.id.as_deref(), Some("7"));
        assert_eq!(h.payload.unwrap(), r#"{"A":{"S":"x"}}"#);
        assert!(h.old_payload.is_none());
    }

    #[test]
    fn a_sequence_number_or_container_given_twice_is_no_id() {
        let h = header(r#"{"dynamodb":{"SequenceNumber":"7","SequenceNumber":"8"}}"#);
        assert!(h.id.is_none());
        assert_eq!(
            h.malformed.as_deref(),
            Some("`dynamodb` has two `SequenceNumber` fields")
        );
        let h = header(r#"{"dynamodb":{"SequenceNumber":"7"},"dynamodb":{"SequenceNumber":"7"}}"#);
        assert!(h.id.is_none());
        let h = header(r#"{"dynamodb":{"SequenceNumber":"7","NewImage":{},"NewImage":{}}}"#);
        assert_eq!(h.id.as_deref(), Some("7"));
        assert!(h.payload.is_none());
        assert_eq!(
            h.malformed.as_deref(),
            Some("`dynamodb` has two `NewImage` fields")
        );
    }

    #[test]
    fn a_key_name_with_a_lone_surrogate_still_gives_a_key() {
        let lone = DynamoDb::ordering_key(r#"{"\ud800": {"S": "x"}}"#).unwrap();
        let other = DynamoDb::ordering_key(r#"{"a": {"S": "x"}}"#).unwrap();
        assert!(lone.is_some());
        assert_ne!(lone, other);
    }

    #[test]
    fn ordering_key_is_the_same_however_the_keys_are_written() {
        let key = |raw| DynamoDb::ordering_key(raw).unwrap().unwrap().into_owned();
        let plain = key(r#"{"pk":{"S":"A/1"},"sk":{"N":"7"},"b":{"B":"AAE="}}"#);
        for spelling in [
            r#"{"sk":{"N":"7"},"b":{"B":"AAE="},"pk":{"S":"A/1"}}"#,
            r#"{ "pk" : { "S" : "\u0041\/1" }, "\u0073k": {"N": "7"}, "b": {"B": "AAE="} }"#,
            // A name given twice keeps its last value, as `serde_dynamo::Item` does.
            r#"{"pk":{"S":"other"},"sk":{"N":"7"},"b":{"B":"AAE="},"pk":{"S":"A/1"}}"#,
        ] {
            assert_eq!(key(spelling), plain, "{spelling}");
        }
        for other_item in [
            r#"{"pk":{"S":"A/2"},"sk":{"N":"7"},"b":{"B":"AAE="}}"#,
            r#"{"pk":{"S":"A/1"},"sk":{"S":"7"},"b":{"B":"AAE="}}"#,
            r#"{"pk":{"S":"A/1"},"sk":{"N":"7"}}"#,
            r#"{"pk":{"S":"A/1\u0000sk"},"sk":{"N":"7"},"b":{"B":"AAE="}}"#,
        ] {
            assert_ne!(key(other_item), plain, "{other_item}");
        }
    }

    #[test]
    fn keys_that_are_not_dynamodb_json_keep_their_written_form() {
        let key = |raw| DynamoDb::ordering_key(raw).unwrap().unwrap().into_owned();
        // Not a DynamoDB attribute value, and a value no key attribute can hold: each still
        // gives a key, the same for the same text and another for other text.
        for raw in [
            r#"{"pk":{"X":"1"}}"#,
            r#"{"pk":{"M":{}}}"#,
            r#"{"pk":"plain"}"#,
        ] {
            assert_eq!(key(raw), key(raw));
            assert_ne!(key(raw), key(r#"{"pk":{"S":"1"}}"#), "{raw}");
        }
    }

    #[test]
    fn ordering_key_ignores_attribute_order() {
        let a = r#"{"B":{"S":"2"},"A":{"N":"1"}}"#;
        let b = r#"{ "A": {"N": "1"}, "B": {"S": "2"} }"#;
        assert_eq!(
            DynamoDb::ordering_key(a).unwrap(),
            DynamoDb::ordering_key(b).unwrap()
        );
    }
}
