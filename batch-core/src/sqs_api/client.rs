//! [`DeleteApi`] and [`VisibilityApi`] over the AWS SDK's SQS client.

use std::future::Future;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::{DisplayErrorContext, SdkError};
use aws_sdk_sqs::types::{
    BatchResultErrorEntry, ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry,
};

use super::delete::{CallError, DeleteApi, RefusedEntry};
use super::visibility::VisibilityApi;

/// The entries a batch call refused, as both batch operations report them.
fn refused(failed: &[BatchResultErrorEntry]) -> Vec<RefusedEntry> {
    failed
        .iter()
        .map(|f| RefusedEntry {
            id: f.id().to_owned(),
            sender_fault: f.sender_fault(),
            code: f.code().to_owned(),
        })
        .collect()
}

impl DeleteApi for Client {
    fn delete_batch(
        &self,
        queue_url: &str,
        entries: Vec<(String, String)>,
    ) -> impl Future<Output = Result<Vec<RefusedEntry>, CallError>> + Send {
        let request = self.delete_message_batch().queue_url(queue_url);
        async move {
            let mut request = request;
            for (id, handle) in entries {
                let entry = DeleteMessageBatchRequestEntry::builder()
                    .id(id)
                    .receipt_handle(handle)
                    .build()
                    .map_err(|e| CallError::Other(e.to_string()))?;
                request = request.entries(entry);
            }
            match request.send().await {
                Ok(output) => Ok(refused(output.failed())),
                Err(e) => Err(call_error(&e)),
            }
        }
    }
}

impl VisibilityApi for Client {
    fn change_visibility_batch(
        &self,
        queue_url: &str,
        entries: Vec<(String, String, i32)>,
    ) -> impl Future<Output = Result<Vec<RefusedEntry>, CallError>> + Send {
        let request = self.change_message_visibility_batch().queue_url(queue_url);
        async move {
            let mut request = request;
            for (id, handle, timeout) in entries {
                let entry = ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(id)
                    .receipt_handle(handle)
                    .visibility_timeout(timeout)
                    .build()
                    .map_err(|e| CallError::Other(e.to_string()))?;
                request = request.entries(entry);
            }
            match request.send().await {
                Ok(output) => Ok(refused(output.failed())),
                Err(e) => Err(call_error(&e)),
            }
        }
    }
}

/// A failed call: a connection failure (no call starts after it) or any other.
fn call_error<E, R>(e: &SdkError<E, R>) -> CallError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match e {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            CallError::Connection(DisplayErrorContext(e).to_string())
        }
        _ => CallError::Other(DisplayErrorContext(e).to_string()),
    }
}
