//! Structure-aware inputs: turns raw fuzz bytes into a valid-ish event of a source (the right
//! keys, identifiers from a small pool so that some repeat, groups, partitions, bodies), written
//! with the spellings a hand-written reader can get wrong: escapes in keys and values, `\/`,
//! white space before `:`, members named twice, lone surrogates, huge numbers, deep nesting.

use arbitrary::Unstructured;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::Target;

/// Characters that stand for a lone surrogate escape, which no Rust string can hold:
/// [`write_str`] writes them as `\ud800` and `\uDFFF`.
const LONE_HIGH: &str = "\u{E000}";
const LONE_LOW: &str = "\u{E001}";

/// A value to write; strings are written with random spellings.
enum Value {
    Null,
    Bool(bool),
    /// Written as is (numbers, deliberately odd text).
    Raw(String),
    Str(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// The event of `target` that `data` describes. Never fails: when `data` runs out, the rest is
/// built from defaults (zeros).
pub fn event(target: Target, data: &[u8]) -> Vec<u8> {
    let mut u = Unstructured::new(data);
    let count = pick(&mut u, 0..=8);
    let value = match target {
        Target::Kafka => kafka_event(&mut u, count),
        _ => {
            let records = (0..count).map(|_| record(&mut u, target)).collect();
            let mut top = Vec::new();
            if chance(&mut u, 4) {
                top.push(("other".to_owned(), any(&mut u, 0)));
            }
            top.push(("Records".to_owned(), Value::Array(records)));
            if chance(&mut u, 16) {
                // A second `Records` member (R8).
                top.push(("Records".to_owned(), Value::Array(Vec::new())));
            }
            Value::Object(top)
        }
    };
    let mut out = String::new();
    write(&mut u, &value, &mut out);
    out.into_bytes()
}

fn pick(u: &mut Unstructured<'_>, range: std::ops::RangeInclusive<usize>) -> usize {
    u.int_in_range(range).unwrap_or(0)
}

/// True about once in `n`.
fn chance(u: &mut Unstructured<'_>, n: u8) -> bool {
    u.ratio(1, n).unwrap_or(false)
}

fn choose<T: Copy>(u: &mut Unstructured<'_>, items: &[T]) -> T {
    items[pick(u, 0..=items.len() - 1)]
}

/// An identifier-like string from a small pool, so that some repeat; sometimes with `/`,
/// non-ASCII or quotes to escape.
fn ident(u: &mut Unstructured<'_>, prefix: &str) -> String {
    let n = pick(u, 0..=5);
    let tail = choose(
        u,
        &[
            "",
            "/x",
            "é",
            "\"q\"",
            "\\",
            "\u{1F600}",
            LONE_HIGH,
            LONE_LOW,
        ],
    );
    format!("{prefix}{n}{tail}")
}

/// A value that usually is `good` and sometimes is of the wrong kind: null, a number, empty, a
/// lone surrogate, an object.
fn usually(u: &mut Unstructured<'_>, good: impl FnOnce(&mut Unstructured<'_>) -> Value) -> Value {
    match pick(u, 0..=15) {
        0 => Value::Null,
        1 => Value::Raw(choose(u, &["7", "-0", "1e400", "123456789012345678901234567890"]).into()),
        2 => Value::Str(String::new()),
        3 => Value::Raw(r#""x\ud800""#.into()),
        4 => Value::Object(vec![("k".into(), Value::Bool(true))]),
        _ => good(u),
    }
}

/// A JSON document as text, for bodies and data: an order, deep nesting, huge numbers, a lone
/// surrogate, or not JSON at all.
fn document(u: &mut Unstructured<'_>) -> String {
    match pick(u, 0..=7) {
        0 => format!("{}1{}", "[".repeat(pick(u, 100..=140)), "]".repeat(140)),
        1 => "{\"n\": 1e999}".into(),
        2 => "{\"s\": \"\\udc00\"}".into(),
        3 => "not json".into(),
        4 => "{\"a\": 1, \"a\": 2}".into(),
        _ => format!(
            r#"{{"sku": "{}", "quantity": {}}}"#,
            ident(u, "s"),
            pick(u, 0..=3)
        ),
    }
}

/// Any small value, for members nobody reads.
fn any(u: &mut Unstructured<'_>, depth: usize) -> Value {
    match pick(u, 0..=6) {
        0 => Value::Null,
        1 => Value::Bool(chance(u, 2)),
        2 => Value::Raw(choose(u, &["0", "-1.5e3", "1e400", "18446744073709551616"]).into()),
        3 if depth < 3 => Value::Array((0..pick(u, 0..=2)).map(|_| any(u, depth + 1)).collect()),
        4 if depth < 3 => Value::Object(vec![(ident(u, "k"), any(u, depth + 1))]),
        _ => Value::Str(ident(u, "v")),
    }
}

/// `eventSource`: usually the expected one.
fn source(u: &mut Unstructured<'_>, expected: &str) -> Value {
    match pick(u, 0..=23) {
        0 => Value::Str("aws:kinesis".into()),
        1 => Value::Str("aws:sqs".into()),
        2 => Value::Str("SelfManagedKafka".into()),
        3 => Value::Raw("1".into()),
        _ => Value::Str(expected.into()),
    }
}

/// An object with these members, sometimes shuffled, with one dropped, one named twice, or an
/// unknown one added.
fn object(u: &mut Unstructured<'_>, mut members: Vec<(String, Value)>) -> Value {
    if !members.is_empty() && chance(u, 4) {
        let i = pick(u, 0..=members.len() - 1);
        let j = pick(u, 0..=members.len() - 1);
        members.swap(i, j);
    }
    if !members.is_empty() && chance(u, 10) {
        let i = pick(u, 0..=members.len() - 1);
        members.remove(i);
    }
    if !members.is_empty() && chance(u, 10) {
        let i = pick(u, 0..=members.len() - 1);
        let name = members[i].0.clone();
        let at = pick(u, 0..=members.len());
        members.insert(at, (name, Value::Str(ident(u, "dup"))));
    }
    if chance(u, 6) {
        members.push((ident(u, "extra"), any(u, 0)));
    }
    Value::Object(members)
}

fn record(u: &mut Unstructured<'_>, target: Target) -> Value {
    if chance(u, 32) {
        return any(u, 0);
    }
    match target {
        Target::Sqs | Target::SqsFifo | Target::SqsFifoSkipGroup => {
            let group = usually(u, |u| Value::Str(ident(u, "g")));
            let members = vec![
                ("ApproximateReceiveCount".into(), Value::Str("1".into())),
                ("MessageGroupId".into(), group),
            ];
            let attributes = object(u, members);
            let members = vec![
                (
                    "messageId".into(),
                    usually(u, |u| Value::Str(ident(u, "m"))),
                ),
                ("receiptHandle".into(), Value::Str("AQEB/x==".into())),
                ("body".into(), usually(u, |u| Value::Str(document(u)))),
                ("attributes".into(), usually(u, |_| attributes)),
                ("eventSource".into(), source(u, "aws:sqs")),
                (
                    "eventSourceARN".into(),
                    Value::Str("arn:aws:sqs:eu-west-1:111122223333:q".into()),
                ),
            ];
            object(u, members)
        }
        Target::Kinesis => {
            let data = BASE64.encode(document(u));
            let data = if chance(u, 10) {
                format!("{data}!")
            } else {
                data
            };
            let members = vec![
                (
                    "partitionKey".into(),
                    usually(u, |u| Value::Str(ident(u, "p"))),
                ),
                (
                    "sequenceNumber".into(),
                    usually(u, |u| Value::Str(ident(u, "49"))),
                ),
                ("data".into(), usually(u, |_| Value::Str(data))),
                (
                    "approximateArrivalTimestamp".into(),
                    usually(u, |u| {
                        let stamp = if chance(u, 3) {
                            choose(u, KINESIS_TIMESTAMPS).to_owned()
                        } else {
                            format!(
                                "{}.{:03}",
                                1_545_084_650 + pick(u, 0..=9_999),
                                pick(u, 0..=999)
                            )
                        };
                        Value::Raw(stamp)
                    }),
                ),
                (
                    "encryptionType".into(),
                    Value::Str(choose(u, &["NONE", "KMS", "kms"]).into()),
                ),
            ];
            let kinesis = object(u, members);
            let members = vec![
                ("eventSource".into(), source(u, "aws:kinesis")),
                ("kinesis".into(), usually(u, |_| kinesis)),
            ];
            object(u, members)
        }
        Target::DynamoDb => {
            let id = Value::Object(vec![("N".into(), Value::Str(ident(u, "")))]);
            let name = ident(u, "Id");
            let keys = object(u, vec![(name, id)]);
            let image = Value::Object(vec![(
                "Name".into(),
                Value::Object(vec![("S".into(), Value::Str(ident(u, "n")))]),
            )]);
            let members = vec![
                ("Keys".into(), usually(u, |_| keys)),
                ("NewImage".into(), usually(u, |_| image)),
                (
                    "SequenceNumber".into(),
                    usually(u, |u| Value::Str(ident(u, "1"))),
                ),
            ];
            let dynamodb = object(u, members);
            let members = vec![
                ("eventSource".into(), source(u, "aws:dynamodb")),
                ("eventName".into(), Value::Str("INSERT".into())),
                ("dynamodb".into(), usually(u, |_| dynamodb)),
            ];
            object(u, members)
        }
        Target::Kafka => unreachable!("Kafka records are built by kafka_event"),
    }
}

fn kafka_event(u: &mut Unstructured<'_>, count: usize) -> Value {
    let mut partitions: Vec<(String, Value)> = Vec::new();
    for _ in 0..count {
        let topic = choose(u, &["orders", "a-1", "a", "t@x"]);
        let partition = choose(u, &["0", "1", "-2", "-0", "1.0", "9223372036854775808"]);
        let offset = choose(u, &["15", "16", "0", "-1", "1e2", "99999999999999999999"]);
        let value = if chance(u, 6) {
            Value::Null
        } else {
            Value::Str(BASE64.encode(document(u)))
        };
        let members = vec![
            ("topic".into(), usually(u, |_| Value::Str(topic.into()))),
            (
                "partition".into(),
                usually(u, |_| Value::Raw(partition.into())),
            ),
            ("offset".into(), usually(u, |_| Value::Raw(offset.into()))),
            (
                "timestamp".into(),
                usually(u, |u| {
                    let stamp = if chance(u, 3) {
                        choose(u, KAFKA_TIMESTAMPS).to_owned()
                    } else {
                        (1_764_400_000_000_u64 + pick(u, 0..=999_999) as u64).to_string()
                    };
                    Value::Raw(stamp)
                }),
            ),
            ("timestampType".into(), Value::Str("CREATE_TIME".into())),
            ("value".into(), value),
            ("headers".into(), usually(u, kafka_headers)),
        ];
        let record = object(u, members);
        let name = format!("{topic}-{partition}");
        match partitions.iter_mut().find(|(n, _)| *n == name) {
            Some((_, Value::Array(records))) if !chance(u, 16) => records.push(record),
            _ => partitions.push((name, Value::Array(vec![record]))),
        }
    }
    let records = usually(u, |_| Value::Object(partitions));
    let members = vec![
        ("eventSource".into(), source(u, "aws:kafka")),
        ("bootstrapServers".into(), Value::Str("b-1:9092".into())),
        ("records".into(), records),
    ];
    object(u, members)
}

/// Kinesis' `approximateArrivalTimestamp` (seconds), as Lambda writes it and otherwise: no
/// fraction, a long one, an exponent, negative, a string.
const KINESIS_TIMESTAMPS: &[&str] = &[
    "1545084650.987",
    "1545084650",
    "1545084650.5",
    "0.001",
    "1545084650.987654321",
    "1.5e9",
    "-1",
    "\"1545084650\"",
];

/// Kafka's `timestamp` (milliseconds), as Lambda writes it and otherwise: a fraction, an
/// exponent, negative, past what a float holds exactly, a string.
const KAFKA_TIMESTAMPS: &[&str] = &[
    "1764400000123",
    "0",
    "1.5",
    "1e3",
    "-1000",
    "9007199254740993",
    "\"1000\"",
];

/// Kafka's `headers`: an array of objects of bytes written as numbers, and what is not that.
fn kafka_headers(u: &mut Unstructured<'_>) -> Value {
    let headers = (0..pick(u, 0..=2))
        .map(|_| {
            let bytes = (0..pick(u, 0..=3))
                .map(|_| {
                    let byte = if chance(u, 8) {
                        choose(u, &["128", "1.0", "-129"])
                    } else {
                        choose(u, &["48", "-1", "127", "-128", "0"])
                    };
                    Value::Raw(byte.into())
                })
                .collect();
            let value = if chance(u, 12) {
                Value::Str("AQID".into())
            } else {
                Value::Array(bytes)
            };
            Value::Object(vec![(ident(u, "h"), value)])
        })
        .collect();
    Value::Array(headers)
}

/// White space where JSON allows it, usually none.
fn space(u: &mut Unstructured<'_>, out: &mut String) {
    out.push_str(choose(u, &["", "", "", " ", "\n  ", "\t"]));
}

/// A string with random spellings: `\uXXXX` for any character, `\/` for `/`.
fn write_str(u: &mut Unstructured<'_>, text: &str, out: &mut String) {
    out.push('"');
    let escape_often = chance(u, 8);
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\u{E000}' => out.push_str("\\ud800"),
            '\u{E001}' => out.push_str("\\uDFFF"),
            '\\' => out.push_str("\\\\"),
            '/' if chance(u, 2) => out.push_str("\\/"),
            ch if (ch as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", ch as u32)),
            ch if escape_often && chance(u, 3) => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
}

fn write(u: &mut Unstructured<'_>, value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Raw(text) => out.push_str(text),
        Value::Str(text) => write_str(u, text, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(u, out);
                write(u, item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (name, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(u, out);
                write_str(u, name, out);
                space(u, out);
                out.push(':');
                space(u, out);
                write(u, item, out);
            }
            out.push('}');
        }
    }
}
