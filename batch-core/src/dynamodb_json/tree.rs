//! One borrowed pass over an image's DynamoDB JSON: the attribute values as a tree whose strings
//! point into the event wherever they hold no escape.
//!
//! It accepts exactly what `serde_json` into `serde_dynamo::Item` accepts: every attribute value is
//! an object with a single known type tag, `N` and `S` hold strings, `B` and `BS` hold standard
//! base64 with padding, `NULL` and `BOOL` hold booleans. An attribute name given twice in one map
//! keeps its last value, as the hash map `serde_dynamo::Item` is built from does.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Attr<'a> {
    N(Text<'a>),
    S(Text<'a>),
    Bool(bool),
    Null(bool),
    B(Vec<u8>),
    M(Map<'a>),
    L(Vec<Attr<'a>>),
    Ss(Vec<Text<'a>>),
    Ns(Vec<Text<'a>>),
    Bs(Vec<Vec<u8>>),
}

/// A map's attributes in the order they were written, each name once.
pub(crate) type Map<'a> = Vec<(Text<'a>, Attr<'a>)>;

/// A JSON string, borrowed from the input when it holds no escape.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// The image itself: a map of attribute names to attribute values.
pub(crate) struct Item<'a>(pub(crate) Map<'a>);

impl<'de> Deserialize<'de> for Item<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MapVisitor).map(Item)
    }
}

/// Reads an image (DynamoDB JSON text) into a tree borrowing from `text`: quickly when the
/// text is plainly well formed, with `serde_json` (which then decides) otherwise.
pub(crate) fn parse(text: &str) -> Result<Map<'_>, serde_json::Error> {
    match super::fast::parse(text) {
        Some(map) => Ok(map),
        None => parse_with_serde_json(text),
    }
}

/// Reads an image with `serde_json`: exactly what it and `serde_dynamo::Item` accept.
pub(crate) fn parse_with_serde_json(text: &str) -> Result<Map<'_>, serde_json::Error> {
    serde_json::from_str::<Item<'_>>(text).map(|item| item.0)
}

struct MapVisitor;

impl<'de> Visitor<'de> for MapVisitor {
    type Value = Map<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of attribute names to attribute values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Map<'de>, A::Error> {
        let mut entries: Map<'de> = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some((name, value)) = map.next_entry::<Text<'de>, Attr<'de>>()? {
            entries.push((name, value));
        }
        dedupe(&mut entries);
        Ok(entries)
    }
}

/// Keeps the last value of each attribute name given more than once.
pub(crate) fn dedupe(entries: &mut Map<'_>) {
    if has_duplicate_names(entries) {
        keep_last_of_each_name(entries);
    }
}

/// Whether an attribute name is given twice (rare: checked before any work is done to merge).
fn has_duplicate_names(entries: &Map<'_>) -> bool {
    const QUADRATIC_UP_TO: usize = 16;
    if entries.len() <= QUADRATIC_UP_TO {
        entries
            .iter()
            .enumerate()
            .any(|(i, (name, _))| entries[..i].iter().any(|(seen, _)| seen == name))
    } else {
        let mut seen = HashSet::with_capacity(entries.len());
        !entries.iter().all(|(name, _)| seen.insert(&*name.0))
    }
}

/// Drops every entry whose name comes again later: the last value wins, as in a hash map.
fn keep_last_of_each_name(entries: &mut Map<'_>) {
    let mut seen: HashSet<String> = HashSet::with_capacity(entries.len());
    let mut kept = Vec::with_capacity(entries.len());
    for (name, value) in entries.drain(..).rev() {
        if seen.insert(name.0.clone().into_owned()) {
            kept.push((name, value));
        }
    }
    kept.reverse();
    *entries = kept;
}

impl<'de> Deserialize<'de> for Attr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(AttrVisitor)
    }
}

struct AttrVisitor;

impl<'de> Visitor<'de> for AttrVisitor {
    type Value = Attr<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            r#"an object with a single key "N", "S", "BOOL", "B", "NULL", "M", "L", "SS", "NS", or "BS""#,
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attr<'de>, A::Error> {
        use de::Error as _;
        let Some(tag) = map.next_key::<Text<'de>>()? else {
            return Err(A::Error::custom(
                "an attribute value has no type tag (expected exactly one)",
            ));
        };
        let value = match &*tag.0 {
            "N" => Attr::N(map.next_value()?),
            "S" => Attr::S(map.next_value()?),
            "BOOL" => Attr::Bool(map.next_value()?),
            "NULL" => Attr::Null(map.next_value()?),
            "B" => Attr::B(base64(&map.next_value::<Text<'de>>()?)?),
            "M" => Attr::M(map.next_value_seed(MapSeed)?),
            "L" => Attr::L(map.next_value()?),
            "SS" => Attr::Ss(map.next_value()?),
            "NS" => Attr::Ns(map.next_value()?),
            "BS" => Attr::Bs(
                map.next_value::<Vec<Text<'de>>>()?
                    .iter()
                    .map(base64)
                    .collect::<Result<_, _>>()?,
            ),
            _ => {
                return Err(A::Error::custom(
                    "an attribute value has an unknown type tag",
                ));
            }
        };
        if map.next_key::<IgnoredAny>()?.is_some() {
            return Err(A::Error::custom(
                "an attribute value has more than one type tag",
            ));
        }
        Ok(value)
    }
}

fn base64<E: de::Error>(text: &Text<'_>) -> Result<Vec<u8>, E> {
    BASE64
        .decode(text.0.as_bytes())
        .map_err(|_| E::custom("a binary attribute is not standard base64"))
}

struct MapSeed;

impl<'de> de::DeserializeSeed<'de> for MapSeed {
    type Value = Map<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Map<'de>, D::Error> {
        deserializer.deserialize_map(MapVisitor)
    }
}
