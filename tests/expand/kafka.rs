use batch_core::prelude::*;

#[batch_handler(source = "kafka", stop_on_first_failure, concurrency = 4)]
async fn place(quantity: Option<Json<u32>>, record: &KafkaRecord) -> Result<(), BoxError> {
    match quantity {
        Some(Json(0)) => Err(format!("offset {} has no quantity", record.offset).into()),
        _ => Ok(()),
    }
}
