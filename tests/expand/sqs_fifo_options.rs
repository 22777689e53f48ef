use batch_core::prelude::*;

#[batch_handler(
    source = "sqs_fifo",
    skip_group_on_error,
    concurrency = 10,
    raise_on_entire_batch_failure = false,
    deadline_margin_ms = 2000
)]
async fn ship(Json(order_id): Json<u64>, context: &Context) -> Result<u64, String> {
    let _ = context;
    Ok(order_id)
}
