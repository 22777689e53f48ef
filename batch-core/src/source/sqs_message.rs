//! Reading an SQS record into [`SqsMessage`] with the scanner, for handlers that take the whole
//! record.
//!
//! One walk of the record's members with the scanner costs a fraction of `serde_json`'s
//! derived reader, which looks up each key and checks each value again. The reader gives exactly what `serde_json` gives or nothing:
//! on anything it is not sure of (a key written with an escape, a member given twice, a value of
//! a type the field does not take, trailing text) it gives `None` and `serde_json` reads the
//! record, so every error and every edge case stays `serde_json`'s.

use std::collections::HashMap;
use std::sync::LazyLock;

use aws_lambda_events::sqs::{SqsMessage, SqsMessageAttribute};

use super::record_reader::{is_empty_array, keeps_only_its_fields, optional_string, read_members};
use crate::scan::{self, Kind};

/// The members of [`SqsMessage`], as serde names them.
const FIELDS: [&str; 10] = [
    "messageId",
    "receiptHandle",
    "body",
    "md5OfBody",
    "md5OfMessageAttributes",
    "attributes",
    "messageAttributes",
    "eventSourceARN",
    "eventSource",
    "awsRegion",
];
const ATTRIBUTES: usize = 5;
const MESSAGE_ATTRIBUTES: usize = 6;

/// The record `raw` (a JSON value, exactly the record's text) as `serde_json::from_str` reads
/// it, or `None` when it should be left to `serde_json`.
pub(super) fn read_message(raw: &str) -> Option<SqsMessage> {
    static KEEPS_ONLY_ITS_FIELDS: LazyLock<bool> =
        LazyLock::new(|| keeps_only_its_fields::<SqsMessage>("{}"));
    if !*KEEPS_ONLY_ITS_FIELDS {
        return None;
    }
    let mut message = SqsMessage::default();
    let mut scratch = Vec::new();
    // Strings are decoded in the pass that finds their end.
    let (_, len) = read_members(raw, &FIELDS, |index, value_on| {
        Some(match index {
            ATTRIBUTES => {
                let (map, len) = string_map(value_on, &mut scratch)?;
                message.attributes = map;
                len
            }
            MESSAGE_ATTRIBUTES => {
                let (map, len) = message_attributes(value_on, &mut scratch)?;
                message.message_attributes = map;
                len
            }
            _ => {
                let (text, len) = optional_string(value_on, &mut scratch)?;
                *optional_string_field(&mut message, index)? = text;
                len
            }
        })
    })?;
    raw[len..].trim_ascii().is_empty().then_some(message)
}

/// The `Option<String>` member at `index` of [`FIELDS`].
fn optional_string_field(message: &mut SqsMessage, index: usize) -> Option<&mut Option<String>> {
    Some(match index {
        0 => &mut message.message_id,
        1 => &mut message.receipt_handle,
        2 => &mut message.body,
        3 => &mut message.md5_of_body,
        4 => &mut message.md5_of_message_attributes,
        7 => &mut message.event_source_arn,
        8 => &mut message.event_source,
        9 => &mut message.aws_region,
        _ => return None,
    })
}

/// `attributes` at the start of `value_on` (the text may go on after it): an object of strings
/// (a later member of the same name replacing an earlier one, as in serde's map), or `null` for
/// an empty map; and its length.
fn string_map(value_on: &str, scratch: &mut Vec<u8>) -> Option<(HashMap<String, String>, usize)> {
    match Kind::of(value_on) {
        Kind::Null => return Some((HashMap::new(), scan::value_len(value_on)?)),
        Kind::Object => {}
        _ => return None,
    }
    // Lambda writes four to eight attributes: room for them at once rather than growing.
    let mut map = HashMap::with_capacity(8);
    let mut members = scan::fields(value_on);
    while let Some(member) = members.next_key() {
        let (key, value_on) = member?;
        if !members.key_is_plain() {
            return None;
        }
        let (value, len) = scan::owned_string_at(value_on, scratch)?;
        members.skip_value(len);
        map.insert(key.to_owned(), value);
    }
    Some((map, members.end()?))
}

/// The members of [`SqsMessageAttribute`], as serde names them.
const ATTRIBUTE_FIELDS: [&str; 5] = [
    "stringValue",
    "binaryValue",
    "stringListValues",
    "binaryListValues",
    "dataType",
];

/// `messageAttributes` at the start of `value_on` (the text may go on after it): an object of
/// [`SqsMessageAttribute`]s, or `null` for an empty map; and its length.
fn message_attributes(
    value_on: &str,
    scratch: &mut Vec<u8>,
) -> Option<(HashMap<String, SqsMessageAttribute>, usize)> {
    match Kind::of(value_on) {
        Kind::Null => return Some((HashMap::new(), scan::value_len(value_on)?)),
        Kind::Object => {}
        _ => return None,
    }
    let mut map = HashMap::new();
    let mut members = scan::fields(value_on);
    while let Some(member) = members.next_key() {
        let (key, value_on) = member?;
        if !members.key_is_plain() {
            return None;
        }
        let (attribute, len) = message_attribute(value_on, scratch)?;
        members.skip_value(len);
        map.insert(key.to_owned(), attribute);
    }
    Some((map, members.end()?))
}

/// One message attribute at the start of `value_on`, and its length. Binary values, which
/// serde decodes from base64, are left to serde: a record that has one is not read here.
fn message_attribute(
    value_on: &str,
    scratch: &mut Vec<u8>,
) -> Option<(SqsMessageAttribute, usize)> {
    let mut attribute = SqsMessageAttribute::default();
    let (_, len) = read_members(value_on, &ATTRIBUTE_FIELDS, |index, value_on| {
        Some(match index {
            0 => {
                let (text, len) = optional_string(value_on, scratch)?;
                attribute.string_value = text;
                len
            }
            4 => {
                let (text, len) = optional_string(value_on, scratch)?;
                attribute.data_type = text;
                len
            }
            _ => {
                let len = scan::value_len(value_on)?;
                let value = &value_on[..len];
                match index {
                    // `binaryValue`: only its absence.
                    1 if Kind::of(value) == Kind::Null => {}
                    // `stringListValues`: serde's own reading of a list of strings.
                    2 if !is_empty_array(value) => {
                        attribute.string_list_values = serde_json::from_str(value).ok()?;
                    }
                    2 => {}
                    // `binaryListValues`: only an empty list.
                    3 if is_empty_array(value) => {}
                    _ => return None,
                }
                len
            }
        })
    })?;
    Some((attribute, len))
}

#[cfg(test)]
#[path = "sqs_message_tests.rs"]
mod tests;
