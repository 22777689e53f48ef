//! Random damage to the records of otherwise valid events, for every source and for handlers
//! that read nothing, a typed payload, or the whole record (R7, R8, §5). Whatever the damage,
//! processing never panics, loses no record and acknowledges no failed record; an untouched
//! record is never failed by its neighbours; and every invocation error is one the damage
//! explains.

mod spec_support;

use batch_core::source::{BatchSource, DynamoDb, Kinesis, Sqs};
use batch_core::testing::{dynamodb_record, event_from_records, kinesis_record, sqs_message};
use batch_core::{
    BatchError, BatchProcessor, Json, NewImage, RecordCx, RecordError, RecordHandler,
};
use proptest::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use spec_support::reported;

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "[a-z0-9:=+/ \"\\\\]{0,8}".prop_map(Value::String),
        Just(json!("")),
        Just(json!("aws:sqs")),
        Just(json!("aws:kinesis")),
        Just(json!("aws:dynamodb")),
        Just(json!("e30=")),
        Just(json!("12")),
    ];
    leaf.prop_recursive(2, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[A-Za-z]{1,4}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One change to a record: set (Some) or remove (None) the field at `paths[index]`, or
/// replace the whole record.
#[derive(Debug, Clone)]
enum Damage {
    Field(usize, Option<Value>),
    Whole(Value),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        8 => (0..16usize, prop::option::of(json_value())).prop_map(|(i, v)| Damage::Field(i, v)),
        1 => json_value().prop_map(Damage::Whole),
    ]
}

/// Records: each either untouched (no damage) or damaged once or twice.
fn records() -> impl Strategy<Value = Vec<Vec<Damage>>> {
    prop::collection::vec(
        prop_oneof![
            2 => Just(Vec::new()),
            3 => prop::collection::vec(damage(), 1..3),
        ],
        0..7,
    )
}

fn apply(mut record: Value, paths: &[&[&str]], damages: &[Damage]) -> Value {
    for damage in damages {
        match damage {
            Damage::Whole(value) => record = value.clone(),
            Damage::Field(index, value) => {
                let path = paths[index % paths.len()];
                let (last, parents) = path.split_last().unwrap();
                let mut target = &mut record;
                let mut reachable = true;
                for key in parents {
                    if !target.get(*key).is_some_and(Value::is_object) {
                        reachable = false;
                        break;
                    }
                    target = target.get_mut(*key).unwrap();
                }
                if !reachable {
                    continue;
                }
                if let Some(object) = target.as_object_mut() {
                    match value {
                        Some(value) => {
                            object.insert(last.to_string(), value.clone());
                        }
                        None => {
                            object.remove(*last);
                        }
                    }
                }
            }
        }
    }
    record
}

/// The record's identifier as the spec defines it: a non-empty string at the id path.
fn id_of(record: &Value, id_path: &[&str]) -> Option<String> {
    let mut value = record;
    for key in id_path {
        value = value.as_object()?.get(*key)?;
    }
    value
        .as_str()
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

/// Whether the record names another source.
fn foreign(record: &Value, expected: &str) -> bool {
    record
        .get("eventSource")
        .and_then(Value::as_str)
        .is_some_and(|source| source != expected)
}

#[derive(Clone, Copy, Debug)]
enum Reads {
    Nothing,
    Payload,
    WholeRecord,
}

/// Reads what `reads` says and succeeds with the record's position.
struct Reader(Reads);

#[derive(Deserialize)]
struct Numbered {
    n: usize,
}

impl RecordHandler<Sqs> for Reader {
    type Output = usize;
    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<usize, RecordError> {
        match self.0 {
            Reads::Nothing => {}
            Reads::Payload => assert_eq!(record.extract::<Json<usize>>()?.0, record.position()),
            Reads::WholeRecord => {
                record.record()?;
            }
        }
        Ok(record.position())
    }
}

impl RecordHandler<Kinesis> for Reader {
    type Output = usize;
    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<usize, RecordError> {
        match self.0 {
            Reads::Nothing => {}
            Reads::Payload => assert_eq!(record.extract::<Json<usize>>()?.0, record.position()),
            Reads::WholeRecord => {
                record.record()?;
            }
        }
        Ok(record.position())
    }
}

impl RecordHandler<DynamoDb> for Reader {
    type Output = usize;
    async fn call(&self, record: &RecordCx<'_, DynamoDb>) -> Result<usize, RecordError> {
        match self.0 {
            Reads::Nothing => {}
            Reads::Payload => {
                let NewImage(item) = record.extract::<NewImage<Numbered>>()?;
                assert_eq!(item.n, record.position());
            }
            Reads::WholeRecord => {
                record.record()?;
            }
        }
        Ok(record.position())
    }
}

/// Processes the damaged records and checks every invariant.
fn check<S: BatchSource>(
    base: impl Fn(usize) -> Value,
    paths: &[&[&str]],
    id_path: &[&str],
    damages: &[Vec<Damage>],
    reads: Reads,
    raise: bool,
) where
    Reader: RecordHandler<S, Output = usize>,
    S::Record: DeserializeOwned,
    S::Response: serde::Serialize,
{
    let records: Vec<Value> = damages
        .iter()
        .enumerate()
        .map(|(p, d)| apply(base(p), paths, d))
        .collect();
    let untouched: Vec<bool> = damages.iter().map(Vec::is_empty).collect();
    let processor = BatchProcessor::<S>::new().raise_on_entire_batch_failure(raise);
    let handler = Reader(reads);
    let result = block_on(processor.run(event_from_records(records.clone()), &handler));
    let any_foreign = records.iter().any(|r| foreign(r, S::EVENT_SOURCE));
    match result {
        Ok(response) => {
            assert!(!any_foreign, "a record of another source was accepted");
            let event = event_from_records(records.clone());
            let report = block_on(processor.process(&event.payload, &event.context, &handler))
                .expect("process agrees with run");
            assert_eq!(report.len(), records.len(), "no record is lost");
            let mut failed_ids = Vec::new();
            for outcome in report.outcomes() {
                let p = outcome.position();
                match outcome.result() {
                    Ok(value) => {
                        assert_eq!(*value, p);
                        if let Reads::WholeRecord = reads {
                            assert!(
                                serde_json::from_value::<S::Record>(records[p].clone()).is_ok(),
                                "record {p} does not fit the schema but succeeded: {}",
                                records[p]
                            );
                        }
                    }
                    Err(error) => {
                        assert!(!untouched[p], "untouched record {p} failed: {error}");
                        let id = id_of(&records[p], id_path);
                        assert!(id.is_some(), "failed record {p} without id acknowledged");
                        assert_eq!(outcome.id().map(str::to_owned), id);
                        failed_ids.push(id.unwrap());
                    }
                }
            }
            assert_eq!(reported(&response), failed_ids);
            assert!(
                !(raise && !records.is_empty() && failed_ids.len() == records.len()),
                "an entire batch failure was not raised"
            );
        }
        Err(BatchError::WrongSource { position, .. }) => {
            assert!(
                foreign(&records[position], S::EVENT_SOURCE),
                "record {position}"
            );
        }
        Err(BatchError::UnidentifiableRecord { failures, .. }) => {
            assert!(
                !failures.is_empty(),
                "an unidentifiable error names no record"
            );
            for failure in &failures {
                let p = failure.position;
                assert!(!untouched[p], "untouched record {p} is unidentifiable");
                assert_eq!(id_of(&records[p], id_path), None, "record {p} has an id");
            }
        }
        Err(BatchError::AllFailed { failures }) => {
            assert!(raise, "AllFailed without raise");
            assert_eq!(failures.len(), records.len());
            assert!(untouched.iter().all(|u| !u), "an untouched record failed");
        }
        Err(other) => panic!("unexpected invocation error: {other}"),
    }
}

fn reads() -> impl Strategy<Value = Reads> {
    prop_oneof![
        Just(Reads::Nothing),
        Just(Reads::Payload),
        Just(Reads::WholeRecord)
    ]
}

const SQS_PATHS: &[&[&str]] = &[
    &["messageId"],
    &["messageId"],
    &["body"],
    &["body"],
    &["eventSource"],
    &["attributes"],
    &["attributes", "MessageGroupId"],
    &["messageAttributes"],
    &["receiptHandle"],
    &["md5OfBody"],
    &["awsRegion"],
    &["eventSourceARN"],
];

const KINESIS_PATHS: &[&[&str]] = &[
    &["kinesis"],
    &["kinesis", "sequenceNumber"],
    &["kinesis", "sequenceNumber"],
    &["kinesis", "data"],
    &["kinesis", "data"],
    &["kinesis", "partitionKey"],
    &["kinesis", "approximateArrivalTimestamp"],
    &["eventSource"],
    &["eventID"],
    &["awsRegion"],
];

const DYNAMODB_PATHS: &[&[&str]] = &[
    &["dynamodb"],
    &["dynamodb", "SequenceNumber"],
    &["dynamodb", "SequenceNumber"],
    &["dynamodb", "Keys"],
    &["dynamodb", "NewImage"],
    &["dynamodb", "NewImage"],
    &["dynamodb", "SizeBytes"],
    &["eventSource"],
    &["eventName"],
    &["awsRegion"],
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn damaged_sqs_records(damages in records(), reads in reads(), raise in any::<bool>()) {
        check::<Sqs>(
            |p| sqs_message(&format!("id-{p}"), &p.to_string()),
            SQS_PATHS,
            &["messageId"],
            &damages,
            reads,
            raise,
        );
    }

    #[test]
    fn damaged_kinesis_records(damages in records(), reads in reads(), raise in any::<bool>()) {
        check::<Kinesis>(
            |p| kinesis_record(&format!("{p}000"), &format!("key-{p}"), p.to_string().as_bytes()),
            KINESIS_PATHS,
            &["kinesis", "sequenceNumber"],
            &damages,
            reads,
            raise,
        );
    }

    #[test]
    fn damaged_dynamodb_records(damages in records(), reads in reads(), raise in any::<bool>()) {
        check::<DynamoDb>(
            |p| {
                dynamodb_record(
                    &format!("{p}000"),
                    json!({"Id": {"N": p.to_string()}}),
                    json!({"Id": {"N": p.to_string()}, "n": {"N": p.to_string()}}),
                )
            },
            DYNAMODB_PATHS,
            &["dynamodb", "SequenceNumber"],
            &damages,
            reads,
            raise,
        );
    }
}
