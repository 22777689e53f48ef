use batch_core::prelude::*;

#[batch_handler(source = "sqs", raise_on_entire_batch_failure = false, source = "kinesis")]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
