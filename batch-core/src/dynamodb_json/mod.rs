//! DynamoDB images (DynamoDB JSON, `{"id": {"N": "101"}}`) straight into a type.
//!
//! `serde_dynamo` needs the image as a `serde_dynamo::Item` first: a hash map of owned
//! `AttributeValue`s, every name and string copied. Here one borrowed pass reads the image into a
//! tree whose strings point into the event ([`tree`]; [`fast`] reads the common, well-formed
//! image without serde's machinery and leaves anything else to `serde_json`), and a deserializer over that tree
//! ([`de`]) feeds the type exactly as `serde_dynamo::from_item` would: the same images are
//! rejected, the same types accepted, the same values produced (the differential test in
//! [`tests`] holds it to that).

mod de;
mod error;
mod fast;
mod tree;

#[cfg(test)]
mod tests;

use serde::de::DeserializeOwned;

pub(crate) use error::Error;

/// Why an image could not be read into a type.
#[derive(Debug)]
pub(crate) enum ImageError {
    /// The text is not DynamoDB JSON (as `serde_dynamo::Item` reads it).
    Malformed(serde_json::Error),
    /// The image is DynamoDB JSON, but does not fit the type.
    DoesNotFit(Error),
}

/// Reads an image's DynamoDB JSON text into `T` as `serde_dynamo::from_item` would read the
/// `serde_dynamo::Item` that `serde_json` makes of the same text.
pub(crate) fn from_image<T: DeserializeOwned>(text: &str) -> Result<T, ImageError> {
    let map = tree::parse(text).map_err(ImageError::Malformed)?;
    T::deserialize(de::AttrDeserializer::item(map)).map_err(ImageError::DoesNotFit)
}

/// The item `text` (DynamoDB JSON) as one string that is the same however the item is written:
/// attribute names sorted and decoded, string and number values decoded, binary values in
/// standard base64, a name given twice keeping its last value (as `serde_dynamo::Item` does).
/// `None` when the text is not DynamoDB JSON or holds a value that is not a string, a number or
/// binary (a key attribute is one of these).
pub(crate) fn canonical_key(text: &str) -> Option<String> {
    use base64::Engine;
    let mut attributes = tree::parse(text).ok()?;
    attributes.sort_by(|(a, _), (b, _)| a.0.cmp(&b.0));
    let mut key = String::new();
    for (name, value) in attributes {
        key.push_str(&name.0);
        key.push('\0');
        match value {
            tree::Attr::S(text) => {
                key.push_str("S:");
                key.push_str(&text.0);
            }
            tree::Attr::N(number) => {
                key.push_str("N:");
                key.push_str(&number.0);
            }
            tree::Attr::B(bytes) => {
                key.push_str("B:");
                base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut key);
            }
            _ => return None,
        }
        key.push('\0');
    }
    Some(key)
}

/// The deserializer [`from_image`] uses, for a second pass that locates a failure
/// (`redact::dynamodb_error`); `None` when the text is not DynamoDB JSON.
pub(crate) fn image_deserializer(text: &str) -> Option<de::AttrDeserializer<'_>> {
    tree::parse(text).ok().map(de::AttrDeserializer::item)
}
