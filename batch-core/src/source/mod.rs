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
//! | [`Kafka`] | [`KafkaRecord`](crate::KafkaRecord) | `topic`, `partition`, `offset` | topic-partition | [`KafkaEventResponse`] |

pub(crate) mod dynamodb;
mod kafka;
mod kafka_record;
mod kinesis;
mod kinesis_record;
#[cfg(test)]
mod reader_strategies;
mod record_reader;
mod records;
mod sqs;
mod sqs_message;

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{BatchError, RecordError};
use crate::event::EventText;
use crate::scan::{self, Kind};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

pub use dynamodb::DynamoDb;
pub use kafka::{Kafka, KafkaBatchItemFailure, KafkaEventResponse, KafkaItemIdentifier};
pub use kinesis::Kinesis;
pub use sqs::{Sqs, SqsReceipt};

/// An event source: SQS (standard and FIFO), Kinesis Data Streams, DynamoDB Streams or Kafka
/// (Amazon MSK and self-managed).
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
///
/// The trait is sealed: the sources are the ones this crate defines, so that adding a source
/// or a method is not a breaking change.
///
/// ```compile_fail
/// use batch_core::source::BatchSource;
///
/// struct MyQueue;
/// impl BatchSource for MyQueue {} // error: `Sealed` is not implemented for `MyQueue`
/// ```
pub trait BatchSource: sealed::Sealed + Sized + Send + Sync + 'static {
    /// The `eventSource` its records carry, e.g. `aws:sqs`, as messages name it (Kafka, whose
    /// events carry one of two: `aws:kafka or SelfManagedKafka`).
    const EVENT_SOURCE: &'static str;
    /// A human name for messages, e.g. `SQS`.
    const NAME: &'static str;
    /// Where a record's identifier is, for messages, e.g. `messageId`.
    const ID_FIELD: &'static str;
    /// Whether every record has an ordering key (Kinesis, DynamoDB, Kafka); SQS records have
    /// one only in a FIFO batch.
    const ORDERED: bool;
    /// Whether `stop_on_first_failure` stops only the ordering key of the failed record (Kafka:
    /// its partition) rather than the whole batch.
    #[doc(hidden)]
    const STOP_PER_ORDERING_KEY: bool = false;
    /// The full record type from `aws_lambda_events`, built only for handlers that ask for it.
    type Record: DeserializeOwned + Send + Sync + 'static;
    /// The partial-failure response type from `aws_lambda_events`.
    type Response: Serialize + Send + 'static;

    /// Calls `visit` on the text that starts each record of the event, in the order the event
    /// lists them (`visit` reads the record and returns its length), after or while checking
    /// the envelope. The default is the `Records` array of SQS, Kinesis and DynamoDB.
    #[doc(hidden)]
    fn for_each_record<'e>(
        event: EventText<'e>,
        visit: impl FnMut(&'e str) -> Result<usize, BatchError>,
    ) -> Result<(), BatchError> {
        records::for_each_record(event, Self::EVENT_SOURCE, visit)
    }

    /// Reads the header of the record that starts `rest` (the text may go on after the record)
    /// without building the full record; the header says how long the record is.
    #[doc(hidden)]
    fn read_header(rest: &str) -> RecordHeader<'_>;

    /// Reads a record's ordering key from the raw field the header kept.
    #[doc(hidden)]
    fn ordering_key(raw: &str) -> Result<Option<Cow<'_, str>>, String>;

    /// Checks the raw ordering field as [`ordering_key`](Self::ordering_key) would, without
    /// building the key (used when records run one at a time).
    #[doc(hidden)]
    fn check_ordering(raw: &str) -> Result<(), String> {
        Self::ordering_key(raw).map(drop)
    }

    /// The part of a record's raw ordering field that [`ordering_key`](Self::ordering_key)
    /// and [`check_ordering`](Self::check_ordering) read, as a compact event keeps it: they
    /// give the same result on it as on the whole field. The default keeps the whole field.
    #[doc(hidden)]
    fn compact_ordering<'e>(header: &RecordHeader<'e>) -> Option<Cow<'e, str>> {
        header.ordering.map(Cow::Borrowed)
    }

    /// The ordering key read from the raw ordering field, where a compact event keeps the key
    /// instead of the field: `Some` of what [`ordering_key`](Self::ordering_key) gives, or
    /// `None` to keep the field (the default). The field is valid JSON: every event's text is
    /// validated before its records are read.
    #[doc(hidden)]
    fn compact_key(_raw: &str) -> Option<Result<Option<Cow<'_, str>>, String>> {
        None
    }

    /// Reads the header of the record that starts `rest` as [`read_header`](Self::read_header)
    /// does, for a compact event, which keeps the payload decoded when it is a JSON string that
    /// reads the same decoded (SQS bodies): the source appends the decoded text to
    /// `payloads.text` in the same pass and says where it is. `None` keeps the raw value (the
    /// default), also when it does not decode, so that reading it later fails as it would have.
    #[doc(hidden)]
    fn read_compact_header<'e>(
        rest: &'e str,
        payloads: DecodedPayloads<'_>,
    ) -> (RecordHeader<'e>, Option<Range<usize>>) {
        let _ = payloads;
        (Self::read_header(rest), None)
    }

    /// Reads a whole record (`raw` is exactly its text, valid JSON) as `serde_json::from_str`
    /// reads [`Self::Record`], where the source has a faster reader: `Some` only of what
    /// `serde_json` gives, `None` to leave the record to `serde_json` (the default), which then
    /// also reports any error.
    #[doc(hidden)]
    fn read_record(raw: &str) -> Option<Self::Record> {
        let _ = raw;
        None
    }

    /// Builds the response that reports these identifiers as failed, in this order.
    #[doc(hidden)]
    fn response<'a>(failed: impl Iterator<Item = &'a str>) -> Self::Response;
}

/// Kinesis, DynamoDB Streams and Kafka: sources whose records are checkpointed in order (by
/// sequence number, or by offset in each Kafka partition), so that
/// [`stop_on_first_failure`](crate::BatchProcessor::stop_on_first_failure) applies.
pub trait StreamSource: BatchSource {}
impl StreamSource for Kinesis {}
impl StreamSource for DynamoDb {}

/// A source whose records carry a JSON payload for [`Json<T>`](crate::Json): SQS and Kinesis.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`Json<T>` cannot be taken from `{Self}` records: they carry no JSON payload",
    label = "`Json<T>` is for SQS, Kinesis and Kafka records",
    note = "DynamoDB records: take `NewImage<T>` or `OldImage<T>` (the item's images), or the raw record `&dynamodb::EventRecord`"
)]
pub trait JsonPayload: BatchSource {
    /// The payload, ready to parse as JSON; `record` names the record in messages.
    fn json_payload<'e>(
        header: &RecordHeader<'e>,
        record: &dyn fmt::Display,
    ) -> Result<JsonBytes<'e>, RecordError>;
}

/// A record's JSON payload: text (an SQS body, already known to be UTF-8) or bytes (decoded
/// base64, which the parse checks).
#[doc(hidden)]
#[derive(Debug)]
pub enum JsonBytes<'e> {
    Text(Cow<'e, str>),
    Bytes(Vec<u8>),
}

impl JsonBytes<'_> {
    /// The payload's bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            JsonBytes::Text(text) => text.as_bytes(),
            JsonBytes::Bytes(bytes) => bytes,
        }
    }

    /// Parses the payload; text without checking its UTF-8 a second time. Bytes are checked
    /// once as a whole, which costs far less than serde_json's check of each string it reads;
    /// bytes that are not UTF-8 are left to serde_json, whose error says where.
    pub(crate) fn parse<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        match self {
            JsonBytes::Text(text) => serde_json::from_str(text),
            JsonBytes::Bytes(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => serde_json::from_str(text),
                Err(_) => serde_json::from_slice(bytes),
            },
        }
    }
}

/// A source whose records may have no payload, which `Option<Json<T>>` accepts: Kafka
/// tombstones.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`Option<Json<T>>` is for Kafka records, whose value may be null; `{Self}` records always carry a payload",
    label = "take `Json<T>` here",
    note = "`Option<Json<T>>` is `None` for a Kafka tombstone; SQS and Kinesis handlers take `Json<T>`"
)]
pub trait TombstonePayload: JsonPayload {}

/// Keeps [`BatchSource`] (and so [`StreamSource`] and [`JsonPayload`]) implemented by this
/// crate's sources only.
mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Sqs {}
    impl Sealed for super::Kinesis {}
    impl Sealed for super::DynamoDb {}
    impl Sealed for super::Kafka {}
}

/// Where a compact event keeps the payloads it decodes while reading its records.
#[doc(hidden)]
#[derive(Debug)]
pub struct DecodedPayloads<'b> {
    /// The compact event's text, which a decoded payload is appended to.
    pub(crate) text: &'b mut String,
    /// Room to decode into, reused from record to record.
    pub(crate) scratch: &'b mut Vec<u8>,
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
    pub(crate) ordering: Option<&'e str>,
    /// The payload: SQS `body`, Kinesis `data`, DynamoDB `NewImage`.
    pub(crate) payload: Option<&'e str>,
    /// DynamoDB `OldImage`.
    pub(crate) old_payload: Option<&'e str>,
    /// The ordering key itself, or why it cannot be read, where a compact event read it
    /// instead of keeping the field.
    pub(crate) known_key: Option<Result<Option<&'e str>, &'e str>>,
    /// Whether `payload` is already the decoded text (a compact event keeps an SQS body
    /// unescaped) rather than the raw JSON value.
    pub(crate) payload_decoded: bool,
    /// SQS: the raw `receiptHandle` and `eventSourceARN` fields, which deleting a message or
    /// changing its visibility needs (feature `sqs-api`).
    pub(crate) receipt: Option<&'e str>,
    pub(crate) queue_arn: Option<&'e str>,
    /// Why the record does not fit its source's schema, as far as the header reads it.
    pub(crate) malformed: Option<String>,
    /// The length of the record's JSON text.
    pub(crate) len: usize,
}

impl<'e> RecordHeader<'e> {
    /// A header for a record whose top level could not be read at all.
    pub(crate) fn unreadable(reason: String, len: usize) -> Self {
        Self {
            malformed: Some(reason),
            len,
            ..Self::default()
        }
    }

    /// Checks `eventSource` against the expected source: missing is fine, another source is
    /// recorded for the event checks, a value that is not a string makes the record malformed.
    pub(crate) fn check_event_source(&mut self, raw: Option<&'e str>, expected: &str) {
        let Some(raw) = raw else { return };
        match scan::string(raw) {
            Ok(found) if found == expected => {}
            Ok(found) => self.foreign_source = Some(source_name(&found).to_owned()),
            Err(why) => self.note_malformed(format!("`eventSource` {}", why.describe())),
        }
    }

    /// Reads the identifier; a value that is not a string makes the record malformed (and, as it
    /// cannot be reported, unidentifiable).
    pub(crate) fn read_id(&mut self, raw: Option<&'e str>, field: &str) {
        let Some(raw) = raw else { return };
        match scan::string(raw) {
            Ok(id) if !id.is_empty() => self.id = Some(id),
            Ok(_) => {}
            Err(why) => self.note_malformed(format!("`{field}` {}", why.describe())),
        }
    }

    /// Makes the record malformed when a member it reads appears twice: serde would reject it,
    /// and picking one of the two would be a guess. A duplicated identifier was not picked, so
    /// the record is also unidentifiable.
    pub(crate) fn note_duplicates<const N: usize>(
        &mut self,
        picked: &Picked<'e, N>,
        names: [&str; N],
        what: &str,
    ) {
        if let Some(i) = picked.twice.iter().position(|twice| *twice) {
            self.note_malformed(format!("{what} has two `{}` fields", names[i]));
        }
    }

    pub(crate) fn note_malformed(&mut self, reason: String) {
        self.malformed.get_or_insert(reason);
    }
}

/// The event sources a record may name, shown as they are; any other `eventSource` is payload
/// and is not repeated in messages.
const KNOWN_SOURCES: [&str; 5] = [
    "aws:sqs",
    "aws:kinesis",
    "aws:dynamodb",
    "aws:kafka",
    "SelfManagedKafka",
];

/// How a foreign `eventSource` is named in messages: a known source by its name, any other
/// value as `another source`.
pub(crate) fn source_name(found: &str) -> &'static str {
    KNOWN_SOURCES
        .iter()
        .find(|known| **known == found)
        .copied()
        .unwrap_or("another source")
}

/// The bytes of a payload written as a base64 JSON string (Kinesis `data`, Kafka `value`),
/// with the decoder and alphabet `aws_lambda_events` uses; `malformed` words why it is not one.
pub(crate) fn base64_payload<'e>(
    raw: &str,
    malformed: impl Fn(String) -> RecordError,
) -> Result<JsonBytes<'e>, RecordError> {
    // Base64 holds no backslash, so text that decodes as it is written had no escape to undo:
    // the string is not searched for one first. The vector decoder accepts what `BASE64` does,
    // and gives the same bytes; anything else is left to `BASE64`, for its errors.
    let plain = raw.strip_prefix('"').and_then(|s| s.strip_suffix('"'));
    if let Some(Ok(bytes)) = plain.map(|text| base64_simd::STANDARD.decode_to_vec(text)) {
        return Ok(JsonBytes::Bytes(bytes));
    }
    let text = scan::string(raw).map_err(|why| malformed(why.describe()))?;
    BASE64
        .decode(text.as_bytes())
        .map(JsonBytes::Bytes)
        .map_err(|e| malformed(base64_problem(&e)))
}

/// Why base64 (Kinesis `data`, Kafka `value`) does not decode, by position, without the
/// offending byte, which is payload.
fn base64_problem(error: &base64::DecodeError) -> String {
    match error {
        base64::DecodeError::InvalidByte(offset, _) => {
            format!("is not valid base64: a byte at offset {offset} is not in its alphabet")
        }
        base64::DecodeError::InvalidLength(_) => {
            "is not valid base64: its length is not one base64 allows".to_owned()
        }
        base64::DecodeError::InvalidLastSymbol(offset, _) => {
            format!("is not valid base64: the last symbol, at offset {offset}, has bits left over")
        }
        base64::DecodeError::InvalidPadding => {
            "is not valid base64: its padding is wrong".to_owned()
        }
    }
}

/// A stream record's nested object (`kinesis`, `dynamodb`): its member name, and how messages
/// name it, written out so that reading a record formats nothing.
#[derive(Clone, Copy)]
pub(crate) struct Container {
    pub(crate) name: &'static str,
    pub(crate) quoted: &'static str,
}

/// Reads a stream record's header: `eventSource` at its top level, and the named members of
/// the nested object `container` (`kinesis`, `dynamodb`), `None` when the record cannot be read
/// that far (the header then says why). A member named twice is `None` and makes the record
/// malformed.
pub(crate) fn read_stream_header<'e, const N: usize>(
    rest: &'e str,
    expected_source: &str,
    container: Container,
    names: [&str; N],
) -> (RecordHeader<'e>, Option<[Option<&'e str>; N]>) {
    let top = ["eventSource", container.name];
    let what = container.quoted;
    // The container's members are read in the same pass as the record's, so that its values (a
    // DynamoDB image, Kinesis data) are walked once, not once to skip the container and again
    // inside it.
    let mut inner: Option<Picked<'e, N>> = None;
    let read_inner = |i: usize, value: &'e str| -> Option<usize> {
        if i != 1 || inner.is_some() || Kind::of(value) != Kind::Object {
            return None;
        }
        let (picked, len) = pick_prefix(value, names, what);
        inner = Some(picked.ok()?);
        Some(len)
    };
    let (picked, len) = match pick_prefix_reading(rest, top, "the record", read_inner) {
        (Ok(picked), len) => (picked, len),
        (Err(reason), len) => return (RecordHeader::unreadable(reason, len), None),
    };
    let mut header = RecordHeader {
        len,
        ..RecordHeader::default()
    };
    header.note_duplicates(&picked, top, "the record");
    let [event_source, nested] = picked.values;
    header.check_event_source(event_source, expected_source);
    let Some(nested) = nested else {
        header.note_malformed(format!("the record has no {what} field"));
        return (header, None);
    };
    match inner.map_or_else(|| pick_all(nested, names, what), Ok) {
        Ok(picked) => {
            header.note_duplicates(&picked, names, what);
            (header, Some(picked.values))
        }
        Err(reason) => {
            header.note_malformed(reason);
            (header, None)
        }
    }
}

/// The object of only the named members of `raw` that are present (and not `null`), in the
/// order of `names`: what [`pick`] finds of those names in it is what it finds in `raw`. `raw`
/// itself when `pick` fails on it, so that it fails the same way.
pub(crate) fn keep_members<'e, const N: usize>(raw: &'e str, names: [&str; N]) -> Cow<'e, str> {
    let Ok(values) = pick(raw, names, "") else {
        return Cow::Borrowed(raw);
    };
    let mut kept = String::from("{");
    for (name, value) in names.iter().zip(values) {
        let Some(value) = value else { continue };
        if kept.len() > 1 {
            kept.push(',');
        }
        kept.push('"');
        kept.push_str(name);
        kept.push_str("\":");
        kept.push_str(value);
    }
    kept.push('}');
    Cow::Owned(kept)
}

/// The named members of an object, as [`pick_prefix`] finds them.
pub(crate) struct Picked<'e, const N: usize> {
    /// The raw values in the order of the names; `None` for a member that is missing, `null`
    /// or named twice.
    pub(crate) values: [Option<&'e str>; N],
    /// Which names the object has more than once.
    pub(crate) twice: [bool; N],
}

/// Finds the named members of the object `raw` (a nested object of the record): their raw
/// values in the order of `names`, `None` for members that are missing or `null`. Fails, as
/// serde would, when `raw` is not an object or names a member twice.
pub(crate) fn pick<'e, const N: usize>(
    raw: &'e str,
    names: [&str; N],
    what: &str,
) -> Result<[Option<&'e str>; N], String> {
    let picked = pick_all(raw, names, what)?;
    match picked.twice.iter().position(|twice| *twice) {
        Some(i) => Err(format!("{what} has two `{}` fields", names[i])),
        None => Ok(picked.values),
    }
}

/// [`pick_prefix`] for an object that is the whole of `raw`.
fn pick_all<'e, const N: usize>(
    raw: &'e str,
    names: [&str; N],
    what: &str,
) -> Result<Picked<'e, N>, String> {
    pick_prefix(raw, names, what).0
}

/// Finds the named members of the object at the start of `rest`, which may go on after it,
/// reading every member, so that a name given twice is found wherever the second one is.
/// Also returns the object's length (of the value, whatever it is, when it is not a readable
/// object). Fails when the value is not an object or not valid JSON.
pub(crate) fn pick_prefix<'e, const N: usize>(
    rest: &'e str,
    names: [&str; N],
    what: &str,
) -> (Result<Picked<'e, N>, String>, usize) {
    pick_prefix_reading(rest, names, what, |_, _| None)
}

/// [`pick_prefix`], handing each named member's value (the text from its start) to `read`,
/// which may read it and return its length; when it returns `None` the scanner finds the
/// length.
pub(crate) fn pick_prefix_reading<'e, const N: usize>(
    rest: &'e str,
    names: [&str; N],
    what: &str,
    mut read: impl FnMut(usize, &'e str) -> Option<usize>,
) -> (Result<Picked<'e, N>, String>, usize) {
    let value_len = || scan::value_len(rest).unwrap_or(rest.len());
    let kind = Kind::of(rest);
    if kind != Kind::Object {
        let reason = format!("{what} is {}, not an object", kind.describe());
        return (Err(reason), value_len());
    }
    let mut picked = Picked {
        values: [None; N],
        twice: [false; N],
    };
    let mut seen = [false; N];
    let mut fields = scan::fields(rest);
    while let Some(field) = fields.next_key() {
        let Some((key, value_on)) = field else {
            return (Err(format!("{what} is not valid JSON")), value_len());
        };
        let named = fields.key_position(key, &names);
        let Some(len) = named
            .and_then(|i| read(i, value_on))
            .or_else(|| scan::value_len(value_on))
        else {
            return (Err(format!("{what} is not valid JSON")), value_len());
        };
        fields.skip_value(len);
        let value = &value_on[..len];
        if let Some(i) = named {
            if std::mem::replace(&mut seen[i], true) {
                picked.twice[i] = true;
                picked.values[i] = None;
            } else if Kind::of(value) != Kind::Null {
                picked.values[i] = Some(value);
            }
        }
    }
    match fields.end() {
        Some(len) => (Ok(picked), len),
        None => (Err(format!("{what} is not valid JSON")), value_len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The vector decoder accepts exactly the text `BASE64` accepts, and gives the same
        /// bytes: valid encodings of any bytes, and those cut, grown or with a byte changed to
        /// any other, padding and characters of other alphabets included.
        #[test]
        fn the_vector_decoder_agrees_with_base64(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            cut in 0usize..4,
            grow in proptest::sample::select(vec!["", "=", "==", "A", "AA", "A=", "-", " "]),
            change in proptest::option::of((0usize..410, proptest::sample::select(
                b"=A/+_-.\n \\\"\x7f\xc3".to_vec()
            ))),
        ) {
            let mut text = BASE64.encode(&bytes).into_bytes();
            text.truncate(text.len().saturating_sub(cut));
            text.extend_from_slice(grow.as_bytes());
            if let Some((at, byte)) = change
                && let Some(slot) = text.get_mut(at)
            {
                *slot = byte;
            }
            let ours = base64_simd::STANDARD.decode_to_vec(&text).ok();
            let theirs = BASE64.decode(&text).ok();
            proptest::prop_assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(&text));
        }
    }

    /// A base64 payload decodes whether or not its string is written with escapes, and one
    /// that does not decode says why, escaped or not.
    #[test]
    fn base64_payloads_decode_as_written_or_unescaped() {
        let decode = |raw: &str| match base64_payload(raw, |why| {
            RecordError::new(crate::error::RecordErrorKind::Malformed, why)
        }) {
            Ok(bytes) => Ok(bytes.as_bytes().to_vec()),
            Err(error) => Err(error.to_string()),
        };
        assert_eq!(decode(r#""e30=""#), Ok(b"{}".to_vec()));
        assert_eq!(decode(r#""P/8=""#), Ok(vec![0x3f, 0xff]));
        assert_eq!(
            decode(r#""P\/8=""#),
            Ok(vec![0x3f, 0xff]),
            "an escaped slash"
        );
        assert_eq!(decode(r#""\u0065\u0033\u0030=""#), Ok(b"{}".to_vec()));
        assert_eq!(
            decode(r#""e30*""#),
            Err("is not valid base64: a byte at offset 3 is not in its alphabet".to_owned())
        );
        assert_eq!(
            decode(r#""e\/3*""#),
            Err("is not valid base64: a byte at offset 3 is not in its alphabet".to_owned()),
            "offsets count the unescaped text"
        );
        assert_eq!(
            decode(r#""e3\x""#),
            Err(scan::string(r#""e3\x""#).unwrap_err().describe())
        );
        assert_eq!(
            decode("12"),
            Err(scan::string("12").unwrap_err().describe())
        );
        // Where the two decoders could part: bits left over in the last symbol, and padding.
        for (text, offset) in [("AB==", 1), ("AAB=", 2), ("A/==", 1)] {
            assert_eq!(
                decode(&format!("\"{text}\"")),
                Err(format!(
                    "is not valid base64: the last symbol, at offset {offset}, has bits left over"
                )),
                "{text}"
            );
        }
        assert_eq!(decode(r#""AAAB""#), Ok(vec![0, 0, 1]));
        for text in ["AA=", "A===", "AA=A", "=AAA", "AAA=A"] {
            assert!(decode(&format!("\"{text}\"")).is_err(), "{text}");
            assert!(BASE64.decode(text).is_err(), "{text}");
        }
    }

    #[test]
    fn empty_or_non_string_ids_are_not_identifiers() {
        let mut header = RecordHeader::default();
        header.read_id(Some(r#""""#), "messageId");
        assert!(header.id.is_none());
        header.read_id(Some("7"), "messageId");
        assert!(header.id.is_none());
        assert_eq!(
            header.malformed.as_deref(),
            Some("`messageId` is a number, not a string")
        );
    }

    #[test]
    fn ids_with_a_lone_surrogate_are_not_identifiers_and_say_why() {
        let mut header = RecordHeader::default();
        header.read_id(Some(r#""m\ud800""#), "messageId");
        assert!(header.id.is_none());
        assert_eq!(
            header.malformed.as_deref(),
            Some(
                r"`messageId` holds a lone surrogate escape (a \uD800-\uDFFF escape without its pair), which is not valid Unicode"
            )
        );
    }

    #[test]
    fn only_known_sources_are_named() {
        let mut header = RecordHeader::default();
        header.check_event_source(Some(r#""aws:kinesis""#), "aws:sqs");
        assert_eq!(header.foreign_source.as_deref(), Some("aws:kinesis"));
        let mut header = RecordHeader::default();
        header.check_event_source(Some(r#""SECRET-TOKEN-123""#), "aws:sqs");
        assert_eq!(header.foreign_source.as_deref(), Some("another source"));
        let mut header = RecordHeader::default();
        header.check_event_source(Some(r#"{"SECRET-TOKEN-123": 1}"#), "aws:sqs");
        assert!(header.foreign_source.is_none());
        assert_eq!(
            header.malformed.as_deref(),
            Some("`eventSource` is an object, not a string")
        );
    }

    #[test]
    fn a_member_named_twice_is_never_picked() {
        let (picked, len) = pick_prefix(r#"{"a": 1, "b": 2, "a": 3} tail"#, ["a", "b"], "it");
        let picked = picked.unwrap();
        assert_eq!(len, 24);
        assert_eq!(picked.values, [None, Some("2")]);
        assert_eq!(picked.twice, [true, false]);
    }

    #[test]
    fn pick_finds_members_and_rejects_what_serde_would() {
        let object = r#"{"a": 1, "skip": {"a": 2}, "b": null, "c": "x"}"#;
        assert_eq!(
            pick(object, ["a", "b", "c", "d"], "it").unwrap(),
            [Some("1"), None, Some(r#""x""#), None]
        );
        assert_eq!(
            pick("[1]", ["a"], "the record").unwrap_err(),
            "the record is an array, not an object"
        );
        assert_eq!(
            pick(r#"{"a": 1, "a": 2}"#, ["a"], "the record").unwrap_err(),
            "the record has two `a` fields"
        );
    }
}
