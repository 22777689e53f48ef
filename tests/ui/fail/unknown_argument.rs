use batch_core::prelude::*;

#[batch_handler(source = "sqs", timeout = 30)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
