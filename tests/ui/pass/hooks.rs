//! `hooks = ...`: built once per process and called on every success and failure.

use std::sync::atomic::{AtomicUsize, Ordering};

use batch_core::prelude::*;
use batch_core::source::Sqs;
use batch_core::testing::event_from_str;
use batch_core::{RecordCx, RecordHooks};

struct Counts {
    succeeded: AtomicUsize,
    failed: AtomicUsize,
}

static COUNTS: Counts = Counts {
    succeeded: AtomicUsize::new(0),
    failed: AtomicUsize::new(0),
};

impl<T> RecordHooks<Sqs, T> for Counts {
    fn on_success(&self, _: &RecordCx<'_, Sqs>, _: &T) {
        self.succeeded.fetch_add(1, Ordering::SeqCst);
    }

    fn on_failure(&self, _: &RecordCx<'_, Sqs>, _: &RecordError) {
        self.failed.fetch_add(1, Ordering::SeqCst);
    }
}

#[batch_handler(source = "sqs", hooks = &COUNTS, entrypoint = false)]
async fn handle(Json(n): Json<i32>) -> Result<i32, String> {
    if n < 0 {
        Err(format!("{n} is negative"))
    } else {
        Ok(n)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let event = event_from_str(
        r#"{"Records": [
            {"messageId": "1", "eventSource": "aws:sqs", "body": "1"},
            {"messageId": "2", "eventSource": "aws:sqs", "body": "-1"},
            {"messageId": "3", "eventSource": "aws:sqs", "body": "x"}
        ]}"#,
    );
    let response = lambda_handler(event).await.unwrap();
    assert_eq!(response.batch_item_failures.len(), 2);
    assert_eq!(COUNTS.succeeded.load(Ordering::SeqCst), 1);
    assert_eq!(COUNTS.failed.load(Ordering::SeqCst), 2);
}
