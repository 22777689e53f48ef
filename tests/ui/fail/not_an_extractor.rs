use batch_core::prelude::*;

#[batch_handler(source = "sqs")]
async fn handle(body: String) -> Result<(), BoxError> {
    let _ = body;
    Ok(())
}
