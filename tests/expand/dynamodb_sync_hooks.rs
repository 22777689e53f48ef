use batch_core::prelude::*;

#[batch_handler(
    source = "dynamodb",
    hooks = batch_core::NoHooks,
    processor = batch_core::DefaultProcessor,
    entrypoint = false
)]
fn audit(record: &dynamodb::EventRecord, NewImage(item): NewImage<serde_json::Value>) {
    let _ = (record, item);
}

fn main() {}
