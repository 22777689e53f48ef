use batch_core::prelude::*;

#[batch_handler(source = "kinesis", max_concurrency = 4)]
async fn handle(record: &KinesisEventRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}
