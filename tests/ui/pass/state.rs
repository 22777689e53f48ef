//! `state = init`: built once per process, on the first call when `lambda_handler` is called
//! directly, and shared by every record through `State<&T>`.

use std::sync::atomic::{AtomicUsize, Ordering};

use batch_core::prelude::*;
use batch_core::testing::event_from_str;

static BUILT: AtomicUsize = AtomicUsize::new(0);

struct Prices {
    per_unit: u64,
}

async fn load_prices() -> Result<Prices, std::io::Error> {
    BUILT.fetch_add(1, Ordering::SeqCst);
    tokio::task::yield_now().await;
    Ok(Prices { per_unit: 250 })
}

#[batch_handler(source = "sqs", state = load_prices, entrypoint = false)]
async fn price(Json(quantity): Json<u64>, State(prices): State<&Prices>) -> Result<u64, BoxError> {
    Ok(quantity * prices.per_unit)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let text = r#"{"Records": [{"messageId": "1", "eventSource": "aws:sqs", "body": "4"}]}"#;
    for _ in 0..3 {
        let response = lambda_handler(event_from_str(text)).await.unwrap();
        assert!(response.batch_item_failures.is_empty());
    }
    assert_eq!(BUILT.load(Ordering::SeqCst), 1);
}
