use batch_core::prelude::*;

#[batch_handler(source = "kinesis", skip_group_on_error, concurrency = -1, entrypoint = "no")]
fn lambda_handler<T>(&self, record: &KinesisEventRecord) -> Result<(), BoxError> {
    let _ = record;
    Ok(())
}
