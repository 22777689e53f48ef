use batch_core::prelude::*;

#[derive(serde::Deserialize)]
struct Item {
    id: String,
}

#[batch_handler(source = "dynamodb")]
async fn handle(Json(item): Json<Item>) -> Result<(), BoxError> {
    let _ = item.id;
    Ok(())
}
