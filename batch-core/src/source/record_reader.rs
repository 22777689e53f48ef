//! What the scanner's readers of whole records (`sqs_message`, `kinesis_record`,
//! `kafka_record`) share: each builds the `aws_lambda_events` record in one walk of the
//! record's text, and gives `None`, leaving the record to `serde_json`, wherever it is not sure
//! to give what `serde_json` gives. The text is valid JSON (every event is validated before its
//! records are read); on text that is not, the readers' answer means nothing.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::scan::{self, Kind};

/// Whether the record type `T` keeps only its own members: `probe` is a minimal valid record
/// of it, to which a member of another name is added. With `aws_lambda_events`' feature
/// `catch-all-fields` (which any crate of the application can turn on) the types also keep every
/// other member, which the readers would drop, so they give way to `serde_json` for good.
pub(super) fn keeps_only_its_fields<T: DeserializeOwned + Serialize>(probe: &str) -> bool {
    let probe = format!(r#"{{"lambdaBatchProbe":1,{}"#, &probe[1..]).replace(",}", "}");
    serde_json::from_str::<T>(&probe)
        .and_then(|record| serde_json::to_value(&record))
        .is_ok_and(|value| value.get("lambdaBatchProbe").is_none())
}

/// Walks the object at the start of `value_on` (the text may go on after it) member by member:
/// `read` gets the index in `names` of each member it names, and the text from that member's
/// value on, and gives the value's length. Members of other names are passed over, as serde
/// passes over them. Gives which of `names` were seen, and the object's length; `None` (leave the
/// record to serde) for a value that is not an object, a member given twice, a key written with
/// an escape, or wherever `read` gives `None`.
pub(super) fn read_members<const N: usize>(
    value_on: &str,
    names: &[&str; N],
    mut read: impl FnMut(usize, &str) -> Option<usize>,
) -> Option<([bool; N], usize)> {
    if Kind::of(value_on) != Kind::Object {
        return None;
    }
    let mut seen = [false; N];
    let mut fields = scan::fields(value_on);
    while let Some(field) = fields.next_key() {
        let (key, value_on) = field?;
        let len = match member_index(names, key, fields.key_is_plain(), &mut seen)? {
            Some(index) => read(index, value_on)?,
            None => scan::value_len(value_on)?,
        };
        fields.skip_value(len);
    }
    Some((seen, fields.end()?))
}

/// Which of `names` `key` is, noting it as seen; `None` (leave the record to serde) for a
/// member given twice, which serde refuses, or a key written with an escape, which could name
/// one.
fn member_index<const N: usize>(
    names: &[&str; N],
    key: &str,
    plain: bool,
    seen: &mut [bool; N],
) -> Option<Option<usize>> {
    match names.iter().position(|name| *name == key) {
        Some(index) if std::mem::replace(&mut seen[index], true) => None,
        Some(index) => Some(Some(index)),
        None if !plain => None,
        None => Some(None),
    }
}

/// An `Option<String>` at the start of `value_on` (the text may go on after it): a string, or
/// `null` for `None`; and its length.
pub(super) fn optional_string(
    value_on: &str,
    scratch: &mut Vec<u8>,
) -> Option<(Option<String>, usize)> {
    match Kind::of(value_on) {
        Kind::Null => Some((None, scan::value_len(value_on)?)),
        Kind::String => {
            let (text, len) = scan::owned_string_at(value_on, scratch)?;
            Some((Some(text), len))
        }
        _ => None,
    }
}

/// Whether `value` (one whole JSON value) is `[]`.
pub(super) fn is_empty_array(value: &str) -> bool {
    value
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .is_some_and(|inside| inside.trim_ascii().is_empty())
}

/// A JSON integer (one whole value) as serde reads it into `T`: written with digits only, and
/// in `T`'s range; `None` for anything else: a fraction or an exponent, which serde refuses
/// for an integer type, a number out of range, and `-0`, which serde_json reads as the float
/// -0.0.
pub(super) fn integer<T: std::str::FromStr>(value: &str) -> Option<T> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let negative_zero = digits.len() < value.len() && digits.starts_with('0');
    if negative_zero || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_as_serde_reads_them_or_not_at_all() {
        for value in [
            "0", "-0", "7", "-7", "127", "-128", "128", "-129", "1.0", "1e2", "-", "", "x",
        ] {
            let theirs = serde_json::from_str::<i8>(value).ok();
            match integer::<i8>(value) {
                Some(ours) => assert_eq!(Some(ours), theirs, "{value}"),
                None => assert!(theirs.is_none(), "{value}"),
            }
        }
        assert_eq!(integer::<i64>("9223372036854775807"), Some(i64::MAX));
        assert_eq!(integer::<i64>("9223372036854775808"), None);
        assert_eq!(integer::<i8>("-128"), Some(-128));
        assert_eq!(integer::<i8>("128"), None);
    }

    #[test]
    fn an_empty_array_is_brackets_and_white_space_only() {
        assert!(is_empty_array("[]"));
        assert!(is_empty_array("[ \n ]"));
        assert!(!is_empty_array("[1]"));
        assert!(!is_empty_array("{}"));
    }
}
