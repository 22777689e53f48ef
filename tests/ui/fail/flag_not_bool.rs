use batch_core::prelude::*;

#[batch_handler(source = "kinesis", stop_on_first_failure = 1)]
async fn handle(record: &KinesisEventRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}
