use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::source::reader_strategies::{Written, object_text, reads_every_sample_as_serde, text};

/// A record as Lambda writes it: every member, attributes and a message attribute.
const RECORD: &str = r#"{"messageId":"059f36b4-87a3-44ab-83d2-661975830a7d","receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a","body":"{\"order\":\"A-1\",\"note\":\"caf\u00e9 \\\"b\\\"\"}","attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1545082649183","SenderId":"AIDAIENQZJOLO23YVJ4VO","ApproximateFirstReceiveTimestamp":"1545082649185"},"messageAttributes":{"tenant":{"stringValue":"acme","stringListValues":[],"binaryListValues":[],"dataType":"String"},"empty":{"stringListValues":["a","b"],"binaryListValues":[],"dataType":"String.list"}},"md5OfBody":"e4e68fb7bd0e697a0ae8f1bb342846b3","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-2:123456789012:my-queue","awsRegion":"us-east-2"}"#;

#[test]
fn a_record_as_lambda_writes_it_reads_as_serde_reads_it() {
    let ours = read_message(RECORD).expect("read without serde");
    assert_eq!(ours, serde_json::from_str::<SqsMessage>(RECORD).unwrap());
    // Spelled out, so that agreeing with serde is not all this checks.
    assert_eq!(
        ours.body.as_deref(),
        Some(r#"{"order":"A-1","note":"café \"b\""}"#)
    );
    assert_eq!(ours.attributes["ApproximateReceiveCount"], "1");
    assert_eq!(
        ours.message_attributes["tenant"].string_value.as_deref(),
        Some("acme")
    );
    assert_eq!(
        ours.message_attributes["empty"].string_list_values,
        ["a", "b"]
    );
    assert_eq!(
        ours.event_source_arn.as_deref(),
        Some("arn:aws:sqs:us-east-2:123456789012:my-queue")
    );
    assert_eq!(ours.md5_of_message_attributes, None);
}

#[test]
fn every_sample_record_reads_without_serde_and_as_serde_reads_it() {
    reads_every_sample_as_serde(
        &[
            include_str!("../../../tests/fixtures/sqs.json"),
            include_str!("../../../tests/fixtures/sqs-fifo.json"),
            include_str!("../../../tests/fixtures/sqs-json-bodies.json"),
        ],
        read_message,
    );
}

#[test]
fn what_serde_decides_differently_is_left_to_serde() {
    let cases = [
        // A field given twice: serde refuses the record.
        r#"{"messageId":"a","messageId":"b"}"#,
        // A key written with an escape may name a field.
        r#"{"message\u0049d":"a"}"#,
        // A value of a type the field does not take.
        r#"{"messageId":1}"#,
        r#"{"attributes":{"SenderId":1}}"#,
        r#"{"attributes":[]}"#,
        r#"{"messageAttributes":{"a":{"dataType":1}}}"#,
        r#"{"messageAttributes":{"a":{"stringListValues":null}}}"#,
        r#"{"messageAttributes":{"a":{"string\u0056alue":"x"}}}"#,
        r#"{"messageAttributes":{"a":{"stringValue":"x","stringValue":"y"}}}"#,
        // Binary values, which serde decodes from base64.
        r#"{"messageAttributes":{"a":{"binaryValue":"AQID","dataType":"Binary"}}}"#,
        r#"{"messageAttributes":{"a":{"binaryListValues":["AQID"]}}}"#,
        // Not an object (serde also takes a struct as an array).
        r#"["a"]"#,
        r#""a""#,
        // Text after the record.
        r#"{"messageId":"a"} x"#,
    ];
    for raw in cases {
        assert_eq!(read_message(raw), None, "{raw}");
    }
}

#[test]
fn nulls_and_unknown_members_read_as_serde_reads_them() {
    let raw = r#" {"messageId":null,"attributes":null,"messageAttributes":null,"unknown":{"a":[1,"\""]},"body":"x"} "#;
    let ours = read_message(raw.trim()).unwrap();
    assert_eq!(ours, serde_json::from_str::<SqsMessage>(raw).unwrap());
    assert_eq!((ours.message_id, ours.body.as_deref()), (None, Some("x")));
}

/// Any JSON value, shallow.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..3)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A value for `name`: mostly of the type its field takes, sometimes of another.
fn member_value(name: &'static str) -> BoxedStrategy<Value> {
    let fitting = match name {
        "attributes" => prop::collection::btree_map(text(), text(), 0..4)
            .prop_map(|map| json!(map))
            .boxed(),
        "messageAttributes" => prop::collection::btree_map(
            text(),
            (
                prop::option::of(text()),
                prop::option::of(Just("AQID")),
                prop::collection::vec(text(), 0..3),
                prop::option::of(prop::collection::vec(Just("AQID"), 0..2)),
                text(),
                0..4u8,
            )
                .prop_map(|(string, binary, strings, binaries, data_type, shape)| {
                    let mut attribute = json!({
                        "stringValue": string,
                        "binaryValue": binary,
                        "stringListValues": strings,
                        "dataType": data_type,
                    });
                    if let Some(binaries) = binaries {
                        attribute["binaryListValues"] = json!(binaries);
                    }
                    // Lambda writes every member; other writers leave some out.
                    match shape {
                        0 => drop(attribute.as_object_mut().unwrap().remove("stringValue")),
                        1 => drop(
                            attribute
                                .as_object_mut()
                                .unwrap()
                                .remove("stringListValues"),
                        ),
                        _ => {}
                    }
                    attribute
                }),
            0..3,
        )
        .prop_map(|map| json!(map))
        .boxed(),
        _ => text().prop_map(Value::String).boxed(),
    };
    prop_oneof![8 => fitting, 1 => Just(Value::Null), 1 => any_value()].boxed()
}

/// A value for `name`, written compact or pretty.
fn member_text(name: &'static str) -> BoxedStrategy<String> {
    (member_value(name), any::<bool>())
        .prop_map(|(value, pretty)| {
            if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                value.to_string()
            }
        })
        .boxed()
}

/// A record's members, in any order, fields given twice and unknown members among them, keys
/// sometimes escaped.
fn record_text() -> impl Strategy<Value = Written> {
    object_text(
        &FIELDS,
        &["other", "MessageId", "body "],
        Vec::new(),
        12,
        member_text,
    )
}

proptest! {
    /// Whatever the reader gives, serde_json gives too; and a record that serde_json reads,
    /// with no field given twice and no key escaped, is read.
    #[test]
    fn gives_only_what_serde_gives(Written { text: raw, escaped, repeated } in record_text()) {
        let theirs = serde_json::from_str::<SqsMessage>(&raw).ok();
        match read_message(&raw) {
            Some(ours) => prop_assert_eq!(Some(ours), theirs, "{}", raw),
            None => {
                let plain = |key: &String| !serde_json::to_string(key).unwrap().contains('\\');
                let plain_attributes = theirs.as_ref().is_some_and(|message| {
                    message.attributes.keys().all(plain)
                        && message.message_attributes.iter().all(|(key, attribute)| {
                            plain(key)
                                && attribute.binary_value.is_none()
                                && attribute.binary_list_values.is_empty()
                        })
                });
                prop_assert!(
                    theirs.is_none() || escaped || repeated || !plain_attributes,
                    "not read: {}", raw
                );
            }
        }
    }
}
