use batch_core::prelude::*;

struct Config;

fn build_config() -> Result<Config, BoxError> {
    Ok(Config)
}

#[batch_handler(source = "sqs", state = build_config)]
async fn handle(config: State<&Config>) -> Result<(), BoxError> {
    let _ = config;
    Ok(())
}
