//! SQS FIFO queue with skip-group-on-error: a failed payment fails the rest of its customer's
//! message group, and other customers' payments go on.
//!
//! `cargo run --bin sqs_fifo -- examples/events/sqs-fifo.json`

use batch_core::aws_lambda_events::sqs::SqsBatchResponse;
use batch_core::source::Sqs;
use batch_core::{
    BatchError, BatchEvent, BatchProcessor, Json, LambdaEvent, RecordCx, RecordError, RecordHandler,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Payment {
    customer: String,
    amount_cents: i64,
}

struct ChargePayment;

impl RecordHandler<Sqs> for ChargePayment {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<(), RecordError> {
        let Json(payment) = record.extract::<Json<Payment>>()?;
        if payment.amount_cents <= 0 {
            return Err(RecordError::handler(format!(
                "invalid amount {} for customer {}",
                payment.amount_cents, payment.customer
            )));
        }
        tracing::info!(customer = %payment.customer, amount = payment.amount_cents, "charged");
        Ok(())
    }
}

async fn lambda_handler(event: LambdaEvent<BatchEvent>) -> Result<SqsBatchResponse, BatchError> {
    BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(event, &ChargePayment)
        .await
}

fn main() -> std::process::ExitCode {
    batch_core::runtime::start(lambda_handler)
}
