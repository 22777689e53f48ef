//! DynamoDB Streams: product changes read with `NewImage<T>`, in a plain (sync) function. A
//! removed product has no new image (accepted with `Option`); an image that does not fit
//! `Product` and a product out of stock fail alone.
//!
//! `cargo run --bin dynamodb -- examples/events/dynamodb.json`

use batch_core::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Product {
    #[serde(rename = "Id")]
    id: u64,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Stock")]
    stock: u32,
}

#[batch_handler(source = "dynamodb")]
fn sync_product(product: Option<NewImage<Product>>) -> Result<(), String> {
    let Some(NewImage(product)) = product else {
        tracing::info!("product removed");
        return Ok(());
    };
    if product.stock == 0 {
        return Err(format!(
            "product {} ({}) is out of stock",
            product.id, product.name
        ));
    }
    tracing::info!(id = product.id, stock = product.stock, "product synced");
    Ok(())
}
