//! Feature `sqs-api`: what only the SQS API can do. Deleting the successful messages of a partly
//! failed batch, for event source mappings without `ReportBatchItemFailures` (R17).
//!
//! ```no_run
//! use batch_core::{BatchProcessor, RecordCx, handler_fn};
//! use batch_core::source::Sqs;
//!
//! # async fn run(event: batch_core::LambdaEvent<batch_core::event::BatchEvent>) {
//! // Built once per process; a client is tied to the tokio runtime that built it.
//! let client = batch_core::sqs_api::client_from_env().await;
//! let processor = BatchProcessor::<Sqs>::new().delete_successes(client);
//! let handler = handler_fn(|_: &RecordCx<'_, Sqs>| Ok::<(), &str>(()));
//! let _ = processor.run(event, &handler).await;
//! # }
//! ```
//!
//! When some records failed, the successful messages are deleted with `DeleteMessageBatch`
//! (at most 10 entries a call, the receipt handles from the event, the queue URL built from
//! `eventSourceARN` by [`queue_url`] while requests go to the client's endpoint), then the
//! invocation fails with [`BatchError::SomeFailed`](crate::BatchError::SomeFailed), naming the
//! failed records, so Lambda returns only those to the queue. Entries refused with
//! `SenderFault = false` are tried again, up to 3 calls; an entry still refused, or one whose
//! call failed, is named in the error (it is delivered again: a duplicate, never a loss). At most
//! 4 calls are in flight; they share the time left before the invocation's deadline less one
//! second (30 s when the context has no deadline), and after the first connection failure no
//! call starts. When every record succeeded nothing is deleted and the function returns
//! normally (Lambda deletes the batch); when every record failed nothing is deleted and the
//! invocation fails (R4).
//!
//! IAM: the function's role needs `sqs:DeleteMessage` on the queue (it authorizes
//! `DeleteMessageBatch`; there is no `sqs:DeleteMessageBatch` action).
//!
//! The client: by default built from the environment by [`client_from_env`] (the `aws-config`
//! defaults, which honour `AWS_ENDPOINT_URL_SQS`). An SDK client's connection pool belongs to the
//! tokio runtime that built it: tests that run several runtimes (each `#[tokio::test]` has its
//! own) must build one client per runtime.
//!
//! MSRV: Cargo.lock resolves `aws-sdk-sqs` to 1.93.0 and `aws-config` to 1.8.13, the newest
//! releases that build on Rust 1.88, this crate's MSRV. Later releases need 1.91 and then
//! 1.94.1 (`aws-sdk-sqs` 1.119); an application that resolves without the MSRV gets them and
//! needs that Rust.

mod client;
mod delete;
mod queue_url;
#[cfg(test)]
mod tests;

use std::time::Duration;

use lambda_runtime::Context;

use crate::error::{BatchError, RecordFailure};
use crate::outcome::BatchReport;
use crate::processor::DeadlineExt;
use crate::source::BatchSource;
use delete::{Entry, Limits};

pub use queue_url::{InvalidQueueArn, queue_url};

/// The AWS SDK for SQS, for `sqs_client = ...` functions and tests, without a dependency of
/// their own.
pub use aws_sdk_sqs;

/// Builds an SQS client from the environment: the `aws-config` defaults (region, credentials,
/// and `AWS_ENDPOINT_URL_SQS` for another endpoint such as a local server).
pub async fn client_from_env() -> aws_sdk_sqs::Client {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    aws_sdk_sqs::Client::new(&config)
}

/// The delete-successes mode (R17) of a [`BatchProcessor`](crate::BatchProcessor): its client
/// and whether it suppresses the invocation's failure.
#[derive(Debug, Clone)]
pub(crate) struct DeleteSuccesses {
    pub(crate) client: aws_sdk_sqs::Client,
    pub(crate) suppress_exception: bool,
}

/// Calls in flight at once.
const IN_FLIGHT: usize = 4;
/// Calls per chunk while entries are refused with `SenderFault = false`.
const ATTEMPTS: u32 = 3;
/// What is kept of the time left for returning the result.
const RESERVE: Duration = Duration::from_secs(1);
/// The budget when the context has no plausible deadline.
const NO_DEADLINE_BUDGET: Duration = Duration::from_secs(30);

impl DeleteSuccesses {
    /// Settles a processed batch: deletes the successes when some records failed, then fails
    /// the invocation or (with `suppress_exception`) returns the failure list.
    pub(crate) async fn settle<S: BatchSource, T>(
        &self,
        report: BatchReport<S, T>,
        context: &Context,
        response: impl FnOnce(BatchReport<S, T>) -> Result<S::Response, BatchError>,
    ) -> Result<S::Response, BatchError> {
        settle(
            &self.client,
            self.suppress_exception,
            report,
            context,
            response,
        )
        .await
    }
}

/// [`DeleteSuccesses::settle`] with any [`DeleteApi`](delete::DeleteApi).
async fn settle<A: delete::DeleteApi, S: BatchSource, T>(
    api: &A,
    suppress_exception: bool,
    mut report: BatchReport<S, T>,
    context: &Context,
    response: impl FnOnce(BatchReport<S, T>) -> Result<S::Response, BatchError>,
) -> Result<S::Response, BatchError> {
    let failed = report.failures().count();
    if failed == 0 {
        return response(report);
    }
    if suppress_exception {
        for (outcome, _) in report.failures() {
            tracing::error!(
                message_id = outcome.id().unwrap_or("(none)"),
                "record failed; suppress_exception is on, so Lambda deletes this message"
            );
        }
    }
    if report.all_failed() {
        report.raises_on_entire_batch_failure(!suppress_exception);
        return response(report);
    }
    let budget = context
        .remaining()
        .map_or(NO_DEADLINE_BUDGET, |left| left.saturating_sub(RESERVE));
    let limits = Limits {
        in_flight: IN_FLIGHT,
        attempts: ATTEMPTS,
        retry_pause: Duration::from_millis(50),
        budget,
    };
    let mut entries = Vec::new();
    let mut not_deleted = Vec::new();
    for (outcome, _) in report.successes() {
        let receipt = outcome.sqs_receipt();
        let handle = receipt.and_then(|r| r.receipt_handle());
        let url = receipt.and_then(|r| r.queue_arn()).map(queue_url);
        match (handle, url) {
            (Some(handle), Some(Ok(url))) => entries.push(Entry {
                position: outcome.position(),
                queue_url: url,
                receipt_handle: handle.to_owned(),
            }),
            (None, _) => not_deleted.push((
                outcome.position(),
                "not deleted: the record has no `receiptHandle`".to_owned(),
            )),
            (_, None) => not_deleted.push((
                outcome.position(),
                "not deleted: the record has no `eventSourceARN`".to_owned(),
            )),
            (_, Some(Err(e))) => {
                not_deleted.push((outcome.position(), format!("not deleted: {e}")))
            }
        }
    }
    for left in delete::delete_all(api, entries, limits).await {
        not_deleted.push((left.position, left.reason));
    }
    not_deleted.sort_by_key(|(position, _)| *position);
    if suppress_exception {
        report.raises_on_entire_batch_failure(false);
        return response(report);
    }
    let mut failures = Vec::new();
    let mut undeleted = Vec::new();
    let mut reasons = not_deleted.into_iter().peekable();
    for outcome in report.into_outcomes() {
        let position = outcome.position();
        let id = outcome.id().map(str::to_owned);
        match outcome.into_result() {
            Err(error) => failures.push(RecordFailure::new(position, id, error)),
            Ok(_) => {
                if let Some((_, reason)) = reasons.next_if(|(p, _)| *p == position) {
                    let error = crate::error::RecordError::new(
                        crate::error::RecordErrorKind::Processor,
                        reason,
                    );
                    undeleted.push(RecordFailure::new(position, id, error));
                }
            }
        }
    }
    Err(BatchError::SomeFailed {
        failures,
        not_deleted: undeleted,
    })
}
