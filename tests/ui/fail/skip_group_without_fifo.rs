use batch_core::prelude::*;

#[batch_handler(source = "sqs", skip_group_on_error)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
