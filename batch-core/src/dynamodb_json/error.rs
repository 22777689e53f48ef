//! What can go wrong when an image's attribute values are read into a type, worded without a
//! byte of the payload (R14).

use std::fmt;

/// Why an image's attribute values do not fit the type asked for.
///
/// The wording of each kind is `serde_dynamo`'s where that carries no value, so that the
/// redacting second pass (`redact::dynamodb_error`) keeps it as it is; a number that does not
/// parse is worded without the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Error {
    /// An attribute of another type than the one the target reads (`Expected num`, ...).
    Expected(&'static str),
    /// A map read as an enum does not hold exactly one attribute.
    ExpectedSingleKey,
    /// A number attribute that does not parse as the integer type asked for.
    NotAnInteger,
    /// A number attribute that does not parse as a float.
    NotAFloat,
    /// A message made by the target type's own code (it may quote the payload: shown only where
    /// payload details are allowed).
    Custom(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Expected(what) => write!(f, "Expected {what}"),
            Error::ExpectedSingleKey => f.write_str("Expected an item with a single key"),
            Error::NotAnInteger => {
                f.write_str("Failed to parse the number attribute as an integer")
            }
            Error::NotAFloat => f.write_str("Failed to parse the number attribute as a float"),
            Error::Custom(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error::Custom(message.to_string())
    }
}
