use batch_core::prelude::*;
use batch_core::source::Sqs;
use batch_core::{BatchReport, Processor};

struct CountSuccesses;

impl Processor<Sqs, u32> for CountSuccesses {
    type Batch = ();

    async fn prepare(&self, _context: &Context) -> Result<(), BoxError> {
        Ok(())
    }

    async fn cleanup(&self, _batch: (), report: &mut BatchReport<Sqs, u32>) -> Result<(), BoxError> {
        let _ = report.successes().count();
        Ok(())
    }
}

#[batch_handler(source = "sqs", processor = CountSuccesses)]
async fn handle(message: &SqsMessage) -> Option<u32> {
    message.body.as_ref().map(|body| body.len() as u32)
}
