//! What the readers' property tests share: text with what JSON escapes, and objects whose
//! members come in any order, given twice, unknown, and with keys written with an escape, each
//! of which a reader must either read as `serde_json` does or leave to it.

use proptest::prelude::*;
use serde_json::json;

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
