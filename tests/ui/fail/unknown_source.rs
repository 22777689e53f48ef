use batch_core::prelude::*;

#[batch_handler(source = "sns")]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
