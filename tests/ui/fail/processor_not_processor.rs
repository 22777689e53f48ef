use batch_core::prelude::*;

struct BulkWriter;

#[batch_handler(source = "kinesis", processor = BulkWriter)]
async fn handle(Json(n): Json<u32>) -> Result<u32, BoxError> {
    Ok(n)
}
