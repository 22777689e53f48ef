//! The reference model: what DESIGN §4 and §5 say a batch gives, computed slowly and
//! sequentially on the event read by [`json`](crate::json), without any of batch-core's code.
//!
//! Rules modelled: R1 (each record once, in order), R2/R3 (identifiers and order), R4 (entire
//! batch failed), R5 and R6 (FIFO), R7 (unidentifiable failure), R8 (malformed events and
//! records, validated as far as they are read), R9 (concurrency gives the sequential result),
//! R15 and R16 (stop on first failure; Kafka per partition).

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::json::{Field, Json, Text, field, members};
use super::{Config, Target, fate};

/// A reported identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Id {
    /// SQS `messageId`, Kinesis or DynamoDB sequence number.
    Text(String),
    /// Kafka: `<topic>-<partition>` and offset.
    Kafka { partition: String, offset: i64 },
}

/// What an invocation gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The invocation fails: nothing is acknowledged, Lambda retries the whole batch.
    Fails,
    /// The response lists these records as failed, in input order.
    Reports(Vec<Id>),
}

/// One record as the model reads it.
#[derive(Debug, Default)]
pub struct Record {
    /// The identifier the response would carry.
    pub id: Option<Id>,
    /// What the handler sees as the record's id (`RecordCx::id`).
    pub handler_id: Option<String>,
    /// Why the record fails without running, when it does not fit its source's schema.
    pub malformed: bool,
    /// The FIFO message group or Kafka topic-partition, when readable.
    pub key: Option<String>,
    /// Whether `Json<serde_json::Value>` of the payload succeeds.
    pub payload_ok: bool,
}

/// The records of an event, or `None` when the event itself is rejected (R8).
pub fn records(target: Target, event: &Json<'_>) -> Option<Vec<Record>> {
    let Json::Object(top) = event else {
        return None;
    };
    match target {
        Target::Kafka => kafka_records(top),
        _ => {
            let mut found = members(top, "Records");
            let (Some(Json::Array(items)), None) = (found.next(), found.next()) else {
                return None;
            };
            items.iter().map(|item| record(target, item)).collect()
        }
    }
}

/// The outcome the model predicts for `event` under `config`.
pub fn expected(config: &Config, event: &Json<'_>) -> Outcome {
    let Some(records) = records(config.target, event) else {
        return Outcome::Fails;
    };
    let mut failed_any = false;
    let mut failed_keys = HashSet::new();
    let mut failures = Vec::new();
    for record in &records {
        let key = record.key.as_deref();
        let skipped = match config.target {
            // R5: after the first failure nothing runs.
            Target::SqsFifo => failed_any,
            // R6: a failed group's later records do not run; no group is never skipped.
            Target::SqsFifoSkipGroup => key.is_some_and(|key| failed_keys.contains(key)),
            // R15: after the first failure nothing starts.
            Target::Kinesis | Target::DynamoDb => config.stop_on_first_failure && failed_any,
            // R16: per topic-partition.
            Target::Kafka => {
                config.stop_on_first_failure && key.is_some_and(|key| failed_keys.contains(key))
            }
            Target::Sqs => false,
        };
        let failed = skipped
            || record.malformed
            || (config.extract_payload && !record.payload_ok)
            || !fate(config.salt, record.handler_id.as_deref()).succeeds();
        if failed {
            failed_any = true;
            if let Some(key) = key {
                failed_keys.insert(key.to_owned());
            }
            failures.push(record.id.clone());
        }
    }
    // R4: every record failed.
    if !records.is_empty()
        && failures.len() == records.len()
        && config.raise_on_entire_batch_failure
    {
        return Outcome::Fails;
    }
    // R7: a failure that cannot be named.
    match failures.into_iter().collect::<Option<Vec<_>>>() {
        Some(ids) => Outcome::Reports(ids),
        None => Outcome::Fails,
    }
}

/// The identifier rule of SQS, Kinesis and DynamoDB (R2, R7): a non-empty string; a value of
/// another type, or not valid Unicode, makes the record malformed.
fn text_id(found: Field<'_, '_>, record: &mut Record) {
    match found {
        Field::Absent => {}
        Field::Twice => record.malformed = true,
        Field::Present(Json::String(Text {
            value: Some(id), ..
        })) => {
            if !id.is_empty() {
                record.id = Some(Id::Text(id.clone()));
                record.handler_id = Some(id.clone());
            }
        }
        Field::Present(_) => record.malformed = true,
    }
}

/// A record's `eventSource`: `None` when the event must be rejected because it names another
/// source (R8).
fn event_source(
    object: &[(Text<'_>, Json<'_>)],
    expected: &str,
    record: &mut Record,
) -> Option<()> {
    match field(object, "eventSource") {
        Field::Absent => {}
        Field::Twice => record.malformed = true,
        Field::Present(Json::String(Text {
            value: Some(found), ..
        })) => {
            if found != expected {
                return None;
            }
        }
        Field::Present(_) => record.malformed = true,
    }
    Some(())
}

/// Whether a JSON text parses as a `serde_json::Value` (what `Json<Value>` does).
fn json_ok(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes).is_ok()
}

/// A string payload that is JSON text (SQS `body`).
fn text_payload(found: Field<'_, '_>) -> bool {
    match found {
        Field::Present(Json::String(Text {
            value: Some(text), ..
        })) => json_ok(text.as_bytes()),
        _ => false,
    }
}

/// A string payload that is base64 of JSON text (Kinesis `data`, Kafka `value`).
fn base64_payload(found: Field<'_, '_>) -> bool {
    match found {
        Field::Present(Json::String(Text {
            value: Some(text), ..
        })) => BASE64
            .decode(text.as_bytes())
            .is_ok_and(|bytes| json_ok(&bytes)),
        _ => false,
    }
}

/// One record of SQS, Kinesis or DynamoDB; `None` when it names another source.
fn record(target: Target, item: &Json<'_>) -> Option<Record> {
    let mut record = Record::default();
    let Json::Object(object) = item else {
        record.malformed = true;
        return Some(record);
    };
    match target {
        Target::Sqs | Target::SqsFifo | Target::SqsFifoSkipGroup => {
            event_source(object, "aws:sqs", &mut record)?;
            // The members a reader of the header reads: each one named twice fails the record.
            for name in [
                "messageId",
                "attributes",
                "body",
                "receiptHandle",
                "eventSourceARN",
            ] {
                if matches!(field(object, name), Field::Twice) {
                    record.malformed = true;
                }
            }
            text_id(field(object, "messageId"), &mut record);
            record.payload_ok = text_payload(field(object, "body"));
            if target != Target::Sqs {
                fifo_group(field(object, "attributes"), &mut record);
            }
        }
        Target::Kinesis => {
            event_source(object, "aws:kinesis", &mut record)?;
            let Some(kinesis) = container(object, "kinesis", &mut record) else {
                return Some(record);
            };
            for name in ["sequenceNumber", "partitionKey", "data"] {
                if matches!(field(kinesis, name), Field::Twice) {
                    record.malformed = true;
                }
            }
            text_id(field(kinesis, "sequenceNumber"), &mut record);
            match field(kinesis, "partitionKey") {
                Field::Absent | Field::Twice => {}
                Field::Present(Json::String(Text { value: Some(_), .. })) => {}
                Field::Present(_) => record.malformed = true,
            }
            record.payload_ok = base64_payload(field(kinesis, "data"));
        }
        Target::DynamoDb => {
            event_source(object, "aws:dynamodb", &mut record)?;
            let Some(dynamodb) = container(object, "dynamodb", &mut record) else {
                return Some(record);
            };
            for name in ["SequenceNumber", "Keys", "NewImage", "OldImage"] {
                if matches!(field(dynamodb, name), Field::Twice) {
                    record.malformed = true;
                }
            }
            text_id(field(dynamodb, "SequenceNumber"), &mut record);
            match field(dynamodb, "Keys") {
                Field::Absent | Field::Twice | Field::Present(Json::Object(_)) => {}
                Field::Present(_) => record.malformed = true,
            }
            // The payload of a DynamoDB record is not extracted by the fuzz handler.
            record.payload_ok = true;
        }
        Target::Kafka => unreachable!("Kafka records are read by kafka_records"),
    }
    Some(record)
}

/// The nested object of a stream record (`kinesis`, `dynamodb`); without it the record is
/// malformed and has no identifier.
fn container<'j, 'a>(
    object: &'j [(Text<'a>, Json<'a>)],
    name: &'j str,
    record: &mut Record,
) -> Option<&'j [(Text<'a>, Json<'a>)]> {
    match field(object, name) {
        Field::Present(Json::Object(inner)) => Some(inner),
        _ => {
            record.malformed = true;
            None
        }
    }
}

/// R6: `attributes.MessageGroupId`; missing or empty is no group, anything else that is not a
/// string makes the record malformed.
fn fifo_group(attributes: Field<'_, '_>, record: &mut Record) {
    let attributes = match attributes {
        Field::Absent | Field::Twice => return,
        Field::Present(Json::Object(attributes)) => attributes,
        Field::Present(_) => {
            record.malformed = true;
            return;
        }
    };
    match field(attributes, "MessageGroupId") {
        Field::Absent => {}
        Field::Present(Json::String(Text {
            value: Some(group), ..
        })) => {
            if !group.is_empty() {
                record.key = Some(group.clone());
            }
        }
        Field::Twice | Field::Present(_) => record.malformed = true,
    }
}

/// R16: the records of a Kafka event, member by member of `records`, each array in order.
fn kafka_records(top: &[(Text<'_>, Json<'_>)]) -> Option<Vec<Record>> {
    let mut sources = members(top, "eventSource");
    match (sources.next(), sources.next()) {
        (None, _) => {}
        (
            Some(Json::String(Text {
                value: Some(found), ..
            })),
            None,
        ) if found == "aws:kafka" || found == "SelfManagedKafka" => {}
        _ => return None,
    }
    let mut found = members(top, "records");
    let partitions = match (found.next(), found.next()) {
        (Some(Json::Null), None) => return Some(Vec::new()),
        (Some(Json::Object(partitions)), None) => partitions,
        _ => return None,
    };
    let mut names = HashSet::new();
    let mut records = Vec::new();
    for (name, array) in partitions {
        let Json::Array(items) = array else {
            return None;
        };
        if !names.insert(name.identity().to_owned()) {
            return None;
        }
        records.extend(items.iter().map(kafka_record));
    }
    Some(records)
}

fn kafka_record(item: &Json<'_>) -> Record {
    let mut record = Record::default();
    let Json::Object(object) = item else {
        record.malformed = true;
        return record;
    };
    for name in ["topic", "partition", "offset", "value"] {
        if matches!(field(object, name), Field::Twice) {
            record.malformed = true;
        }
    }
    let topic = match field(object, "topic") {
        Field::Present(Json::String(Text {
            value: Some(topic), ..
        })) => Some(topic.clone()),
        Field::Absent | Field::Twice => None,
        Field::Present(_) => {
            record.malformed = true;
            None
        }
    };
    let mut integer = |name| match field(object, name) {
        // An integer of at most 64 bits, read exactly from its text.
        Field::Present(Json::Number(text)) => match text.parse::<i64>() {
            Ok(value) => Some(value),
            Err(_) => {
                record.malformed = true;
                None
            }
        },
        Field::Absent | Field::Twice => None,
        Field::Present(_) => {
            record.malformed = true;
            None
        }
    };
    let partition = integer("partition");
    let offset = integer("offset");
    if let (Some(topic), Some(partition)) = (&topic, partition) {
        let partition = format!("{topic}-{partition}");
        record.key = Some(partition.clone());
        if let Some(offset) = offset {
            record.handler_id = Some(format!("{partition}@{offset}"));
            record.id = Some(Id::Kafka { partition, offset });
        }
    }
    // A tombstone (`value` null or missing) fails `Json<T>`.
    record.payload_ok = base64_payload(field(object, "value"));
    record
}
