use batch_core::prelude::*;

#[batch_handler(source = "sqs", suppress_exception)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
