//! What the readers' tests share: the sample events' records, and for the property tests, text
//! with what JSON escapes and objects whose members come in any order, given twice, unknown,
//! and with keys written with an escape, each of which a reader must either read as
//! `serde_json` does or leave to it.

use std::fmt::Debug;

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Checks that `read` reads every record of the sample events `events` (under `Records`, or in
/// Kafka's `records` partitions) without serde, and gives what serde_json gives.
pub(super) fn reads_every_sample_as_serde<T: DeserializeOwned + PartialEq + Debug>(
    events: &[&str],
    read: fn(&str) -> Option<T>,
) {
    for (file, text) in events.iter().enumerate() {
        let event: Value = serde_json::from_str(text).unwrap();
        let records: Vec<&Value> = match &event["records"] {
            Value::Object(partitions) => partitions
                .values()
                .flat_map(|records| records.as_array().unwrap())
                .collect(),
            _ => event["Records"].as_array().unwrap().iter().collect(),
        };
        assert!(!records.is_empty(), "sample {file} has records");
        for record in records {
            let raw = record.to_string();
            let ours = read(&raw).unwrap_or_else(|| panic!("sample {file}: not read: {raw}"));
            assert_eq!(ours, serde_json::from_str::<T>(&raw).unwrap(), "{raw}");
        }
    }
}

/// Text with what JSON escapes (quotes, backslashes, control and non-ASCII characters) and
/// base64's own characters.
pub(super) fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("a".to_owned()),
            Just("\"".to_owned()),
            Just("\\".to_owned()),
            Just("\n".to_owned()),
            Just("\u{1}".to_owned()),
            Just("é".to_owned()),
            Just("😀".to_owned()),
            "[a-zA-Z0-9+/= ]{0,12}",
        ],
        0..6,
    )
    .prop_map(|pieces| pieces.concat())
}

/// An object as written, with what a reader must notice about it.
#[derive(Debug, Clone)]
pub(super) struct Written {
    pub(super) text: String,
    /// Whether a key is written with an escape (which serde reads as the plain key).
    pub(super) escaped: bool,
    /// Whether one of the type's own members is given twice (which serde refuses).
    pub(super) repeated: bool,
}

/// An object of up to `most` members named from `names` (the type's own) and `unknown`, with
/// every one of `required` given once more, at the start or the end; each member's value from
/// `value`; separated compactly or across lines.
pub(super) fn object_text(
    names: &'static [&'static str],
    unknown: &'static [&'static str],
    required: Vec<&'static str>,
    most: usize,
    value: fn(&'static str) -> BoxedStrategy<String>,
) -> impl Strategy<Value = Written> {
    let all: Vec<&'static str> = names.iter().chain(unknown).copied().collect();
    let member =
        prop::sample::select(all).prop_flat_map(move |name| (Just(name), value(name), 0..10u8));
    // A required member is never escaped, so that leaving it out is never the only reason
    // serde refuses the object.
    let given: Vec<_> = required
        .into_iter()
        .map(|name| (Just(name), value(name), 1..10u8))
        .collect();
    let separator = prop::sample::select(vec![",", ", ", ",\n  "]);
    (
        prop::collection::vec(member, 0..most),
        given,
        any::<bool>(),
        separator,
    )
        .prop_map(move |(mut members, given, given_first, separator)| {
            if given_first {
                members.splice(0..0, given);
            } else {
                members.extend(given);
            }
            let escaped = members.iter().any(|(_, _, escape)| *escape == 0);
            let repeated = names
                .iter()
                .any(|field| members.iter().filter(|(name, _, _)| name == field).count() > 1);
            let written: Vec<String> = members
                .into_iter()
                .map(|(name, value, escape)| format!("{}: {value}", key(name, escape == 0)))
                .collect();
            let text = format!("{{{}}}", written.join(separator));
            Written {
                text,
                escaped,
                repeated,
            }
        })
}

/// `name` as a key: plainly, or with its first letter as a `\u` escape.
fn key(name: &str, escaped: bool) -> String {
    if escaped {
        let mut chars = name.chars();
        let first = chars.next().unwrap_or('a');
        format!("\"\\u{:04x}{}\"", u32::from(first), chars.as_str())
    } else {
        json!(name).to_string()
    }
}
