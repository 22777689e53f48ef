//! Reading a Kinesis record into [`KinesisEventRecord`] with the scanner, for handlers that
//! take the whole record: as `sqs_message` does for SQS (see `record_reader`), `None` wherever
//! it is not sure to give what `serde_json` gives.

use std::sync::LazyLock;

use aws_lambda_events::encodings::{Base64Data, SecondTimestamp};
use aws_lambda_events::kinesis::{KinesisEncryptionType, KinesisEventRecord, KinesisRecord};
use base64::Engine as _;
use chrono::{TimeZone, Utc};

use super::BASE64;
use super::record_reader::{keeps_only_its_fields, optional_string, read_members};
use crate::scan::{self, Kind};

/// The members of [`KinesisEventRecord`], as serde names them, the one it requires first.
const FIELDS: [&str; 8] = [
    "kinesis",
    "awsRegion",
    "eventID",
    "eventName",
    "eventSource",
    "eventSourceARN",
    "eventVersion",
    "invokeIdentityArn",
];
const KINESIS: usize = 0;

/// The members of [`KinesisRecord`], as serde names them.
const KINESIS_FIELDS: [&str; 6] = [
    "approximateArrivalTimestamp",
    "data",
    "encryptionType",
    "partitionKey",
    "sequenceNumber",
    "kinesisSchemaVersion",
];

/// The record `raw` (exactly the record's text) as `serde_json::from_str` reads it, or `None`
/// when it should be left to `serde_json`.
pub(super) fn read_record(raw: &str) -> Option<KinesisEventRecord> {
    static KEEPS_ONLY_ITS_FIELDS: LazyLock<bool> = LazyLock::new(|| {
        keeps_only_its_fields::<KinesisEventRecord>(
            r#"{"kinesis":{"approximateArrivalTimestamp":0,"data":""}}"#,
        ) && keeps_only_its_fields::<KinesisRecord>(
            r#"{"approximateArrivalTimestamp":0,"data":""}"#,
        )
    });
    if !*KEEPS_ONLY_ITS_FIELDS {
        return None;
    }
    let mut record = KinesisEventRecord::default();
    let mut scratch = Vec::new();
    let (seen, len) = read_members(raw, &FIELDS, |index, value_on| {
        Some(match index {
            KINESIS => {
                let (kinesis, len) = kinesis_at(value_on, &mut scratch)?;
                record.kinesis = kinesis;
                len
            }
            _ => {
                let (text, len) = optional_string(value_on, &mut scratch)?;
                *optional_string_field(&mut record, index)? = text;
                len
            }
        })
    })?;
    (seen[KINESIS] && raw[len..].trim_ascii().is_empty()).then_some(record)
}

/// The `Option<String>` member at `index` of [`FIELDS`].
fn optional_string_field(
    record: &mut KinesisEventRecord,
    index: usize,
) -> Option<&mut Option<String>> {
    Some(match index {
        1 => &mut record.aws_region,
        2 => &mut record.event_id,
        3 => &mut record.event_name,
        4 => &mut record.event_source,
        5 => &mut record.event_source_arn,
        6 => &mut record.event_version,
        7 => &mut record.invoke_identity_arn,
        _ => return None,
    })
}

/// `kinesis` at the start of `value_on` (the text may go on after it), and its length.
fn kinesis_at(value_on: &str, scratch: &mut Vec<u8>) -> Option<(KinesisRecord, usize)> {
    let mut kinesis = KinesisRecord::default();
    let (seen, len) = read_members(value_on, &KINESIS_FIELDS, |index, value_on| {
        Some(match index {
            3 | 4 => {
                // `partitionKey` and `sequenceNumber` are strings, `null` not taken.
                let (text, len) = optional_string(value_on, scratch)?;
                let text = text?;
                if index == 3 {
                    kinesis.partition_key = text;
                } else {
                    kinesis.sequence_number = text;
                }
                len
            }
            5 => {
                let (text, len) = optional_string(value_on, scratch)?;
                kinesis.kinesis_schema_version = text;
                len
            }
            _ => {
                let len = scan::value_len(value_on)?;
                let value = &value_on[..len];
                match index {
                    0 => kinesis.approximate_arrival_timestamp = seconds(value)?,
                    1 => kinesis.data = base64(value)?,
                    _ => kinesis.encryption_type = encryption_type(value)?,
                }
                len
            }
        })
    })?;
    (seen[0] && seen[1]).then_some((kinesis, len))
}

/// `data`: a base64 string, decoded as `aws_lambda_events` decodes it (the `base64` crate's
/// standard engine), by the vector decoder where that accepts it (it accepts exactly what the
/// standard engine does, as `source::base64_payload` checks).
fn base64(value: &str) -> Option<Base64Data> {
    let plain = value.strip_prefix('"').and_then(|s| s.strip_suffix('"'));
    let bytes = match plain.map(|text| base64_simd::STANDARD.decode_to_vec(text)) {
        Some(Ok(bytes)) => bytes,
        _ => BASE64.decode(scan::string(value).ok()?.as_bytes()).ok()?,
    };
    let mut data = Base64Data::default();
    *data = bytes;
    Some(data)
}

/// `encryptionType`: `"NONE"` or `"KMS"`.
fn encryption_type(value: &str) -> Option<KinesisEncryptionType> {
    match scan::string(value).ok()?.as_ref() {
        "NONE" => Some(KinesisEncryptionType::None),
        "KMS" => Some(KinesisEncryptionType::Kms),
        _ => None,
    }
}

/// `approximateArrivalTimestamp`, seconds since the epoch written as a number, as
/// `aws_lambda_events` reads it: serde_json's float, its text split at the point into whole
/// seconds and a fraction whose digits are read as a number of milliseconds. Followed step by
/// step where that number is below 1000 (so that the nanoseconds cannot overflow); anything
/// else (a string, a longer fraction, a negative number) is left to serde.
fn seconds(value: &str) -> Option<SecondTimestamp> {
    if Kind::of(value) != Kind::Number {
        return None;
    }
    let input: f64 = serde_json::from_str(value).ok()?;
    let text = input.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "0"));
    let whole: i64 = whole.parse::<u64>().ok()?.try_into().ok()?;
    let fraction: u64 = fraction.parse().ok().filter(|f| *f < 1000)?;
    let nanos = u32::try_from(fraction * 1_000_000).ok()?;
    let time = Utc.timestamp_opt(whole, nanos).latest()?;
    Some(SecondTimestamp(time))
}

#[cfg(test)]
#[path = "kinesis_record_tests.rs"]
mod tests;
