use batch_core::prelude::*;

#[batch_handler(source = "sqs", concurrency = 8)]
fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
