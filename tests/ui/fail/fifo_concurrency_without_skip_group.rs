use batch_core::prelude::*;

#[batch_handler(source = "sqs_fifo", concurrency = 10)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
