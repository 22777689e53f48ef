//! A serde `Deserializer` over the borrowed attribute tree that behaves as
//! `serde_dynamo::Deserializer` does over its `AttributeValue`s: the same type checks, the same
//! number parsing, the same sets, binaries, options, enums and map keys.

use std::borrow::Cow;
use std::vec;

use serde::de::value::{BytesDeserializer, CowStrDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde::forward_to_deserialize_any;

use super::error::Error;
use super::tree::{Attr, Map, Text};

/// Deserializes one attribute value.
pub(crate) struct AttrDeserializer<'a> {
    input: Attr<'a>,
}

impl<'a> AttrDeserializer<'a> {
    pub(crate) fn new(input: Attr<'a>) -> Self {
        Self { input }
    }

    /// The whole image, read as the map attribute it is.
    pub(crate) fn item(map: Map<'a>) -> Self {
        Self::new(Attr::M(map))
    }
}

/// Hands a string to a visitor: borrowed text as `&str`, unescaped text as an owned `String`.
fn visit_text<'de, V: Visitor<'de>>(text: Text<'_>, visitor: V) -> Result<V::Value, Error> {
    match text.0 {
        Cow::Borrowed(s) => visitor.visit_str(s),
        Cow::Owned(s) => visitor.visit_string(s),
    }
}

fn text_deserializer(text: Text<'_>) -> CowStrDeserializer<'_, Error> {
    CowStrDeserializer::new(text.0)
}

macro_rules! number_method {
    ($method:ident) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.input {
                Attr::N(n) => NumberDeserializer(n).$method(visitor),
                _ => Err(Error::Expected("num")),
            }
        }
    };
}

impl<'de, 'a> Deserializer<'de> for AttrDeserializer<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.input {
            Attr::N(n) => NumberDeserializer(n).deserialize_any(visitor),
            Attr::S(s) => visit_text(s, visitor),
            Attr::Bool(b) => visitor.visit_bool(b),
            Attr::B(b) => visitor.visit_bytes(&b),
            Attr::Null(_) => self.deserialize_unit(visitor),
            Attr::M(_) => self.deserialize_map(visitor),
            Attr::L(_) | Attr::Ss(_) | Attr::Ns(_) | Attr::Bs(_) => self.deserialize_seq(visitor),
        }
    }

    number_method!(deserialize_i8);
    number_method!(deserialize_i16);
    number_method!(deserialize_i32);
    number_method!(deserialize_i64);
    number_method!(deserialize_u8);
    number_method!(deserialize_u16);
    number_method!(deserialize_u32);
    number_method!(deserialize_u64);
    number_method!(deserialize_f32);
    number_method!(deserialize_f64);

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.input {
            Attr::S(s) => visit_text(s, visitor),
            _ => Err(Error::Expected("string")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.input {
            Attr::L(list) => visitor.visit_seq(Elements::new(list, AttrDeserializer::new)),
            Attr::Ss(strings) => visitor.visit_seq(Elements::new(strings, text_deserializer)),
            Attr::Ns(numbers) => visitor.visit_seq(Elements::new(numbers, NumberDeserializer)),
            Attr::Bs(binaries) => visitor.visit_seq(Binaries(binaries.into_iter())),
            _ => Err(Error::Expected("seq")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.input {
            Attr::M(map) => visitor.visit_map(Entries::new(map)),
            _ => Err(Error::Expected("map")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // serde_dynamo reads a list as a struct's fields in order.
        if let Attr::L(_) = self.input {
            self.deserialize_seq(visitor)
        } else {
            self.deserialize_map(visitor)
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.input {
            Attr::Bool(b) => visitor.visit_bool(b),
            _ => Err(Error::Expected("bool")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Attr::S(s) = self.input else {
            return Err(Error::Expected("char"));
        };
        let mut chars = s.0.chars();
        let Some(first) = chars.next() else {
            return Err(Error::Expected("char"));
        };
        let value = visitor.visit_char(first)?;
        match chars.next() {
            Some(_) => Err(Error::Expected("char")),
            None => Ok(value),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.input {
            Attr::Null(true) => visitor.visit_unit(),
            _ => Err(Error::Expected("unit")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.input {
            Attr::Null(true) => visitor.visit_unit(),
            _ => Err(Error::Expected("unit struct")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.input {
            Attr::Null(true) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.input {
            Attr::S(s) => visitor.visit_enum(text_deserializer(s)),
            Attr::M(map) => visitor.visit_enum(Variant { map }),
            _ => Err(Error::Expected("enum")),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.input {
            Attr::B(b) => visitor.visit_bytes(&b),
            _ => Err(Error::Expected("binary data")),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // serde_dynamo reads an ignored attribute in full: a number that does not parse or a
        // `NULL: false` fails even where the type skips it.
        self.deserialize_any(visitor)
    }
}

/// A number attribute's text, parsed as the visitor asks (Rust's `str::parse`, as serde_dynamo).
struct NumberDeserializer<'a>(Text<'a>);

macro_rules! parse_method {
    ($method:ident, $ty:ty, $visit:ident, $error:expr) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let n = self.0.0.parse::<$ty>().map_err(|_| $error)?;
            visitor.$visit(n)
        }
    };
}

impl<'de> Deserializer<'de> for NumberDeserializer<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let text = &*self.0.0;
        if let Ok(i) = text.parse::<i64>() {
            visitor.visit_i64(i)
        } else if let Ok(u) = text.parse::<u64>() {
            visitor.visit_u64(u)
        } else if let Ok(f) = text.parse::<f64>() {
            visitor.visit_f64(f)
        } else {
            Err(Error::NotAFloat)
        }
    }

    parse_method!(deserialize_i8, i8, visit_i8, Error::NotAnInteger);
    parse_method!(deserialize_i16, i16, visit_i16, Error::NotAnInteger);
    parse_method!(deserialize_i32, i32, visit_i32, Error::NotAnInteger);
    parse_method!(deserialize_i64, i64, visit_i64, Error::NotAnInteger);
    parse_method!(deserialize_u8, u8, visit_u8, Error::NotAnInteger);
    parse_method!(deserialize_u16, u16, visit_u16, Error::NotAnInteger);
    parse_method!(deserialize_u32, u32, visit_u32, Error::NotAnInteger);
    parse_method!(deserialize_u64, u64, visit_u64, Error::NotAnInteger);
    parse_method!(deserialize_f32, f32, visit_f32, Error::NotAFloat);
    parse_method!(deserialize_f64, f64, visit_f64, Error::NotAFloat);

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    // `i128` and `u128` are left to serde's default, an error, as serde_dynamo leaves them.
    forward_to_deserialize_any! {
        str string seq map bool char unit enum bytes tuple option struct byte_buf identifier
        unit_struct tuple_struct newtype_struct
    }
}

/// A map attribute's name, read as serde_dynamo reads map keys: as a string, or parsed when the
/// key type is an integer or a bool, or as a unit variant.
struct KeyDeserializer<'a>(Text<'a>);

macro_rules! key_integer_method {
    ($method:ident, $visit:ident) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let n = self.0.0.parse().map_err(|_| Error::Expected("num"))?;
            visitor.$visit(n)
        }
    };
}

impl<'de> Deserializer<'de> for KeyDeserializer<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visit_text(self.0, visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visit_text(self.0, visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visit_text(self.0, visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visit_text(self.0, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        AttrDeserializer::new(Attr::S(self.0)).deserialize_enum(name, variants, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    key_integer_method!(deserialize_i8, visit_i8);
    key_integer_method!(deserialize_i16, visit_i16);
    key_integer_method!(deserialize_i32, visit_i32);
    key_integer_method!(deserialize_i64, visit_i64);
    key_integer_method!(deserialize_i128, visit_i128);
    key_integer_method!(deserialize_u8, visit_u8);
    key_integer_method!(deserialize_u16, visit_u16);
    key_integer_method!(deserialize_u32, visit_u32);
    key_integer_method!(deserialize_u64, visit_u64);
    key_integer_method!(deserialize_u128, visit_u128);

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &*self.0.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(Error::Expected("string")),
        }
    }

    forward_to_deserialize_any! {
        f32 f64 char bytes byte_buf option unit unit_struct seq tuple tuple_struct map struct
        ignored_any
    }
}

/// The elements of a list or set, each read by the deserializer `make` builds.
struct Elements<T, F> {
    items: vec::IntoIter<T>,
    make: F,
}

impl<T, F> Elements<T, F> {
    fn new(items: Vec<T>, make: F) -> Self {
        Self {
            items: items.into_iter(),
            make,
        }
    }
}

impl<'de, T, F, D> SeqAccess<'de> for Elements<T, F>
where
    F: FnMut(T) -> D,
    D: Deserializer<'de, Error = Error>,
{
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        match self.items.next() {
            Some(item) => seed.deserialize((self.make)(item)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A binary set's elements: each is handed over as bytes whatever the element type asks for.
struct Binaries(vec::IntoIter<Vec<u8>>);

impl<'de> SeqAccess<'de> for Binaries {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        match self.0.next() {
            Some(bytes) => seed.deserialize(BytesDeserializer::new(&bytes)).map(Some),
            None => Ok(None),
        }
    }
}

/// A map attribute's entries, in the order they were written.
struct Entries<'a> {
    entries: vec::IntoIter<(Text<'a>, Attr<'a>)>,
    value: Option<Attr<'a>>,
}

impl<'a> Entries<'a> {
    fn new(map: Map<'a>) -> Self {
        Self {
            entries: map.into_iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some((name, value)) => {
                self.value = Some(value);
                seed.deserialize(KeyDeserializer(name)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        // serde only asks for a value after its key; a caller that does otherwise gets an error,
        // not a panic.
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a map value was asked for before its key"))?;
        seed.deserialize(AttrDeserializer::new(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() + usize::from(self.value.is_some()))
    }
}

/// A map attribute read as an enum: its single attribute's name is the variant.
struct Variant<'a> {
    map: Map<'a>,
}

impl<'de, 'a> EnumAccess<'de> for Variant<'a> {
    type Error = Error;
    type Variant = VariantValue<'a>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, VariantValue<'a>), Error> {
        let mut entries = self.map.into_iter();
        let (Some((name, value)), None) = (entries.next(), entries.next()) else {
            return Err(Error::ExpectedSingleKey);
        };
        let variant = seed.deserialize(text_deserializer(name))?;
        Ok((variant, VariantValue { value }))
    }
}

/// The value of an enum's single attribute.
struct VariantValue<'a> {
    value: Attr<'a>,
}

impl<'de> VariantAccess<'de> for VariantValue<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Error> {
        seed.deserialize(AttrDeserializer::new(self.value))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        AttrDeserializer::new(self.value).deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        AttrDeserializer::new(self.value).deserialize_map(visitor)
    }
}
