use batch_core::prelude::*;

#[batch_handler(source = "sqs", stop_on_first_failure)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
