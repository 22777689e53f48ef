use batch_core::prelude::*;

#[batch_handler(source = "sqs", delete_successes)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
