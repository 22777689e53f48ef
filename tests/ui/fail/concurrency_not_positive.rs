use batch_core::prelude::*;

#[batch_handler(source = "sqs", concurrency = 0)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
