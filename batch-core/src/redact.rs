//! Deserialization errors that say what was wrong and where, without a byte of the payload.
//!
//! serde's messages quote the values they reject (`invalid type: string "4111-1111", expected
//! u32`), and types' own messages (chrono, uuid, serde_dynamo) may too. When a payload fails to
//! parse, it is parsed a second time through a wrapper that tracks the field path and whose error
//! type words every failure without its value; the first, fast parse stays untouched, so records
//! that parse pay nothing.
//!
//! The wrapper sits between the type's `Deserialize` impl and the real deserializer
//! (`serde_json`'s, `serde_dynamo`'s). Errors made by the type's code (its visitors, seeds and
//! `Deserialize` impls) have the wrapper's error type, [`Redact`], and are worded from the error
//! kind and the expected type only. Errors made by the real deserializer are recognised by their
//! fixed wording, kept when they carry no value, and rewritten otherwise.

use std::cell::{Cell, RefCell};
use std::fmt::{self, Display, Write as _};

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};

/// What a type's own (`custom`) message is replaced with: it may quote the payload.
const WITHHELD: &str =
    "invalid value (the type's message is withheld because it may quote the payload)";

/// Why `T` rejects this JSON text, with the field path and line/column, never a value.
///
/// Call it only after a parse of the same bytes into `T` failed.
pub(crate) fn json_error<T: DeserializeOwned>(bytes: &[u8]) -> String {
    let track = Track::new(Origin::Json);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let result = T::deserialize(Redacting::new(&mut deserializer, &track))
        .map_err(|error| lower(&track, error))
        .and_then(|_| deserializer.end());
    match result {
        Ok(()) => RETRY_PASSED.to_owned(),
        Err(error) => {
            let mut text = track.finish(&error);
            if error.line() > 0 {
                let _ = write!(text, " at line {} column {}", error.line(), error.column());
            }
            text
        }
    }
}

/// Why `T` rejects this DynamoDB image (DynamoDB JSON text), with the attribute path, never a
/// value.
///
/// Call it only after `dynamodb_json::from_image` of the same text into `T` failed.
pub(crate) fn dynamodb_error<T: DeserializeOwned>(image: &str) -> String {
    let Some(deserializer) = crate::dynamodb_json::image_deserializer(image) else {
        return "the item could not be read a second time".to_owned();
    };
    let track = Track::new(Origin::DynamoDb);
    match T::deserialize(Redacting::new(deserializer, &track)) {
        Ok(_) => RETRY_PASSED.to_owned(),
        Err(error) => {
            let error = lower(&track, error);
            track.finish(&error)
        }
    }
}

/// Said when the second parse succeeds although the first failed (a type whose `Deserialize`
/// is not deterministic).
const RETRY_PASSED: &str = "it was rejected, but a second parse to locate the problem accepted it";

/// Which deserializer the wrapper sits on: says which of its own messages are free of values.
#[derive(Clone, Copy)]
enum Origin {
    Json,
    DynamoDb,
}

/// One step of the path to the failing value.
#[derive(Clone, Copy)]
enum Segment {
    /// An element of a sequence.
    Index(usize),
    /// A field the type declares, so its name comes from the type.
    Field(&'static str),
    /// A map entry, whose key comes from the payload and is not shown.
    Key,
}

/// Shared by every wrapper of one parse: the current path and the first failure found.
struct Track {
    origin: Origin,
    path: RefCell<Vec<Segment>>,
    /// The key of the map entry being read, set while its key is deserialized.
    key: Cell<Segment>,
    /// The path and message of the innermost failure, recorded where it happened.
    found: RefCell<Option<String>>,
}

impl Track {
    fn new(origin: Origin) -> Self {
        Self {
            origin,
            path: RefCell::new(Vec::new()),
            key: Cell::new(Segment::Key),
            found: RefCell::new(None),
        }
    }

    fn push(&self, segment: Segment) {
        self.path.borrow_mut().push(segment);
    }

    fn pop(&self) {
        self.path.borrow_mut().pop();
    }

    /// Records a failure at the current path, unless a deeper one was recorded already.
    fn record(&self, message: impl FnOnce() -> String) {
        let mut found = self.found.borrow_mut();
        if found.is_some() {
            return;
        }
        let mut text = String::new();
        for segment in self.path.borrow().iter() {
            match segment {
                Segment::Index(i) => {
                    let _ = write!(text, "[{i}]");
                }
                Segment::Field(name) if text.is_empty() => text.push_str(name),
                Segment::Field(name) => {
                    let _ = write!(text, ".{name}");
                }
                Segment::Key if text.is_empty() => text.push_str("<key>"),
                Segment::Key => text.push_str(".<key>"),
            }
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&message());
        *found = Some(text);
    }

    /// The recorded failure, or a value-free wording of `error` when none was recorded.
    fn finish(&self, error: &dyn Display) -> String {
        self.record(|| self.describe(error, "the expected value"));
        self.found.borrow().clone().unwrap_or_default()
    }

    /// Words an error the real deserializer made, keeping its text only when it is one of the
    /// deserializer's fixed messages.
    fn describe(&self, error: &dyn Display, expected: &str) -> String {
        let text = error.to_string();
        let text = strip_position(&text);
        let fixed = match self.origin {
            Origin::Json => JSON_MESSAGES,
            Origin::DynamoDb => DYNAMODB_MESSAGES,
        };
        if fixed.iter().any(|message| text.starts_with(message)) {
            return text.to_owned();
        }
        if let Some(rest) = text.strip_prefix("invalid type: ") {
            return format!("invalid type: {}, expected {expected}", kind_named(rest));
        }
        if let Some(rest) = text.strip_prefix("invalid value: ") {
            return format!("invalid value: {}, expected {expected}", kind_named(rest));
        }
        if text.starts_with("invalid length ") {
            return format!("invalid length, expected {expected}");
        }
        match self.origin {
            Origin::DynamoDb if text.starts_with("Failed to parse") => {
                format!("the number attribute cannot be read as {expected}")
            }
            _ => format!(
                "invalid value, expected {expected} (the message is withheld because it may quote the payload)"
            ),
        }
    }
}

/// serde_json's own messages that carry no value (its `ErrorCode`s).
const JSON_MESSAGES: &[&str] = &[
    "EOF while parsing",
    "expected `:`",
    "expected `,` or `]`",
    "expected `,` or `}`",
    "expected ident",
    "expected value",
    "expected `\"`",
    "invalid escape",
    "invalid number",
    "number out of range",
    "invalid unicode code point",
    "control character (\\u0000-\\u001F) found while parsing a string",
    "key must be a string",
    "invalid value: expected key to be a number in quotes",
    "float key must be finite",
    "lone leading surrogate in hex escape",
    "trailing comma",
    "trailing characters",
    "unexpected end of hex escape",
    "recursion limit exceeded",
];

/// serde_dynamo's own messages that carry no value.
const DYNAMODB_MESSAGES: &[&str] = &[
    "Not a map-like object",
    "Not a set-like sequence",
    "Expected ",
    "Key must be a string",
    "String set contains",
    "Number set contains",
    "Binary set contains",
];

/// `text` without serde_json's ` at line N column M` suffix.
fn strip_position(text: &str) -> &str {
    match text.rfind(" at line ") {
        Some(at)
            if text[at + 9..]
                .split(" column ")
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            &text[..at]
        }
        _ => text,
    }
}

/// The kind word that starts a serde `Unexpected` description, without the value after it.
fn kind_named(description: &str) -> &'static str {
    const KINDS: &[&str] = &[
        "boolean",
        "integer",
        "floating point",
        "character",
        "string",
        "byte array",
        "null",
        "unit value",
        "Option value",
        "newtype struct",
        "sequence",
        "map",
        "enum",
        "unit variant",
        "newtype variant",
        "tuple variant",
        "struct variant",
        "number",
    ];
    KINDS
        .iter()
        .copied()
        .filter(|kind| description.starts_with(kind))
        .max_by_key(|kind| kind.len())
        .unwrap_or("a value")
}

/// The kind of an unexpected value, without the value.
fn kind_of(unexpected: &Unexpected<'_>) -> &'static str {
    match unexpected {
        Unexpected::Bool(_) => "boolean",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) => "integer",
        Unexpected::Float(_) => "floating point",
        Unexpected::Char(_) => "character",
        Unexpected::Str(_) => "string",
        Unexpected::Bytes(_) => "byte array",
        Unexpected::Unit => "null",
        Unexpected::Option => "Option value",
        Unexpected::NewtypeStruct => "newtype struct",
        Unexpected::Seq => "sequence",
        Unexpected::Map => "map",
        Unexpected::Enum => "enum",
        Unexpected::UnitVariant => "unit variant",
        Unexpected::NewtypeVariant => "newtype variant",
        Unexpected::TupleVariant => "tuple variant",
        Unexpected::StructVariant => "struct variant",
        Unexpected::Other(_) => "a value",
    }
}

/// The error type the wrapped world sees: the real deserializer's error, or a failure the
/// type's own code reported, already worded without its value.
enum Redact<E> {
    Inner(E),
    Redacted(String),
}

impl<E> Display for Redact<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Redact::Inner(_) => f.write_str("the deserializer failed"),
            Redact::Redacted(text) => f.write_str(text),
        }
    }
}

impl<E> fmt::Debug for Redact<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Display::fmt(self, f)
    }
}

impl<E> std::error::Error for Redact<E> {}

impl<E> de::Error for Redact<E> {
    fn custom<T: Display>(_message: T) -> Self {
        Redact::Redacted(WITHHELD.to_owned())
    }

    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Redact::Redacted(format!(
            "invalid type: {}, expected {expected}",
            kind_of(&unexpected)
        ))
    }

    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Redact::Redacted(format!(
            "invalid value: {}, expected {expected}",
            kind_of(&unexpected)
        ))
    }

    fn invalid_length(_len: usize, expected: &dyn de::Expected) -> Self {
        Redact::Redacted(format!("invalid length, expected {expected}"))
    }

    fn unknown_variant(_variant: &str, expected: &'static [&'static str]) -> Self {
        Redact::Redacted(format!("unknown variant, expected {}", one_of(expected)))
    }

    fn unknown_field(_field: &str, expected: &'static [&'static str]) -> Self {
        match expected {
            [] => Redact::Redacted("unknown field, there are no fields".to_owned()),
            _ => Redact::Redacted(format!("unknown field, expected {}", one_of(expected))),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        Redact::Redacted(format!("missing field `{field}`"))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Redact::Redacted(format!("duplicate field `{field}`"))
    }
}

/// `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``: names the type declares.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "nothing".to_owned(),
        [one] => format!("`{one}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => {
            let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", listed.join(", "))
        }
    }
}

/// Hands an error back to the real deserializer, recording it first when the type's code made
/// it (the real deserializer then adds its position).
fn lower<E: de::Error>(track: &Track, error: Redact<E>) -> E {
    match error {
        Redact::Inner(error) => error,
        Redact::Redacted(text) => {
            track.record(|| text.clone());
            E::custom(text)
        }
    }
}

/// The text a visitor's `expecting` writes.
struct Expecting<'a, V>(&'a V);

impl<'de, V: Visitor<'de>> Display for Expecting<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }
}

/// The deserializer the type sees: forwards to the real one, with visitors wrapped.
struct Redacting<'t, D> {
    inner: D,
    track: &'t Track,
    /// Set while a map key is read: the fields of the struct it belongs to.
    key_of: Option<&'static [&'static str]>,
}

impl<'t, D> Redacting<'t, D> {
    fn new(inner: D, track: &'t Track) -> Self {
        Self {
            inner,
            track,
            key_of: None,
        }
    }

    fn wrap<V>(&self, visitor: V, fields: &'static [&'static str]) -> Wrap<'t, V> {
        Wrap {
            inner: visitor,
            track: self.track,
            key_of: self.key_of,
            fields,
        }
    }
}

/// Lifts the real deserializer's result, recording its error at this path when no deeper
/// failure was recorded (it is then the real deserializer's own message, about this value).
fn lift<T, E: Display>(
    track: &Track,
    expected: &str,
    result: Result<T, E>,
) -> Result<T, Redact<E>> {
    result.map_err(|error| {
        track.record(|| track.describe(&error, expected));
        Redact::Inner(error)
    })
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
                let expected = Expecting(&visitor).to_string();
                let track = self.track;
                let wrapped = self.wrap(visitor, &[]);
                lift(track, &expected, self.inner.$method($($arg,)* wrapped))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Redacting<'_, D> {
    type Error = Redact<D::Error>;

    forward! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let expected = Expecting(&visitor).to_string();
        let track = self.track;
        let wrapped = self.wrap(visitor, fields);
        lift(
            track,
            &expected,
            self.inner.deserialize_struct(name, fields, wrapped),
        )
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A visitor wrapped so that its errors are worded without values, and the values it gives
/// out are read through [`Redacting`] too.
struct Wrap<'t, V> {
    inner: V,
    track: &'t Track,
    key_of: Option<&'static [&'static str]>,
    /// The fields of the struct this visitor builds, for naming the path's map keys.
    fields: &'static [&'static str],
}

impl<V> Wrap<'_, V> {
    /// Notes which declared field a map key names; other keys stay hidden.
    fn note_key(&self, key: &str) {
        let declared = self
            .key_of
            .and_then(|fields| fields.iter().find(|field| **field == key));
        if let Some(field) = declared {
            self.track.key.set(Segment::Field(field));
        }
    }
}

macro_rules! visit {
    ($($method:ident($ty:ty);)*) => {
        $(
            fn $method<E: de::Error>(self, value: $ty) -> Result<V::Value, E> {
                self.inner.$method::<Redact<E>>(value).map_err(|e| lower(self.track, e))
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<V::Value, E> {
        self.note_key(value);
        self.inner
            .visit_str::<Redact<E>>(value)
            .map_err(|e| lower(self.track, e))
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<V::Value, E> {
        self.note_key(value);
        self.inner
            .visit_borrowed_str::<Redact<E>>(value)
            .map_err(|e| lower(self.track, e))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<V::Value, E> {
        self.note_key(&value);
        self.inner
            .visit_string::<Redact<E>>(value)
            .map_err(|e| lower(self.track, e))
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner
            .visit_none::<Redact<E>>()
            .map_err(|e| lower(self.track, e))
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner
            .visit_unit::<Redact<E>>()
            .map_err(|e| lower(self.track, e))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner
            .visit_some(Redacting::new(deserializer, self.track))
            .map_err(|e| lower(self.track, e))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner
            .visit_newtype_struct(Redacting::new(deserializer, self.track))
            .map_err(|e| lower(self.track, e))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        let seq = Seq {
            inner: seq,
            track: self.track,
            index: 0,
        };
        self.inner.visit_seq(seq).map_err(|e| lower(self.track, e))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let map = Map {
            inner: map,
            track: self.track,
            fields: self.fields,
        };
        self.inner.visit_map(map).map_err(|e| lower(self.track, e))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        let data = Enum {
            inner: data,
            track: self.track,
        };
        self.inner
            .visit_enum(data)
            .map_err(|e| lower(self.track, e))
    }
}

/// A seed wrapped so that what it deserializes is read through [`Redacting`].
struct Seed<'t, S> {
    inner: S,
    track: &'t Track,
    key_of: Option<&'static [&'static str]>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        let redacting = Redacting {
            inner: deserializer,
            track: self.track,
            key_of: self.key_of,
        };
        self.inner
            .deserialize(redacting)
            .map_err(|e| lower(self.track, e))
    }
}

/// A sequence whose elements are named by index in the path.
struct Seq<'t, A> {
    inner: A,
    track: &'t Track,
    index: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'_, A> {
    type Error = Redact<A::Error>;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        self.track.push(Segment::Index(self.index));
        let seed = Seed {
            inner: seed,
            track: self.track,
            key_of: None,
        };
        let result = self.inner.next_element_seed(seed);
        self.track.pop();
        self.index += 1;
        result.map_err(Redact::Inner)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A map whose entries are named in the path by field name when the struct declares the key,
/// and hidden otherwise.
struct Map<'t, A> {
    inner: A,
    track: &'t Track,
    fields: &'static [&'static str],
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<'_, A> {
    type Error = Redact<A::Error>;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        self.track.key.set(Segment::Key);
        let seed = Seed {
            inner: seed,
            track: self.track,
            key_of: Some(self.fields),
        };
        self.inner.next_key_seed(seed).map_err(Redact::Inner)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        self.track.push(self.track.key.get());
        let seed = Seed {
            inner: seed,
            track: self.track,
            key_of: None,
        };
        let result = self.inner.next_value_seed(seed);
        self.track.pop();
        result.map_err(Redact::Inner)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// An enum whose variant's content is read through [`Redacting`].
struct Enum<'t, A> {
    inner: A,
    track: &'t Track,
}

impl<'de, 't, A: EnumAccess<'de>> EnumAccess<'de> for Enum<'t, A> {
    type Error = Redact<A::Error>;
    type Variant = Variant<'t, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), Self::Error> {
        let track = self.track;
        let seed = Seed {
            inner: seed,
            track,
            key_of: None,
        };
        self.inner
            .variant_seed(seed)
            .map(|(value, inner)| (value, Variant { inner, track }))
            .map_err(Redact::Inner)
    }
}

/// The content of an enum variant.
struct Variant<'t, A> {
    inner: A,
    track: &'t Track,
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<'_, A> {
    type Error = Redact<A::Error>;

    fn unit_variant(self) -> Result<(), Self::Error> {
        self.inner.unit_variant().map_err(Redact::Inner)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        let seed = Seed {
            inner: seed,
            track: self.track,
            key_of: None,
        };
        self.inner.newtype_variant_seed(seed).map_err(Redact::Inner)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let visitor = Wrap {
            inner: visitor,
            track: self.track,
            key_of: None,
            fields: &[],
        };
        self.inner
            .tuple_variant(len, visitor)
            .map_err(Redact::Inner)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let visitor = Wrap {
            inner: visitor,
            track: self.track,
            key_of: None,
            fields,
        };
        self.inner
            .struct_variant(fields, visitor)
            .map_err(Redact::Inner)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Order {
        sku: String,
        quantity: u32,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        quantity: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Strict {
        a: u8,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    enum Colour {
        Red,
        Green,
        Custom { hex: u32 },
    }

    /// A type whose own message quotes the payload, as chrono's and uuid's do.
    #[derive(Debug)]
    struct Quoting;

    impl<'de> Deserialize<'de> for Quoting {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let text = String::deserialize(d)?;
            Err(de::Error::custom(format!("cannot read {text}")))
        }
    }

    fn json<T: DeserializeOwned + fmt::Debug>(text: &str) -> String {
        serde_json::from_str::<T>(text).expect_err("the first parse fails");
        json_error::<T>(text.as_bytes())
    }

    #[test]
    fn wrong_types_name_the_path_and_the_expected_type_only() {
        assert_eq!(
            json::<Order>(r#"{"sku":"A","quantity":"SECRET-TOKEN-123"}"#),
            "quantity: invalid type: string, expected u32 at line 1 column 40"
        );
        assert_eq!(
            json::<Order>(r#""SECRET-TOKEN-123""#),
            "invalid type: string, expected struct Order at line 1 column 18"
        );
        assert_eq!(
            json::<Order>(r#"{"sku":"A","quantity":4111111111111111}"#),
            "quantity: invalid value: integer, expected u32 at line 1 column 38"
        );
        assert_eq!(
            json::<Order>(
                r#"{"sku":"A","quantity":1,"items":[{"quantity":1},{"quantity":2},{"quantity":true}]}"#
            ),
            "items[2].quantity: invalid type: boolean, expected u32 at line 1 column 79"
        );
        assert_eq!(
            json::<Order>(r#"{"sku":4111111111111111,"quantity":1}"#),
            "sku: invalid type: integer, expected a string at line 1 column 23"
        );
    }

    #[test]
    fn names_from_the_payload_are_never_repeated() {
        assert_eq!(
            json::<Strict>(r#"{"a":1,"SECRET-TOKEN-123":2}"#),
            "unknown field, expected `a` at line 1 column 25"
        );
        assert_eq!(
            json::<Colour>(r#""SECRET-TOKEN-123""#),
            "unknown variant, expected one of `Red`, `Green`, `Custom` at line 1 column 18"
        );
        assert_eq!(
            json::<HashMap<String, u8>>(r#"{"SECRET-TOKEN-123":"x"}"#),
            "<key>: invalid type: string, expected u8 at line 1 column 23"
        );
        assert_eq!(
            json::<Colour>(r#"{"Custom":{"hex":"SECRET-TOKEN-123"}}"#),
            "hex: invalid type: string, expected u32 at line 1 column 35"
        );
        assert_eq!(
            json::<Order>(r#"{"sku":"A"}"#),
            "missing field `quantity` at line 1 column 11"
        );
        assert_eq!(
            json::<Order>(r#"{"sku":"A","sku":"B","quantity":1}"#),
            "duplicate field `sku` at line 1 column 16"
        );
    }

    #[test]
    fn tagged_and_untagged_enums_quote_nothing() {
        #[derive(Debug, Deserialize)]
        #[serde(tag = "type")]
        #[allow(dead_code)]
        enum Event {
            Created { id: u32 },
        }
        #[derive(Debug, Deserialize)]
        #[serde(untagged)]
        #[allow(dead_code)]
        enum Either {
            Number(u32),
            Text(bool),
        }
        for message in [
            json::<Event>(r#"{"type":"SECRET-TOKEN-123","id":1}"#),
            json::<Event>(r#"{"type":"Created","id":"SECRET-TOKEN-123"}"#),
            json::<Event>(r#"{"type":"Created","id":4111111111111111}"#),
            json::<Either>(r#""SECRET-TOKEN-123""#),
            json::<Either>("4111111111111111"),
        ] {
            assert!(!message.contains("SECRET"), "{message}");
            assert!(!message.contains("4111111111111111"), "{message}");
        }
        // The tag is read before the type knows its fields: its name is hidden like a map key.
        assert_eq!(
            json::<Event>(r#"{"type":"SECRET-TOKEN-123","id":1}"#),
            "<key>: unknown variant, expected `Created` at line 1 column 26"
        );
    }

    #[test]
    fn numeric_map_keys_keep_serde_jsons_fixed_wording() {
        let text = r#"{"SECRET-TOKEN-123": 1}"#;
        let serde_message = serde_json::from_str::<HashMap<u32, u8>>(text)
            .unwrap_err()
            .to_string();
        assert!(!serde_message.contains("SECRET"), "{serde_message}");
        assert_eq!(json::<HashMap<u32, u8>>(text), serde_message);
    }

    #[test]
    fn a_types_own_message_is_withheld() {
        assert_eq!(
            json::<Vec<Quoting>>(r#"["SECRET-TOKEN-123"]"#),
            format!("[0]: {WITHHELD} at line 1 column 20")
        );
    }

    #[test]
    fn syntax_errors_keep_serde_json_wording() {
        // serde_json's syntax messages carry no value: they are kept as they are.
        for text in [
            r#"{"sku":"A","#,
            r#"{"sku":"A","quantity":1} SECRET"#,
            r#"{"sku" "A"}"#,
        ] {
            let serde_message = serde_json::from_str::<Order>(text).unwrap_err().to_string();
            assert_eq!(json::<Order>(text), serde_message);
        }
        assert_eq!(
            json::<Order>(r#"{"sku":"A","quantity":1} SECRET"#),
            "trailing characters at line 1 column 26"
        );
        let lone = r#"{"sku":"\ud800","quantity":1}"#;
        let serde_message = serde_json::from_str::<Order>(lone).unwrap_err().to_string();
        assert_eq!(json::<Order>(lone), format!("sku: {serde_message}"));
        let deep = "[".repeat(10_000);
        assert_eq!(
            json::<serde_json::Value>(&deep),
            "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: recursion limit exceeded at line 1 column 128"
        );
    }

    #[test]
    fn dynamodb_messages_carry_no_value() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Row {
            quantity: u32,
        }
        let bad = r#"{"quantity":{"N":"SECRET-TOKEN-123"}}"#;
        assert_eq!(
            dynamodb_error::<Row>(bad),
            "quantity: the number attribute cannot be read as u32"
        );
        let bad = r#"{"quantity":{"S":"SECRET-TOKEN-123"}}"#;
        assert_eq!(dynamodb_error::<Row>(bad), "quantity: Expected num");
        let bad = r#"{"quantity":{"N":"4111111111111111"}}"#;
        let message = dynamodb_error::<Row>(bad);
        assert!(message.starts_with("quantity: "), "{message}");
        assert!(!message.contains("4111111111111111"), "{message}");
    }

    #[test]
    fn positions_are_stripped_only_when_they_are_serde_jsons() {
        assert_eq!(
            strip_position("expected value at line 1 column 2"),
            "expected value"
        );
        assert_eq!(strip_position("at line one"), "at line one");
    }
}
