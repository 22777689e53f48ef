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

/// The deserializer [`from_image`] uses, for a second pass that locates a failure
/// (`redact::dynamodb_error`); `None` when the text is not DynamoDB JSON.
pub(crate) fn image_deserializer(text: &str) -> Option<de::AttrDeserializer<'_>> {
    tree::parse(text).ok().map(de::AttrDeserializer::item)
}
