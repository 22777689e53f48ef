use batch_core::prelude::*;

struct Config;

#[batch_handler(source = "sqs")]
async fn handle(config: State<&Config>) -> Result<(), BoxError> {
    let _ = config;
    Ok(())
}
