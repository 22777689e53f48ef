//! The `Records` envelope of SQS, Kinesis and DynamoDB Streams events: an object whose
//! `Records` member is the array of records.

use serde::de::IgnoredAny;

use crate::error::BatchError;
use crate::event::EventText;
use crate::scan::{self, ArrayCursor, Kind};

/// Calls `visit` on the text that starts each record of the event's `Records` array, in order;
/// `visit` returns the record's length. Then checks the rest of the event.
pub(crate) fn for_each_record<'e>(
    event: EventText<'e>,
    expected: &'static str,
    mut visit: impl FnMut(&'e str) -> Result<usize, BatchError>,
) -> Result<(), BatchError> {
    let records = records_array(event, expected)?;
    let mut cursor = ArrayCursor::new(records.rest);
    while let Some(rest) = cursor.next_start() {
        let len = visit(rest)?;
        cursor.advance(len);
    }
    records.finish(cursor.len())
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

/// The event's text, checked to be valid JSON and an object, without white space around.
pub(crate) fn event_object<'e>(
    event: EventText<'e>,
    expected: &'static str,
) -> Result<&'e str, BatchError> {
    let invalid = |reason: String| BatchError::InvalidEvent { expected, reason };
    if !event.validated {
        serde_json::from_str::<IgnoredAny>(event.text)
            .map_err(|e| invalid(format!("the event is not valid JSON ({e})")))?;
    }
    let text = scan::trim(event.text);
    if Kind::of(text) != Kind::Object {
        return Err(invalid("the event is not a JSON object".to_owned()));
    }
    Ok(text)
}

/// Finds an event's `Records` array without reading the records (the checks of the envelope).
pub(crate) fn records_array<'e>(
    event: EventText<'e>,
    expected: &'static str,
) -> Result<RecordsArray<'e>, BatchError> {
    let invalid = |reason: String| BatchError::InvalidEvent { expected, reason };
    let text = event_object(event, expected)?;
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
    use crate::event::BatchEvent;

    /// Finds the records as the processor does: the array, each record, the rest of the event.
    fn split(event: &BatchEvent) -> Result<Vec<&str>, BatchError> {
        let array = records_array(event.event_text(), "aws:sqs")?;
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
}
