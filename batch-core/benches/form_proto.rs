//! What decoding an SQS event costs through `lambda_runtime`'s path, by design: measured before
//! choosing the event form (BENCHMARKS.md, "Measured while choosing that form").
//!
//! ```sh
//! cargo bench -p batch-core --bench form_proto --no-run
//! valgrind --tool=callgrind --toggle-collect='*measured*' target/release/deps/form_proto-* sqs decode
//! ```
//!
//! Paths: `boxed` (a `Box<RawValue>` capture of the event, as `BatchEvent` does), `borrowed`
//! (the event's text borrowed from the bytes through serde_json's raw-value protocol),
//! `decode` (a serde visitor over the envelope that captures each wanted member of a record
//! borrowed and has serde_json unescape the body), `proto` (that visitor, then each body parsed
//! and checked as the hand-written loop does), `hand-written`; on the `dynamodb` workload,
//! `stream-decode` (a visitor that captures each record's identifier, source, sequence number
//! and images borrowed, so that no scanner walks the images again). Without a path it checks that
//! `proto` reports the hand-written loop's failures.

mod workloads;

use std::fmt;

use batch_core::aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use workloads::{Order, validate};

const TOKEN: &str = "$serde_json::private::RawValue";

/// A value's raw JSON text, borrowed when the input allows.
struct RawText<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                m.next_key::<IgnoredAny>()?;
                m.next_value_seed(TextSeed)
            }
        }
        d.deserialize_newtype_struct(TOKEN, V)
    }
}

struct TextSeed;
impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = RawText<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("raw text")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(RawText(s.into()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(RawText(s.to_owned().into()))
            }
            fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                Ok(RawText(s.into()))
            }
        }
        d.deserialize_str(V)
    }
}

/// A map key as bytes: never fails, lone surrogates included.
struct Key(Vec<u8>);
impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Key, E> {
                Ok(Key(v.to_vec()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.as_bytes().to_vec()))
            }
        }
        d.deserialize_bytes(V)
    }
}

/// What the typed path keeps of a record.
#[derive(Default)]
struct Compact {
    id: Option<String>,
    body: Option<String>,
    group: Option<String>,
    malformed: Option<String>,
}

/// `{"Records": [...]}`, each record read as `R`.
struct Event<R>(Vec<R>);

impl<'de, R: Deserialize<'de>> Deserialize<'de> for Event<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<R>(std::marker::PhantomData<R>);
        impl<'de, R: Deserialize<'de>> Visitor<'de> for V<R> {
            type Value = Event<R>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an event")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Event<R>, A::Error> {
                let mut records = Vec::new();
                while let Some(key) = m.next_key::<Key>()? {
                    if key.0 == b"Records" {
                        records = m.next_value::<Records<R>>()?.0;
                    } else {
                        m.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Event(records))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

struct Records<R>(Vec<R>);
impl<'de, R: Deserialize<'de>> Deserialize<'de> for Records<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<R>(std::marker::PhantomData<R>);
        impl<'de, R: Deserialize<'de>> Visitor<'de> for V<R> {
            type Value = Records<R>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Records<R>, A::Error> {
                let mut out = Vec::with_capacity(s.size_hint().unwrap_or(0));
                while let Some(record) = s.next_element::<R>()? {
                    out.push(record);
                }
                Ok(Records(out))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

const NAMES: [&[u8]; 6] = [
    b"messageId",
    b"eventSource",
    b"attributes",
    b"body",
    b"receiptHandle",
    b"eventSourceARN",
];

struct Record(Compact);
impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Record;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Record, A::Error> {
                let mut raw: [Option<RawText<'de>>; 6] = Default::default();
                while let Some(key) = m.next_key::<Key>()? {
                    match NAMES.iter().position(|n| *n == key.0.as_slice()) {
                        Some(i) => raw[i] = Some(m.next_value::<RawText>()?),
                        None => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let [id, _source, attributes, body, _receipt, _arn] = raw;
                let string =
                    |r: Option<RawText>| r.and_then(|r| serde_json::from_str::<String>(&r.0).ok());
                let group = attributes.and_then(|a| {
                    serde_json::from_str::<std::collections::HashMap<String, String>>(&a.0)
                        .ok()?
                        .remove("MessageGroupId")
                });
                Ok(Record(Compact {
                    id: string(id),
                    body: string(body),
                    group,
                    malformed: None,
                }))
            }
        }
        d.deserialize_any(V)
    }
}

/// What the typed path keeps of a DynamoDB record: the visitor's form, measured against the
/// capture and the scanner's header walk (BENCHMARKS.md, typed DynamoDB).
#[derive(Default)]
struct StreamCompact<'de> {
    id: Option<RawText<'de>>,
    source: Option<RawText<'de>>,
    sequence: Option<RawText<'de>>,
    new_image: Option<RawText<'de>>,
    old_image: Option<RawText<'de>>,
}

struct StreamRecord<'de>(StreamCompact<'de>);
impl<'de> Deserialize<'de> for StreamRecord<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StreamRecord<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut record = StreamCompact::default();
                while let Some(key) = m.next_key::<Key>()? {
                    match key.0.as_slice() {
                        b"eventID" => record.id = Some(m.next_value()?),
                        b"eventSource" => record.source = Some(m.next_value()?),
                        b"dynamodb" => {
                            let inner = m.next_value::<StreamInner>()?;
                            (record.sequence, record.new_image, record.old_image) =
                                (inner.0, inner.1, inner.2);
                        }
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(StreamRecord(record))
            }
        }
        d.deserialize_any(V)
    }
}

/// A stream record's `dynamodb` member: its sequence number and images, as raw text.
type Images<'de> = (
    Option<RawText<'de>>,
    Option<RawText<'de>>,
    Option<RawText<'de>>,
);

struct StreamInner<'de>(
    Option<RawText<'de>>,
    Option<RawText<'de>>,
    Option<RawText<'de>>,
);
impl<'de> Deserialize<'de> for StreamInner<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StreamInner<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a dynamodb member")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut found: Images<'de> = (None, None, None);
                while let Some(key) = m.next_key::<Key>()? {
                    match key.0.as_slice() {
                        b"SequenceNumber" => found.0 = Some(m.next_value()?),
                        b"NewImage" => found.1 = Some(m.next_value()?),
                        b"OldImage" => found.2 = Some(m.next_value()?),
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(StreamInner(found.0, found.1, found.2))
            }
        }
        d.deserialize_any(V)
    }
}

fn stream_decode_only(bytes: &[u8]) -> Vec<u8> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let event: Event<StreamRecord> = serde_path_to_error::deserialize(&mut deserializer).unwrap();
    // Every captured member is read, so that none of the capture is optimised away.
    let captured: usize = event
        .0
        .iter()
        .map(|StreamRecord(r)| {
            [&r.id, &r.source, &r.sequence, &r.new_image, &r.old_image]
                .iter()
                .filter_map(|member| member.as_ref())
                .map(|text| text.0.len())
                .sum::<usize>()
        })
        .sum();
    vec![captured as u8]
}

fn decode<T: de::DeserializeOwned>(bytes: &[u8]) -> T {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).unwrap()
}

fn proto(bytes: &[u8]) -> Vec<u8> {
    let event: Event<Record> = decode(bytes);
    let mut response = SqsBatchResponse::default();
    for Record(record) in &event.0 {
        let _ = (&record.group, &record.malformed);
        let ok = serde_json::from_str::<Order>(record.body.as_deref().unwrap_or_default())
            .is_ok_and(|order| validate(&order).is_ok());
        if !ok {
            response.add_failure(record.id.clone().unwrap_or_default());
        }
    }
    serde_json::to_vec(&response).unwrap()
}

fn decode_only(bytes: &[u8]) -> Vec<u8> {
    let event: Event<Record> = decode(bytes);
    vec![event.0.len() as u8]
}

fn capture_borrowed(bytes: &[u8]) -> Vec<u8> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let raw: RawText = serde_path_to_error::deserialize(&mut deserializer).unwrap();
    assert!(matches!(raw.0, std::borrow::Cow::Borrowed(_)));
    vec![raw.0.len() as u8]
}

fn capture_boxed(bytes: &[u8]) -> Vec<u8> {
    let raw: Box<serde_json::value::RawValue> = decode(bytes);
    vec![raw.get().len() as u8]
}

fn hand_written(bytes: &[u8]) -> Vec<u8> {
    let event: SqsEvent = decode(bytes);
    let mut response = SqsBatchResponse::default();
    for record in &event.records {
        let ok = serde_json::from_str::<Order>(record.body.as_deref().unwrap_or_default())
            .is_ok_and(|order| validate(&order).is_ok());
        if !ok {
            response.add_failure(record.message_id.clone().unwrap_or_default());
        }
    }
    serde_json::to_vec(&response).unwrap()
}

#[inline(never)]
fn measured(run: fn(&[u8]) -> Vec<u8>, bytes: &[u8]) -> Vec<u8> {
    run(std::hint::black_box(bytes))
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let workload = args.first().map_or("sqs", String::as_str);
    let path = args.get(1).map_or("check", String::as_str);
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../target/workloads/{workload}.json"));
    let bytes = std::fs::read(file).unwrap_or_else(|_| workloads::sqs());
    let run: fn(&[u8]) -> Vec<u8> = match path {
        "proto" => proto,
        "decode" => decode_only,
        "stream-decode" => stream_decode_only,
        "hand-written" => hand_written,
        "borrowed" => capture_borrowed,
        "boxed" => capture_boxed,
        _ => {
            assert_eq!(proto(&bytes), hand_written(&bytes));
            println!("proto reports what the hand-written loop reports");
            return;
        }
    };
    let out = measured(run, &bytes);
    std::hint::black_box(out);
}
