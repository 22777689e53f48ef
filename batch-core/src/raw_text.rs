//! [`RawText`]: a JSON value's text as serde_json validated it, borrowed from the input when
//! the input is in memory.
//!
//! `Box<RawValue>` copies the text; on a 6 MB event that copy is as large again as the bytes
//! `lambda_runtime` still holds. `&RawValue` borrows but fails on inputs it cannot borrow from
//! (a reader, a `serde_json::Value`). `RawText` borrows where it can and owns where it must.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// The name under which serde_json hands out a value's raw text: the protocol of its own
/// `RawValue` (`serde_json::value::RawValue`, feature `raw_value`), stable since serde_json 1.0.31.
/// A test checks that it still does.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// A JSON value's text, validated by serde_json while it was read.
#[derive(Debug)]
pub(crate) struct RawText<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    // serde_json hands the text over as a map of one entry, its token to the text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if map.next_key::<IgnoredAny>()?.is_none() {
            return Err(de::Error::custom(
                "this event type is read only by serde_json",
            ));
        }
        map.next_value_seed(TextSeed)
    }
}

struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = RawText<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = RawText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value's raw text")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(RawText(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(RawText(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(RawText(Cow::Owned(text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"Records": [{"body": "a\"b", "k\ud800": 1}, "\udc00", 5]}"#;

    #[test]
    fn borrows_from_text_in_memory() {
        let from_str: RawText = serde_json::from_str(EVENT).unwrap();
        assert!(matches!(from_str.0, Cow::Borrowed(EVENT)));
        let from_slice: RawText = serde_json::from_slice(EVENT.as_bytes()).unwrap();
        assert!(matches!(from_slice.0, Cow::Borrowed(EVENT)));
    }

    #[test]
    fn borrows_through_serde_path_to_error_as_lambda_runtime_reads() {
        let mut deserializer = serde_json::Deserializer::from_slice(EVENT.as_bytes());
        let raw: RawText = serde_path_to_error::deserialize(&mut deserializer).unwrap();
        assert!(matches!(raw.0, Cow::Borrowed(EVENT)));
    }

    /// An owned type reading its text through `RawText`, as an event type does, and saying
    /// whether the text was borrowed.
    struct Read {
        text: String,
        borrowed: bool,
    }

    impl<'de> Deserialize<'de> for Read {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let raw = RawText::deserialize(deserializer)?;
            Ok(Read {
                borrowed: matches!(raw.0, Cow::Borrowed(_)),
                text: raw.0.into_owned(),
            })
        }
    }

    #[test]
    fn owns_what_it_cannot_borrow() {
        let from_reader: Read = serde_json::from_reader(EVENT.as_bytes()).unwrap();
        assert_eq!(
            (from_reader.text.as_str(), from_reader.borrowed),
            (EVENT, false)
        );
        let value = serde_json::json!({"Records": [1]});
        let from_value: Read = serde_json::from_value(value).unwrap();
        assert_eq!(
            (from_value.text.as_str(), from_value.borrowed),
            (r#"{"Records":[1]}"#, false)
        );
    }

    #[test]
    fn takes_what_box_raw_value_takes() {
        for text in ["1", " [1, 2] ", r#""\ud800""#, "null", "{}"] {
            let ours: RawText = serde_json::from_str(text).unwrap();
            let theirs: Box<serde_json::value::RawValue> = serde_json::from_str(text).unwrap();
            assert_eq!(ours.0, theirs.get(), "{text}");
        }
        for text in ["", "{", "[1,]", "1 2", r#""\x""#] {
            assert!(serde_json::from_str::<RawText>(text).is_err(), "{text}");
        }
    }
}
