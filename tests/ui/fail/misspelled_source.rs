use batch_core::prelude::*;

#[batch_handler(source = "dynamo_db")]
async fn handle(record: &dynamodb::EventRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}
