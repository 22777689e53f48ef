//! The decoder against `serde_dynamo::from_item` (differential), and hand-written cases for each
//! attribute type and each mismatch.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use proptest::prelude::*;
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Visitor};
use serde_json::json;

use super::{Error, ImageError, from_image};

#[derive(Debug, PartialEq, Deserialize)]
enum Colour {
    Red,
    Green(u8),
    Blue { a: u8 },
}

#[derive(Debug, PartialEq, Deserialize)]
struct Inner {
    a: u8,
    b: Option<f64>,
    c: Option<bool>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Order {
    id: u64,
    name: String,
    qty: Option<i64>,
    tags: Option<Vec<String>>,
    inner: Option<Inner>,
    colour: Option<Colour>,
    bytes: Option<Binary>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Flat {
    id: u32,
    #[serde(flatten)]
    rest: HashMap<String, serde_json::Value>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum Loose {
    Number(i64),
    Float(f64),
    Text(String),
    Flag(bool),
    List(Vec<Loose>),
    Map(BTreeMap<String, Loose>),
}

/// Bytes read with `deserialize_bytes`, as `serde_bytes` reads them.
#[derive(Debug, PartialEq)]
struct Binary(Vec<u8>);

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl Visitor<'_> for BytesVisitor {
            type Value = Binary;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Binary, E> {
                Ok(Binary(v.to_vec()))
            }
        }
        deserializer.deserialize_bytes(BytesVisitor)
    }
}

/// What serde_dynamo makes of the text: `Err(true)` when it is not an item at all.
fn reference<T: DeserializeOwned>(text: &str) -> Result<T, bool> {
    let item: serde_dynamo::Item = serde_json::from_str(text).map_err(|_| true)?;
    serde_dynamo::from_item(item).map_err(|_| false)
}

/// What our decoder makes of it, in the same shape.
fn ours<T: DeserializeOwned>(text: &str) -> Result<T, bool> {
    from_image(text).map_err(|error| matches!(error, ImageError::Malformed(_)))
}

fn same<T: DeserializeOwned + PartialEq + fmt::Debug>(text: &str) -> Result<(), TestCaseError> {
    let expected = reference::<T>(text);
    let actual = ours::<T>(text);
    prop_assert_eq!(
        &expected,
        &actual,
        "{} from {}",
        std::any::type_name::<T>(),
        text
    );
    Ok(())
}

const NAMES: &[&str] = &[
    "id",
    "name",
    "qty",
    "tags",
    "inner",
    "colour",
    "bytes",
    "a",
    "b",
    "c",
    "Red",
    "Green",
    "Blue",
    "7",
    "true",
    "extra",
    "na\\u006De",
];
const NUMBERS: &[&str] = &[
    "0",
    "5",
    "-3",
    "255",
    "256",
    "-129",
    "4294967296",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "1.5",
    "1e3",
    "-0.0",
    "inf",
    "",
    "abc",
    "+7",
    " 7",
    "0x10",
];
const STRINGS: &[&str] = &[
    "",
    "a",
    "Red",
    "Green",
    "x y",
    "é",
    "\\u0041\\n",
    "Customer \\\"7\\\" \\\\ Smith",
    "\\ud83d\\ude00",
    "\\ud800 lone",
    "\\/\\b\\f\\r\\t",
    "true",
    "12",
    "ab",
];
const BASE64: &[&str] = &["", "AA==", "AAE=", "aGVsbG8=", "AA", "!!", "AAE", "AB=="];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(list).prop_map(|s| format!("\"{s}\""))
}

fn strings_of(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(pick(list), 0..3).prop_map(|items| format!("[{}]", items.join(",")))
}

/// One attribute value as DynamoDB JSON text: mostly well formed, sometimes not.
fn attribute() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        16 => pick(NUMBERS).prop_map(|n| format!(r#"{{"N":{n}}}"#)),
        16 => pick(STRINGS).prop_map(|s| format!(r#"{{"S":{s}}}"#)),
        8 => any::<bool>().prop_map(|b| format!(r#"{{"BOOL":{b}}}"#)),
        8 => prop_oneof![19 => Just(true), 1 => Just(false)]
            .prop_map(|b| format!(r#"{{"NULL":{b}}}"#)),
        4 => pick(BASE64).prop_map(|b| format!(r#"{{"B":{b}}}"#)),
        4 => strings_of(STRINGS).prop_map(|s| format!(r#"{{"SS":{s}}}"#)),
        4 => strings_of(NUMBERS).prop_map(|n| format!(r#"{{"NS":{n}}}"#)),
        4 => strings_of(BASE64).prop_map(|b| format!(r#"{{"BS":{b}}}"#)),
        1 => prop::sample::select(&[
            "{}",
            r#"{"X":"1"}"#,
            r#"{"S":1}"#,
            r#"{"N":5}"#,
            r#"{"S":"a","N":"1"}"#,
            r#"{"NULL":null}"#,
            r#"{"\u0053":"escaped tag"}"#,
            "[]",
        ][..])
        .prop_map(str::to_owned),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            map_of(inner.clone()).prop_map(|m| format!(r#"{{"M":{m}}}"#)),
            prop::collection::vec(inner, 0..4)
                .prop_map(|items| format!(r#"{{"L":[{}]}}"#, items.join(","))),
        ]
    })
}

/// A map of attributes (names drawn from a small set, so names repeat now and then).
fn map_of(values: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    prop::collection::vec((pick(NAMES), values), 0..5).prop_map(|entries| {
        let entries: Vec<String> = entries
            .into_iter()
            .map(|(name, value)| format!("{name}:{value}"))
            .collect();
        format!("{{{}}}", entries.join(","))
    })
}

/// An image shaped like an `Order` most of the time, so that typed targets often succeed.
fn order_image() -> impl Strategy<Value = String> {
    let id = prop_oneof![
        8 => (0u64..1000).prop_map(|n| format!(r#""id":{{"N":"{n}"}}"#)),
        1 => attribute().prop_map(|a| format!(r#""id":{a}"#)),
    ];
    let name = prop_oneof![
        8 => pick(STRINGS).prop_map(|s| format!(r#""name":{{"S":{s}}}"#)),
        1 => attribute().prop_map(|a| format!(r#""name":{a}"#)),
    ];
    let inner = prop_oneof![
        6 => (0u16..270, any::<bool>()).prop_map(|(a, c)| {
            format!(r#""inner":{{"M":{{"a":{{"N":"{a}"}},"b":{{"N":"2.5"}},"c":{{"BOOL":{c}}}}}}}"#)
        }),
        1 => Just(r#""inner":{"L":[{"N":"1"},{"NULL":true},{"BOOL":false}]}"#.to_owned()),
        1 => attribute().prop_map(|a| format!(r#""inner":{a}"#)),
    ];
    let colour = prop_oneof![
        Just(r#""colour":{"S":"Red"}"#.to_owned()),
        Just(r#""colour":{"M":{"Green":{"N":"7"}}}"#.to_owned()),
        Just(r#""colour":{"M":{"Blue":{"M":{"a":{"N":"1"}}}}}"#.to_owned()),
        Just(r#""colour":{"M":{"Red":{"NULL":true}}}"#.to_owned()),
        Just(r#""colour":{"M":{"Red":{"NULL":true},"Red":{"S":"x"}}}"#.to_owned()),
        Just(r#""colour":{"M":{"Red":{"NULL":true},"Blue":{"M":{}}}}"#.to_owned()),
        Just(r#""colour":{"S":"Green"}"#.to_owned()),
        attribute().prop_map(|a| format!(r#""colour":{a}"#)),
    ];
    let rest = prop::collection::vec((pick(NAMES), attribute()), 0..2);
    (id, name, inner, colour, rest).prop_map(|(id, name, inner, colour, rest)| {
        let mut fields = vec![id, name, inner, colour];
        fields.extend(rest.into_iter().map(|(n, v)| format!("{n}:{v}")));
        format!("{{{}}}", fields.join(","))
    })
}

fn any_image() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => order_image(),
        8 => map_of(attribute()),
        1 => attribute(),
        1 => Just("[]".to_owned()),
        1 => Just(r#"{"id":{"N":"1"}"#.to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn typed_targets_agree_with_serde_dynamo(text in any_image()) {
        same::<Order>(&text)?;
        same::<Flat>(&text)?;
        same::<HashMap<String, Colour>>(&text)?;
        same::<HashMap<u32, bool>>(&text)?;
        same::<BTreeMap<String, (u8, String)>>(&text)?;
        same::<BTreeMap<String, Option<Vec<u64>>>>(&text)?;
        same::<BTreeMap<String, i8>>(&text)?;
        same::<BTreeMap<String, f32>>(&text)?;
        same::<BTreeMap<String, char>>(&text)?;
        same::<BTreeMap<String, Binary>>(&text)?;
        same::<BTreeMap<String, Vec<Binary>>>(&text)?;
        same::<serde::de::IgnoredAny>(&text).or_else(|_| {
            // IgnoredAny has no PartialEq: compare success only.
            prop_assert_eq!(reference::<serde::de::IgnoredAny>(&text).is_ok(),
                ours::<serde::de::IgnoredAny>(&text).is_ok(), "{}", text);
            Ok(())
        })?;
    }

    #[test]
    fn the_quick_reader_agrees_with_serde_json_or_gives_up(text in any_image()) {
        let slow = super::tree::parse_with_serde_json(&text).ok();
        let read = super::fast::parse(&text);
        if let Some(quick) = &read {
            prop_assert_eq!(Some(quick), slow.as_ref(), "{}", text);
        }
        // The same image written across lines and indented, where `serde_json::Value` reads it
        // (it writes no escape the compact text did not have): white space alone never makes
        // the quick reader give up.
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            let quick = super::fast::parse(&pretty);
            prop_assert!(quick.is_some() || read.is_none(), "gave up on {}", pretty);
            if quick.is_some() {
                prop_assert_eq!(quick, super::tree::parse_with_serde_json(&pretty).ok(), "{}", pretty);
            }
        }
    }

    #[test]
    fn self_describing_targets_agree_with_serde_dynamo(text in any_image()) {
        same::<serde_json::Value>(&text)?;
        same::<Loose>(&text)?;
        same::<BTreeMap<String, Loose>>(&text)?;
    }
}

fn order(image: serde_json::Value) -> Result<Order, ImageError> {
    from_image(&image.to_string())
}

fn mismatch<T: DeserializeOwned + fmt::Debug>(image: serde_json::Value) -> Error {
    match from_image::<T>(&image.to_string()) {
        Err(ImageError::DoesNotFit(error)) => error,
        other => panic!("expected a mismatch, got {other:?}"),
    }
}

fn malformed(text: &str) {
    assert!(
        matches!(
            from_image::<serde::de::IgnoredAny>(text),
            Err(ImageError::Malformed(_))
        ),
        "{text} should be malformed"
    );
}

#[test]
fn reads_every_attribute_type() {
    let order = order(json!({
        "id": {"N": "101"},
        "name": {"S": "Widget \"deluxe\""},
        "qty": {"NULL": true},
        "tags": {"SS": ["a", "b"]},
        "inner": {"M": {"a": {"N": "7"}, "b": {"N": "-2.5e1"}, "c": {"BOOL": true}}},
        "colour": {"M": {"Blue": {"M": {"a": {"N": "3"}}}}},
        "bytes": {"B": "aGk="},
        "ignored": {"L": [{"NS": ["1", "2.5"]}, {"BS": ["AA=="]}, {"S": "x"}]}
    }))
    .unwrap();
    assert_eq!(
        order,
        Order {
            id: 101,
            name: "Widget \"deluxe\"".to_owned(),
            qty: None,
            tags: Some(vec!["a".to_owned(), "b".to_owned()]),
            inner: Some(Inner {
                a: 7,
                b: Some(-25.0),
                c: Some(true)
            }),
            colour: Some(Colour::Blue { a: 3 }),
            bytes: Some(Binary(b"hi".to_vec())),
        }
    );
}

#[test]
fn missing_and_null_attributes_are_none() {
    let order =
        order(json!({"id": {"N": "1"}, "name": {"S": ""}, "tags": {"NULL": true}})).unwrap();
    assert_eq!(order.qty, None);
    assert_eq!(order.tags, None);
    assert_eq!(order.inner, None);
}

#[test]
fn enums_read_as_serde_dynamo_writes_them() {
    let colours: HashMap<String, Colour> = from_image(
        &json!({
            "unit": {"S": "Red"},
            "unit_in_map": {"M": {"Red": {"NULL": true}}},
            "newtype": {"M": {"Green": {"N": "9"}}},
            "struct": {"M": {"Blue": {"M": {"a": {"N": "4"}}}}}
        })
        .to_string(),
    )
    .unwrap();
    assert_eq!(colours["unit"], Colour::Red);
    assert_eq!(colours["unit_in_map"], Colour::Red);
    assert_eq!(colours["newtype"], Colour::Green(9));
    assert_eq!(colours["struct"], Colour::Blue { a: 4 });
    let two = json!({"c": {"M": {"Red": {"NULL": true}, "Green": {"N": "1"}}}});
    assert_eq!(
        mismatch::<HashMap<String, Colour>>(two),
        Error::ExpectedSingleKey
    );
    let number = json!({"c": {"N": "1"}});
    assert_eq!(
        mismatch::<HashMap<String, Colour>>(number),
        Error::Expected("enum")
    );
}

#[test]
fn each_type_mismatch_names_what_was_expected() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Text {
        v: String,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Number {
        v: u32,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Flag {
        v: bool,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct List {
        v: Vec<u8>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Nested {
        v: Inner,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Bin {
        v: Binary,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Unit {
        v: (),
    }
    assert_eq!(
        mismatch::<Text>(json!({"v": {"N": "5"}})),
        Error::Expected("string")
    );
    assert_eq!(
        mismatch::<Number>(json!({"v": {"S": "5"}})),
        Error::Expected("num")
    );
    assert_eq!(
        mismatch::<Flag>(json!({"v": {"S": "true"}})),
        Error::Expected("bool")
    );
    assert_eq!(
        mismatch::<List>(json!({"v": {"M": {}}})),
        Error::Expected("seq")
    );
    assert_eq!(
        mismatch::<Nested>(json!({"v": {"S": "x"}})),
        Error::Expected("map")
    );
    assert_eq!(
        mismatch::<Bin>(json!({"v": {"S": "aGk="}})),
        Error::Expected("binary data")
    );
    assert_eq!(
        mismatch::<Unit>(json!({"v": {"NULL": false}})),
        Error::Expected("unit")
    );
}

#[test]
fn numbers_parse_as_rust_parses_them() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Small {
        v: u8,
    }
    #[derive(Debug, Deserialize, PartialEq)]
    struct Float {
        v: f64,
    }
    assert_eq!(
        mismatch::<Small>(json!({"v": {"N": "256"}})),
        Error::NotAnInteger
    );
    assert_eq!(
        mismatch::<Small>(json!({"v": {"N": "1.0"}})),
        Error::NotAnInteger
    );
    assert_eq!(
        mismatch::<Small>(json!({"v": {"N": "-1"}})),
        Error::NotAnInteger
    );
    assert_eq!(
        mismatch::<Float>(json!({"v": {"N": "x"}})),
        Error::NotAFloat
    );
    assert_eq!(
        from_image::<Float>(r#"{"v":{"N":"1e2"}}"#).unwrap(),
        Float { v: 100.0 }
    );
    // deserialize_any: i64 first, then u64, then f64.
    let value: serde_json::Value = from_image(
        r#"{"i":{"N":"-5"},"u":{"N":"18446744073709551615"},"f":{"N":"18446744073709551616"}}"#,
    )
    .unwrap();
    assert_eq!(
        value,
        json!({"i": -5, "u": 18446744073709551615u64, "f": 18446744073709551616.0})
    );
    // A number that does not parse fails even where the type ignores the attribute.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct OnlyId {
        id: u8,
    }
    assert_eq!(
        mismatch::<OnlyId>(json!({"id": {"N": "1"}, "other": {"N": "x"}})),
        Error::NotAFloat
    );
}

#[test]
fn sets_and_binaries() {
    let sets: BTreeMap<String, serde_json::Value> = from_image(
        r#"{"ss":{"SS":["a","b"]},"ns":{"NS":["1","-2","0.5"]},"l":{"L":[{"S":"x"},{"N":"2"}]}}"#,
    )
    .unwrap();
    assert_eq!(sets["ss"], json!(["a", "b"]));
    assert_eq!(sets["ns"], json!([1, -2, 0.5]));
    assert_eq!(sets["l"], json!(["x", 2]));
    let binaries: BTreeMap<String, Vec<Binary>> =
        from_image(r#"{"bs":{"BS":["AA==","aGk="]}}"#).unwrap();
    assert_eq!(
        binaries["bs"],
        vec![Binary(vec![0]), Binary(b"hi".to_vec())]
    );
    // A string set's elements are strings: not numbers.
    assert!(from_image::<BTreeMap<String, Vec<u8>>>(r#"{"ss":{"SS":["1"]}}"#).is_err());
}

#[test]
fn map_keys_parse_as_serde_dynamo_parses_them() {
    let keyed: BTreeMap<String, HashMap<u16, bool>> =
        from_image(r#"{"m":{"M":{"7":{"BOOL":true},"300":{"BOOL":false}}}}"#).unwrap();
    assert_eq!(keyed["m"], HashMap::from([(7, true), (300, false)]));
    assert_eq!(
        mismatch::<BTreeMap<String, HashMap<u16, bool>>>(
            json!({"m": {"M": {"x": {"BOOL": true}}}})
        ),
        Error::Expected("num")
    );
}

#[test]
fn an_attribute_name_given_twice_keeps_its_last_value() {
    // serde_dynamo::Item is a hash map: the last value of a name wins, and the type never sees
    // the name twice (no `duplicate field` error).
    #[derive(Debug, Deserialize, PartialEq)]
    struct Id {
        id: u8,
    }
    let text = r#"{"id":{"N":"1"},"id":{"N":"2"}}"#;
    assert_eq!(from_image::<Id>(text).unwrap(), Id { id: 2 });
    assert_eq!(reference::<Id>(text), Ok(Id { id: 2 }));
    // The earlier value is dropped before the type reads anything, even when it would not fit.
    let text = r#"{"id":{"S":"x"},"id":{"N":"3"}}"#;
    assert_eq!(from_image::<Id>(text).unwrap(), Id { id: 3 });
    // Inside a nested map too, and with many names (the hash-set check).
    let mut many: Vec<String> = (0..40)
        .map(|i| format!(r#""k{i}":{{"N":"{i}"}}"#))
        .collect();
    many.push(r#""k5":{"N":"99"}"#.to_owned());
    let text = format!(r#"{{"m":{{"M":{{{}}}}}}}"#, many.join(","));
    let nested: BTreeMap<String, BTreeMap<String, u8>> = from_image(&text).unwrap();
    assert_eq!(nested["m"].len(), 40);
    assert_eq!(nested["m"]["k5"], 99);
}

#[test]
fn images_that_are_not_dynamodb_json_are_malformed() {
    malformed("[]");
    malformed(r#"{"id":{}}"#);
    malformed(r#"{"id":{"X":"1"}}"#);
    malformed(r#"{"id":{"N":5}}"#);
    malformed(r#"{"id":{"S":"a","N":"1"}}"#);
    malformed(r#"{"id":{"NULL":null}}"#);
    malformed(r#"{"id":{"B":"not base64"}}"#);
    malformed(r#"{"id":{"BS":["AA==","AA"]}}"#);
    malformed(r#"{"id":{"L":[{"S":"x"},{"Q":1}]}}"#);
    malformed(r#"{"id":{"N":"1"}"#);
    malformed(r#"{"id":{"N":"1"}} trailing"#);
}

#[test]
fn errors_quote_no_value() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Card {
        number: u32,
        holder: u8,
    }
    for image in [
        json!({"number": {"N": "4111111111111111"}, "holder": {"N": "1"}}),
        json!({"number": {"S": "4111111111111111"}, "holder": {"N": "1"}}),
        json!({"number": {"N": "1"}, "holder": {"N": "4111111111111111"}}),
    ] {
        let message = mismatch::<Card>(image).to_string();
        assert!(!message.contains("4111"), "{message}");
    }
}

#[test]
fn the_quick_reader_reads_well_formed_images_and_leaves_the_rest() {
    let text = r#" { "a" : {"S":"x\"y"}, "b":{"M":{"c":{"L":[{"N":"1"},{"NULL":true}]}}},
        "d":{"SS":["p","q"]}, "e":{"BS":["AA=="]}, "f":{"BOOL":false}, "a":{"N":"2"} } "#;
    let quick = super::fast::parse(text).expect("well formed");
    assert_eq!(Some(quick), super::tree::parse_with_serde_json(text).ok());
    for text in [
        r#"{"a":{"\u0053":"x"}}"#,
        r#"{"a":{"N":5}}"#,
        r#"{"a":{"S":"x","S":"y"}}"#,
        r#"{"a":{"B":"AA"}}"#,
        r#"{"a":{"S":"x"}} x"#,
        r#"{"a":{"S":"\ud800"}}"#,
        r#"{"a":{"S":"x"}"#,
    ] {
        assert!(super::fast::parse(text).is_none(), "{text}");
    }
    let deep = format!(
        r#"{{"a":{}{{"NULL":true}}{}}}"#,
        r#"{"L":["#.repeat(70),
        "]}".repeat(70)
    );
    assert!(super::fast::parse(&deep).is_none());
    assert!(super::tree::parse_with_serde_json(&deep).is_err());
}

#[test]
fn the_generated_images_reach_both_outcomes() {
    // The differential tests only mean something if the images often fit and often do not.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut orders, mut values, mut malformed) = (0, 0, 0);
    const SAMPLES: usize = 500;
    for _ in 0..SAMPLES {
        let text = any_image().new_tree(&mut runner).unwrap().current();
        orders += usize::from(ours::<Order>(&text).is_ok());
        values += usize::from(ours::<serde_json::Value>(&text).is_ok());
        malformed += usize::from(ours::<serde_json::Value>(&text) == Err(true));
    }
    for (what, count) in [
        ("orders", orders),
        ("values", values),
        ("malformed", malformed),
    ] {
        assert!(
            (SAMPLES / 10..SAMPLES * 9 / 10).contains(&count),
            "{what}: {count} of {SAMPLES}"
        );
    }
}
