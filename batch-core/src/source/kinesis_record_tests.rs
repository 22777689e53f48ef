use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::source::reader_strategies::{object_text, reads_every_sample_as_serde, text};

/// A record as Lambda writes it.
const RECORD: &str = r#"{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"customer-0001","sequenceNumber":"49590338271490256608559692538361571095921575989136588898","data":"eyJhIjoxfQ==","approximateArrivalTimestamp":1545084650.987},"eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"shardId-000000000006:49590338271490256608559692538361571095921575989136588898","eventName":"aws:kinesis:record","invokeIdentityArn":"arn:aws:iam::123456789012:role/lambda-role","awsRegion":"us-east-2","eventSourceARN":"arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"}"#;

#[test]
fn a_record_as_lambda_writes_it_reads_as_serde_reads_it() {
    let ours = read_record(RECORD).expect("read without serde");
    assert_eq!(
        ours,
        serde_json::from_str::<KinesisEventRecord>(RECORD).unwrap()
    );
    // Spelled out, so that agreeing with serde is not all this checks.
    assert_eq!(ours.kinesis.data.as_slice(), br#"{"a":1}"#);
    assert_eq!(ours.kinesis.partition_key, "customer-0001");
    assert_eq!(
        ours.kinesis
            .approximate_arrival_timestamp
            .timestamp_millis(),
        1_545_084_650_987
    );
    assert_eq!(ours.kinesis.encryption_type, KinesisEncryptionType::None);
    assert_eq!(ours.event_name.as_deref(), Some("aws:kinesis:record"));
}

#[test]
fn every_sample_record_reads_without_serde_and_as_serde_reads_it() {
    reads_every_sample_as_serde(
        &[
            include_str!("../../../tests/fixtures/kinesis.json"),
            include_str!("../../../tests/fixtures/kinesis-json-data.json"),
        ],
        read_record,
    );
}

#[test]
fn what_serde_decides_differently_is_left_to_serde() {
    let with = |kinesis: &str| format!(r#"{{"eventID":"e","kinesis":{{{kinesis}}}}}"#);
    let cases = [
        // Required members missing.
        r#"{"eventID":"e"}"#.to_owned(),
        with(r#""data":"e30=""#),
        with(r#""approximateArrivalTimestamp":1"#),
        // A field given twice, an escaped key, at either level.
        r#"{"eventID":"e","eventID":"f","kinesis":{"approximateArrivalTimestamp":1,"data":""}}"#
            .to_owned(),
        with(r#""approximateArrivalTimestamp":1,"data":"","d\u0061ta":"""#),
        // Values serde reads otherwise or refuses.
        with(r#""approximateArrivalTimestamp":1.2345,"data":"""#),
        with(r#""approximateArrivalTimestamp":"1","data":"""#),
        with(r#""approximateArrivalTimestamp":-1,"data":"""#),
        with(r#""approximateArrivalTimestamp":1,"data":"e30""#),
        with(r#""approximateArrivalTimestamp":1,"data":null"#),
        with(r#""approximateArrivalTimestamp":1,"data":"","partitionKey":null"#),
        with(r#""approximateArrivalTimestamp":1,"data":"","encryptionType":"kms""#),
        with(r#""approximateArrivalTimestamp":1,"data":"","encryptionType":null"#),
        r#"{"kinesis":null}"#.to_owned(),
    ];
    for raw in &cases {
        assert_eq!(read_record(raw), None, "{raw}");
    }
}

/// A member's value for `name`: mostly of the type its field takes, sometimes of another.
fn member_value(name: &'static str) -> BoxedStrategy<String> {
    let fitting = match name {
        "approximateArrivalTimestamp" => prop_oneof![
            (0u64..2_000_000_000, 0u32..1000).prop_map(|(s, ms)| format!("{s}.{ms:03}")),
            (0u64..2_000_000_000, 0u32..1000).prop_map(|(s, ms)| format!("{s}.{ms}")),
            (0u64..2_000_000_000).prop_map(|s| s.to_string()),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| f.to_string()),
            Just("1e3".to_owned()),
        ]
        .boxed(),
        "data" => prop_oneof![
            prop::collection::vec(any::<u8>(), 0..20)
                .prop_map(|bytes| { json!(BASE64.encode(bytes)).to_string() }),
            text().prop_map(|text| json!(text).to_string()),
        ]
        .boxed(),
        "encryptionType" => {
            prop::sample::select(vec!["\"NONE\"", "\"KMS\"", "\"N\\u004fNE\"", "\"kms\""])
                .prop_map(str::to_owned)
                .boxed()
        }
        "kinesis" => kinesis_text().boxed(),
        _ => text().prop_map(|text| json!(text).to_string()).boxed(),
    };
    let other = prop::sample::select(vec!["null", "true", "1", "{}", "[]"]).prop_map(str::to_owned);
    prop_oneof![8 => fitting, 1 => Just("null".to_owned()), 1 => other].boxed()
}

/// An object of the members `names`, the first `required` of them always given, in any order,
/// repeated, unknown and escaped among them.
fn members_text(names: &'static [&'static str], required: usize) -> impl Strategy<Value = String> {
    object_text(
        names,
        &["other"],
        names[..required].to_vec(),
        6,
        member_value,
    )
    .prop_map(|written| written.text)
}

fn kinesis_text() -> impl Strategy<Value = String> {
    members_text(&KINESIS_FIELDS, 2)
}

proptest! {
    /// Whatever the reader gives, serde_json gives too; and a record serde_json reads, whose
    /// keys are written plainly and given once, with a timestamp of at most three decimals,
    /// is read.
    #[test]
    fn gives_only_what_serde_gives(raw in members_text(&FIELDS, 1)) {
        // aws_lambda_events' timestamp reading overflows (a panic in a test build) on a
        // fraction of many digits; the reader leaves those to it.
        let Ok(theirs) = std::panic::catch_unwind(|| {
            serde_json::from_str::<KinesisEventRecord>(&raw).ok()
        }) else {
            return Ok(());
        };
        if let Some(ours) = read_record(&raw) {
            prop_assert_eq!(Some(ours), theirs, "{}", raw);
        } else if let Some(theirs) = theirs {
            let written: Value = serde_json::from_str(&raw).unwrap();
            let plain = !raw.contains("\\u00") && !has_repeats(&raw, &written);
            let stamp = written["kinesis"]["approximateArrivalTimestamp"].to_string();
            let short = stamp.split_once('.').is_none_or(|(_, f)| f.len() <= 3)
                && !stamp.contains('e')
                && theirs.kinesis.approximate_arrival_timestamp.timestamp() >= 0;
            prop_assert!(!plain || !short, "not read: {}", raw);
        }
    }
}

/// Whether a key is given twice in the record or in its `kinesis` object: serde_json's map
/// keeps one of each, so it then holds fewer members than were written.
fn has_repeats(raw: &str, record: &Value) -> bool {
    let written = |object: &str| scan::fields(object).map_while(|member| member).count();
    let kinesis = scan::fields(raw)
        .map_while(|member| member)
        .filter(|(key, _)| *key == "kinesis")
        .map(|(_, value)| value)
        .last()
        .unwrap_or("{}");
    let members = |value: &Value| value.as_object().map_or(0, |map| map.len());
    members(record) < written(raw)
        || (record["kinesis"].is_object() && members(&record["kinesis"]) < written(kinesis))
}
