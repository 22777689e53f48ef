//! SQS with typed payloads, under edition 2021.

#![deny(warnings, rust_2018_idioms)]

use batch_core::prelude::*;

#[derive(serde::Deserialize)]
struct Order {
    quantity: u32,
}

#[batch_handler(source = "sqs")]
async fn place_order(Json(order): Json<Order>, context: &Context) -> Result<(), BoxError> {
    if context.request_id.is_empty() {
        return Err("no request id".into());
    }
    if order.quantity == 0 {
        return Err("no quantity".into());
    }
    Ok(())
}
