use batch_core::prelude::*;

#[batch_handler(sorce = "sqs")]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
