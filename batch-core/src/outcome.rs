//! Per-record outcomes and the batch report.

use std::fmt;
use std::marker::PhantomData;

use crate::error::{BatchError, RecordError, RecordFailure};
use crate::record_id::RecordId;
use crate::source::{BatchSource, SqsReceipt};

/// What happened to one record: success with the handler's value, or failure with its error.
pub struct RecordOutcome<T> {
    pub(crate) position: usize,
    pub(crate) id: Option<RecordId>,
    pub(crate) result: Result<T, RecordError>,
    pub(crate) receipt: Option<SqsReceipt>,
}

impl<T> RecordOutcome<T> {
    /// The record's position in the event's `Records` array.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The record's identifier, as reported on failure; `None` when it has none.
    pub fn id(&self) -> Option<&str> {
        self.id.as_ref().map(RecordId::as_str)
    }

    /// The record's result.
    pub fn result(&self) -> &Result<T, RecordError> {
        &self.result
    }

    /// Whether the record succeeded.
    pub fn is_success(&self) -> bool {
        self.result.is_ok()
    }

    /// The handler's value, when the record succeeded.
    pub fn value(&self) -> Option<&T> {
        self.result.as_ref().ok()
    }

    /// The error, when the record failed.
    pub fn error(&self) -> Option<&RecordError> {
        self.result.as_ref().err()
    }

    /// SQS: the message's receipt handle, queue ARN and receive count, kept when a step after
    /// the batch needs them (deleting the successes, feature `sqs-api`); `None` otherwise.
    pub fn sqs_receipt(&self) -> Option<&SqsReceipt> {
        self.receipt.as_ref()
    }

    /// Takes the result out.
    pub fn into_result(self) -> Result<T, RecordError> {
        self.result
    }
}

impl<T: fmt::Debug> fmt::Debug for RecordOutcome<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordOutcome")
            .field("position", &self.position)
            .field("id", &self.id())
            .field("result", &self.result)
            .finish()
    }
}

/// Every record's outcome, in input order, before the response is built.
///
/// [`into_response`](Self::into_response) builds the Lambda response from it and fails the
/// invocation when every record failed or a failed record has no identifier: it never yields
/// an empty response for a batch in which records failed.
///
/// ```
/// use batch_core::{BatchError, BatchProcessor, RecordCx, handler_fn};
/// use batch_core::source::Sqs;
/// use batch_core::testing::event_from_str;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handler = handler_fn(|r: &RecordCx<'_, Sqs>| {
///     if r.id() == Some("2") { Err("declined") } else { Ok(r.position() * 10) }
/// });
/// let event = event_from_str(r#"{"Records": [{"messageId": "1"}, {"messageId": "2"}]}"#);
/// let report = BatchProcessor::<Sqs>::new()
///     .process(&event.payload, &event.context, &handler).await.unwrap();
///
/// let values: Vec<_> = report.successes().map(|(_, v)| *v).collect();
/// assert_eq!(values, [0]);
/// let failed: Vec<_> = report.failures().map(|(o, e)| (o.id(), e.to_string())).collect();
/// assert_eq!(failed, [(Some("2"), "declined".to_string())]);
///
/// let response = report.into_response().unwrap();
/// assert_eq!(response.batch_item_failures[0].item_identifier, "2");
/// # });
/// ```
pub struct BatchReport<S, T> {
    outcomes: Vec<RecordOutcome<T>>,
    raise_on_entire_batch_failure: bool,
    source: PhantomData<fn() -> S>,
}

impl<S: BatchSource, T> BatchReport<S, T> {
    pub(crate) fn new(
        outcomes: Vec<RecordOutcome<T>>,
        raise_on_entire_batch_failure: bool,
    ) -> Self {
        Self {
            outcomes,
            raise_on_entire_batch_failure,
            source: PhantomData,
        }
    }

    /// Every record's outcome, in input order.
    pub fn outcomes(&self) -> &[RecordOutcome<T>] {
        &self.outcomes
    }

    /// Takes the outcomes out.
    pub fn into_outcomes(self) -> Vec<RecordOutcome<T>> {
        self.outcomes
    }

    /// The succeeded records and their values, in input order.
    pub fn successes(&self) -> impl Iterator<Item = (&RecordOutcome<T>, &T)> {
        self.outcomes
            .iter()
            .filter_map(|o| o.value().map(|value| (o, value)))
    }

    /// The failed records and their errors, in input order.
    pub fn failures(&self) -> impl Iterator<Item = (&RecordOutcome<T>, &RecordError)> {
        self.outcomes
            .iter()
            .filter_map(|o| o.error().map(|error| (o, error)))
    }

    /// How many records the batch had.
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    /// Whether the batch had no records.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }

    /// Whether the batch had records and every one of them failed.
    pub fn all_failed(&self) -> bool {
        !self.outcomes.is_empty() && self.outcomes.iter().all(|o| !o.is_success())
    }

    /// Fails a record after the fact, e.g. when a custom processor's clean-up step could not
    /// write the record's result. Returns `false` when there is no record at that position.
    pub fn fail(&mut self, position: usize, error: RecordError) -> bool {
        match self.outcomes.get_mut(position) {
            Some(outcome) => {
                outcome.result = Err(error);
                true
            }
            None => false,
        }
    }

    /// Whether every record failed raises [`BatchError::AllFailed`].
    #[cfg_attr(not(feature = "sqs-api"), allow(dead_code))]
    pub(crate) fn raises_on_entire_batch_failure(&mut self, raise: bool) {
        self.raise_on_entire_batch_failure = raise;
    }

    /// Builds the Lambda response: one entry per failed record, in input order.
    ///
    /// Fails with [`BatchError::AllFailed`] when every record failed and
    /// `raise_on_entire_batch_failure` is on, and with
    /// [`BatchError::UnidentifiableRecord`], carrying every such record, when failed records
    /// have no identifier.
    pub fn into_response(self) -> Result<S::Response, BatchError> {
        if self.raise_on_entire_batch_failure && self.all_failed() {
            let failures = self
                .outcomes
                .into_iter()
                .filter_map(|o| {
                    let id = o.id().map(str::to_owned);
                    o.result
                        .err()
                        .map(|error| RecordFailure::new(o.position, id, error))
                })
                .collect();
            return Err(BatchError::AllFailed { failures });
        }
        let has_unidentifiable = self
            .outcomes
            .iter()
            .any(|o| o.id.is_none() && !o.is_success());
        if has_unidentifiable {
            let failures = self
                .outcomes
                .into_iter()
                .filter(|o| o.id.is_none())
                .filter_map(|o| {
                    o.result
                        .err()
                        .map(|error| RecordFailure::new(o.position, None, error))
                })
                .collect();
            return Err(BatchError::UnidentifiableRecord {
                failures,
                field: S::ID_FIELD,
            });
        }
        Ok(S::response(
            self.outcomes
                .iter()
                .filter(|o| !o.is_success())
                .filter_map(|o| o.id()),
        ))
    }
}

impl<S: BatchSource, T: fmt::Debug> fmt::Debug for BatchReport<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchReport")
            .field("source", &S::NAME)
            .field("outcomes", &self.outcomes)
            .finish()
    }
}
