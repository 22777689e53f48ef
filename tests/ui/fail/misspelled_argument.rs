use batch_core::prelude::*;

#[batch_handler(source = "sqs_fifo", skip_group_on_eror)]
async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}
