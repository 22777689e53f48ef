//! Decoding and bookkeeping (DESIGN §7): 10,000-record events, our processor against the
//! hand-written loop a user would write (serde into the `aws_lambda_events` event, loop, parse
//! each payload, push failures, serialize the response), measured in the same run.
//!
//! `cargo bench -p batch-core --bench throughput`

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use batch_core::aws_lambda_events::dynamodb::Event as DynamoDbEvent;
use batch_core::aws_lambda_events::kafka::KafkaEvent;
use batch_core::aws_lambda_events::kinesis::KinesisEvent;
use batch_core::aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use batch_core::aws_lambda_events::streams::{DynamoDbEventResponse, KinesisEventResponse};
use batch_core::source::{BatchSource, DynamoDb, Kafka, Kinesis, Sqs};
use batch_core::testing::{
    dynamodb_record, event_from_records, fifo_message, kafka_event, kafka_record, kinesis_record,
    sqs_message, test_context,
};
use batch_core::{
    BatchEvent, BatchProcessor, Json, KafkaBatchItemFailure, KafkaEventResponse,
    KafkaItemIdentifier, KafkaRecord, KinesisEventRecord, LambdaEvent, NewImage, RecordCx,
    RecordError, RecordHandler, dynamodb,
};
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashSet;
use std::hint::black_box;

const RECORDS: usize = 10_000;

#[derive(Deserialize)]
struct Order {
    id: u64,
    sku: String,
    quantity: u32,
}

fn order_body(i: usize) -> String {
    // One record in a hundred is not an order: it fails.
    if i % 100 == 99 {
        "not json".to_owned()
    } else {
        format!(
            r#"{{"id": {i}, "sku": "SKU-{:05}", "quantity": {}}}"#,
            i % 977,
            1 + i % 5
        )
    }
}

fn check(order: &Order) -> bool {
    black_box(order.id);
    black_box(order.sku.len());
    order.quantity > 0
}

fn bytes_of(event: LambdaEvent<BatchEvent>) -> Vec<u8> {
    event.payload.as_str().as_bytes().to_vec()
}

fn sqs_bytes() -> Vec<u8> {
    bytes_of(event_from_records(
        (0..RECORDS).map(|i| sqs_message(&format!("id-{i}"), &order_body(i))),
    ))
}

fn fifo_bytes() -> Vec<u8> {
    bytes_of(event_from_records((0..RECORDS).map(|i| {
        fifo_message(
            &format!("id-{i}"),
            &format!("group-{}", i % 100),
            &order_body(i),
        )
    })))
}

fn kinesis_bytes() -> Vec<u8> {
    bytes_of(event_from_records((0..RECORDS).map(|i| {
        kinesis_record(
            &format!("4959{i:020}"),
            &format!("key-{}", i % 100),
            order_body(i).as_bytes(),
        )
    })))
}

fn dynamodb_bytes() -> Vec<u8> {
    bytes_of(event_from_records((0..RECORDS).map(|i| {
        let image = if i % 100 == 99 {
            json!({"id": {"S": "not a number"}, "sku": {"S": "x"}, "quantity": {"N": "1"}})
        } else {
            json!({"id": {"N": i.to_string()}, "sku": {"S": format!("SKU-{:05}", i % 977)}, "quantity": {"N": (1 + i % 5).to_string()}})
        };
        dynamodb_record(&format!("{i:012}"), json!({"id": {"N": i.to_string()}}), image)
    })))
}

fn kafka_bytes() -> Vec<u8> {
    // Ten partitions of one topic, each a run of consecutive offsets, as MSK sends them.
    bytes_of(kafka_event((0..RECORDS).map(|i| {
        let partition = (i * 10 / RECORDS) as i64;
        kafka_record(
            "orders",
            partition,
            i as i64,
            Some(order_body(i).as_bytes()),
        )
    })))
}

/// What lambda_runtime does with the payload, then our processor, then the response's JSON.
fn ours<S, H>(processor: &BatchProcessor<S>, bytes: &[u8], handler: &H) -> Vec<u8>
where
    S: BatchSource,
    H: RecordHandler<S>,
{
    let event: BatchEvent = serde_json::from_slice(bytes).unwrap();
    let event = LambdaEvent::new(event, test_context("bench"));
    let response = futures::executor::block_on(processor.run(event, handler)).unwrap();
    serde_json::to_vec(&response).unwrap()
}

struct TypedSqs;
impl RecordHandler<Sqs> for TypedSqs {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
        let Json(order) = record.extract::<Json<Order>>()?;
        if check(&order) {
            Ok(())
        } else {
            Err(RecordError::handler("no quantity"))
        }
    }
}

struct RawSqs;
impl RecordHandler<Sqs> for RawSqs {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
        let message: &SqsMessage = record.extract()?;
        let order: Order = serde_json::from_str(message.body.as_deref().unwrap_or(""))
            .map_err(RecordError::handler)?;
        if check(&order) {
            Ok(())
        } else {
            Err(RecordError::handler("no quantity"))
        }
    }
}

struct TypedKinesis;
impl RecordHandler<Kinesis> for TypedKinesis {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<(), RecordError> {
        let Json(order) = record.extract::<Json<Order>>()?;
        if check(&order) {
            Ok(())
        } else {
            Err(RecordError::handler("no quantity"))
        }
    }
}

struct RawKinesis;
impl RecordHandler<Kinesis> for RawKinesis {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<(), RecordError> {
        let raw: &KinesisEventRecord = record.extract()?;
        let order: Order =
            serde_json::from_slice(&raw.kinesis.data).map_err(RecordError::handler)?;
        if check(&order) {
            Ok(())
        } else {
            Err(RecordError::handler("no quantity"))
        }
    }
}

struct TypedDynamoDb;
impl RecordHandler<DynamoDb> for TypedDynamoDb {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, DynamoDb>) -> Result<(), RecordError> {
        let NewImage(order) = record.extract::<NewImage<Order>>()?;
        if check(&order) {
            Ok(())
        } else {
            Err(RecordError::handler("no quantity"))
        }
    }
}

struct RawDynamoDb;
impl RecordHandler<DynamoDb> for RawDynamoDb {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, DynamoDb>) -> Result<(), RecordError> {
        let raw: &dynamodb::EventRecord = record.extract()?;
        let order: Order =
            serde_dynamo::from_item(raw.change.new_image.clone()).map_err(RecordError::handler)?;
        if check(&order) {
            Ok(())
        } else {
            Err(RecordError::handler("no quantity"))
        }
    }
}

struct TypedKafka;
impl RecordHandler<Kafka> for TypedKafka {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, Kafka>) -> Result<(), RecordError> {
        let Json(order) = record.extract::<Json<Order>>()?;
        if check(&order) {
            Ok(())
        } else {
            Err(RecordError::handler("no quantity"))
        }
    }
}

struct RawKafka;
impl RecordHandler<Kafka> for RawKafka {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, Kafka>) -> Result<(), RecordError> {
        let raw: &KafkaRecord = record.extract()?;
        let value = BASE64
            .decode(raw.value.as_deref().unwrap_or(""))
            .map_err(RecordError::handler)?;
        let order: Order = serde_json::from_slice(&value).map_err(RecordError::handler)?;
        if check(&order) {
            Ok(())
        } else {
            Err(RecordError::handler("no quantity"))
        }
    }
}

fn baseline_sqs(bytes: &[u8]) -> Vec<u8> {
    let event: SqsEvent = serde_json::from_slice(bytes).unwrap();
    let mut response = SqsBatchResponse::default();
    for record in &event.records {
        let ok = serde_json::from_str::<Order>(record.body.as_deref().unwrap_or(""))
            .is_ok_and(|o| check(&o));
        if !ok {
            response.add_failure(record.message_id.clone().unwrap_or_default());
        }
    }
    serde_json::to_vec(&response).unwrap()
}

fn baseline_fifo_skip_group(bytes: &[u8]) -> Vec<u8> {
    let event: SqsEvent = serde_json::from_slice(bytes).unwrap();
    let mut response = SqsBatchResponse::default();
    let mut failed_groups: HashSet<&str> = HashSet::new();
    for record in &event.records {
        let group = record.attributes.get("MessageGroupId").map(String::as_str);
        if group.is_some_and(|g| failed_groups.contains(g)) {
            response.add_failure(record.message_id.clone().unwrap_or_default());
            continue;
        }
        let ok = serde_json::from_str::<Order>(record.body.as_deref().unwrap_or(""))
            .is_ok_and(|o| check(&o));
        if !ok {
            if let Some(group) = group {
                failed_groups.insert(group);
            }
            response.add_failure(record.message_id.clone().unwrap_or_default());
        }
    }
    serde_json::to_vec(&response).unwrap()
}

fn baseline_kinesis(bytes: &[u8]) -> Vec<u8> {
    let event: KinesisEvent = serde_json::from_slice(bytes).unwrap();
    let mut response = KinesisEventResponse::default();
    for record in &event.records {
        let ok = serde_json::from_slice::<Order>(&record.kinesis.data).is_ok_and(|o| check(&o));
        if !ok {
            response.add_failure(record.kinesis.sequence_number.clone());
        }
    }
    serde_json::to_vec(&response).unwrap()
}

fn baseline_dynamodb(bytes: &[u8]) -> Vec<u8> {
    let event: DynamoDbEvent = serde_json::from_slice(bytes).unwrap();
    let mut failed = Vec::new();
    for record in event.records {
        let ok =
            serde_dynamo::from_item::<_, Order>(record.change.new_image).is_ok_and(|o| check(&o));
        if !ok {
            failed.push(record.change.sequence_number.unwrap_or_default());
        }
    }
    let mut response = DynamoDbEventResponse::default();
    response.batch_item_failures = failed
        .into_iter()
        .map(|id| {
            let mut failure =
                batch_core::aws_lambda_events::streams::DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(id);
            failure
        })
        .collect();
    serde_json::to_vec(&response).unwrap()
}

fn baseline_kafka(bytes: &[u8]) -> Vec<u8> {
    let event: KafkaEvent = serde_json::from_slice(bytes).unwrap();
    let mut response = KafkaEventResponse::default();
    // The partitions come in a hash map's order: a hand-written loop reports them so.
    for records in event.records.values() {
        for record in records {
            let ok = record
                .value
                .as_deref()
                .and_then(|value| BASE64.decode(value).ok())
                .and_then(|value| serde_json::from_slice::<Order>(&value).ok())
                .is_some_and(|o| check(&o));
            if !ok {
                response.batch_item_failures.push(KafkaBatchItemFailure {
                    item_identifier: KafkaItemIdentifier {
                        partition: format!(
                            "{}-{}",
                            record.topic.as_deref().unwrap_or_default(),
                            record.partition
                        ),
                        offset: record.offset,
                    },
                });
            }
        }
    }
    serde_json::to_vec(&response).unwrap()
}

/// A Kafka response's failures in a fixed order, to compare responses whose order differs.
fn sorted_failures(response: &[u8]) -> Vec<(String, i64)> {
    let response: KafkaEventResponse = serde_json::from_slice(response).unwrap();
    let mut failures: Vec<(String, i64)> = response
        .batch_item_failures
        .into_iter()
        .map(|f| (f.item_identifier.partition, f.item_identifier.offset))
        .collect();
    failures.sort();
    failures
}

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("10k");
    group.sample_size(20);

    let sqs = sqs_bytes();
    let standard = BatchProcessor::<Sqs>::new();
    assert_eq!(baseline_sqs(&sqs), ours(&standard, &sqs, &TypedSqs));
    assert_eq!(baseline_sqs(&sqs), ours(&standard, &sqs, &RawSqs));
    group.bench_function("sqs/hand-written", |b| {
        b.iter(|| baseline_sqs(black_box(&sqs)))
    });
    group.bench_function("sqs/raw-record", |b| {
        b.iter(|| ours(&standard, black_box(&sqs), &RawSqs))
    });
    group.bench_function("sqs/typed", |b| {
        b.iter(|| ours(&standard, black_box(&sqs), &TypedSqs))
    });

    let fifo = fifo_bytes();
    let skip_group = BatchProcessor::<Sqs>::fifo().skip_group_on_error(true);
    assert_eq!(
        baseline_fifo_skip_group(&fifo),
        ours(&skip_group, &fifo, &TypedSqs)
    );
    group.bench_function("fifo/hand-written", |b| {
        b.iter(|| baseline_fifo_skip_group(black_box(&fifo)))
    });
    group.bench_function("fifo/raw-record", |b| {
        b.iter(|| ours(&skip_group, black_box(&fifo), &RawSqs))
    });
    group.bench_function("fifo/typed", |b| {
        b.iter(|| ours(&skip_group, black_box(&fifo), &TypedSqs))
    });

    let kinesis = kinesis_bytes();
    let stream = BatchProcessor::<Kinesis>::new();
    assert_eq!(
        baseline_kinesis(&kinesis),
        ours(&stream, &kinesis, &TypedKinesis)
    );
    group.bench_function("kinesis/hand-written", |b| {
        b.iter(|| baseline_kinesis(black_box(&kinesis)))
    });
    group.bench_function("kinesis/raw-record", |b| {
        b.iter(|| ours(&stream, black_box(&kinesis), &RawKinesis))
    });
    group.bench_function("kinesis/typed", |b| {
        b.iter(|| ours(&stream, black_box(&kinesis), &TypedKinesis))
    });

    let dynamo = dynamodb_bytes();
    let table = BatchProcessor::<DynamoDb>::new();
    assert_eq!(
        baseline_dynamodb(&dynamo),
        ours(&table, &dynamo, &TypedDynamoDb)
    );
    group.bench_function("dynamodb/hand-written", |b| {
        b.iter(|| baseline_dynamodb(black_box(&dynamo)))
    });
    group.bench_function("dynamodb/raw-record", |b| {
        b.iter(|| ours(&table, black_box(&dynamo), &RawDynamoDb))
    });
    group.bench_function("dynamodb/typed", |b| {
        b.iter(|| ours(&table, black_box(&dynamo), &TypedDynamoDb))
    });

    let kafka = kafka_bytes();
    let partitions = BatchProcessor::<Kafka>::new();
    let expected = sorted_failures(&baseline_kafka(&kafka));
    assert_eq!(expected.len(), RECORDS / 100);
    assert_eq!(
        expected,
        sorted_failures(&ours(&partitions, &kafka, &TypedKafka))
    );
    assert_eq!(
        expected,
        sorted_failures(&ours(&partitions, &kafka, &RawKafka))
    );
    group.bench_function("kafka/hand-written", |b| {
        b.iter(|| baseline_kafka(black_box(&kafka)))
    });
    group.bench_function("kafka/raw-record", |b| {
        b.iter(|| ours(&partitions, black_box(&kafka), &RawKafka))
    });
    group.bench_function("kafka/typed", |b| {
        b.iter(|| ours(&partitions, black_box(&kafka), &TypedKafka))
    });
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
