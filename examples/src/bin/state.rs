//! Shared state built once per process: `state = load_catalog` runs in `main` before the first
//! invocation (Lambda's init phase), never again on warm invocations, and every record reads it
//! through `State<&Catalog>`. An order for a product the catalog does not know fails.
//!
//! `cargo run --bin state -- examples/events/state.json`

use std::collections::HashMap;

use batch_core::prelude::*;
use serde::Deserialize;

/// Prices by SKU, as a real function would load them from a table or a file.
struct Catalog {
    prices: HashMap<String, u64>,
}

async fn load_catalog() -> Result<Catalog, BoxError> {
    tracing::info!("catalog loaded");
    let prices = [("LAPTOP-AMD", 89_900), ("KEYBOARD-CLASSIC", 4_900)]
        .into_iter()
        .map(|(sku, cents)| (sku.to_owned(), cents))
        .collect();
    Ok(Catalog { prices })
}

#[derive(Deserialize)]
struct Order {
    sku: String,
    quantity: u64,
}

#[batch_handler(source = "sqs", state = load_catalog)]
async fn price_order(
    Json(order): Json<Order>,
    State(catalog): State<&Catalog>,
) -> Result<u64, BoxError> {
    let unit = catalog
        .prices
        .get(&order.sku)
        .ok_or_else(|| format!("unknown product {}", order.sku))?;
    let total = unit * order.quantity;
    tracing::info!(sku = %order.sku, total, "order priced");
    Ok(total)
}
