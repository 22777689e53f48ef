use batch_core::prelude::*;

#[batch_handler(source = "sqs")]
async fn handle(message: &SqsMessage) -> bool {
    message.body.is_some()
}
