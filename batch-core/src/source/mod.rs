//! Event sources: what a batch event of each source looks like.
//!
//! A source says how to read a record's light header (identifier, `eventSource`, ordering key,
//! payload) straight from the record's JSON, which full record type and response type
//! `aws_lambda_events` has for it, and how to build the response. How records are run is the
//! [`processor`](crate::processor)'s business.
//!
//! | source | records | identifier | ordering key | response |
//! |---|---|---|---|---|
//! | [`Sqs`] | [`SqsMessage`](crate::SqsMessage) | `messageId` | `attributes.MessageGroupId` (FIFO) | [`SqsBatchResponse`](aws_lambda_events::sqs::SqsBatchResponse) |
//! | [`Kinesis`] | [`KinesisEventRecord`](crate::KinesisEventRecord) | `kinesis.sequenceNumber` | `kinesis.partitionKey` | [`KinesisEventResponse`](aws_lambda_events::streams::KinesisEventResponse) |
//! | [`DynamoDb`] | [`dynamodb::EventRecord`](aws_lambda_events::dynamodb::EventRecord) | `dynamodb.SequenceNumber` | `dynamodb.Keys` | [`DynamoDbEventResponse`](aws_lambda_events::streams::DynamoDbEventResponse) |

mod dynamodb;
mod kinesis;
mod sqs;

use std::borrow::Cow;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

pub use dynamodb::DynamoDb;
pub use kinesis::Kinesis;
pub use sqs::Sqs;

/// An event source: SQS (standard and FIFO), Kinesis Data Streams or DynamoDB Streams.
///
/// The processor, the extractors and the response are generic over the source, so an extractor
/// of another source (`NewImage<T>` in an SQS handler) is a compile error.
///
/// ```
/// use batch_core::source::{BatchSource, DynamoDb, Kinesis, Sqs};
///
/// assert_eq!(Sqs::EVENT_SOURCE, "aws:sqs");
/// assert_eq!(Kinesis::ID_FIELD, "kinesis.sequenceNumber");
/// assert_eq!(DynamoDb::NAME, "DynamoDB Streams");
/// ```
pub trait BatchSource: Sized + Send + Sync + 'static {
    /// The `eventSource` its records carry, e.g. `aws:sqs`.
    const EVENT_SOURCE: &'static str;
    /// A human name for messages, e.g. `SQS`.
    const NAME: &'static str;
    /// Where a record's identifier is, for messages, e.g. `messageId`.
    const ID_FIELD: &'static str;
    /// Whether every record has an ordering key (Kinesis, DynamoDB); SQS records have one only
    /// in a FIFO batch.
    const ORDERED: bool;
    /// The full record type from `aws_lambda_events`, built only for handlers that ask for it.
    type Record: DeserializeOwned + Send + Sync + 'static;
    /// The partial-failure response type from `aws_lambda_events`.
    type Response: Serialize + Send + 'static;

    /// Reads a record's header from its JSON without building the full record.
    #[doc(hidden)]
    fn read_header(raw: &RawValue) -> RecordHeader<'_>;

    /// Reads a record's ordering key from the raw field the header kept.
    #[doc(hidden)]
    fn ordering_key(raw: &RawValue) -> Result<Option<Cow<'_, str>>, String>;

    /// Builds the response that reports these identifiers as failed, in this order.
    #[doc(hidden)]
    fn response<'a>(failed: impl Iterator<Item = &'a str>) -> Self::Response;
}

/// What the processor keeps of a record for the whole batch: read straight from the record's
/// JSON, borrowed from the event text.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct RecordHeader<'e> {
    /// The identifier, when present, a string and not empty.
    pub(crate) id: Option<Cow<'e, str>>,
    /// The `eventSource` when it names another source.
    pub(crate) foreign_source: Option<String>,
    /// The raw field the ordering key is read from.
    pub(crate) ordering: Option<&'e RawValue>,
    /// The payload: SQS `body`, Kinesis `data`, DynamoDB `NewImage`.
    pub(crate) payload: Option<&'e RawValue>,
    /// DynamoDB `OldImage`.
    pub(crate) old_payload: Option<&'e RawValue>,
    /// Why the record does not fit its source's schema, as far as the header reads it.
    pub(crate) malformed: Option<String>,
}

impl<'e> RecordHeader<'e> {
    /// A header for a record whose top level could not be read at all.
    pub(crate) fn unreadable(reason: String) -> Self {
        Self {
            malformed: Some(reason),
            ..Self::default()
        }
    }

    /// Checks `eventSource` against the expected source: missing is fine, another source is
    /// recorded for R8, a value that is not a string makes the record malformed.
    pub(crate) fn check_event_source(&mut self, raw: Option<&'e RawValue>, expected: &str) {
        let Some(raw) = raw else { return };
        match json_str(raw) {
            Some(found) if found == expected => {}
            Some(found) => self.foreign_source = Some(found.into_owned()),
            None => self.note_malformed(format!("`eventSource` is not a string: {}", raw.get())),
        }
    }

    /// Reads the identifier; a value that is not a string makes the record malformed (and, as it
    /// cannot be reported, unidentifiable).
    pub(crate) fn read_id(&mut self, raw: Option<&'e RawValue>, field: &str) {
        let Some(raw) = raw else { return };
        match json_str(raw) {
            Some(id) if !id.is_empty() => self.id = Some(id),
            Some(_) => {}
            None => self.note_malformed(format!("`{field}` is not a string: {}", raw.get())),
        }
    }

    pub(crate) fn note_malformed(&mut self, reason: String) {
        self.malformed.get_or_insert(reason);
    }
}

/// The string a raw JSON value holds, borrowed when it has no escapes; `None` when it is not a
/// string.
pub(crate) fn json_str(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get();
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(text).ok().map(Cow::Owned)
}

/// Describes a JSON value's type for messages, without showing its content.
pub(crate) fn json_kind(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Parses a record's top level (or a nested object) into a header struct, describing the
/// failure when the value is not an object of that shape.
pub(crate) fn read_object<'e, T: serde::Deserialize<'e>>(
    raw: &'e RawValue,
    what: &str,
) -> Result<T, String> {
    // serde would read a struct from a JSON array too: only an object has named fields.
    match json_kind(raw) {
        "an object" => {
            serde_json::from_str(raw.get()).map_err(|e| format!("{what} cannot be read: {e}"))
        }
        kind => Err(format!("{what} is {kind}, not an object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> &RawValue {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn json_str_borrows_plain_strings_and_unescapes_others() {
        assert!(matches!(
            json_str(raw(r#""abc""#)),
            Some(Cow::Borrowed("abc"))
        ));
        assert_eq!(json_str(raw(r#""a\"b""#)).unwrap(), "a\"b");
        assert_eq!(json_str(raw(r#""\u00e9""#)).unwrap(), "é");
        assert_eq!(json_str(raw("12")), None);
        assert_eq!(json_str(raw("null")), None);
        assert_eq!(json_str(raw(r#"{"a":"b"}"#)), None);
    }

    #[test]
    fn empty_or_non_string_ids_are_not_identifiers() {
        let mut header = RecordHeader::default();
        header.read_id(Some(raw(r#""""#)), "messageId");
        assert!(header.id.is_none());
        header.read_id(Some(raw("7")), "messageId");
        assert!(header.id.is_none());
        assert_eq!(
            header.malformed.as_deref(),
            Some("`messageId` is not a string: 7")
        );
    }
}
