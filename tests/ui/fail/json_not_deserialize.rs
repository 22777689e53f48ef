use batch_core::prelude::*;

struct Order {
    quantity: u32,
}

#[batch_handler(source = "sqs")]
async fn handle(Json(order): Json<Order>) -> Result<(), BoxError> {
    let _ = order.quantity;
    Ok(())
}
