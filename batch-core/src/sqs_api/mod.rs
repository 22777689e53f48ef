//! Feature `sqs-api`: what only the SQS API can do. Deleting the successful messages of a partly
//! failed batch, for event source mappings without `ReportBatchItemFailures` (R17), and retry
//! backoff: each failed message comes back after a delay that grows with its receive count
//! ([`RetryBackoff`], R18).
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
//! invocation fails with [`BatchError::SomeFailed`], naming the
//! failed records, so Lambda returns only those to the queue. Entries refused with
//! `SenderFault = false` are tried again, up to 3 calls; an entry still refused, or one whose
//! call failed, is named in the error (it is delivered again: a duplicate, never a loss). At most
//! 4 calls are in flight; they share the time left before the invocation's deadline less one
//! second (30 s when the context has no deadline), and after the first connection failure no
//! call starts. When every record succeeded nothing is deleted and the function returns
//! normally (Lambda deletes the batch); when every record failed nothing is deleted and the
//! invocation fails (R4).
//!
//! Retry backoff ([`BatchProcessor::retry_backoff`](crate::BatchProcessor::retry_backoff)):
//! before the response is returned, each record that ran and failed gets its visibility timeout
//! set with `ChangeMessageVisibilityBatch` (at most 10 entries a call, at most 4 calls in
//! flight) to [`RetryBackoff::delay`] of its `ApproximateReceiveCount`, rounded up to whole
//! seconds. Records not started (R5, R6, R10) keep the queue's timeout. It works with
//! `ReportBatchItemFailures` and with delete-successes; the visibility changes come first and
//! both share one time budget. A change that fails is logged at `warn` (position, message id
//! and reason, never the payload) and changes nothing else.
//!
//! Measured once against moto 5.2.5's SQS server on a shared 2-core machine (a debug build,
//! other builds running): 9,999 successes of a 10,000-record batch, 1,000 `DeleteMessageBatch`
//! calls at 4 in flight, were deleted in 13.2 s, none left. The messages were spread over 100
//! queues of 100: moto's receive and delete scan every message of the queue, and filling a
//! single queue slowed down as it grew (2,500 messages took over 6 minutes), a cost of moto,
//! not of SQS. A batch that size needs a function timeout well above that figure.
//!
//! IAM: the function's role needs `sqs:DeleteMessage` on the queue for delete-successes (it
//! authorizes `DeleteMessageBatch`; there is no `sqs:DeleteMessageBatch` action) and
//! `sqs:ChangeMessageVisibility` for retry backoff (it authorizes
//! `ChangeMessageVisibilityBatch`).
//!
//! The client: by default built from the environment by [`client_from_env`] (the `aws-config`
//! defaults, which honour `AWS_ENDPOINT_URL_SQS`). `#[batch_handler]` builds it once per process
//! in the generated `main`'s init phase (or on the first call when a test calls
//! `lambda_handler`), one client for both steps. An SDK client's connection pool belongs to the
//! tokio runtime that built it: tests that run several runtimes (each `#[tokio::test]` has its
//! own) must build one client per runtime.
//!
//! MSRV: Cargo.lock resolves `aws-sdk-sqs` to 1.93.0 and `aws-config` to 1.8.13, the newest
//! releases that build on Rust 1.88, this crate's MSRV. Later releases need 1.91 and then
//! 1.94.1 (`aws-sdk-sqs` 1.119); an application that resolves without the MSRV gets them and
//! needs that Rust.

mod backoff;
#[cfg(test)]
mod backoff_tests;
mod client;
mod delete;
mod queue_url;
#[cfg(test)]
mod tests;
mod visibility;

use std::time::Duration;

use lambda_runtime::Context;
use tokio::time::Instant;

use crate::error::{BatchError, RecordFailure};
use crate::outcome::BatchReport;
use crate::processor::DeadlineExt;
use crate::source::BatchSource;
use delete::{Entry, Limits};
use visibility::VisibilityEntry;

pub use backoff::RetryBackoff;
pub use queue_url::{InvalidQueueArn, queue_url};

/// The AWS SDK for SQS, for `sqs_client = ...` functions and tests, without a dependency of
/// their own.
///
/// ```
/// use batch_core::sqs_api::aws_sdk_sqs;
/// use batch_core::prelude::BoxError;
///
/// /// For `#[batch_handler(delete_successes, sqs_client = local_sqs)]`: a local server.
/// async fn local_sqs() -> Result<aws_sdk_sqs::Client, BoxError> {
///     let config = aws_sdk_sqs::Config::builder()
///         .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
///         .region(aws_sdk_sqs::config::Region::new("us-east-1"))
///         .endpoint_url("http://127.0.0.1:5000")
///         .build();
///     Ok(aws_sdk_sqs::Client::from_conf(config))
/// }
/// # let _ = local_sqs;
/// ```
pub use aws_sdk_sqs;

/// Builds an SQS client from the environment: the `aws-config` defaults (region, credentials,
/// and `AWS_ENDPOINT_URL_SQS` for another endpoint such as a local server). What
/// `#[batch_handler(delete_successes)]` and `retry_backoff` use without `sqs_client = ...`.
///
/// ```no_run
/// # async fn example() {
/// // With AWS_ENDPOINT_URL_SQS=http://127.0.0.1:5000, requests go to a local server.
/// let client = batch_core::sqs_api::client_from_env().await;
/// let processor = batch_core::BatchProcessor::<batch_core::source::Sqs>::new().delete_successes(client);
/// # let _ = processor;
/// # }
/// ```
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

/// The retry-backoff step (R18) of a [`BatchProcessor`](crate::BatchProcessor): its client
/// and policy.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    pub(crate) client: aws_sdk_sqs::Client,
    pub(crate) policy: RetryBackoff,
}

impl Backoff {
    /// Sets the visibility timeout of every record that ran and failed; logs the changes that
    /// did not happen and changes nothing else.
    pub(crate) async fn apply<S: BatchSource, T>(
        &self,
        report: &BatchReport<S, T>,
        until: Instant,
    ) {
        back_off(&self.client, &self.policy, report, until).await;
    }
}

/// The instant by which every SQS call of an invocation must be done: the invocation's deadline
/// less [`RESERVE`], or [`NO_DEADLINE_BUDGET`] from now when the context has none.
pub(crate) fn calls_deadline(context: &Context) -> Instant {
    let budget = context
        .remaining()
        .map_or(NO_DEADLINE_BUDGET, |left| left.saturating_sub(RESERVE));
    Instant::now() + budget
}

/// Whether a failed record ran (and so is backed off): records not started because of an
/// ordering rule (R5, R6, R15) or the deadline (R10) keep the queue's timeout.
fn ran(error: &crate::RecordError) -> bool {
    !matches!(
        error.kind(),
        crate::RecordErrorKind::Skipped(_) | crate::RecordErrorKind::NotStarted
    )
}

/// [`Backoff::apply`] with any [`VisibilityApi`](visibility::VisibilityApi).
async fn back_off<A: visibility::VisibilityApi, S: BatchSource, T>(
    api: &A,
    policy: &RetryBackoff,
    report: &BatchReport<S, T>,
    until: Instant,
) {
    let mut entries = Vec::new();
    for (outcome, error) in report.failures() {
        if !ran(error) {
            continue;
        }
        let receipt = outcome.sqs_receipt();
        let handle = receipt.and_then(|r| r.receipt_handle());
        let url = receipt.and_then(|r| r.queue_arn()).map(queue_url);
        match (handle, url) {
            (Some(handle), Some(Ok(url))) => entries.push(VisibilityEntry {
                position: outcome.position(),
                queue_url: url,
                receipt_handle: handle.to_owned(),
                timeout_secs: policy
                    .visibility_timeout_secs(receipt.and_then(|r| r.receive_count())),
            }),
            _ => tracing::warn!(
                position = outcome.position(),
                message_id = outcome.id().unwrap_or("(none)"),
                "retry backoff: the failed record has no usable `receiptHandle` or \
                 `eventSourceARN`; it comes back at the queue's visibility timeout"
            ),
        }
    }
    if entries.is_empty() {
        return;
    }
    let ids: Vec<(usize, Option<String>)> = report
        .outcomes()
        .iter()
        .map(|o| (o.position(), o.id().map(str::to_owned)))
        .collect();
    for missed in visibility::change_all(api, entries, IN_FLIGHT, until).await {
        let message_id = ids
            .iter()
            .find(|(p, _)| *p == missed.position)
            .and_then(|(_, id)| id.as_deref())
            .unwrap_or("(none)");
        tracing::warn!(
            position = missed.position,
            message_id,
            reason = missed.reason.as_str(),
            "retry backoff: the visibility timeout was not changed; the message comes back at \
             the queue's visibility timeout"
        );
    }
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
        until: Instant,
        response: impl FnOnce(BatchReport<S, T>) -> Result<S::Response, BatchError>,
    ) -> Result<S::Response, BatchError> {
        settle(
            &self.client,
            self.suppress_exception,
            report,
            until,
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
    until: Instant,
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
    let budget = until.saturating_duration_since(Instant::now());
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
