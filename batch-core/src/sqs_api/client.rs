//! [`DeleteApi`] over the AWS SDK's SQS client.

use std::future::Future;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::{DisplayErrorContext, SdkError};
use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;

use super::delete::{CallError, DeleteApi, RefusedEntry};

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
                Ok(output) => Ok(output
                    .failed()
                    .iter()
                    .map(|f| RefusedEntry {
                        id: f.id().to_owned(),
                        sender_fault: f.sender_fault(),
                        code: f.code().to_owned(),
                    })
                    .collect()),
                Err(e @ (SdkError::DispatchFailure(_) | SdkError::TimeoutError(_))) => {
                    Err(CallError::Connection(DisplayErrorContext(&e).to_string()))
                }
                Err(e) => Err(CallError::Other(DisplayErrorContext(&e).to_string())),
            }
        }
    }
}
