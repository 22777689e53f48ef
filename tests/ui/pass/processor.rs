//! `processor = ...`: a custom processor that writes every success in one batch at the end.

use std::sync::Mutex;

use batch_core::prelude::*;
use batch_core::source::Sqs;
use batch_core::testing::event_from_str;
use batch_core::{BatchReport, Processor};

struct BulkWriter {
    written: Mutex<Vec<u32>>,
}

impl Processor<Sqs, u32> for BulkWriter {
    type Batch = ();

    async fn prepare(&self, _context: &Context) -> Result<(), BoxError> {
        Ok(())
    }

    async fn cleanup(
        &self,
        _batch: (),
        report: &mut BatchReport<Sqs, u32>,
    ) -> Result<(), BoxError> {
        let values: Vec<u32> = report.successes().map(|(_, value)| *value).collect();
        self.written.lock().unwrap().extend(values);
        Ok(())
    }
}

static WRITER: BulkWriter = BulkWriter {
    written: Mutex::new(Vec::new()),
};

#[batch_handler(source = "sqs", processor = &WRITER, entrypoint = false)]
async fn handle(Json(n): Json<u32>) -> Result<u32, BoxError> {
    Ok(n * 10)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let event = event_from_str(
        r#"{"Records": [
            {"messageId": "1", "eventSource": "aws:sqs", "body": "1"},
            {"messageId": "2", "eventSource": "aws:sqs", "body": "oops"},
            {"messageId": "3", "eventSource": "aws:sqs", "body": "3"}
        ]}"#,
    );
    let response = lambda_handler(event).await.unwrap();
    assert_eq!(response.batch_item_failures[0].item_identifier, "2");
    assert_eq!(*WRITER.written.lock().unwrap(), [10, 30]);
}
