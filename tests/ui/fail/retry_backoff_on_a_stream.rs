use batch_core::prelude::*;

#[batch_handler(source = "kinesis", retry_backoff = backoff())]
async fn handle(record: &KinesisEventRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}

#[batch_handler(source = "kafka", retry_backoff = backoff(), entrypoint = false)]
async fn handle_kafka(record: &KafkaRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}

#[batch_handler(source = "dynamodb", retry_backoff = backoff(), entrypoint = false)]
async fn handle_dynamodb(record: &dynamodb::EventRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}
