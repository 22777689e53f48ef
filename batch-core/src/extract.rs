//! Extractors: what a handler's parameters receive.
//!
//! Each parameter type implements [`FromRecord`]. An extractor that fails fails **that record
//! only**, with a message that names the record and the cause.
//!
//! | type | gives |
//! |---|---|
//! | `&SqsMessage`, `&KinesisEventRecord`, `&dynamodb::EventRecord`, `&KafkaRecord` | the raw record |
//! | [`Json<T>`] | SQS: the body parsed as JSON; Kinesis: the base64-decoded data parsed as JSON; Kafka: the base64-decoded `value` parsed as JSON |
//! | `Option<Json<T>>` | Kafka: `None` for a tombstone (`value` null or missing) |
//! | [`NewImage<T>`], [`OldImage<T>`] (and `Option<_>` of them) | DynamoDB: the item image deserialized as `serde_dynamo` does |
//! | `&Context` | the Lambda context |
//! | [`State<&S>`](State) | the handler's shared state |

use std::any::Any;
use std::ops::{Deref, DerefMut};

use aws_lambda_events::dynamodb::EventRecord;
use aws_lambda_events::kafka::KafkaRecord;
use aws_lambda_events::kinesis::KinesisEventRecord;
use aws_lambda_events::sqs::SqsMessage;
use lambda_runtime::Context;
use serde::de::DeserializeOwned;

use crate::error::RecordError;
use crate::record::RecordCx;
use crate::redact;
use crate::source::dynamodb::{image, missing_image};
use crate::source::{BatchSource, DynamoDb, JsonPayload, Kafka, Kinesis, Sqs, TombstonePayload};

/// A value a handler parameter can receive from a record.
///
/// Implement it for your own types to take what your handlers need straight from the record:
///
/// ```
/// use batch_core::{FromRecord, RecordCx, RecordError};
/// use batch_core::source::Sqs;
///
/// /// The tenant a message belongs to, from its `tenant` message attribute.
/// struct Tenant(String);
///
/// impl<'r> FromRecord<'r, Sqs> for Tenant {
///     fn from_record(record: &'r RecordCx<'_, Sqs>) -> Result<Self, RecordError> {
///         let message = record.record()?;
///         message
///             .message_attributes
///             .get("tenant")
///             .and_then(|a| a.string_value.clone())
///             .map(Tenant)
///             .ok_or_else(|| RecordError::extract(format!("{record} has no `tenant` attribute")))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an extractor for {S} records",
    label = "this parameter type cannot be taken from a record",
    note = "a batch handler's parameters are extractors: the raw record by reference (`&SqsMessage`, `&KinesisEventRecord`, `&dynamodb::EventRecord`, `&KafkaRecord`), `Json<T>` (SQS, Kinesis and Kafka), `Option<Json<T>>` (Kafka), `NewImage<T>` / `OldImage<T>` (DynamoDB), `&Context`, `State<&T>`, or a type of yours that implements `batch_core::FromRecord`"
)]
pub trait FromRecord<'r, S: BatchSource>: Sized {
    /// Builds the value from the record, or fails the record.
    fn from_record(record: &'r RecordCx<'_, S>) -> Result<Self, RecordError>;
}

// Here rather than in record.rs, so that record.rs does not depend on the extractors.
impl<S: BatchSource> RecordCx<'_, S> {
    /// Runs an extractor on this record, as a handler parameter would.
    ///
    /// ```
    /// use batch_core::{BatchProcessor, Json, RecordCx, RecordError, handler_fn};
    /// use batch_core::source::Sqs;
    /// use batch_core::testing::event_from_str;
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let handler = handler_fn(|record: &RecordCx<'_, Sqs>| -> Result<u32, RecordError> {
    ///     let Json(n) = record.extract::<Json<u32>>()?;
    ///     Ok(n * 2)
    /// });
    /// let event = event_from_str(r#"{"Records": [{"messageId": "a", "body": "21"}]}"#);
    /// let report = BatchProcessor::<Sqs>::new().process(&event.payload, &event.context, &handler).await.unwrap();
    /// assert_eq!(report.outcomes()[0].value(), Some(&42));
    /// # });
    /// ```
    pub fn extract<'r, X: FromRecord<'r, S>>(&'r self) -> Result<X, RecordError> {
        X::from_record(self)
    }
}

#[diagnostic::do_not_recommend]
impl<'r> FromRecord<'r, Sqs> for &'r SqsMessage {
    fn from_record(record: &'r RecordCx<'_, Sqs>) -> Result<Self, RecordError> {
        record.record()
    }
}

#[diagnostic::do_not_recommend]
impl<'r> FromRecord<'r, Kinesis> for &'r KinesisEventRecord {
    fn from_record(record: &'r RecordCx<'_, Kinesis>) -> Result<Self, RecordError> {
        record.record()
    }
}

#[diagnostic::do_not_recommend]
impl<'r> FromRecord<'r, DynamoDb> for &'r EventRecord {
    fn from_record(record: &'r RecordCx<'_, DynamoDb>) -> Result<Self, RecordError> {
        record.record()
    }
}

#[diagnostic::do_not_recommend]
impl<'r> FromRecord<'r, Kafka> for &'r KafkaRecord {
    fn from_record(record: &'r RecordCx<'_, Kafka>) -> Result<Self, RecordError> {
        record.record()
    }
}

#[diagnostic::do_not_recommend]
impl<'r, S: BatchSource> FromRecord<'r, S> for &'r Context {
    fn from_record(record: &'r RecordCx<'_, S>) -> Result<Self, RecordError> {
        Ok(record.context())
    }
}

/// A type a record's payload deserializes into with [`Json<T>`], [`NewImage<T>`] or
/// [`OldImage<T>`]: every type that implements `serde::Deserialize` for any lifetime
/// (`DeserializeOwned`), and only those.
///
/// It is implemented for you; it exists so that a payload type that cannot be deserialized
/// gets one compile error that says so, at the type.
///
/// ```
/// use batch_core::extract::Payload;
///
/// #[derive(serde::Deserialize)]
/// struct Order {
///     quantity: u32,
/// }
///
/// fn is_payload<T: Payload>() {}
/// is_payload::<Order>();
/// is_payload::<Vec<String>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be deserialized, so it cannot be a record's payload",
    label = "`{Self}` does not implement `serde::Deserialize`",
    note = "`Json<T>`, `NewImage<T>` and `OldImage<T>` deserialize the payload into `T` with serde: add `#[derive(serde::Deserialize)]` to `{Self}`"
)]
pub trait Payload: DeserializeOwned {}

#[diagnostic::do_not_recommend]
impl<T: DeserializeOwned> Payload for T {}

macro_rules! wrapper {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name<T>(pub T);

        impl<T> Deref for $name<T> {
            type Target = T;
            fn deref(&self) -> &T {
                &self.0
            }
        }

        impl<T> DerefMut for $name<T> {
            fn deref_mut(&mut self) -> &mut T {
                &mut self.0
            }
        }

        impl<T> $name<T> {
            /// Takes the value out.
            pub fn into_inner(self) -> T {
                self.0
            }
        }
    };
}

wrapper! {
    /// The record's payload parsed as JSON into `T`: the SQS `body`, the base64-decoded
    /// Kinesis `data`, or the base64-decoded Kafka `value`.
    ///
    /// Fails the record when the payload is missing, `null`, not a string (SQS `body`), not
    /// valid base64 (Kinesis `data`, Kafka `value`), or not valid JSON for `T`. The message names
    /// the field path and the expected type, never a value from the payload; serde's own
    /// message is kept in [`RecordError::payload_detail`]. A Kafka handler takes
    /// `Option<Json<T>>` to accept tombstones (a `null` or missing `value`) as `None`.
    ///
    /// ```
    /// use batch_core::{BatchProcessor, Json, RecordCx, RecordError, handler_fn};
    /// use batch_core::source::Sqs;
    /// use batch_core::testing::event_from_str;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Order { quantity: u32 }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let handler = handler_fn(|record: &RecordCx<'_, Sqs>| -> Result<(), RecordError> {
    ///     let Json(order) = record.extract::<Json<Order>>()?;
    ///     if order.quantity == 0 { return Err(RecordError::handler("empty order")) }
    ///     Ok(())
    /// });
    /// let event = event_from_str(r#"{"Records": [
    ///     {"messageId": "a", "body": "{\"quantity\": 2}"},
    ///     {"messageId": "b", "body": "not json"}
    /// ]}"#);
    /// let response = BatchProcessor::<Sqs>::new().run(event, &handler).await.unwrap();
    /// assert_eq!(response.batch_item_failures[0].item_identifier, "b");
    /// # });
    /// ```
    Json
}

wrapper! {
    /// A DynamoDB Streams record's `NewImage`, deserialized into `T` as `serde_dynamo` does.
    ///
    /// Fails the record when it has no new image (a `REMOVE` record, or a `KEYS_ONLY` /
    /// `OLD_IMAGE` stream); take `Option<NewImage<T>>` to accept that.
    ///
    /// ```
    /// use batch_core::{BatchProcessor, NewImage, RecordCx, RecordError, handler_fn};
    /// use batch_core::source::DynamoDb;
    /// use batch_core::testing::event_from_str;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Item { id: u64 }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let handler = handler_fn(|record: &RecordCx<'_, DynamoDb>| -> Result<u64, RecordError> {
    ///     let NewImage(item) = record.extract::<NewImage<Item>>()?;
    ///     Ok(item.id)
    /// });
    /// let event = event_from_str(r#"{"Records": [{"eventSource": "aws:dynamodb",
    ///     "dynamodb": {"SequenceNumber": "1", "NewImage": {"id": {"N": "101"}}}}]}"#);
    /// let report = BatchProcessor::<DynamoDb>::new()
    ///     .process(&event.payload, &event.context, &handler).await.unwrap();
    /// assert_eq!(report.outcomes()[0].value(), Some(&101));
    /// # });
    /// ```
    NewImage
}

wrapper! {
    /// A DynamoDB Streams record's `OldImage`, deserialized into `T` as `serde_dynamo` does.
    ///
    /// Fails the record when it has no old image (an `INSERT` record, or a `KEYS_ONLY` /
    /// `NEW_IMAGE` stream); take `Option<OldImage<T>>` to accept that. See [`NewImage`].
    OldImage
}

wrapper! {
    /// The handler's shared state: built once per process and shared by every record.
    ///
    /// With `#[batch_handler(state = init)]` the macro builds it; without the macro, give it to
    /// the processor with [`BatchProcessor::with_state`](crate::BatchProcessor::with_state).
    /// Fails the record when no state of type `T` was configured.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use batch_core::{BatchProcessor, RecordCx, RecordError, State, handler_fn};
    /// use batch_core::source::Sqs;
    /// use batch_core::testing::event_from_str;
    ///
    /// struct Config { prefix: String }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let handler = handler_fn(|record: &RecordCx<'_, Sqs>| -> Result<String, RecordError> {
    ///     let State(config) = record.extract::<State<&Config>>()?;
    ///     Ok(format!("{}{}", config.prefix, record.id().unwrap()))
    /// });
    /// let processor = BatchProcessor::<Sqs>::new()
    ///     .with_state(Arc::new(Config { prefix: "order-".into() }));
    /// let event = event_from_str(r#"{"Records": [{"messageId": "7"}]}"#);
    /// let report = processor.process(&event.payload, &event.context, &handler).await.unwrap();
    /// assert_eq!(report.outcomes()[0].value().map(String::as_str), Some("order-7"));
    /// # });
    /// ```
    State
}

impl<'r, S: JsonPayload, T: Payload> FromRecord<'r, S> for Json<T> {
    fn from_record(record: &'r RecordCx<'_, S>) -> Result<Self, RecordError> {
        let payload = S::json_payload(record.header(), record)?;
        payload.parse().map(Json).map_err(|e| {
            // Parsed again, only now that it failed, to say where without quoting values (R14).
            RecordError::extract(format!(
                "{record}: the payload is not valid JSON for `{}`: {}",
                std::any::type_name::<T>(),
                redact::json_error::<T>(payload.as_bytes())
            ))
            .with_payload_detail(e.to_string())
        })
    }
}

/// `None` for a record without a payload (a Kafka tombstone), else as [`Json<T>`].
///
/// ```
/// use batch_core::{BatchProcessor, Json, RecordCx, RecordError, handler_fn};
/// use batch_core::source::Kafka;
/// use batch_core::testing::event_from_str;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handler = handler_fn(|record: &RecordCx<'_, Kafka>| -> Result<Option<u32>, RecordError> {
///     let value = record.extract::<Option<Json<u32>>>()?;
///     Ok(value.map(Json::into_inner))
/// });
/// let event = event_from_str(r#"{"eventSource": "aws:kafka", "records": {"t-0": [
///     {"topic": "t", "partition": 0, "offset": 1, "value": "Nw=="},
///     {"topic": "t", "partition": 0, "offset": 2, "value": null}
/// ]}}"#);
/// let report = BatchProcessor::<Kafka>::new()
///     .process(&event.payload, &event.context, &handler).await.unwrap();
/// assert_eq!(report.outcomes()[0].value(), Some(&Some(7)));
/// assert_eq!(report.outcomes()[1].value(), Some(&None));
/// # });
/// ```
impl<'r, S: TombstonePayload, T: Payload> FromRecord<'r, S> for Option<Json<T>> {
    fn from_record(record: &'r RecordCx<'_, S>) -> Result<Self, RecordError> {
        match record.header().payload {
            None => Ok(None),
            Some(_) => Json::from_record(record).map(Some),
        }
    }
}

impl<'r, T: Payload> FromRecord<'r, DynamoDb> for NewImage<T> {
    fn from_record(record: &'r RecordCx<'_, DynamoDb>) -> Result<Self, RecordError> {
        let raw = record
            .header()
            .payload
            .ok_or_else(|| missing_image(record, "NewImage"))?;
        image(record, raw, "NewImage").map(NewImage)
    }
}

impl<'r, T: Payload> FromRecord<'r, DynamoDb> for OldImage<T> {
    fn from_record(record: &'r RecordCx<'_, DynamoDb>) -> Result<Self, RecordError> {
        let raw = record
            .header()
            .old_payload
            .ok_or_else(|| missing_image(record, "OldImage"))?;
        image(record, raw, "OldImage").map(OldImage)
    }
}

impl<'r, T: Payload> FromRecord<'r, DynamoDb> for Option<NewImage<T>> {
    fn from_record(record: &'r RecordCx<'_, DynamoDb>) -> Result<Self, RecordError> {
        record
            .header()
            .payload
            .map(|raw| image(record, raw, "NewImage").map(NewImage))
            .transpose()
    }
}

impl<'r, T: Payload> FromRecord<'r, DynamoDb> for Option<OldImage<T>> {
    fn from_record(record: &'r RecordCx<'_, DynamoDb>) -> Result<Self, RecordError> {
        record
            .header()
            .old_payload
            .map(|raw| image(record, raw, "OldImage").map(OldImage))
            .transpose()
    }
}

#[diagnostic::do_not_recommend]
impl<'r, S: BatchSource, T: Any + Send + Sync> FromRecord<'r, S> for State<&'r T> {
    fn from_record(record: &'r RecordCx<'_, S>) -> Result<Self, RecordError> {
        record
            .state()
            .and_then(|state| state.downcast_ref::<T>())
            .map(State)
            .ok_or_else(|| {
                RecordError::extract(format!(
                    "{record}: no state of type `{}` was configured (set `state = ...` on \
                     #[batch_handler], or call `BatchProcessor::with_state`)",
                    std::any::type_name::<T>()
                ))
            })
    }
}
