//! Apache Kafka: Amazon MSK and self-managed clusters.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use aws_lambda_events::kafka::KafkaRecord;
use serde::{Deserialize, Serialize};

use super::records::event_object;
use super::{BatchSource, JsonBytes, JsonPayload, RecordHeader, StreamSource, TombstonePayload};
use super::{base64_payload, pick, pick_prefix, source_name};
use crate::error::{BatchError, RecordError, RecordErrorKind};
use crate::event::EventText;
use crate::scan::{self, ArrayCursor, Kind};

/// The `eventSource` of an Amazon MSK event.
const MSK: &str = "aws:kafka";
/// The `eventSource` of a self-managed Kafka event.
const SELF_MANAGED: &str = "SelfManagedKafka";

/// Apache Kafka: Amazon MSK (`eventSource` `aws:kafka`) and self-managed clusters
/// (`SelfManagedKafka`).
///
/// The event's `records` object maps `"<topic>-<partition>"` to an array of [`KafkaRecord`]s;
/// records are processed in the order the event lists them (the members as written, each array
/// in order). A record is identified by its own `topic`, `partition` and `offset`; its ordering
/// key is its topic-partition, so with [`stop_on_first_failure`](crate::BatchProcessor::stop_on_first_failure)
/// a failure stops only its partition. [`Json<T>`](crate::Json) reads the base64-decoded
/// `value`, and `Option<Json<T>>` gives `None` for a tombstone (a `null` or missing `value`).
/// The response is a [`KafkaEventResponse`].
///
/// [`RecordCx::id`](crate::RecordCx::id) of a Kafka record is `<topic>-<partition>@<offset>`.
///
/// Lambda accepts partial batch responses from a Kafka event source mapping only in
/// provisioned mode (`ProvisionedPollerConfig`) with `FunctionResponseTypes:
/// [ReportBatchItemFailures]`.
///
/// ```
/// use batch_core::{BatchProcessor, Json, RecordCx, RecordError, handler_fn};
/// use batch_core::source::Kafka;
/// use batch_core::testing::event_from_str;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handler = handler_fn(|record: &RecordCx<'_, Kafka>| -> Result<(), RecordError> {
///     let Json(quantity) = record.extract::<Json<u32>>()?;
///     if quantity == 0 { return Err(RecordError::handler("empty order")) }
///     Ok(())
/// });
/// // "MQ==" is `1`, "MA==" is `0`.
/// let event = event_from_str(r#"{"eventSource": "aws:kafka", "records": {"orders-0": [
///     {"topic": "orders", "partition": 0, "offset": 15, "value": "MQ=="},
///     {"topic": "orders", "partition": 0, "offset": 16, "value": "MA=="}
/// ]}}"#);
/// let response = BatchProcessor::<Kafka>::new().run(event, &handler).await.unwrap();
/// assert_eq!(
///     serde_json::to_string(&response).unwrap(),
///     r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":16}}]}"#
/// );
/// # });
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Kafka;

impl BatchSource for Kafka {
    const EVENT_SOURCE: &'static str = "aws:kafka or SelfManagedKafka";
    const NAME: &'static str = "Kafka";
    // Reads in messages as "it has no usable `topic`, `partition` or `offset`".
    const ID_FIELD: &'static str = "topic`, `partition` or `offset";
    const ORDERED: bool = true;
    const STOP_PER_ORDERING_KEY: bool = true;
    type Record = KafkaRecord;
    type Response = KafkaEventResponse;

    /// The records of every member of `records`, member by member as the text lists them.
    ///
    /// One pass over the event: `records` is read where it is met, its records handed to
    /// `visit`, the other members skipped. The envelope's errors keep their order whatever the
    /// members' order: a member named twice, then `eventSource`, then the shape of `records`,
    /// then what reading its members found.
    fn for_each_record<'e>(
        event: EventText<'e>,
        mut visit: impl FnMut(&'e str) -> Result<usize, BatchError>,
    ) -> Result<(), BatchError> {
        let invalid = |reason: String| BatchError::InvalidEvent {
            expected: Self::EVENT_SOURCE,
            reason,
        };
        let text = event_object(event, Self::EVENT_SOURCE)?;
        let names = ["eventSource", "records"];
        let mut found: [Option<&str>; 2] = [None; 2];
        let mut records_read = None;
        let mut fields = scan::fields(text);
        while let Some(field) = fields.next_key() {
            let Some((key, rest)) = field else {
                return Err(invalid("the event is not valid JSON".to_owned()));
            };
            let named = fields.key_position(key, &names);
            let first_records = named == Some(1) && found[1].is_none();
            let len = if first_records && Kind::of(rest) == Kind::Object {
                let (read, len) = read_records(rest, &mut visit);
                records_read = Some(read);
                len
            } else {
                scan::value_len(rest)
                    .ok_or_else(|| invalid("the event is not valid JSON".to_owned()))?
            };
            fields.skip_value(len);
            if let Some(i) = named
                && found[i].replace(&rest[..len]).is_some()
            {
                return Err(invalid(format!("it has two `{}` fields", names[i])));
            }
        }
        let [event_source, records] = found;
        if let Some(raw) = event_source {
            match scan::string(raw) {
                Ok(found) if found == MSK || found == SELF_MANAGED => {}
                // Named only when it is a known source: any other value is payload.
                Ok(found) => {
                    return Err(invalid(format!("it comes from {}", source_name(&found))));
                }
                Err(why) => {
                    return Err(invalid(format!("its `eventSource` {}", why.describe())));
                }
            }
        }
        let Some(records) = records else {
            return Err(invalid("it has no `records` field".to_owned()));
        };
        match Kind::of(records) {
            // `null` is an empty batch, as aws_lambda_events reads it.
            Kind::Null => Ok(()),
            Kind::Object => records_read.unwrap_or(Ok(())),
            kind => Err(invalid(format!(
                "its `records` field is {}, not an object of arrays",
                kind.describe()
            ))),
        }
    }

    fn read_header(rest: &str) -> RecordHeader<'_> {
        let fields = ["topic", "partition", "offset", "value"];
        let (picked, len) = match pick_prefix(rest, fields, "the record") {
            (Ok(picked), len) => (picked, len),
            (Err(reason), len) => return RecordHeader::unreadable(reason, len),
        };
        // A field named twice reads as `None`: a record with two `topic`, `partition` or
        // `offset` fields has no identifier (R7), one with two `value` fields fails alone.
        let [topic, partition, offset, value] = picked.values;
        let mut header = RecordHeader {
            ordering: Some(&rest[..len]),
            payload: value,
            len,
            ..RecordHeader::default()
        };
        header.note_duplicates(&picked, fields, "the record");
        let topic = topic.and_then(|raw| read_field(&mut header, raw, "topic", text));
        let partition =
            partition.and_then(|raw| read_field(&mut header, raw, "partition", integer_text));
        let offset = offset.and_then(|raw| read_field(&mut header, raw, "offset", integer_text));
        if let (Some(topic), Some(partition), Some(offset)) = (topic, partition, offset) {
            // `topic-partition@offset`, put together without the formatting machinery: this
            // runs for every record.
            let mut id = String::with_capacity(topic.len() + partition.len() + offset.len() + 2);
            for part in [&*topic, "-", partition, "@", offset] {
                id.push_str(part);
            }
            header.id = Some(Cow::Owned(id));
        }
        header
    }

    /// The topic-partition, from the record's own `topic` and `partition` (the raw field the
    /// header keeps is the whole record).
    fn ordering_key(raw: &str) -> Result<Option<Cow<'_, str>>, String> {
        let [topic, partition] = pick(raw, ["topic", "partition"], "the record")?;
        let (Some(topic), Some(partition)) = (topic, partition) else {
            return Ok(None);
        };
        let topic = text(topic).map_err(|why| format!("`topic` {why}"))?;
        let partition = integer(partition).map_err(|why| format!("`partition` {why}"))?;
        Ok(Some(Cow::Owned(format!("{topic}-{partition}"))))
    }

    /// The raw field is the whole record, its value included; the key reads two members,
    /// which the identifier `topic-partition@offset` already holds, checked.
    fn compact_ordering<'e>(header: &RecordHeader<'e>) -> Option<Cow<'e, str>> {
        let raw = header.ordering?;
        let from_id = header.id.as_deref().and_then(|id| {
            let (topic_partition, _offset) = id.rsplit_once('@')?;
            let (topic, partition) = topic_partition.rsplit_once('-')?;
            let topic = serde_json::to_string(topic).ok()?;
            Some(format!(r#"{{"topic":{topic},"partition":{partition}}}"#))
        });
        Some(match from_id {
            Some(kept) => Cow::Owned(kept),
            None => super::keep_members(raw, ["topic", "partition"]),
        })
    }

    /// [`read_header`](Self::read_header) has checked `topic` and `partition` already.
    fn check_ordering(_raw: &str) -> Result<(), String> {
        Ok(())
    }

    fn read_record(raw: &str) -> Option<KafkaRecord> {
        super::kafka_record::read_record(raw)
    }

    fn response<'a>(failed: impl Iterator<Item = &'a str>) -> KafkaEventResponse {
        KafkaEventResponse {
            batch_item_failures: failed
                .map(|id| KafkaBatchItemFailure {
                    item_identifier: KafkaItemIdentifier::from_id(id),
                })
                .collect(),
        }
    }
}

impl StreamSource for Kafka {}

impl JsonPayload for Kafka {
    fn json_payload<'e>(
        header: &RecordHeader<'e>,
        record: &dyn fmt::Display,
    ) -> Result<JsonBytes<'e>, RecordError> {
        let Some(value) = header.payload else {
            return Err(RecordError::extract(format!(
                "{record}: `value` is null or missing, a tombstone (take `Option<Json<T>>` to \
                 accept tombstones)"
            )));
        };
        let malformed = |reason: String| {
            RecordError::new(
                RecordErrorKind::Malformed,
                format!("{record}: `value` {reason}"),
            )
        };
        base64_payload(value, malformed)
    }
}

impl TombstonePayload for Kafka {}

/// Reads the `records` object at the start of `rest` (the event may go on after it): hands each
/// record of each topic-partition array to `visit`, in the text's order. Returns what the
/// reading found and the object's length, measured separately when the reading stopped early.
fn read_records<'e>(
    rest: &'e str,
    visit: &mut impl FnMut(&'e str) -> Result<usize, BatchError>,
) -> (Result<(), BatchError>, usize) {
    let stopped = |error: BatchError| (Err(error), scan::value_len(rest).unwrap_or(rest.len()));
    let invalid = |reason: String| BatchError::InvalidEvent {
        expected: Kafka::EVENT_SOURCE,
        reason,
    };
    let mut partitions = HashSet::new();
    let mut members = scan::fields(rest);
    while let Some(member) = members.next_key() {
        let Some((key, array)) = member else {
            return stopped(invalid("the event is not valid JSON".to_owned()));
        };
        let name = scan::key(key).unwrap_or(Cow::Borrowed(key));
        if Kind::of(array) != Kind::Array {
            return stopped(invalid(format!(
                "`records.{name}` is {}, not an array",
                Kind::of(array).describe()
            )));
        }
        if !partitions.insert(name.clone()) {
            return stopped(invalid(format!("`records` has two `{name}` members")));
        }
        let mut cursor = ArrayCursor::new(array);
        while let Some(record) = cursor.next_start() {
            match visit(record) {
                Ok(len) => cursor.advance(len),
                Err(error) => return stopped(error),
            }
        }
        members.skip_value(cursor.len());
    }
    match members.end() {
        Some(len) => (Ok(()), len),
        None => stopped(invalid("the event is not valid JSON".to_owned())),
    }
}

/// Reads one identifier field with `parse`; a value that does not parse makes the record
/// malformed (and, as it cannot be reported, unidentifiable).
fn read_field<'e, T>(
    header: &mut RecordHeader<'e>,
    raw: &'e str,
    field: &str,
    parse: fn(&'e str) -> Result<T, String>,
) -> Option<T> {
    match parse(raw) {
        Ok(value) => Some(value),
        Err(why) => {
            header.note_malformed(format!("`{field}` {why}"));
            None
        }
    }
}

/// A string field's text; why not, never with the value itself.
fn text(raw: &str) -> Result<Cow<'_, str>, String> {
    scan::string(raw).map_err(|why| why.describe())
}

/// A JSON integer that fits an `i64`, as `i64`'s `Display` writes it: the text itself (valid
/// JSON writes integers without leading zeros or `+`), except `-0`.
fn integer_text(raw: &str) -> Result<&str, String> {
    integer(raw)?;
    Ok(if raw == "-0" { "0" } else { raw })
}

/// A JSON integer read exactly from its text (no `f64` on the way), when it fits an `i64`;
/// why not, never with the value itself.
fn integer(raw: &str) -> Result<i64, String> {
    raw.parse().map_err(|_| match Kind::of(raw) {
        Kind::Number => "is a number that is not an integer of at most 64 bits".to_owned(),
        kind => format!("is {}, not an integer", kind.describe()),
    })
}

/// The response to a Kafka batch: the records that failed .
///
/// `aws_lambda_events` has no Kafka response type; this one is named as the pending upstream
/// one is, and serializes as Lambda expects:
///
/// ```
/// use batch_core::{KafkaBatchItemFailure, KafkaEventResponse, KafkaItemIdentifier};
///
/// let response = KafkaEventResponse {
///     batch_item_failures: vec![KafkaBatchItemFailure {
///         item_identifier: KafkaItemIdentifier { partition: "orders-0".into(), offset: 15 },
///     }],
/// };
/// let json = r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":15}}]}"#;
/// assert_eq!(serde_json::to_string(&response).unwrap(), json);
/// assert_eq!(serde_json::from_str::<KafkaEventResponse>(json).unwrap(), response);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KafkaEventResponse {
    /// One entry per failed record, in input order.
    pub batch_item_failures: Vec<KafkaBatchItemFailure>,
}

/// One failed Kafka record in a [`KafkaEventResponse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KafkaBatchItemFailure {
    /// Which record failed.
    pub item_identifier: KafkaItemIdentifier,
}

/// A Kafka record's identifier: its topic-partition and offset.
///
/// ```
/// let id = batch_core::KafkaItemIdentifier { partition: "orders-1".into(), offset: i64::MAX };
/// assert_eq!(
///     serde_json::to_string(&id).unwrap(),
///     r#"{"partition":"orders-1","offset":9223372036854775807}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KafkaItemIdentifier {
    /// `<topic>-<partition>`, from the record's own `topic` and `partition`.
    pub partition: String,
    /// The record's offset in its partition.
    pub offset: i64,
}

impl KafkaItemIdentifier {
    /// The identifier from a record id as [`Kafka::read_header`] builds it,
    /// `<topic>-<partition>@<offset>`; the offset is the part after the last `@`, as a topic
    /// may hold any character.
    fn from_id(id: &str) -> Self {
        match id
            .rsplit_once('@')
            .map(|(partition, offset)| (partition, offset.parse()))
        {
            Some((partition, Ok(offset))) => Self {
                partition: partition.to_owned(),
                offset,
            },
            // Every Kafka id is built by `read_header`, so this does not happen. Were it to,
            // the whole id names a partition that is not in the batch: Lambda then fails the
            // whole batch and retries it, which acknowledges nothing.
            _ => Self {
                partition: id.to_owned(),
                offset: -1,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::BatchEvent;

    fn header(text: &str) -> RecordHeader<'_> {
        Kafka::read_header(text)
    }

    fn records(event: &str) -> Result<Vec<&str>, BatchError> {
        let event = Box::leak(Box::new(BatchEvent::from_json(event)));
        let mut found = Vec::new();
        Kafka::for_each_record(event.event_text(), |rest| {
            let len = scan::value_len(rest).unwrap();
            found.push(&rest[..len]);
            Ok(len)
        })?;
        Ok(found)
    }

    fn reason(event: &str) -> String {
        match records(event) {
            Err(BatchError::InvalidEvent { reason, expected }) => {
                assert_eq!(expected, "aws:kafka or SelfManagedKafka");
                reason
            }
            other => panic!("expected InvalidEvent, got {other:?}"),
        }
    }

    #[test]
    fn members_in_the_order_written_each_array_in_order() {
        // A hash map or a sorted map would give "a-0" before "z-9".
        let event = r#"{"eventSource": "SelfManagedKafka", "records": {
            "z-9": [1, 2], "a-0": [3], "m-5": [], "b-1": [4, 5]}}"#;
        assert_eq!(records(event).unwrap(), ["1", "2", "3", "4", "5"]);
    }

    #[test]
    fn empty_or_null_records_are_an_empty_batch() {
        assert!(
            records(r#"{"eventSource": "aws:kafka", "records": {}}"#)
                .unwrap()
                .is_empty()
        );
        assert!(
            records(r#"{"eventSource": "aws:kafka", "records": null}"#)
                .unwrap()
                .is_empty()
        );
        assert!(records(r#"{"records": {"t-0": []}}"#).unwrap().is_empty());
    }

    #[test]
    fn rejects_every_malformed_envelope() {
        assert_eq!(
            reason(r#"{"eventSource": "aws:kafka"}"#),
            "it has no `records` field"
        );
        assert_eq!(reason(r#"{"Records": []}"#), "it has no `records` field");
        assert_eq!(
            reason(r#"{"records": [[1]]}"#),
            "its `records` field is an array, not an object of arrays"
        );
        assert_eq!(
            reason(r#"{"records": "x"}"#),
            "its `records` field is a string, not an object of arrays"
        );
        assert_eq!(
            reason(r#"{"records": {"t-0": {"a": 1}}}"#),
            "`records.t-0` is an object, not an array"
        );
        assert_eq!(
            reason(r#"{"records": {"t-0": [], "t-0": [1]}}"#),
            "`records` has two `t-0` members"
        );
        assert_eq!(
            reason(r#"{"records": {}, "records": {}}"#),
            "it has two `records` fields"
        );
        assert_eq!(
            reason(r#"{"eventSource": "aws:sqs", "records": {}}"#),
            "it comes from aws:sqs"
        );
        assert_eq!(
            reason(r#"{"eventSource": 7, "records": {}}"#),
            "its `eventSource` is a number, not a string"
        );
        assert!(reason("[]").starts_with("the event is not a JSON object"));
        assert!(reason("{").starts_with("the event is not valid JSON"));
    }

    #[test]
    fn a_wrong_event_source_after_the_records_is_still_refused() {
        assert_eq!(
            reason(r#"{"records": {"t-0": [1]}, "eventSource": "aws:kinesis"}"#),
            "it comes from aws:kinesis"
        );
    }

    #[test]
    fn reads_topic_partition_offset_and_value() {
        let h = header(
            r#"{"topic":"orders","partition":3,"offset":9223372036854775807,"value":"e30="}"#,
        );
        assert_eq!(h.id.as_deref(), Some("orders-3@9223372036854775807"));
        assert_eq!(h.payload, Some(r#""e30=""#));
        assert!(h.malformed.is_none() && h.foreign_source.is_none());
        assert_eq!(
            Kafka::ordering_key(h.ordering.unwrap()).unwrap().as_deref(),
            Some("orders-3")
        );
    }

    #[test]
    fn identifiers_write_integers_as_i64_does() {
        let h = header(r#"{"topic":"t-1","partition":-0,"offset":-0,"value":null}"#);
        assert_eq!(h.id.as_deref(), Some("t-1-0@0"));
        let h = header(r#"{"topic":"t","partition":-12,"offset":-9223372036854775808}"#);
        assert_eq!(h.id.as_deref(), Some("t--12@-9223372036854775808"));
    }

    #[test]
    fn a_null_value_is_no_payload() {
        let h = header(r#"{"topic":"t","partition":0,"offset":1,"value":null}"#);
        assert!(h.payload.is_none());
        assert_eq!(h.id.as_deref(), Some("t-0@1"));
    }

    #[test]
    fn identifier_fields_that_do_not_fit_leave_no_identifier() {
        for (record, malformed) in [
            (r#"{"topic":"t","partition":0}"#, None),
            (r#"{"partition":0,"offset":1}"#, None),
            (
                r#"{"topic":"t","partition":0,"offset":1.5}"#,
                Some("`offset` is a number that is not an integer of at most 64 bits"),
            ),
            (
                r#"{"topic":"t","partition":0,"offset":9223372036854775808}"#,
                Some("`offset` is a number that is not an integer of at most 64 bits"),
            ),
            (
                r#"{"topic":"t","partition":"0","offset":1}"#,
                Some("`partition` is a string, not an integer"),
            ),
            (
                r#"{"topic":5,"partition":0,"offset":1}"#,
                Some("`topic` is a number, not a string"),
            ),
        ] {
            let h = header(record);
            assert!(h.id.is_none(), "{record}");
            assert_eq!(h.malformed.as_deref(), malformed, "{record}");
        }
    }

    #[test]
    fn ordering_key_needs_topic_and_partition() {
        assert_eq!(Kafka::ordering_key(r#"{"topic":"t"}"#), Ok(None));
        assert_eq!(
            Kafka::ordering_key(r#"{"topic":"t","partition":true}"#),
            Err("`partition` is a boolean, not an integer".to_owned())
        );
    }

    #[test]
    fn response_carries_partition_and_exact_offset() {
        let ids = ["my-topic-1@0", "a@b-2@-1", "t-0@9223372036854775807"];
        let json = serde_json::to_string(&Kafka::response(ids.into_iter())).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"batchItemFailures":["#,
                r#"{"itemIdentifier":{"partition":"my-topic-1","offset":0}},"#,
                r#"{"itemIdentifier":{"partition":"a@b-2","offset":-1}},"#,
                r#"{"itemIdentifier":{"partition":"t-0","offset":9223372036854775807}}]}"#
            )
        );
    }
}
