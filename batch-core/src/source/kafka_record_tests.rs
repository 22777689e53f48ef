use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::source::reader_strategies::{Written, object_text, reads_every_sample_as_serde, text};

/// A record as Lambda writes it.
const RECORD: &str = r#"{"topic":"orders","partition":3,"offset":1000000,"timestamp":1764400000123,"timestampType":"CREATE_TIME","key":"a2V5","value":"eyJhIjoxfQ==","headers":[{"traceparent":[48,48,45,-1]},{"empty":[]}]}"#;

#[test]
fn a_record_as_lambda_writes_it_reads_as_serde_reads_it() {
    let ours = read_record(RECORD).expect("read without serde");
    assert_eq!(ours, serde_json::from_str::<KafkaRecord>(RECORD).unwrap());
    // Spelled out, so that agreeing with serde is not all this checks.
    assert_eq!((ours.partition, ours.offset), (3, 1_000_000));
    // aws_lambda_events reads the milliseconds through a float's fraction, which holds
    // 0.122999...: serde gives ...122 for ...123, and so does the reader.
    assert_eq!(ours.timestamp.timestamp_millis(), 1_764_400_000_122);
    assert_eq!(ours.value.as_deref(), Some("eyJhIjoxfQ=="));
    assert_eq!(ours.headers[0]["traceparent"], [48, 48, 45, -1]);
    assert_eq!(ours.headers[1]["empty"], Vec::<i8>::new());
}

#[test]
fn every_sample_record_reads_without_serde_and_as_serde_reads_it() {
    reads_every_sample_as_serde(
        &[
            include_str!("../../../tests/fixtures/kafka-msk.json"),
            include_str!("../../../tests/fixtures/kafka-self-managed.json"),
        ],
        read_record,
    );
}

#[test]
fn what_serde_decides_differently_is_left_to_serde() {
    let base = r#""partition":0,"offset":0,"timestamp":0,"headers":[]"#;
    let cases = [
        // A required member missing.
        r#"{"partition":0,"offset":0,"timestamp":0}"#.to_owned(),
        r#"{"offset":0,"timestamp":0,"headers":[]}"#.to_owned(),
        // A field given twice, an escaped key.
        format!(r#"{{{base},"topic":"a","topic":"b"}}"#),
        format!(r#"{{{base},"t\u006fpic":"a"}}"#),
        // Numbers serde reads otherwise or refuses.
        r#"{"partition":-0,"offset":0,"timestamp":0,"headers":[]}"#.to_owned(),
        r#"{"partition":1.0,"offset":0,"timestamp":0,"headers":[]}"#.to_owned(),
        r#"{"partition":0,"offset":9223372036854775808,"timestamp":0,"headers":[]}"#.to_owned(),
        r#"{"partition":0,"offset":0,"timestamp":1.5e3,"headers":[]}"#.to_owned(),
        r#"{"partition":0,"offset":0,"timestamp":"1000","headers":[]}"#.to_owned(),
        r#"{"partition":0,"offset":0,"timestamp":-1000,"headers":[]}"#.to_owned(),
        r#"{"partition":0,"offset":0,"timestamp":9007199254740993,"headers":[]}"#.to_owned(),
        r#"{"partition":0,"offset":0,"timestamp":0,"headers":[{"a":[128]}]}"#.to_owned(),
        r#"{"partition":0,"offset":0,"timestamp":0,"headers":[{"a":"AQID"}]}"#.to_owned(),
        r#"{"partition":0,"offset":0,"timestamp":0,"headers":[[]]}"#.to_owned(),
        r#"{"partition":0,"offset":0,"timestamp":0,"headers":null}"#.to_owned(),
        // Not an object.
        r#"[0,0,0]"#.to_owned(),
    ];
    for raw in &cases {
        assert_eq!(read_record(raw), None, "{raw}");
    }
}

/// A number as JSON may write it, whole or not, in and out of every range the fields take.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (-200i64..200).prop_map(|n| n.to_string()),
        2 => (0u64..=(1 << 54)).prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => prop::sample::select(vec!["-0", "1.0", "1e3", "0.5", "-1.5", "1764400000000.0"])
            .prop_map(str::to_owned),
    ]
}

/// A value for `name`: mostly of the type its field takes, sometimes of another.
fn member_value(name: &'static str) -> BoxedStrategy<String> {
    let fitting = match name {
        "partition" | "offset" | "timestamp" => number().boxed(),
        "headers" => prop::collection::vec(
            prop::collection::btree_map(text(), prop::collection::vec(number(), 0..4), 0..3),
            0..3,
        )
        .prop_map(|headers| {
            let written: Vec<String> = headers
                .iter()
                .map(|map| {
                    let members: Vec<String> = map
                        .iter()
                        .map(|(key, bytes)| format!("{}:[{}]", json!(key), bytes.join(", ")))
                        .collect();
                    format!("{{{}}}", members.join(","))
                })
                .collect();
            format!("[{}]", written.join(" , "))
        })
        .boxed(),
        _ => text().prop_map(|text| json!(text).to_string()).boxed(),
    };
    let other = prop::sample::select(vec![
        "null",
        "true",
        "\"1\"",
        "{}",
        "[]",
        "[{}]",
        "{\"a\":[1]}",
    ])
    .prop_map(str::to_owned);
    prop_oneof![8 => fitting, 1 => Just("null".to_owned()), 1 => other].boxed()
}

/// A record's members, in any order, fields given twice, missing and unknown among them, keys
/// sometimes escaped.
fn record_text() -> impl Strategy<Value = Written> {
    let required = REQUIRED.iter().map(|&index| FIELDS[index]).collect();
    object_text(&FIELDS, &["other", "Topic"], required, 8, member_value)
}

proptest! {
    /// Whatever the reader gives, serde_json gives too; and a record that serde_json reads,
    /// with no field given twice, no key escaped and a timestamp written as a whole number a
    /// float holds, is read.
    #[test]
    fn gives_only_what_serde_gives(Written { text: raw, escaped, repeated } in record_text()) {
        // serde's timestamp reading panics on a fraction of a millisecond.
        let theirs = std::panic::catch_unwind(|| serde_json::from_str::<KafkaRecord>(&raw).ok())
            .ok()
            .flatten();
        match read_record(&raw) {
            Some(ours) => prop_assert_eq!(Some(ours), theirs, "{}", raw),
            None => {
                let written: Value = serde_json::from_str(&raw).unwrap();
                let whole_timestamp = written["timestamp"]
                    .as_u64()
                    .is_some_and(|n| n <= EXACT_IN_A_FLOAT);
                let plain_headers = written["headers"].as_array().is_some_and(|headers| {
                    headers.iter().all(|header| {
                        header.as_object().is_some_and(|map| {
                            map.keys().all(|key| !json!(key).to_string().contains('\\'))
                        })
                    })
                });
                prop_assert!(
                    theirs.is_none() || escaped || repeated || !whole_timestamp || !plain_headers,
                    "not read: {}", raw
                );
            }
        }
    }
}
