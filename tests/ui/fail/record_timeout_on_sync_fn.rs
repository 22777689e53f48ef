use batch_core::prelude::*;

#[batch_handler(source = "sqs", record_timeout_ms = 5000)]
fn handle(message: &SqsMessage) -> Result<(), BoxError> {
    let _ = message;
    Ok(())
}

#[batch_handler(source = "kinesis", record_timeout_ms = 0, entrypoint = false)]
async fn zero(record: &KinesisEventRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}
