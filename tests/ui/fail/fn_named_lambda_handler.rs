use batch_core::prelude::*;

#[batch_handler(source = "sqs")]
async fn lambda_handler(message: &SqsMessage) {
    let _ = message;
}
