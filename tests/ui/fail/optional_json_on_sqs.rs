use batch_core::prelude::*;

#[derive(serde::Deserialize)]
struct Order {
    id: String,
}

#[batch_handler(source = "sqs")]
async fn handle(order: Option<Json<Order>>) -> Result<(), BoxError> {
    let _ = order.map(|Json(order)| order.id);
    Ok(())
}
