//! [`BatchEvent`]: the raw event `lambda_handler` receives, and the split into records.
//!
//! The event is kept as JSON text and read record by record (R8), so that one record that does
//! not fit its source's schema fails alone instead of failing the whole event's deserialization.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::BatchError;

/// A Lambda event as received: any JSON, checked record by record when it is processed.
///
/// `lambda_handler` takes `LambdaEvent<BatchEvent>`: its deserialization never fails, so that a
/// malformed event is reported by the processor with an error that names the expected source
/// (R8) instead of a bare serde message.
///
/// ```
/// use batch_core::BatchEvent;
///
/// let event = BatchEvent::from_json(r#"{"Records": []}"#);
/// assert_eq!(event.as_str(), r#"{"Records": []}"#);
///
/// // Any JSON deserializes, as lambda_runtime does with the payload it receives.
/// let event: BatchEvent = serde_json::from_str("[1, 2]").unwrap();
/// assert_eq!(event.as_str(), "[1, 2]");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BatchEvent {
    text: Box<str>,
}

impl BatchEvent {
    /// An event from its JSON text. The text is not checked here: invalid JSON is reported as
    /// [`BatchError::InvalidEvent`] when the event is processed.
    pub fn from_json(text: impl Into<String>) -> Self {
        Self {
            text: text.into().into_boxed_str(),
        }
    }

    /// An event from a JSON value, e.g. one built with `serde_json::json!` or serialized from an
    /// `aws_lambda_events` event.
    ///
    /// ```
    /// use batch_core::BatchEvent;
    ///
    /// let event = BatchEvent::from_value(&serde_json::json!({ "Records": [] }));
    /// assert_eq!(event.as_str(), r#"{"Records":[]}"#);
    /// ```
    pub fn from_value(value: &impl Serialize) -> Self {
        // Serializing a `serde_json::Value` or an `aws_lambda_events` type cannot fail; a type
        // whose own `Serialize` fails yields text that is reported as invalid when processed.
        let text = serde_json::to_string(value).unwrap_or_default();
        Self::from_json(text)
    }

    /// The event's JSON text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for BatchEvent {
    // Message bodies are never logged (R14): show the size, not the content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchEvent")
            .field("bytes", &self.text.len())
            .finish()
    }
}

impl<'de> Deserialize<'de> for BatchEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Ok(Self {
            text: raw.get().into(),
        })
    }
}

impl Serialize for BatchEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match serde_json::from_str::<&RawValue>(&self.text) {
            Ok(raw) => raw.serialize(serializer),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

/// Splits an event's text into its records, borrowed from the text, without reading them.
pub(crate) fn split_records<'e>(
    text: &'e str,
    expected: &'static str,
) -> Result<Vec<&'e RawValue>, BatchError> {
    let invalid = |reason: String| BatchError::InvalidEvent { expected, reason };
    if !text.trim_start().starts_with('{') {
        // serde would read a struct from a JSON array too: only an object is an event.
        return Err(invalid(match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => "the event is not a JSON object".to_owned(),
            Err(e) => format!("the event is not valid JSON ({e})"),
        }));
    }
    let envelope: Envelope<'e> = serde_json::from_str(text).map_err(|e| {
        invalid(match e.classify() {
            serde_json::error::Category::Data => format!("the event cannot be read ({e})"),
            _ => format!("the event is not valid JSON ({e})"),
        })
    })?;
    match envelope.records {
        RecordsField::Array(records) => Ok(records),
        RecordsField::Missing => Err(invalid("it has no `Records` field".to_owned())),
        RecordsField::Null => Err(invalid("its `Records` field is null".to_owned())),
        RecordsField::Other(kind) => Err(invalid(format!(
            "its `Records` field is {kind}, not an array"
        ))),
    }
}

#[derive(Deserialize)]
struct Envelope<'e> {
    #[serde(rename = "Records", borrow, default)]
    records: RecordsField<'e>,
}

/// The `Records` field as found, read in one pass whatever its JSON type.
#[derive(Default)]
enum RecordsField<'e> {
    #[default]
    Missing,
    Null,
    Array(Vec<&'e RawValue>),
    Other(&'static str),
}

impl<'de: 'e, 'e> Deserialize<'de> for RecordsField<'e> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RecordsVisitor(std::marker::PhantomData))
    }
}

struct RecordsVisitor<'e>(std::marker::PhantomData<&'e ()>);

impl<'de: 'e, 'e> Visitor<'de> for RecordsVisitor<'e> {
    type Value = RecordsField<'e>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(16));
        while let Some(record) = seq.next_element::<&'de RawValue>()? {
            records.push(record);
        }
        Ok(RecordsField::Array(records))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(RecordsField::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(RecordsField::Null)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(RecordsField::Other("an object"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(RecordsField::Other("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(RecordsField::Other("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(RecordsField::Other("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(RecordsField::Other("a number"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(RecordsField::Other("a string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(text: &str) -> String {
        match split_records(text, "aws:sqs") {
            Err(BatchError::InvalidEvent { reason, expected }) => {
                assert_eq!(expected, "aws:sqs");
                reason
            }
            other => panic!("expected InvalidEvent, got {other:?}"),
        }
    }

    #[test]
    fn splits_records_without_reading_them() {
        let records =
            split_records(r#"{"Records": [{"a": 1}, 2, "x"], "other": {}}"#, "aws:sqs").unwrap();
        let texts: Vec<&str> = records.iter().map(|r| r.get()).collect();
        assert_eq!(texts, [r#"{"a": 1}"#, "2", r#""x""#]);
    }

    #[test]
    fn rejects_every_malformed_envelope() {
        assert!(reason("not json").starts_with("the event is not valid JSON"));
        assert!(reason("").starts_with("the event is not valid JSON"));
        assert!(reason("[1]").starts_with("the event is not a JSON object"));
        assert!(reason("42").starts_with("the event is not a JSON object"));
        assert_eq!(reason("{}"), "it has no `Records` field");
        assert_eq!(
            reason(r#"{"Records": null}"#),
            "its `Records` field is null"
        );
        assert_eq!(
            reason(r#"{"Records": {"a": [1]}}"#),
            "its `Records` field is an object, not an array"
        );
        assert_eq!(
            reason(r#"{"Records": "x"}"#),
            "its `Records` field is a string, not an array"
        );
        assert_eq!(
            reason(r#"{"Records": 1.5}"#),
            "its `Records` field is a number, not an array"
        );
    }

    #[test]
    fn empty_records_is_an_empty_batch() {
        assert!(
            split_records(r#"{"Records": []}"#, "aws:sqs")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn debug_never_shows_content() {
        let event = BatchEvent::from_json(r#"{"Records":[{"body":"secret"}]}"#);
        assert!(!format!("{event:?}").contains("secret"));
    }
}
