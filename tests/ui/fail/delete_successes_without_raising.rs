use batch_core::prelude::*;

#[batch_handler(source = "sqs", delete_successes, raise_on_entire_batch_failure = false)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
