use batch_core::prelude::*;

#[batch_handler(source = "sqs_fifo", retry_backoff = policy())]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}

fn policy() {}
