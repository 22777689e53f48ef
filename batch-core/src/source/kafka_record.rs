//! Reading a Kafka record into [`KafkaRecord`] with the scanner, for handlers that take the
//! whole record: as `sqs_message` does for SQS (see `record_reader`), `None` wherever it is not
//! sure to give what `serde_json` gives.
//!
//! Most of what serde spends on a Kafka record goes to its headers (an array of bytes written
//! as numbers, for every header) and to its timestamp, which `aws_lambda_events` reads through
//! an untagged enum, a float and its text.

use std::collections::HashMap;
use std::sync::LazyLock;

use aws_lambda_events::encodings::MillisecondTimestamp;
use aws_lambda_events::kafka::KafkaRecord;
use chrono::{TimeZone, Utc};

use super::record_reader::{integer, keeps_only_its_fields, optional_string, read_members};
use crate::scan::{self, Kind};

/// The members of [`KafkaRecord`], as serde names them.
const FIELDS: [&str; 8] = [
    "topic",
    "partition",
    "offset",
    "timestamp",
    "timestampType",
    "key",
    "value",
    "headers",
];
const PARTITION: usize = 1;
const OFFSET: usize = 2;
const TIMESTAMP: usize = 3;
const HEADERS: usize = 7;
/// The members serde requires: `partition`, `offset`, `timestamp` and `headers`.
const REQUIRED: [usize; 4] = [PARTITION, OFFSET, TIMESTAMP, HEADERS];

/// The record `raw` (exactly the record's text) as `serde_json::from_str` reads it, or `None`
/// when it should be left to `serde_json`.
pub(super) fn read_record(raw: &str) -> Option<KafkaRecord> {
    static KEEPS_ONLY_ITS_FIELDS: LazyLock<bool> = LazyLock::new(|| {
        keeps_only_its_fields::<KafkaRecord>(
            r#"{"partition":0,"offset":0,"timestamp":0,"headers":[]}"#,
        )
    });
    if !*KEEPS_ONLY_ITS_FIELDS {
        return None;
    }
    let mut record = KafkaRecord::default();
    let mut scratch = Vec::new();
    let (seen, len) = read_members(raw, &FIELDS, |index, value_on| {
        Some(match index {
            HEADERS => {
                let (headers, len) = headers_at(value_on)?;
                record.headers = headers;
                len
            }
            PARTITION | OFFSET | TIMESTAMP => {
                let len = scan::value_len(value_on)?;
                let value = &value_on[..len];
                match index {
                    PARTITION => record.partition = integer(value)?,
                    OFFSET => record.offset = integer(value)?,
                    _ => record.timestamp = timestamp(value)?,
                }
                len
            }
            _ => {
                let (text, len) = optional_string(value_on, &mut scratch)?;
                *optional_string_field(&mut record, index)? = text;
                len
            }
        })
    })?;
    let complete = REQUIRED.iter().all(|&index| seen[index]);
    (complete && raw[len..].trim_ascii().is_empty()).then_some(record)
}

/// The `Option<String>` member at `index` of [`FIELDS`].
fn optional_string_field(record: &mut KafkaRecord, index: usize) -> Option<&mut Option<String>> {
    Some(match index {
        0 => &mut record.topic,
        4 => &mut record.timestamp_type,
        5 => &mut record.key,
        6 => &mut record.value,
        _ => return None,
    })
}

/// The largest integer every smaller one of which a float holds exactly (2^53).
const EXACT_IN_A_FLOAT: u64 = 1 << 53;

/// `timestamp`, milliseconds since the epoch written as a whole number, as
/// `aws_lambda_events` reads it. That reading goes through a float and its text; for a whole
/// number a float holds exactly, the float's text is the number's, so its arithmetic is
/// followed from there. Anything else (a fraction, an exponent, a string, a negative or larger
/// number) is left to serde.
fn timestamp(value: &str) -> Option<MillisecondTimestamp> {
    let whole: u64 = integer(value).filter(|&n| n <= EXACT_IN_A_FLOAT)?;
    let seconds = whole as f64 / 1000.0;
    let milliseconds = (seconds.fract() * 1000f64) as u32;
    let nanos = milliseconds * 1_000_000;
    let time = Utc.timestamp_opt(seconds as i64, nanos).latest()?;
    Some(MillisecondTimestamp(time))
}

/// A Kafka record's headers, as `aws_lambda_events` keeps them.
type Headers = Vec<HashMap<String, Vec<i8>>>;

/// `headers` at the start of `value_on` (the text may go on after it): an array of objects
/// whose members are arrays of bytes (`i8`) written as numbers; and its length. Read in one
/// walk: a record's headers are mostly numbers, which the scanner would otherwise walk once to
/// find each array's end and again to read them.
fn headers_at(value_on: &str) -> Option<(Headers, usize)> {
    let bytes = value_on.as_bytes();
    let mut headers = Vec::new();
    let mut pos = skip_ws(bytes, 1);
    if bytes.first() != Some(&b'[') {
        return None;
    }
    if bytes.get(pos) == Some(&b']') {
        return Some((headers, pos + 1));
    }
    loop {
        let header_on = &value_on[pos..];
        if Kind::of(header_on) != Kind::Object {
            return None;
        }
        let mut map = HashMap::new();
        let mut members = scan::fields(header_on);
        while let Some(member) = members.next_key() {
            let (key, bytes_on) = member?;
            if !members.key_is_plain() {
                return None;
            }
            let (values, len) = byte_array_at(bytes_on)?;
            members.skip_value(len);
            map.insert(key.to_owned(), values);
        }
        headers.push(map);
        pos = skip_ws(bytes, pos + members.end()?);
        match bytes.get(pos)? {
            b',' => pos = skip_ws(bytes, pos + 1),
            b']' => return Some((headers, pos + 1)),
            _ => return None,
        }
    }
}

/// An array of `i8` written as whole numbers at the start of `value_on`, and its length; `None`
/// for anything serde would read otherwise or refuse (a fraction, an exponent, `-0`, a number
/// out of range) or anything else.
fn byte_array_at(value_on: &str) -> Option<(Vec<i8>, usize)> {
    let bytes = value_on.as_bytes();
    if bytes.first() != Some(&b'[') {
        return None;
    }
    let mut values = Vec::new();
    let mut pos = skip_ws(bytes, 1);
    if bytes.get(pos) == Some(&b']') {
        return Some((values, pos + 1));
    }
    loop {
        let negative = bytes.get(pos) == Some(&b'-');
        pos += usize::from(negative);
        let start = pos;
        let mut magnitude = 0i32;
        while let Some(digit) = bytes.get(pos).filter(|b| b.is_ascii_digit()) {
            magnitude = magnitude * 10 + i32::from(digit - b'0');
            if magnitude > 128 {
                return None;
            }
            pos += 1;
        }
        // No digit, a leading zero (`-0`, which serde reads as a float, or not JSON), or a
        // number out of range.
        let digits = pos - start;
        if digits == 0 || (bytes[start] == b'0' && (negative || digits > 1)) {
            return None;
        }
        let value = if negative { -magnitude } else { magnitude };
        values.push(i8::try_from(value).ok()?);
        pos = skip_ws(bytes, pos);
        match bytes.get(pos)? {
            b',' => pos = skip_ws(bytes, pos + 1),
            b']' => return Some((values, pos + 1)),
            // A fraction, an exponent, or not JSON.
            _ => return None,
        }
    }
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

#[cfg(test)]
#[path = "kafka_record_tests.rs"]
mod tests;
