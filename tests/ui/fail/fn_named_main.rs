use batch_core::prelude::*;

#[batch_handler(source = "sqs")]
async fn main() {}
