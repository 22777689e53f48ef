//! [`BatchEvent`]: the raw event `lambda_handler` receives.
//!
//! The event is kept as JSON text and read record by record, so that one record that does
//! not fit its source's schema fails alone instead of failing the whole event's deserialization.
//! Where the records are is each source's business ([`source`](crate::source)).

use std::fmt;

use serde::de::Deserializer;

use crate::compact_event::CompactEvent;
use crate::error::BatchError;
use crate::source::{BatchSource, RecordHeader};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A Lambda event as received: any JSON, checked record by record when it is processed.
///
/// `lambda_handler` takes `LambdaEvent<BatchEvent>`: its deserialization never fails, so that a
/// malformed event is reported by the processor with an error that names the expected source
/// instead of a bare serde message.
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
    pub(crate) text: Box<str>,
    /// Whether the text is known to be valid JSON (it was deserialized as JSON).
    pub(crate) validated: bool,
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

/// An event type a `lambda_handler` takes: [`BatchEvent`], or the form `#[batch_handler]`
/// chooses for a handler whose extractors only read payloads, which keeps of each record what
/// they need. Each deserializes from any JSON (a malformed event is reported when it is
/// processed), and the [`testing`](crate::testing) helpers build either from text, so that a
/// test passes `event_from_str(...)` to any `lambda_handler`.
///
/// The trait is sealed: the event types are this crate's.
///
/// ```
/// use batch_core::{BatchEvent, HandlerEvent};
///
/// let event = BatchEvent::from_event_json(r#"{"Records": []}"#);
/// assert_eq!(event.as_str(), r#"{"Records": []}"#);
/// ```
pub trait HandlerEvent:
    sealed::Sealed + serde::de::DeserializeOwned + Clone + fmt::Debug + Send + Sync + 'static
{
    /// The event of this JSON text, valid or not (invalid JSON is reported when the event is
    /// processed).
    fn from_event_json(text: &str) -> Self;
}

impl HandlerEvent for BatchEvent {
    fn from_event_json(text: &str) -> Self {
        Self::from_json(text)
    }
}

impl<S: BatchSource> HandlerEvent for CompactEvent<S> {
    fn from_event_json(text: &str) -> Self {
        Self::from_json(text)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::BatchEvent {}
    impl<S> Sealed for super::CompactEvent<S> {}
}

/// An event as the processor reads it: each record's own text (empty where the event does not
/// keep it) and header, in order.
#[doc(hidden)]
pub trait EventRecords<S: BatchSource> {
    fn for_each_record<'e>(
        &'e self,
        visit: impl FnMut(&'e str, RecordHeader<'e>) -> Result<(), BatchError>,
    ) -> Result<(), BatchError>;
}

impl<S: BatchSource> EventRecords<S> for BatchEvent {
    fn for_each_record<'e>(
        &'e self,
        mut visit: impl FnMut(&'e str, RecordHeader<'e>) -> Result<(), BatchError>,
    ) -> Result<(), BatchError> {
        S::for_each_record(self.event_text(), |rest| {
            let header = S::read_header(rest);
            let len = header.len;
            visit(&rest[..len.min(rest.len())], header)?;
            Ok(len)
        })
    }
}

impl<S: BatchSource> EventRecords<S> for CompactEvent<S> {
    fn for_each_record<'e>(
        &'e self,
        mut visit: impl FnMut(&'e str, RecordHeader<'e>) -> Result<(), BatchError>,
    ) -> Result<(), BatchError> {
        self.for_each_header(|header| visit("", header))
    }
}

/// An event's text as the sources read it: borrowed from a [`BatchEvent`], or from the input
/// an event form is read from.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct EventText<'e> {
    pub(crate) text: &'e str,
    /// Whether the text is known to be valid JSON.
    pub(crate) validated: bool,
}

impl BatchEvent {
    pub(crate) fn event_text(&self) -> EventText<'_> {
        EventText {
            text: &self.text,
            validated: self.validated,
        }
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
        // Capturing the raw text validates it once; records are then read by the scanner. The
        // captured text becomes the event's without a second copy: on a 6 MB event a copy is
        // 6 MB more at the peak.
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Ok(Self {
            text: Box::<str>::from(raw),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_content() {
        let event = BatchEvent::from_json(r#"{"Records":[{"body":"secret"}]}"#);
        assert!(!format!("{event:?}").contains("secret"));
    }
}
