use batch_core::prelude::*;

#[batch_handler(source = "sqs", retry_backoff)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
