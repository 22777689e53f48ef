//! SQS FIFO with skip-group and records of several groups in flight, under edition 2021.

#![deny(warnings, rust_2018_idioms)]

use batch_core::prelude::*;

#[batch_handler(source = "sqs_fifo", skip_group_on_error, concurrency = 4)]
async fn ship(message: &SqsMessage) -> Result<(), String> {
    match message.body.as_deref() {
        Some("fail") => Err("cannot ship".to_owned()),
        _ => Ok(()),
    }
}
