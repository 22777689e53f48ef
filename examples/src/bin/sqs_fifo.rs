//! SQS FIFO queue with skip-group-on-error: a failed payment fails the rest of its customer's
//! message group, and other customers' payments go on.
//!
//! `cargo run --bin sqs_fifo -- examples/events/sqs-fifo.json`

use batch_core::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Payment {
    customer: String,
    amount_cents: i64,
}

#[batch_handler(source = "sqs_fifo", skip_group_on_error)]
async fn charge(Json(payment): Json<Payment>) -> Result<(), BoxError> {
    if payment.amount_cents <= 0 {
        return Err(format!(
            "invalid amount {} for customer {}",
            payment.amount_cents, payment.customer
        )
        .into());
    }
    tracing::info!(customer = %payment.customer, amount = payment.amount_cents, "charged");
    Ok(())
}
