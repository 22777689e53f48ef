//! The functions the `lambda_path` benches time: for each production-shaped workload, the
//! hand-written loop and our generated `lambda_handler`s (typed and raw-record), each taking the
//! event's bytes as `lambda_runtime` receives them and returning the response's bytes.

#![allow(dead_code)] // Each bench uses the paths it measures.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use batch_core::aws_lambda_events::dynamodb::Event as DynamoDbEvent;
use batch_core::aws_lambda_events::kafka::KafkaEvent;
use batch_core::aws_lambda_events::kinesis::KinesisEvent;
use batch_core::aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use batch_core::aws_lambda_events::streams::{
    DynamoDbBatchItemFailure, DynamoDbEventResponse, KinesisEventResponse,
};
use batch_core::testing::test_context;
use batch_core::{
    BatchError, KafkaBatchItemFailure, KafkaEventResponse, KafkaItemIdentifier, LambdaEvent,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::workloads::{self, Order, SmallOrder, validate, validate_small};

/// Event bytes in, response bytes out. The bytes are dropped once the event is decoded, before
/// the handler runs, as `lambda_runtime` 1.5 drops the invocation's body (`api_response.rs`:
/// the request that holds it ends with the call that decodes it), so that memory is measured
/// as a Lambda instance holds it.
pub type Run = fn(Vec<u8>) -> Vec<u8>;

/// One workload: its name, its event, the hand-written loop, and our variants.
pub struct Workload {
    pub name: &'static str,
    pub event: fn() -> Vec<u8>,
    pub baseline: Run,
    pub variants: &'static [(&'static str, Run)],
}

/// Every workload of DESIGN §7.
pub const WORKLOADS: &[Workload] = &[
    Workload {
        name: "sqs",
        event: workloads::sqs,
        baseline: baseline_sqs,
        variants: &[
            ("typed", |b| ours(b, typed_sqs::lambda_handler)),
            ("raw", |b| ours(b, raw_sqs::lambda_handler)),
        ],
    },
    Workload {
        name: "sqs_6mb",
        event: workloads::sqs_6mb,
        baseline: baseline_sqs,
        variants: &[("typed", |b| ours(b, typed_sqs::lambda_handler))],
    },
    Workload {
        name: "sqs_small",
        event: workloads::sqs_small,
        baseline: baseline_sqs_small,
        variants: &[("typed", |b| ours(b, typed_sqs_small::lambda_handler))],
    },
    Workload {
        name: "fifo",
        event: workloads::fifo,
        baseline: baseline_fifo_skip_group,
        variants: &[("typed", |b| ours(b, typed_fifo::lambda_handler))],
    },
    Workload {
        name: "kinesis",
        event: workloads::kinesis,
        baseline: baseline_kinesis,
        variants: &[
            ("typed", |b| ours(b, typed_kinesis::lambda_handler)),
            ("raw", |b| ours(b, raw_kinesis::lambda_handler)),
        ],
    },
    Workload {
        name: "dynamodb",
        event: workloads::dynamodb,
        baseline: baseline_dynamodb,
        variants: &[
            ("typed", |b| ours(b, typed_dynamodb::lambda_handler)),
            ("raw", |b| ours(b, raw_dynamodb::lambda_handler)),
        ],
    },
    Workload {
        name: "kafka",
        event: workloads::kafka,
        baseline: baseline_kafka,
        variants: &[
            ("typed", |b| ours(b, typed_kafka::lambda_handler)),
            ("raw", |b| ours(b, raw_kafka::lambda_handler)),
        ],
    },
];

/// What `lambda_runtime` does with an invocation's body.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> T {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).unwrap()
}

/// Decodes the invocation's body, then drops it, as `lambda_runtime` does before the handler
/// runs.
fn decode_body<T: DeserializeOwned>(bytes: Vec<u8>) -> T {
    decode(&bytes)
}

/// Bytes in, response bytes out, through a generated `lambda_handler`.
fn ours<E, R, F>(bytes: Vec<u8>, lambda_handler: fn(LambdaEvent<E>) -> F) -> Vec<u8>
where
    E: DeserializeOwned,
    R: Serialize,
    F: Future<Output = Result<R, BatchError>>,
{
    let event = LambdaEvent::new(decode_body::<E>(bytes), test_context("bench"));
    let response = futures::executor::block_on(lambda_handler(event)).unwrap();
    serde_json::to_vec(&response).unwrap()
}

pub mod typed_sqs {
    use batch_core::prelude::*;

    use crate::workloads::{Order, validate};

    #[batch_handler(source = "sqs", entrypoint = false)]
    async fn handle(Json(order): Json<Order>) -> Result<(), BoxError> {
        Ok(validate(&order)?)
    }
}

pub mod raw_sqs {
    use batch_core::prelude::*;

    use crate::workloads::{Order, validate};

    #[batch_handler(source = "sqs", entrypoint = false)]
    async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
        let order: Order = serde_json::from_str(message.body.as_deref().unwrap_or_default())?;
        Ok(validate(&order)?)
    }
}

pub mod typed_sqs_small {
    use batch_core::prelude::*;

    use crate::workloads::{SmallOrder, validate_small};

    #[batch_handler(source = "sqs", entrypoint = false)]
    async fn handle(Json(order): Json<SmallOrder>) -> Result<(), BoxError> {
        Ok(validate_small(&order)?)
    }
}

pub mod typed_fifo {
    use batch_core::prelude::*;

    use crate::workloads::{Order, validate};

    #[batch_handler(source = "sqs_fifo", skip_group_on_error, entrypoint = false)]
    async fn handle(Json(order): Json<Order>) -> Result<(), BoxError> {
        Ok(validate(&order)?)
    }
}

pub mod typed_kinesis {
    use batch_core::prelude::*;

    use crate::workloads::{Order, validate};

    #[batch_handler(source = "kinesis", entrypoint = false)]
    async fn handle(Json(order): Json<Order>) -> Result<(), BoxError> {
        Ok(validate(&order)?)
    }
}

pub mod raw_kinesis {
    use batch_core::prelude::*;

    use crate::workloads::{Order, validate};

    #[batch_handler(source = "kinesis", entrypoint = false)]
    async fn handle(record: &KinesisEventRecord) -> Result<(), BoxError> {
        let order: Order = serde_json::from_slice(&record.kinesis.data)?;
        Ok(validate(&order)?)
    }
}

pub mod typed_dynamodb {
    use batch_core::prelude::*;

    use crate::workloads::{Order, validate};

    #[batch_handler(source = "dynamodb", entrypoint = false)]
    async fn handle(NewImage(order): NewImage<Order>) -> Result<(), BoxError> {
        Ok(validate(&order)?)
    }
}

pub mod raw_dynamodb {
    use batch_core::prelude::*;

    use crate::workloads::{Order, validate};

    #[batch_handler(source = "dynamodb", entrypoint = false)]
    async fn handle(record: &dynamodb::EventRecord) -> Result<(), BoxError> {
        let order: Order = serde_dynamo::from_item(record.change.new_image.clone())?;
        Ok(validate(&order)?)
    }
}

pub mod typed_kafka {
    use batch_core::prelude::*;

    use crate::workloads::{Order, validate};

    #[batch_handler(source = "kafka", entrypoint = false)]
    async fn handle(Json(order): Json<Order>) -> Result<(), BoxError> {
        Ok(validate(&order)?)
    }
}

pub mod raw_kafka {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD as BASE64;
    use batch_core::prelude::*;

    use crate::workloads::{Order, validate};

    #[batch_handler(source = "kafka", entrypoint = false)]
    async fn handle(record: &KafkaRecord) -> Result<(), BoxError> {
        let value = BASE64.decode(record.value.as_deref().unwrap_or_default())?;
        let order: Order = serde_json::from_slice(&value)?;
        Ok(validate(&order)?)
    }
}

fn baseline_sqs(bytes: Vec<u8>) -> Vec<u8> {
    let event: SqsEvent = decode_body(bytes);
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

fn baseline_sqs_small(bytes: Vec<u8>) -> Vec<u8> {
    let event: SqsEvent = decode_body(bytes);
    let mut response = SqsBatchResponse::default();
    for record in &event.records {
        let ok = serde_json::from_str::<SmallOrder>(record.body.as_deref().unwrap_or_default())
            .is_ok_and(|order| validate_small(&order).is_ok());
        if !ok {
            response.add_failure(record.message_id.clone().unwrap_or_default());
        }
    }
    serde_json::to_vec(&response).unwrap()
}

fn baseline_fifo_skip_group(bytes: Vec<u8>) -> Vec<u8> {
    let event: SqsEvent = decode_body(bytes);
    let mut response = SqsBatchResponse::default();
    let mut failed_groups: HashSet<&str> = HashSet::new();
    for record in &event.records {
        let group = record.attributes.get("MessageGroupId").map(String::as_str);
        if group.is_some_and(|g| failed_groups.contains(g)) {
            response.add_failure(record.message_id.clone().unwrap_or_default());
            continue;
        }
        let ok = serde_json::from_str::<Order>(record.body.as_deref().unwrap_or_default())
            .is_ok_and(|order| validate(&order).is_ok());
        if !ok {
            failed_groups.extend(group);
            response.add_failure(record.message_id.clone().unwrap_or_default());
        }
    }
    serde_json::to_vec(&response).unwrap()
}

fn baseline_kinesis(bytes: Vec<u8>) -> Vec<u8> {
    let event: KinesisEvent = decode_body(bytes);
    let mut response = KinesisEventResponse::default();
    for record in &event.records {
        let ok = serde_json::from_slice::<Order>(&record.kinesis.data)
            .is_ok_and(|order| validate(&order).is_ok());
        if !ok {
            response.add_failure(record.kinesis.sequence_number.clone());
        }
    }
    serde_json::to_vec(&response).unwrap()
}

fn baseline_dynamodb(bytes: Vec<u8>) -> Vec<u8> {
    let event: DynamoDbEvent = decode_body(bytes);
    let mut response = DynamoDbEventResponse::default();
    for record in event.records {
        let ok = serde_dynamo::from_item::<_, Order>(record.change.new_image)
            .is_ok_and(|order| validate(&order).is_ok());
        if !ok {
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number;
            response.batch_item_failures.push(failure);
        }
    }
    serde_json::to_vec(&response).unwrap()
}

fn baseline_kafka(bytes: Vec<u8>) -> Vec<u8> {
    let event: KafkaEvent = decode_body(bytes);
    let mut response = KafkaEventResponse::default();
    // The partitions come in a hash map's order: a hand-written loop reports them so.
    for records in event.records.values() {
        for record in records {
            let ok = record
                .value
                .as_deref()
                .and_then(|value| BASE64.decode(value).ok())
                .and_then(|value| serde_json::from_slice::<Order>(&value).ok())
                .is_some_and(|order| validate(&order).is_ok());
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

/// A response's failures as a sorted list of JSON values, to compare responses whose order
/// differs (Kafka's hand-written loop reports partitions in a hash map's order).
pub fn failure_set(response: &[u8]) -> Vec<String> {
    let response: serde_json::Value = serde_json::from_slice(response).unwrap();
    let mut failures: Vec<String> = response["batchItemFailures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| failure.to_string())
        .collect();
    failures.sort();
    failures
}
