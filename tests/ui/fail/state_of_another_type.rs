use batch_core::prelude::*;

struct Config;
struct Database;

async fn build_database() -> Result<Database, BoxError> {
    Ok(Database)
}

#[batch_handler(source = "sqs", state = build_database)]
async fn handle(config: State<&Config>) -> Result<(), BoxError> {
    let _ = config;
    Ok(())
}
