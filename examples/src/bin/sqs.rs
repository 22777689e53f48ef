//! SQS standard queue: orders as JSON bodies; a body that is not an order and an order without
//! a quantity fail alone, and only they go back to the queue.
//!
//! `cargo run --bin sqs -- examples/events/sqs.json`

use batch_core::aws_lambda_events::sqs::SqsBatchResponse;
use batch_core::source::Sqs;
use batch_core::{
    BatchError, BatchEvent, BatchProcessor, Json, LambdaEvent, RecordCx, RecordError, RecordHandler,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Order {
    sku: String,
    quantity: u32,
}

struct PlaceOrder;

impl RecordHandler<Sqs> for PlaceOrder {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
        let Json(order) = record.extract::<Json<Order>>()?;
        if order.quantity == 0 {
            return Err(RecordError::handler(format!(
                "order for {} has no quantity",
                order.sku
            )));
        }
        tracing::info!(sku = %order.sku, quantity = order.quantity, "order placed");
        Ok(())
    }
}

async fn lambda_handler(event: LambdaEvent<BatchEvent>) -> Result<SqsBatchResponse, BatchError> {
    BatchProcessor::<Sqs>::new().run(event, &PlaceOrder).await
}

fn main() -> std::process::ExitCode {
    batch_core::runtime::start(lambda_handler)
}
