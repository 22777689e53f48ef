//! Amazon SQS, standard and FIFO queues.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem;

use super::{
    BatchSource, DecodedPayloads, JsonBytes, JsonPayload, RecordHeader, pick, pick_prefix_reading,
};
use crate::error::{RecordError, RecordErrorKind};
use crate::scan;
use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsMessage};

/// Amazon SQS: standard queues, and FIFO queues with the processor's FIFO policies
/// ([`BatchProcessor::fifo`](crate::BatchProcessor::fifo)).
///
/// Records are [`SqsMessage`]s identified by `messageId`; a FIFO record's ordering key is
/// `attributes.MessageGroupId`. The response is an [`SqsBatchResponse`].
///
/// ```
/// use batch_core::BatchProcessor;
/// use batch_core::source::Sqs;
///
/// let standard = BatchProcessor::<Sqs>::new();
/// let fifo = BatchProcessor::<Sqs>::fifo().skip_group_on_error(true);
/// # let _ = (standard, fifo);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Sqs;

impl BatchSource for Sqs {
    const EVENT_SOURCE: &'static str = "aws:sqs";
    const NAME: &'static str = "SQS";
    const ID_FIELD: &'static str = "messageId";
    const ORDERED: bool = false;
    type Record = SqsMessage;
    type Response = SqsBatchResponse;

    fn read_header(rest: &str) -> RecordHeader<'_> {
        read_header_reading(rest, |_, _| None)
    }

    /// Unescapes the body in the pass that finds its end: each body is crossed once less than
    /// by finding its end, then decoding it.
    fn read_compact_header<'e>(
        rest: &'e str,
        payloads: DecodedPayloads<'_>,
    ) -> (RecordHeader<'e>, Option<Range<usize>>) {
        let start = payloads.text.len();
        let mut decoded = 0;
        let header = read_header_reading(rest, |field, value| {
            if field != BODY {
                return None;
            }
            let len = scan::decode_string_into(value, payloads.scratch, payloads.text)?;
            decoded += 1;
            Some(len)
        });
        // A body given twice, or a record that does not read, keeps no payload.
        if decoded == 1 && header.payload.is_some() {
            (header, Some(start..payloads.text.len()))
        } else {
            payloads.text.truncate(start);
            (header, None)
        }
    }

    fn ordering_key(raw: &str) -> Result<Option<Cow<'_, str>>, String> {
        let [group] = pick(raw, ["MessageGroupId"], "`attributes`")?;
        let Some(group) = group else {
            return Ok(None);
        };
        match scan::string(group) {
            Ok(group) if group.is_empty() => Ok(None),
            Ok(group) => Ok(Some(group)),
            Err(why) => Err(format!("`attributes.MessageGroupId` {}", why.describe())),
        }
    }

    /// `attributes` holds a dozen members, of which the key reads one: the group is kept,
    /// not the field. In valid JSON with nothing escaped the group is found without reading
    /// the members ([`plainly_written_group`]).
    fn compact_key(raw: &str) -> Option<Result<Option<Cow<'_, str>>, String>> {
        let plain = scan::Kind::of(raw) == scan::Kind::Object;
        Some(match plain.then(|| plainly_written_group(raw)).flatten() {
            Some(group) => Ok(group.filter(|group| !group.is_empty()).map(Cow::Borrowed)),
            None => Self::ordering_key(raw),
        })
    }

    fn read_record(raw: &str) -> Option<SqsMessage> {
        super::sqs_message::read_message(raw)
    }

    fn response<'a>(failed: impl Iterator<Item = &'a str>) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        response.batch_item_failures = failed
            .map(|id| {
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = id.to_owned();
                failure
            })
            .collect();
        response
    }
}

/// The group of an `attributes` object that is valid JSON, found by searching for the quoted
/// name rather than reading the members (`Some(None)`: no group); `None`, to read the members,
/// whenever the text holds a backslash, `{` or `[` after its first byte, or the quoted name
/// more than once, or when the group is not a string.
///
/// Without escapes a name is written as it reads, so a name not written out is not there; and
/// a string cannot hold a quote, so the quoted name is a whole string, and a name when a colon
/// follows. With nothing nested, it is one of the object's own.
fn plainly_written_group(raw: &str) -> Option<Option<&str>> {
    static GROUP_NAME: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("\"MessageGroupId\""));
    let Some(at) = GROUP_NAME.find(raw.as_bytes()) else {
        return memchr::memchr(b'\\', raw.as_bytes())
            .is_none()
            .then_some(None);
    };
    let members = raw.as_bytes().get(1..)?;
    let after = raw.get(at + GROUP_NAME.needle().len()..)?;
    if memchr::memchr3(b'\\', b'{', b'[', members).is_some()
        || GROUP_NAME.find(after.as_bytes()).is_some()
    {
        return None;
    }
    let string = after
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    string.find('"').map(|end| Some(&string[..end]))
}

/// The fields [`read_header_reading`] picks from a record.
const FIELDS: [&str; 6] = [
    "messageId",
    "eventSource",
    "attributes",
    "body",
    "receiptHandle",
    "eventSourceARN",
];

/// Where `body` is in [`FIELDS`].
const BODY: usize = 3;

/// Reads an SQS record's header, handing the picked fields' values to `read` as
/// [`pick_prefix_reading`] does.
fn read_header_reading<'e>(
    rest: &'e str,
    read: impl FnMut(usize, &'e str) -> Option<usize>,
) -> RecordHeader<'e> {
    let fields = FIELDS;
    let (picked, len) = match pick_prefix_reading(rest, fields, "the record", read) {
        (Ok(picked), len) => (picked, len),
        (Err(reason), len) => return RecordHeader::unreadable(reason, len),
    };
    let [
        message_id,
        event_source,
        attributes,
        body,
        receipt,
        queue_arn,
    ] = picked.values;
    let mut header = RecordHeader {
        ordering: attributes,
        payload: body,
        receipt,
        queue_arn,
        len,
        ..RecordHeader::default()
    };
    header.note_duplicates(&picked, fields, "the record");
    header.read_id(message_id, Sqs::ID_FIELD);
    header.check_event_source(event_source, Sqs::EVENT_SOURCE);
    header
}

/// What the SQS API needs to act on one message of the batch after it ran: its receipt handle,
/// the queue's ARN and how many times it was received. Read with the record's header, when the
/// batch is read, so nothing parses the event again.
///
/// A processor keeps it for each record when a step after the batch needs it (deleting the
/// successes, feature `sqs-api`); [`RecordOutcome::sqs_receipt`](crate::RecordOutcome::sqs_receipt)
/// gives it. A field that is missing or not a string is `None`.
///
/// ```
/// # #[cfg(feature = "sqs-api")] {
/// use std::time::Duration;
/// use batch_core::{BatchProcessor, RecordCx, handler_fn};
/// use batch_core::source::Sqs;
/// use batch_core::sqs_api::{RetryBackoff, aws_sdk_sqs};
/// use batch_core::testing::event_from_str;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let config = aws_sdk_sqs::Config::builder()
///     .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
///     .region(aws_sdk_sqs::config::Region::new("us-east-1"))
///     .build();
/// let policy = RetryBackoff::exponential(Duration::from_secs(30), Duration::from_secs(3600));
/// // A step that uses the receipts keeps them; `process` makes no SQS call.
/// let processor = BatchProcessor::<Sqs>::new()
///     .retry_backoff(aws_sdk_sqs::Client::from_conf(config), policy);
/// let event = event_from_str(r#"{"Records": [{"messageId": "1", "receiptHandle": "rh-1",
///     "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders",
///     "attributes": {"ApproximateReceiveCount": "3"}}]}"#);
/// let handler = handler_fn(|_: &RecordCx<'_, Sqs>| Ok::<(), &str>(()));
/// let report = processor.process(&event.payload, &event.context, &handler).await.unwrap();
/// let receipt = report.outcomes()[0].sqs_receipt().unwrap();
/// assert_eq!(receipt.receipt_handle(), Some("rh-1"));
/// assert_eq!(receipt.queue_arn(), Some("arn:aws:sqs:us-east-1:123456789012:orders"));
/// assert_eq!(receipt.receive_count(), Some(3));
/// # });
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SqsReceipt {
    pub(crate) receipt_handle: Option<String>,
    pub(crate) queue_arn: Option<String>,
    pub(crate) receive_count: Option<u32>,
}

impl SqsReceipt {
    /// The message's `receiptHandle`.
    pub fn receipt_handle(&self) -> Option<&str> {
        self.receipt_handle.as_deref()
    }

    /// The queue's ARN, the record's `eventSourceARN`.
    pub fn queue_arn(&self) -> Option<&str> {
        self.queue_arn.as_deref()
    }

    /// `attributes.ApproximateReceiveCount` (a string of digits in the event), as a number.
    pub fn receive_count(&self) -> Option<u32> {
        self.receive_count
    }

    /// Reads it from what the header kept.
    pub(crate) fn from_header(header: &RecordHeader<'_>) -> Self {
        let text = |raw: Option<&str>| {
            raw.and_then(|raw| scan::string(raw).ok())
                .map(Cow::into_owned)
                .filter(|text| !text.is_empty())
        };
        let receive_count = header
            .ordering
            .and_then(|attributes| {
                pick(attributes, ["ApproximateReceiveCount"], "`attributes`").ok()
            })
            .and_then(|[count]| text(count))
            .and_then(|count| count.parse().ok());
        Self {
            receipt_handle: text(header.receipt),
            queue_arn: text(header.queue_arn),
            receive_count,
        }
    }
}

impl JsonPayload for Sqs {
    fn json_payload<'e>(
        header: &RecordHeader<'e>,
        record: &dyn fmt::Display,
    ) -> Result<JsonBytes<'e>, RecordError> {
        let Some(body) = header.payload else {
            return Err(RecordError::extract(format!(
                "{record}: the message body is missing or null"
            )));
        };
        if header.payload_decoded {
            return Ok(JsonBytes::Text(Cow::Borrowed(body)));
        }
        match scan::string(body) {
            Ok(text) => Ok(JsonBytes::Text(text)),
            Err(why) => Err(RecordError::new(
                RecordErrorKind::Malformed,
                format!("{record}: the message body {}", why.describe()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// On any `attributes` object that is valid JSON, the compact event's quick reading of
        /// the group gives what reading the members gives: names escaped or not, given twice,
        /// nested, groups of every JSON type, white space anywhere.
        #[test]
        fn the_group_found_by_search_is_the_group_read_member_by_member(
            members in proptest::collection::vec((
                proptest::sample::select(vec![
                    r#""MessageGroupId""#, r#""Message\u0047roupId""#, r#""SenderId""#,
                    r#""MessageGroupIdX""#, r#""x""#,
                ]),
                proptest::sample::select(vec![
                    r#""g1""#, r#""""#, r#""a\"b""#, r#""\u0067""#, "1", "null", "true",
                    r#"{"MessageGroupId":"n"}"#, r#"["x"]"#, r#""MessageGroupId""#,
                    r#""{[""#, r#""}""#, r#""MessageGroupId:""#,
                ]),
                proptest::sample::select(vec!["", " ", "\n "]),
            ), 0..6),
        ) {
            let raw = format!(
                "{{{}}}",
                members.iter().map(|(k, v, ws)| format!("{ws}{k}{ws}:{ws}{v}{ws}")).collect::<Vec<_>>().join(",")
            );
            serde_json::from_str::<serde_json::Value>(&raw).expect("valid JSON");
            proptest::prop_assert_eq!(Sqs::compact_key(&raw), Some(Sqs::ordering_key(&raw)), "{}", raw);
        }
    }

    #[test]
    fn the_body_is_the_field_decoded_while_it_is_read() {
        assert_eq!(FIELDS[BODY], "body");
    }

    #[test]
    fn the_group_is_found_by_search_in_plain_attributes() {
        let fifo = r#"{"ApproximateReceiveCount":"1","SenderId":"A:b","MessageGroupId":"customer-0001","MessageDeduplicationId":"d"}"#;
        assert_eq!(plainly_written_group(fifo), Some(Some("customer-0001")));
        assert_eq!(plainly_written_group(r#"{"SenderId":"A"}"#), Some(None));
        assert_eq!(
            plainly_written_group(r#"{"Message\u0047roupId":"g"}"#),
            None
        );
        assert_eq!(
            plainly_written_group(r#"{"a":{"MessageGroupId":"g"}}"#),
            None
        );
        assert_eq!(plainly_written_group(r#"{"MessageGroupId":1}"#), None);
        assert_eq!(
            plainly_written_group(r#"{"MessageGroupId":"g","MessageGroupId":"h"}"#),
            None
        );
    }

    fn header(text: &str) -> RecordHeader<'_> {
        Sqs::read_header(text)
    }

    fn group(text: &str) -> Result<Option<String>, String> {
        let h = header(text);
        match h.ordering {
            Some(raw) => Sqs::ordering_key(raw).map(|g| g.map(Cow::into_owned)),
            None => Ok(None),
        }
    }

    #[test]
    fn reads_id_source_body_and_group() {
        let h = header(
            r#"{"messageId":"m1","eventSource":"aws:sqs","body":"{}","attributes":{"MessageGroupId":"g"}}"#,
        );
        assert_eq!(h.id.as_deref(), Some("m1"));
        assert!(h.foreign_source.is_none() && h.malformed.is_none());
        assert_eq!(h.payload.unwrap(), r#""{}""#);
        assert_eq!(
            group(r#"{"attributes":{"MessageGroupId":"g"}}"#),
            Ok(Some("g".into()))
        );
    }

    #[test]
    fn receipt_reads_handle_arn_and_receive_count() {
        let h = header(
            r#"{"messageId":"m1","receiptHandle":"AQEB\/x==","eventSourceARN":"arn:aws:sqs:eu-west-1:111122223333:orders","attributes":{"ApproximateReceiveCount":"3"}}"#,
        );
        let receipt = SqsReceipt::from_header(&h);
        assert_eq!(receipt.receipt_handle(), Some("AQEB/x=="));
        assert_eq!(
            receipt.queue_arn(),
            Some("arn:aws:sqs:eu-west-1:111122223333:orders")
        );
        assert_eq!(receipt.receive_count(), Some(3));
    }

    #[test]
    fn receipt_fields_missing_or_of_the_wrong_type_are_none() {
        let h = header(
            r#"{"messageId":"m1","receiptHandle":5,"attributes":{"ApproximateReceiveCount":"many"}}"#,
        );
        assert_eq!(SqsReceipt::from_header(&h), SqsReceipt::default());
        let h = header(r#"{"messageId":"m1","receiptHandle":"a","receiptHandle":"b"}"#);
        assert_eq!(SqsReceipt::from_header(&h).receipt_handle(), None);
    }

    #[test]
    fn missing_or_empty_group_is_no_group() {
        assert_eq!(group(r#"{"attributes":{}}"#), Ok(None));
        assert_eq!(group(r#"{"attributes":{"MessageGroupId":""}}"#), Ok(None));
        assert_eq!(group(r#"{}"#), Ok(None));
        assert!(group(r#"{"attributes":{"MessageGroupId":5}}"#).is_err());
        assert!(group(r#"{"attributes":"x"}"#).is_err());
    }

    #[test]
    fn foreign_and_unreadable_records() {
        let h = header(r#"{"messageId":"m1","eventSource":"aws:kinesis"}"#);
        assert_eq!(h.foreign_source.as_deref(), Some("aws:kinesis"));
        let h = header("[1]");
        assert!(h.id.is_none());
        assert_eq!(
            h.malformed.as_deref(),
            Some("the record is an array, not an object")
        );
    }

    #[test]
    fn a_key_given_twice_fails_the_record_and_keeps_its_id() {
        let h = header(r#"{"messageId":"m1","body":"a","body":"b"}"#);
        assert_eq!(h.id.as_deref(), Some("m1"));
        assert!(h.payload.is_none());
        assert_eq!(
            h.malformed.as_deref(),
            Some("the record has two `body` fields")
        );
        let h = header(r#"{"eventSource":"aws:sqs","messageId":"m1","eventSource":"aws:kinesis"}"#);
        assert_eq!(h.id.as_deref(), Some("m1"));
        assert!(h.foreign_source.is_none());
        assert_eq!(
            h.malformed.as_deref(),
            Some("the record has two `eventSource` fields")
        );
    }

    #[test]
    fn an_id_given_twice_is_no_id() {
        for text in [
            r#"{"messageId":"m1","messageId":"m1"}"#,
            r#"{"messageId":"m1","body":"{}","messageId":"m2"}"#,
        ] {
            let h = header(text);
            assert!(h.id.is_none(), "{text}");
            assert_eq!(
                h.malformed.as_deref(),
                Some("the record has two `messageId` fields")
            );
        }
    }

    #[test]
    fn group_ids_say_what_they_are_without_their_value() {
        assert_eq!(
            group(r#"{"attributes":{"MessageGroupId":4111111111111111}}"#),
            Err("`attributes.MessageGroupId` is a number, not a string".to_owned())
        );
        assert_eq!(
            group(r#"{"attributes":{"MessageGroupId":"g\udc00"}}"#),
            Err(r"`attributes.MessageGroupId` holds a lone surrogate escape (a \uD800-\uDFFF escape without its pair), which is not valid Unicode".to_owned())
        );
    }

    #[test]
    fn response_lists_ids_in_order() {
        let response = Sqs::response(["b", "a", "b"].into_iter());
        let json = serde_json::to_string(&response).unwrap();
        assert_eq!(
            json,
            r#"{"batchItemFailures":[{"itemIdentifier":"b"},{"itemIdentifier":"a"},{"itemIdentifier":"b"}]}"#
        );
    }
}
