//! Errors: [`RecordError`] fails one record, [`BatchError`] fails the whole invocation.

use std::error::Error as StdError;
use std::fmt;

use lambda_runtime::Diagnostic;

/// A boxed error, the error type handlers and hooks return.
///
/// Any `std::error::Error + Send + Sync`, `String`, `&str` and `anyhow::Error` convert into it
/// with `?` or `.into()`.
///
/// ```
/// use batch_core::BoxError;
///
/// let from_str: BoxError = "no such customer".into();
/// let from_io: BoxError = std::io::Error::other("disk full").into();
/// assert_eq!(from_str.to_string(), "no such customer");
/// assert_eq!(from_io.to_string(), "disk full");
/// ```
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Why one record failed.
///
/// ```
/// use batch_core::{RecordError, RecordErrorKind};
///
/// let error = RecordError::handler("payment declined");
/// assert_eq!(error.kind(), RecordErrorKind::Handler);
/// assert_eq!(error.to_string(), "payment declined");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RecordErrorKind {
    /// The handler returned `Err`.
    Handler,
    /// The handler (or an extractor) panicked.
    Panic,
    /// An extractor could not build its value, e.g. a body that is not valid JSON for `T`.
    Extract,
    /// The record does not fit its source's schema (a field of the wrong JSON type).
    Malformed,
    /// The record was not started, or is reported although it ran, because an earlier record
    /// failed and an ordering rule says so; the [`SkipReason`] tells which rule.
    Skipped(SkipReason),
    /// The record was not started because too little time was left before the deadline.
    NotStarted,
    /// A custom processor failed the record.
    Processor,
}

/// Why a record was reported as failed because of an earlier failure
/// ([`RecordErrorKind::Skipped`]). Its [`message`](SkipReason::message) is the record's message,
/// worded as Powertools for AWS Lambda words it where Powertools has the rule.
///
/// ```
/// use batch_core::{BatchProcessor, RecordCx, RecordErrorKind, SkipReason, handler_fn};
/// use batch_core::source::Sqs;
/// use batch_core::testing::event_from_str;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handler = handler_fn(|r: &RecordCx<'_, Sqs>| if r.id() == Some("1") { Err("boom") } else { Ok(()) });
/// let event = event_from_str(r#"{"Records": [{"messageId": "1"}, {"messageId": "2"}]}"#);
/// let fifo = BatchProcessor::<Sqs>::fifo();
/// let report = fifo.process(&event.payload, &event.context, &handler).await.unwrap();
/// let (_, error) = report.failures().nth(1).unwrap();
/// assert_eq!(error.kind(), RecordErrorKind::Skipped(SkipReason::PreviousRecordFailed));
/// assert_eq!(error.to_string(), "A previous record failed processing");
/// assert_eq!(error.to_string(), SkipReason::PreviousRecordFailed.message());
/// # });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// SQS FIFO: an earlier record of the batch failed, so the batch stopped there.
    PreviousRecordFailed,
    /// SQS FIFO with `skip_group_on_error`: an earlier record of the same message group failed.
    PreviousGroupRecordFailed,
    /// Kinesis or DynamoDB Streams with `stop_on_first_failure`: an earlier record failed.
    EarlierRecordFailed,
}

impl SkipReason {
    /// The message of a record failed for this reason.
    pub const fn message(self) -> &'static str {
        match self {
            SkipReason::PreviousRecordFailed => "A previous record failed processing",
            SkipReason::PreviousGroupRecordFailed => {
                "A previous record from this message group failed processing"
            }
            SkipReason::EarlierRecordFailed => {
                "not processed: an earlier record failed and stop_on_first_failure is on"
            }
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// The failure of one record. It fails that record only: the rest of the batch goes on.
///
/// `Display` gives the message that is logged and carried by [`BatchError::AllFailed`];
/// [`std::error::Error::source`] gives the handler's own error where there is one.
///
/// ```
/// use batch_core::{RecordError, RecordErrorKind};
///
/// use batch_core::SkipReason;
///
/// let io = std::io::Error::other("connection reset");
/// let error = RecordError::handler(io);
/// assert_eq!(error.kind(), RecordErrorKind::Handler);
/// assert!(error.handler_error().unwrap().is::<std::io::Error>());
///
/// let skipped = RecordError::skipped(SkipReason::PreviousRecordFailed);
/// assert_eq!(skipped.kind(), RecordErrorKind::Skipped(SkipReason::PreviousRecordFailed));
/// assert_eq!(skipped.to_string(), "A previous record failed processing");
/// ```
pub struct RecordError {
    kind: RecordErrorKind,
    message: String,
    source: Option<BoxError>,
}

impl RecordError {
    /// A failure of the given kind with a message.
    pub fn new(kind: RecordErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// A record failed because of an earlier failure, for `reason`; its message is the
    /// reason's.
    pub fn skipped(reason: SkipReason) -> Self {
        Self::new(RecordErrorKind::Skipped(reason), reason.message())
    }

    /// The handler returned this error. A `RecordError` passed through (e.g. an extractor's
    /// error returned with `?`) keeps its own kind.
    pub fn handler(error: impl Into<BoxError>) -> Self {
        let error = match error.into().downcast::<RecordError>() {
            Ok(record_error) => return *record_error,
            Err(error) => error,
        };
        Self {
            kind: RecordErrorKind::Handler,
            message: error.to_string(),
            source: Some(error),
        }
    }

    /// An extractor failed: use this in your own [`FromRecord`](crate::FromRecord) impls.
    ///
    /// ```
    /// use batch_core::{RecordError, RecordErrorKind};
    ///
    /// let error = RecordError::extract("record 7: header `tenant` is missing");
    /// assert_eq!(error.kind(), RecordErrorKind::Extract);
    /// ```
    pub fn extract(message: impl Into<String>) -> Self {
        Self::new(RecordErrorKind::Extract, message)
    }

    /// The handler panicked with this payload.
    pub(crate) fn panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let text = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic payload that is not a string");
        Self::new(RecordErrorKind::Panic, format!("handler panicked: {text}"))
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> RecordErrorKind {
        self.kind
    }

    /// The message, as `Display` prints it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The error the handler returned, when the handler failed.
    pub fn handler_error(&self) -> Option<&BoxError> {
        match self.kind {
            RecordErrorKind::Handler => self.source.as_ref(),
            _ => None,
        }
    }

    /// Takes the error the handler returned, when the handler failed.
    pub fn into_handler_error(self) -> Option<BoxError> {
        match self.kind {
            RecordErrorKind::Handler => self.source,
            _ => None,
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish()
    }
}

impl StdError for RecordError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// One failed record as carried by [`BatchError::AllFailed`].
#[derive(Debug)]
#[non_exhaustive]
pub struct RecordFailure {
    /// Position of the record in the event's `Records` array.
    pub position: usize,
    /// The record's identifier (message id or sequence number), when it has one.
    pub id: Option<String>,
    /// Why it failed.
    pub error: RecordError,
}

impl fmt::Display for RecordFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Extractor and schema errors already name their record: don't name it twice.
        let named = self
            .error
            .message()
            .strip_prefix("record ")
            .and_then(|rest| rest.strip_prefix(self.position.to_string().as_str()))
            .is_some_and(|rest| rest.starts_with([' ', ':']));
        if named {
            return write!(f, "{}", self.error);
        }
        match &self.id {
            Some(id) => write!(f, "record {} ({id}): {}", self.position, self.error),
            None => write!(
                f,
                "record {} (no identifier): {}",
                self.position, self.error
            ),
        }
    }
}

/// An error that fails the whole invocation, so that Lambda retries the whole batch.
///
/// Nothing is acknowledged when `lambda_handler` returns one of these.
///
/// ```
/// use batch_core::BatchError;
/// use batch_core::source::Sqs;
/// use batch_core::testing::event_from_str;
/// use batch_core::BatchProcessor;
///
/// # tokio_test_block(async {
/// let event = event_from_str(r#"{"Records": null}"#);
/// let handler = batch_core::handler_fn(|_: &batch_core::RecordCx<'_, Sqs>| ());
/// let error = BatchProcessor::<Sqs>::new().run(event, &handler).await.unwrap_err();
/// assert!(matches!(error, BatchError::InvalidEvent { .. }));
/// assert_eq!(error.error_type(), "InvalidEventError");
/// assert!(error.to_string().contains("aws:sqs"));
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[non_exhaustive]
pub enum BatchError {
    /// Every record failed and `raise_on_entire_batch_failure` is on (R4). Carries every
    /// record's failure, in input order.
    AllFailed {
        /// Every record's failure.
        failures: Vec<RecordFailure>,
    },
    /// The event is not an event of the expected source: not JSON, not an object, or `Records`
    /// missing, `null` or not an array (R8).
    InvalidEvent {
        /// The `eventSource` the handler expects, e.g. `aws:sqs`.
        expected: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A record names another event source than the handler's (R8).
    WrongSource {
        /// The `eventSource` the handler expects, e.g. `aws:sqs`.
        expected: &'static str,
        /// The `eventSource` the record names.
        found: String,
        /// The record's position in `Records`.
        position: usize,
    },
    /// A record failed but has no identifier, so its failure cannot be reported (R7).
    UnidentifiableRecord {
        /// The record's failure.
        failure: RecordFailure,
        /// Name of the missing identifier field, e.g. `messageId`.
        field: &'static str,
    },
    /// The custom processor's `prepare` step failed; no record was started.
    Prepare(BoxError),
    /// The custom processor's `cleanup` step failed after every record ran.
    Cleanup(BoxError),
    /// The handler's state (`state = ...`) could not be built.
    State(BoxError),
}

impl BatchError {
    /// The `errorType` reported to Lambda: `BatchProcessingError` when every record failed (as in
    /// Powertools), a descriptive name for each other case.
    ///
    /// ```
    /// use batch_core::BatchError;
    ///
    /// let error = BatchError::AllFailed { failures: Vec::new() };
    /// assert_eq!(error.error_type(), "BatchProcessingError");
    /// ```
    pub fn error_type(&self) -> &'static str {
        match self {
            BatchError::AllFailed { .. } => "BatchProcessingError",
            BatchError::InvalidEvent { .. } => "InvalidEventError",
            BatchError::WrongSource { .. } => "WrongEventSourceError",
            BatchError::UnidentifiableRecord { .. } => "UnidentifiableRecordError",
            BatchError::Prepare(_) => "BatchPrepareError",
            BatchError::Cleanup(_) => "BatchCleanupError",
            BatchError::State(_) => "StateInitError",
        }
    }
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::AllFailed { failures } => {
                write!(
                    f,
                    "All records failed processing. {} individual error{}:",
                    failures.len(),
                    if failures.len() == 1 { "" } else { "s" }
                )?;
                for failure in failures {
                    write!(f, "\n- {failure}")?;
                }
                Ok(())
            }
            BatchError::InvalidEvent { expected, reason } => write!(
                f,
                "invalid event: {reason} (expected a batch event from {expected}); nothing was processed"
            ),
            BatchError::WrongSource {
                expected,
                found,
                position,
            } => write!(
                f,
                "record {position} comes from {found}, but this handler processes {expected} events; nothing was processed"
            ),
            BatchError::UnidentifiableRecord { failure, field } => write!(
                f,
                "{failure}; it has no usable `{field}`, so its failure cannot be reported and the whole batch is retried"
            ),
            BatchError::Prepare(e) => write!(f, "batch processor failed to prepare: {e}"),
            BatchError::Cleanup(e) => write!(f, "batch processor failed to clean up: {e}"),
            BatchError::State(e) => write!(f, "handler state could not be built: {e}"),
        }
    }
}

impl fmt::Debug for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl StdError for BatchError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            BatchError::Prepare(e) | BatchError::Cleanup(e) | BatchError::State(e) => {
                Some(e.as_ref())
            }
            BatchError::UnidentifiableRecord { failure, .. } => Some(&failure.error),
            _ => None,
        }
    }
}

impl From<BatchError> for Diagnostic {
    fn from(error: BatchError) -> Self {
        Diagnostic {
            error_type: error.error_type().to_owned(),
            error_message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(position: usize, id: Option<&str>, error: RecordError) -> String {
        RecordFailure {
            position,
            id: id.map(str::to_owned),
            error,
        }
        .to_string()
    }

    #[test]
    fn a_failure_names_its_record_once() {
        assert_eq!(
            failure(2, Some("m2"), RecordError::handler("declined")),
            "record 2 (m2): declined"
        );
        assert_eq!(
            failure(0, None, RecordError::handler("declined")),
            "record 0 (no identifier): declined"
        );
        let extract = RecordError::extract("record 12 (m12): the payload is not valid JSON");
        assert_eq!(
            failure(12, Some("m12"), extract),
            "record 12 (m12): the payload is not valid JSON"
        );
        // Another record's name in the message is not this record's.
        let other = RecordError::handler("record 1 is a duplicate");
        assert_eq!(
            failure(12, Some("x"), other),
            "record 12 (x): record 1 is a duplicate"
        );
    }

    #[test]
    fn all_failed_lists_every_failure_and_debug_equals_display() {
        let error = BatchError::AllFailed {
            failures: vec![
                RecordFailure {
                    position: 0,
                    id: Some("a".into()),
                    error: RecordError::handler("x"),
                },
                RecordFailure {
                    position: 1,
                    id: Some("b".into()),
                    error: RecordError::handler("y"),
                },
            ],
        };
        let text = "All records failed processing. 2 individual errors:\n- record 0 (a): x\n- record 1 (b): y";
        assert_eq!(error.to_string(), text);
        assert_eq!(format!("{error:?}"), text);
        let diagnostic = lambda_runtime::Diagnostic::from(error);
        assert_eq!(diagnostic.error_type, "BatchProcessingError");
        assert_eq!(diagnostic.error_message, text);
    }

    #[test]
    fn a_record_error_returned_through_a_handler_keeps_its_kind() {
        let inner = RecordError::extract("record 1: bad");
        let passed = RecordError::handler(inner);
        assert_eq!(passed.kind(), RecordErrorKind::Extract);
        assert_eq!(passed.to_string(), "record 1: bad");
    }

    #[test]
    fn panic_payloads_become_messages() {
        let text: Box<dyn std::any::Any + Send> = Box::new("boom");
        assert_eq!(
            RecordError::panic(text.as_ref()).to_string(),
            "handler panicked: boom"
        );
        let owned: Box<dyn std::any::Any + Send> = Box::new(String::from("kaboom"));
        assert_eq!(
            RecordError::panic(owned.as_ref()).to_string(),
            "handler panicked: kaboom"
        );
        let other: Box<dyn std::any::Any + Send> = Box::new(7u8);
        assert_eq!(
            RecordError::panic(other.as_ref()).kind(),
            RecordErrorKind::Panic
        );
    }
}
