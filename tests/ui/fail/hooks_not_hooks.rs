use batch_core::prelude::*;

struct Metrics;

#[batch_handler(source = "sqs", hooks = Metrics)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
