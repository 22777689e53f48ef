use batch_core::prelude::*;

#[batch_handler(source = "sqs")]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}

fn main() {}
