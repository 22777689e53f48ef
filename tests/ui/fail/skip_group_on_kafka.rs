use batch_core::prelude::*;

#[batch_handler(source = "kafka", skip_group_on_error)]
async fn handle(record: &KafkaRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}
