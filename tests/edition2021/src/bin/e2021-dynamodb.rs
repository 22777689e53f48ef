//! DynamoDB Streams with hooks and a plain `fn`, under edition 2021.

#![deny(warnings, rust_2018_idioms)]

use std::sync::atomic::{AtomicUsize, Ordering};

use batch_core::prelude::*;
use batch_core::source::DynamoDb;
use batch_core::{RecordCx, RecordHooks};

#[derive(Default)]
struct Failures(AtomicUsize);

impl<T> RecordHooks<DynamoDb, T> for Failures {
    fn on_failure(&self, _: &RecordCx<'_, DynamoDb>, _: &RecordError) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[derive(serde::Deserialize)]
struct Item {
    id: String,
}

#[batch_handler(source = "dynamodb", hooks = Failures::default())]
fn index(NewImage(item): NewImage<Item>, record: &dynamodb::EventRecord) -> Result<(), String> {
    if item.id.is_empty() {
        return Err(format!("{} has an empty id", record.event_id));
    }
    Ok(())
}
