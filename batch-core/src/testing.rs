//! Helpers for tests of handlers: events in one line, a test context, record builders.
//!
//! ```
//! use batch_core::testing::{event_from_records, sqs_message};
//!
//! let event: batch_core::LambdaEvent<batch_core::BatchEvent> =
//!     event_from_records([sqs_message("1", r#"{"sku": "A-1"}"#)]);
//! assert_eq!(event.context.env_config.function_name, "test-function");
//! assert!(event.payload.as_str().contains(r#""messageId":"1""#));
//! ```

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lambda_runtime::{Config, Context, LambdaEvent};
use serde_json::{Value, json};

use crate::event::HandlerEvent;

/// How far ahead of now a test context's deadline is: 15 minutes, Lambda's longest timeout.
pub const TEST_DEADLINE: Duration = Duration::from_secs(15 * 60);

/// A Lambda context for tests and local invoke: a fresh request id, `function_name`, and a
/// deadline 15 minutes ahead.
///
/// ```
/// let context = batch_core::testing::test_context("orders");
/// assert_eq!(context.env_config.function_name, "orders");
/// assert_eq!(context.request_id.len(), 36);
/// assert!(context.invoked_function_arn.ends_with(":function:orders"));
/// ```
pub fn test_context(function_name: &str) -> Context {
    test_context_with_remaining(function_name, TEST_DEADLINE)
}

/// Like [`test_context`], with a deadline `remaining` ahead of now instead of 15 minutes: to see
/// the deadline guard (`deadline_margin_ms`) stop records in a test.
///
/// ```
/// use std::time::Duration;
/// use batch_core::DeadlineExt;
///
/// let context = batch_core::testing::test_context_with_remaining("orders", Duration::from_secs(2));
/// let left = context.remaining().unwrap();
/// assert!(left > Duration::from_secs(1) && left <= Duration::from_secs(2));
/// ```
pub fn test_context_with_remaining(function_name: &str, remaining: Duration) -> Context {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let config = Config {
        function_name: function_name.to_owned(),
        memory: 128,
        version: "$LATEST".to_owned(),
        ..Config::default()
    };
    let deadline = now.saturating_add(remaining).as_millis();
    let mut context = Context::default();
    context.request_id = request_id();
    context.deadline = u64::try_from(deadline).unwrap_or(u64::MAX);
    context.invoked_function_arn =
        format!("arn:aws:lambda:us-east-1:000000000000:function:{function_name}");
    context.env_config = Arc::new(config);
    context
}

/// A UUID-shaped random request id.
fn request_id() -> String {
    let random = |salt: u64| {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.finish()
    };
    let (a, b) = (random(1), random(2));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

#[doc(hidden)]
pub fn test_event<E>(payload: E, context: Context) -> LambdaEvent<E> {
    LambdaEvent::new(payload, context)
}

/// An event from JSON text, with a test context (function name `test-function`), ready for
/// `lambda_handler`: its type is the one the `lambda_handler` it is given to takes (any
/// [`HandlerEvent`]). Invalid JSON is kept as is and reported by the handler.
///
/// ```
/// use batch_core::{BatchEvent, LambdaEvent};
///
/// let event: LambdaEvent<BatchEvent> = batch_core::testing::event_from_str(r#"{"Records": []}"#);
/// assert_eq!(event.payload.as_str(), r#"{"Records": []}"#);
/// ```
pub fn event_from_str<E: HandlerEvent>(json: &str) -> LambdaEvent<E> {
    test_event(E::from_event_json(json), test_context("test-function"))
}

/// An event read from a JSON file, with a test context, ready for `lambda_handler`.
///
/// # Panics
/// When the file cannot be read, with the path and the cause: it is a test helper.
///
/// ```
/// # let dir = std::env::temp_dir().join("batch-core-doctest-event.json");
/// # std::fs::write(&dir, r#"{"Records": []}"#).unwrap();
/// let event: batch_core::LambdaEvent<batch_core::BatchEvent> =
///     batch_core::testing::event_from_file(&dir);
/// assert_eq!(event.payload.as_str(), r#"{"Records": []}"#);
/// ```
pub fn event_from_file<E: HandlerEvent>(path: impl AsRef<Path>) -> LambdaEvent<E> {
    let path = path.as_ref();
    match std::fs::read_to_string(path) {
        Ok(text) => event_from_str(&text),
        Err(e) => panic!("cannot read event file `{}`: {e}", path.display()),
    }
}

/// An event whose `Records` are these records, with a test context.
pub fn event_from_records<E: HandlerEvent>(
    records: impl IntoIterator<Item = Value>,
) -> LambdaEvent<E> {
    let records: Vec<Value> = records.into_iter().collect();
    // Serializing a `Value` cannot fail.
    let text = serde_json::to_string(&json!({ "Records": records })).unwrap_or_default();
    test_event(E::from_event_json(&text), test_context("test-function"))
}

/// An SQS standard-queue record with this `messageId` and `body`.
///
/// ```
/// let record = batch_core::testing::sqs_message("m-1", "hello");
/// assert_eq!(record["eventSource"], "aws:sqs");
/// ```
pub fn sqs_message(message_id: &str, body: &str) -> Value {
    json!({
        "messageId": message_id,
        "receiptHandle": format!("handle-{message_id}"),
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1545082649183",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1545082649185"
        },
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:my-queue",
        "awsRegion": "us-east-1"
    })
}

/// An SQS FIFO record with this `messageId`, `MessageGroupId` and `body`.
///
/// ```
/// let record = batch_core::testing::fifo_message("m-1", "group-a", "hello");
/// assert_eq!(record["attributes"]["MessageGroupId"], "group-a");
/// ```
pub fn fifo_message(message_id: &str, group_id: &str, body: &str) -> Value {
    let mut record = sqs_message(message_id, body);
    record["attributes"]["MessageGroupId"] = json!(group_id);
    record["attributes"]["MessageDeduplicationId"] = json!(format!("dedup-{message_id}"));
    record["attributes"]["SequenceNumber"] = json!("18849496460467696128");
    record["eventSourceARN"] = json!("arn:aws:sqs:us-east-1:123456789012:my-queue.fifo");
    record
}

/// A Kinesis record with this sequence number and partition key; `data` is base64-encoded here.
///
/// ```
/// let record = batch_core::testing::kinesis_record("49590", "key-1", b"hi");
/// assert_eq!(record["kinesis"]["data"], "aGk=");
/// ```
pub fn kinesis_record(sequence_number: &str, partition_key: &str, data: &[u8]) -> Value {
    json!({
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": partition_key,
            "sequenceNumber": sequence_number,
            "data": base64_encode(data),
            "approximateArrivalTimestamp": 1545084650.987
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": format!("shardId-000000000006:{sequence_number}"),
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role",
        "awsRegion": "us-east-2",
        "eventSourceARN": "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"
    })
}

/// A DynamoDB Streams `INSERT` record with this sequence number, `Keys` and `NewImage`
/// (both in DynamoDB JSON).
///
/// ```
/// use serde_json::json;
/// let record = batch_core::testing::dynamodb_record("1", json!({"Id": {"N": "1"}}), json!({"Id": {"N": "1"}}));
/// assert_eq!(record["dynamodb"]["SequenceNumber"], "1");
/// ```
pub fn dynamodb_record(sequence_number: &str, keys: Value, new_image: Value) -> Value {
    json!({
        "eventID": "1",
        "eventVersion": "1.0",
        "dynamodb": {
            "Keys": keys,
            "NewImage": new_image,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
            "SequenceNumber": sequence_number,
            "SizeBytes": 26
        },
        "awsRegion": "us-west-2",
        "eventName": "INSERT",
        "eventSourceARN": "arn:aws:dynamodb:us-west-2:123456789012:table/orders/stream/2024",
        "eventSource": "aws:dynamodb"
    })
}

/// An Amazon MSK record of `topic`, `partition` at `offset`; `value` is base64-encoded here,
/// `None` gives a tombstone (`"value": null`).
///
/// ```
/// let record = batch_core::testing::kafka_record("orders", 1, 15, Some(b"hi"));
/// assert_eq!(record["value"], "aGk=");
/// assert!(batch_core::testing::kafka_record("orders", 1, 16, None)["value"].is_null());
/// ```
pub fn kafka_record(topic: &str, partition: i64, offset: i64, value: Option<&[u8]>) -> Value {
    json!({
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "timestamp": 1545084650987_i64,
        "timestampType": "CREATE_TIME",
        "key": base64_encode(format!("key-{offset}").as_bytes()),
        "value": value.map(base64_encode),
        "headers": [{"headerKey": [104, 101, 97, 100, 101, 114]}]
    })
}

/// An Amazon MSK event (`eventSource` `aws:kafka`) holding these records, with a test context.
///
/// Each record goes into the `records` member of its own `<topic>-<partition>`; the members are
/// written in the order their first record comes, so the event lists the records in the order
/// given when records of one partition are given together.
///
/// ```
/// use batch_core::testing::{kafka_event, kafka_record};
///
/// let event: batch_core::LambdaEvent<batch_core::BatchEvent> = kafka_event([
///     kafka_record("orders", 1, 15, Some(b"{}")),
///     kafka_record("orders", 0, 7, None),
/// ]);
/// let text = event.payload.as_str();
/// assert!(text.find(r#""orders-1":"#).unwrap() < text.find(r#""orders-0":"#).unwrap());
/// ```
pub fn kafka_event<E: HandlerEvent>(records: impl IntoIterator<Item = Value>) -> LambdaEvent<E> {
    let mut partitions: Vec<(String, Vec<Value>)> = Vec::new();
    for record in records {
        let name = format!(
            "{}-{}",
            record["topic"].as_str().unwrap_or_default(),
            record["partition"]
        );
        match partitions.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(record),
            None => partitions.push((name, vec![record])),
        }
    }
    // Written by hand: a `serde_json::Map` would sort the members.
    let members: Vec<String> = partitions
        .iter()
        .map(|(name, list)| {
            format!(
                "{}:{}",
                Value::from(name.as_str()),
                Value::from(list.clone())
            )
        })
        .collect();
    let text = format!(
        r#"{{"eventSource":"aws:kafka","eventSourceArn":"arn:aws:kafka:us-east-1:123456789012:cluster/demo/1","bootstrapServers":"b-1.demo.kafka.us-east-1.amazonaws.com:9092","records":{{{}}}}}"#,
        members.join(",")
    );
    test_event(E::from_event_json(&text), test_context("test-function"))
}

fn base64_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_with_padding() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_encode(b"foo"), "Zm9v");
        assert_eq!(
            base64_encode(b"{\"Message\": \"success\"}"),
            "eyJNZXNzYWdlIjogInN1Y2Nlc3MifQ=="
        );
    }

    #[test]
    fn request_ids_are_fresh() {
        assert_ne!(test_context("a").request_id, test_context("a").request_id);
    }
}
