//! [`BatchEvent`]: the raw event `lambda_handler` receives, and the split into records.
//!
//! The event is kept as JSON text and read record by record (R8), so that one record that does
//! not fit its source's schema fails alone instead of failing the whole event's deserialization.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::BatchError;
use crate::scan::{self, Kind};

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
    /// Whether the text is known to be valid JSON (it was deserialized as JSON).
    validated: bool,
}

impl BatchEvent {
    /// An event from its JSON text. The text is not checked here: invalid JSON is reported as
    /// [`BatchError::InvalidEvent`] when the event is processed.
    pub fn from_json(text: impl Into<String>) -> Self {
        Self {
            text: text.into().into_boxed_str(),
            validated: false,
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
        // Capturing the raw text validates it once; records are then read by the scanner.
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Ok(Self {
            text: raw.get().into(),
            validated: true,
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

/// An event's `Records` array, found without reading the records: they are read one by one
/// from [`rest`](Self::rest), and [`finish`](Self::finish) checks the rest of the event.
pub(crate) struct RecordsArray<'e> {
    /// The text from the array's `[` to the end of the event.
    pub(crate) rest: &'e str,
    /// The event's members, stopped at the array.
    after: scan::Fields<'e>,
    expected: &'static str,
}

impl RecordsArray<'_> {
    /// Checks the members after the array, now `array_len` bytes long: none is another
    /// `Records`.
    pub(crate) fn finish(mut self, array_len: usize) -> Result<(), BatchError> {
        self.after.skip_value(array_len);
        for field in self.after {
            let invalid = |reason: &str| BatchError::InvalidEvent {
                expected: self.expected,
                reason: reason.to_owned(),
            };
            let Some((key, _)) = field else {
                return Err(invalid("the event is not valid JSON"));
            };
            if scan::key_is(key, "Records") {
                return Err(invalid("it has two `Records` fields"));
            }
        }
        Ok(())
    }
}

/// Finds an event's `Records` array without reading the records (R8 checks of the envelope).
pub(crate) fn records_array<'e>(
    event: &'e BatchEvent,
    expected: &'static str,
) -> Result<RecordsArray<'e>, BatchError> {
    let invalid = |reason: String| BatchError::InvalidEvent { expected, reason };
    if !event.validated {
        serde_json::from_str::<IgnoredAny>(&event.text)
            .map_err(|e| invalid(format!("the event is not valid JSON ({e})")))?;
    }
    let text = scan::trim(&event.text);
    if Kind::of(text) != Kind::Object {
        return Err(invalid("the event is not a JSON object".to_owned()));
    }
    let mut fields = scan::fields(text);
    while let Some(field) = fields.next_key() {
        let Some((key, rest)) = field else {
            return Err(invalid("the event is not valid JSON".to_owned()));
        };
        if scan::key_is(key, "Records") {
            return match Kind::of(rest) {
                Kind::Array => Ok(RecordsArray {
                    rest,
                    after: fields,
                    expected,
                }),
                Kind::Null => Err(invalid("its `Records` field is null".to_owned())),
                kind => Err(invalid(format!(
                    "its `Records` field is {}, not an array",
                    kind.describe()
                ))),
            };
        }
        let len = scan::value_len(rest)
            .ok_or_else(|| invalid("the event is not valid JSON".to_owned()))?;
        fields.skip_value(len);
    }
    Err(invalid("it has no `Records` field".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finds the records as the processor does: the array, each record, the rest of the event.
    fn split(event: &BatchEvent) -> Result<Vec<&str>, BatchError> {
        let array = records_array(event, "aws:sqs")?;
        let mut cursor = scan::ArrayCursor::new(array.rest);
        let mut records = Vec::new();
        while let Some(rest) = cursor.next_start() {
            let len = scan::value_len(rest).unwrap();
            records.push(&rest[..len]);
            cursor.advance(len);
        }
        array.finish(cursor.len())?;
        Ok(records)
    }

    fn reason(text: &str) -> String {
        let event = BatchEvent::from_json(text);
        match split(&event) {
            Err(BatchError::InvalidEvent { reason, expected }) => {
                assert_eq!(expected, "aws:sqs");
                reason
            }
            other => panic!("expected InvalidEvent, got {other:?}"),
        }
    }

    #[test]
    fn splits_records_without_reading_them() {
        for event in [
            BatchEvent::from_json(r#"{"Records": [{"a": 1}, 2, "x"], "other": {}}"#),
            serde_json::from_str(r#" {"other": [], "Records" : [ {"a": 1} ,2,"x" ] } "#).unwrap(),
        ] {
            assert_eq!(split(&event).unwrap(), [r#"{"a": 1}"#, "2", r#""x""#]);
        }
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
        assert_eq!(
            reason(r#"{"Records": [], "Records": []}"#),
            "it has two `Records` fields"
        );
        assert_eq!(
            reason(r#"{"Records": [{"a": [1, 2]}, 3 ], "b": {}, "Records": null}"#),
            "it has two `Records` fields"
        );
        assert!(reason(r#"{"Records": []} x"#).starts_with("the event is not valid JSON"));
    }

    #[test]
    fn empty_records_is_an_empty_batch() {
        let event = BatchEvent::from_json(r#"{"Records": []}"#);
        assert!(split(&event).unwrap().is_empty());
    }

    #[test]
    fn debug_never_shows_content() {
        let event = BatchEvent::from_json(r#"{"Records":[{"body":"secret"}]}"#);
        assert!(!format!("{event:?}").contains("secret"));
    }
}
