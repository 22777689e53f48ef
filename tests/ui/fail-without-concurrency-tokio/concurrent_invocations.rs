use batch_core::prelude::*;

#[batch_handler(source = "sqs", concurrent_invocations)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
