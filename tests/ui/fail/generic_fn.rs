use batch_core::prelude::*;

#[batch_handler(source = "sqs")]
async fn handle<T: serde::de::DeserializeOwned>(Json(payload): Json<T>) -> Result<(), BoxError> {
    let _ = payload;
    Ok(())
}
