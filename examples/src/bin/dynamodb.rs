//! DynamoDB Streams: product changes read with `NewImage<T>`; a removed product has no new
//! image (accepted with `Option`), an image that does not fit `Product` and a product out of
//! stock fail alone.
//!
//! `cargo run --bin dynamodb -- examples/events/dynamodb.json`

use batch_core::aws_lambda_events::streams::DynamoDbEventResponse;
use batch_core::source::DynamoDb;
use batch_core::{
    BatchError, BatchEvent, BatchProcessor, LambdaEvent, NewImage, RecordCx, RecordError,
    RecordHandler,
};
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

struct SyncProduct;

impl RecordHandler<DynamoDb> for SyncProduct {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, DynamoDb>) -> Result<(), RecordError> {
        let Some(NewImage(product)) = record.extract::<Option<NewImage<Product>>>()? else {
            tracing::info!("product removed");
            return Ok(());
        };
        if product.stock == 0 {
            return Err(RecordError::handler(format!(
                "product {} ({}) is out of stock",
                product.id, product.name
            )));
        }
        tracing::info!(id = product.id, stock = product.stock, "product synced");
        Ok(())
    }
}

async fn lambda_handler(
    event: LambdaEvent<BatchEvent>,
) -> Result<DynamoDbEventResponse, BatchError> {
    BatchProcessor::<DynamoDb>::new()
        .run(event, &SyncProduct)
        .await
}

fn main() -> std::process::ExitCode {
    batch_core::runtime::start(lambda_handler)
}
