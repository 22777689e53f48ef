//! Partial-failure batch processing for AWS Lambda: SQS (standard and FIFO), Kinesis Data
//! Streams, DynamoDB Streams and Kafka (Amazon MSK and self-managed).
//!
//! You write one function that handles one record; `lambda-batch` runs it over every record of a
//! batch and reports exactly the records that failed (`ReportBatchItemFailures`), so only those
//! go back to the queue or stream. A record fails when its handler returns `Err`, panics, or an
//! extractor cannot build a parameter (a body that is not valid JSON for `T`); the rest of the
//! batch goes on. Nothing is ever silently acknowledged: when a failure cannot be reported, the
//! invocation fails and Lambda retries the whole batch.
//!
//! ```
//! use batch_core::{BatchProcessor, Json, RecordCx, RecordError, RecordHandler};
//! use batch_core::source::Sqs;
//! use batch_core::testing::event_from_str;
//!
//! #[derive(serde::Deserialize)]
//! struct Order { sku: String, quantity: u32 }
//!
//! struct PlaceOrder;
//!
//! impl RecordHandler<Sqs> for PlaceOrder {
//!     type Output = ();
//!     async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
//!         let Json(order) = record.extract::<Json<Order>>()?;
//!         if order.quantity == 0 {
//!             return Err(RecordError::handler(format!("no quantity for {}", order.sku)));
//!         }
//!         Ok(())
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let event = event_from_str(r#"{"Records": [
//!     {"messageId": "1", "eventSource": "aws:sqs", "body": "{\"sku\": \"A\", \"quantity\": 1}"},
//!     {"messageId": "2", "eventSource": "aws:sqs", "body": "{\"sku\": \"B\", \"quantity\": 0}"},
//!     {"messageId": "3", "eventSource": "aws:sqs", "body": "not json"}
//! ]}"#);
//! let response = BatchProcessor::<Sqs>::new().run(event, &PlaceOrder).await.unwrap();
//! assert_eq!(
//!     serde_json::to_string(&response).unwrap(),
//!     r#"{"batchItemFailures":[{"itemIdentifier":"2"},{"itemIdentifier":"3"}]}"#
//! );
//! # });
//! ```
//!
//! # Parts
//! - [`source`]: what each source's events look like ([`Sqs`](source::Sqs),
//!   [`Kinesis`](source::Kinesis), [`DynamoDb`](source::DynamoDb), [`Kafka`](source::Kafka)).
//! - [`extract`]: the handler's parameters ([`Json`], [`NewImage`], [`OldImage`], [`State`],
//!   the raw record, [`Context`]) and the [`FromRecord`] trait for your own.
//! - [`processor`]: [`BatchProcessor`], FIFO rules, custom [`Processor`]s.
//! - [`BatchReport`]: every record's outcome; [`RecordHooks`]: success and failure hooks.
//! - [`runtime`]: [`runtime::start`] serves Lambda, or runs the binary on a local event file.
//! - [`testing`]: events in one line for your tests.
//!
//! # Panics
//! A panic in a handler fails only its record; it is caught with `catch_unwind`. A profile with
//! `panic = "abort"` loses that isolation: the process aborts, the invocation fails and Lambda
//! retries the whole batch (nothing is lost, but every record of the batch runs again).

#![warn(missing_docs)]

mod compact_event;
mod dynamodb_json;
pub mod error;
pub mod event;
pub mod extract;
mod handler;
mod hooks;
mod kept_record;
mod outcome;
pub mod processor;
mod raw_text;
mod record;
mod record_id;
mod redact;
pub mod runtime;
mod scan;
pub mod source;
#[cfg(feature = "sqs-api")]
pub mod sqs_api;
pub mod testing;

pub use error::{BatchError, BoxError, RecordError, RecordErrorKind, RecordFailure, SkipReason};
pub use event::{BatchEvent, HandlerEvent};
pub use extract::{FromRecord, Json, NewImage, OldImage, State};
pub use handler::{FnHandler, IntoRecordResult, RecordHandler, handler_fn};
pub use hooks::{NoHooks, RecordHooks};
pub use outcome::{BatchReport, RecordOutcome};
pub use processor::{BatchProcessor, DeadlineExt, DefaultProcessor, FifoPolicy, Processor};
pub use record::RecordCx;
pub use source::{KafkaBatchItemFailure, KafkaEventResponse, KafkaItemIdentifier, StreamSource};

pub use aws_lambda_events::dynamodb;
pub use aws_lambda_events::kafka::KafkaRecord;
pub use aws_lambda_events::kinesis::{self, KinesisEventRecord};
pub use aws_lambda_events::sqs::{self, SqsMessage};
pub use lambda_runtime::{Context, LambdaEvent};

/// The `aws_lambda_events` crate, for every event and response type.
pub use aws_lambda_events;
/// The `lambda_runtime` crate.
pub use lambda_runtime;

pub use batch_macros::batch_handler;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

/// The names a handler file needs: `use batch_core::prelude::*;`.
///
/// It brings the attribute, the raw record types and their modules, the extractors, the Lambda
/// context and event, the error types, and [`DeadlineExt`] for the time left:
///
/// ```
/// use batch_core::prelude::*;
///
/// #[batch_handler(source = "sqs", entrypoint = false)]
/// async fn handle(message: &SqsMessage, context: &Context) -> Result<(), BoxError> {
///     if context.remaining().is_some_and(|left| left.as_millis() < 100) {
///         return Err(format!("too little time left for {:?}", message.message_id).into());
///     }
///     Ok(())
/// }
/// # fn main() {}
/// ```
pub mod prelude {
    pub use crate::batch_handler;
    pub use crate::{BatchError, BoxError, Context, Json, LambdaEvent, NewImage, OldImage};
    pub use crate::{DeadlineExt, KafkaRecord, KinesisEventRecord, RecordError, SqsMessage, State};
    pub use aws_lambda_events::{dynamodb, kinesis, sqs};
}
