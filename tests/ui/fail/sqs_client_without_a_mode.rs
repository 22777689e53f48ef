use batch_core::prelude::*;

async fn client() -> Result<(), BoxError> {
    Ok(())
}

#[batch_handler(source = "sqs_fifo", sqs_client = client)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
