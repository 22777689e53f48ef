use batch_core::prelude::*;

async fn client() -> Result<(), BoxError> {
    Ok(())
}

#[batch_handler(source = "kinesis", delete_successes, suppress_exception, sqs_client = client)]
async fn handle(record: &KinesisEventRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}

#[batch_handler(source = "kafka", delete_successes, entrypoint = false)]
async fn handle_kafka(record: &KafkaRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}

#[batch_handler(source = "dynamodb", delete_successes, entrypoint = false)]
async fn handle_dynamodb(record: &dynamodb::EventRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}
