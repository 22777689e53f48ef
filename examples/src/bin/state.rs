//! Shared state built once per process: `state = load_catalog` runs in `main` before the first
//! invocation (Lambda's init phase), never again on warm invocations, and every record reads it
//! through `State<&Catalog>`. An order for a product the catalog does not know fails.
//!
//! The catalog is built in, or read from the JSON file named by `CATALOG_FILE`
//! (`{"SKU": price in cents}`). When it cannot be loaded the function does not start: under
//! Lambda the error is reported to the Runtime API as an init error (`StateInitError`), and in
//! local invoke it is printed as `Error: ...` with exit status 1.
//!
//! `cargo run --bin state -- examples/events/state.json`
//! `CATALOG_FILE=missing.json cargo run --bin state -- examples/events/state.json` (fails)

use std::collections::HashMap;
use std::path::Path;

use batch_core::prelude::*;
use serde::Deserialize;

/// Prices by SKU, as a real function would load them from a table or a file.
struct Catalog {
    prices: HashMap<String, u64>,
}

async fn load_catalog() -> Result<Catalog, BoxError> {
    let prices = match std::env::var_os("CATALOG_FILE") {
        Some(path) => read_prices(Path::new(&path))?,
        None => [("LAPTOP-AMD", 89_900), ("KEYBOARD-CLASSIC", 4_900)]
            .into_iter()
            .map(|(sku, cents)| (sku.to_owned(), cents))
            .collect(),
    };
    tracing::info!("catalog loaded");
    Ok(Catalog { prices })
}

fn read_prices(path: &Path) -> Result<HashMap<String, u64>, BoxError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the catalog `{}`: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "the catalog `{}` is not a JSON object of prices in cents: {e}",
            path.display()
        )
        .into()
    })
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
