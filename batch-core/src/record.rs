//! [`RecordCx`]: one record as its handler and extractors see it.

use std::any::Any;
use std::fmt;
use std::sync::OnceLock;

use lambda_runtime::Context;

use crate::error::{RecordError, RecordErrorKind};
use crate::redact;
use crate::source::{BatchSource, RecordHeader};

/// One record of a batch, as its handler and extractors see it.
///
/// It is built when the record starts and dropped when the record is done, so the full record
/// ([`record`](Self::record)) is parsed only for handlers that ask for it, and only while the
/// record runs.
///
/// ```
/// use batch_core::{BatchProcessor, RecordCx, handler_fn};
/// use batch_core::source::Sqs;
/// use batch_core::testing::event_from_str;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handler = handler_fn(|record: &RecordCx<'_, Sqs>| {
///     assert_eq!(record.id(), Some("m1"));
///     assert_eq!(record.position(), 0);
///     let message = record.record()?;
///     assert_eq!(message.body.as_deref(), Some("hello"));
///     Ok::<_, batch_core::RecordError>(())
/// });
/// let event = event_from_str(r#"{"Records": [{"messageId": "m1", "body": "hello"}]}"#);
/// let response = BatchProcessor::<Sqs>::new().run(event, &handler).await.unwrap();
/// assert!(response.batch_item_failures.is_empty());
/// # });
/// ```
pub struct RecordCx<'e, S: BatchSource> {
    position: usize,
    raw: &'e str,
    header: &'e RecordHeader<'e>,
    context: &'e Context,
    state: Option<&'e (dyn Any + Send + Sync)>,
    /// The full record, or the redacted reason it does not parse and serde's own message.
    record: OnceLock<Result<S::Record, (String, String)>>,
}

impl<'e, S: BatchSource> RecordCx<'e, S> {
    pub(crate) fn new(
        position: usize,
        raw: &'e str,
        header: &'e RecordHeader<'e>,
        context: &'e Context,
        state: Option<&'e (dyn Any + Send + Sync)>,
    ) -> Self {
        Self {
            position,
            raw,
            header,
            context,
            state,
            record: OnceLock::new(),
        }
    }

    /// The record's position in the event's `Records` array, from 0.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The record's identifier (SQS `messageId`, Kinesis `kinesis.sequenceNumber`, DynamoDB
    /// `dynamodb.SequenceNumber`), exactly as received; `None` when it is missing, empty or not a
    /// string.
    pub fn id(&self) -> Option<&str> {
        self.header.id.as_deref()
    }

    /// The Lambda context of the invocation.
    pub fn context(&self) -> &'e Context {
        self.context
    }

    /// The record's JSON text exactly as received.
    pub fn raw_json(&self) -> &'e str {
        self.raw
    }

    /// The full record, deserialized into the `aws_lambda_events` type on first use.
    ///
    /// It is what `serde_json::from_str` gives on [`raw_json`](Self::raw_json). SQS, Kinesis
    /// and Kafka records are built by the crate's scanner, which costs a fraction of serde's
    /// derived reader; where a record holds anything the scanner is not sure to read as serde
    /// does (an escaped key, a member given twice, a binary SQS message attribute, a timestamp
    /// written unusually), serde reads it.
    ///
    /// Fails the record when the record does not fit that type, e.g. a field of the wrong JSON
    /// type, with a message that names the field path and the expected type but never a value
    /// (serde's own message is kept in [`RecordError::payload_detail`]).
    pub fn record(&self) -> Result<&S::Record, RecordError> {
        self.record
            .get_or_init(|| {
                if let Some(record) = S::read_record(self.raw) {
                    return Ok(record);
                }
                serde_json::from_str(self.raw).map_err(|e| {
                    // Parsed again, only now that it failed, to say where without values (R14).
                    let redacted = redact::json_error::<S::Record>(self.raw.as_bytes());
                    (redacted, e.to_string())
                })
            })
            .as_ref()
            .map_err(|(redacted, detail)| {
                RecordError::new(
                    RecordErrorKind::Malformed,
                    format!(
                        "{self} does not fit the {} record schema: {redacted}",
                        S::NAME
                    ),
                )
                .with_payload_detail(detail.clone())
            })
    }

    pub(crate) fn header(&self) -> &'e RecordHeader<'e> {
        self.header
    }

    pub(crate) fn state(&self) -> Option<&'e (dyn Any + Send + Sync)> {
        self.state
    }
}

/// Names the record in messages: `record 3 (059f36b4-...)`, or `record 3` without an identifier.
impl<S: BatchSource> fmt::Display for RecordCx<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id() {
            Some(id) => write!(f, "record {} ({id})", self.position),
            None => write!(f, "record {}", self.position),
        }
    }
}

/// Shows the position and identifier, never the body.
impl<S: BatchSource> fmt::Debug for RecordCx<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordCx")
            .field("source", &S::NAME)
            .field("position", &self.position)
            .field("id", &self.id())
            .finish_non_exhaustive()
    }
}
