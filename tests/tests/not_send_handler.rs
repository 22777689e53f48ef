//! A handler whose future is not `Send` (it holds an `Rc` across an `.await`) compiles, is served
//! by the plain `start`, and runs. CI also builds this file with batch-core's
//! `concurrency-tokio` feature on (`--features concurrency-tokio`): turning the feature on
//! anywhere must not stop such a handler from compiling.

use std::process::ExitCode;

use batch_core::testing::event_from_str;

mod counter {
    use std::cell::Cell;
    use std::rc::Rc;

    use batch_core::prelude::*;

    /// Counts the characters of the body through an `Rc<Cell<_>>` that lives across an
    /// `.await`, which makes the future `!Send`.
    #[batch_handler(source = "sqs", concurrency = 2, entrypoint = false)]
    async fn count(message: &SqsMessage) -> Result<usize, BoxError> {
        let length = Rc::new(Cell::new(0));
        tokio::task::yield_now().await;
        length.set(message.body.as_deref().map_or(0, str::len));
        match length.get() {
            0 => Err("empty body".into()),
            n => Ok(n),
        }
    }
}

/// Never called: it only has to compile. The plain `start` must accept a `!Send` handler, with
/// or without the feature.
#[allow(dead_code)]
fn not_send_handler_is_served_by_start() -> ExitCode {
    batch_core::runtime::start(counter::lambda_handler)
}

#[tokio::test]
async fn not_send_handler_runs_and_reports_its_failures() {
    let event = event_from_str(
        r#"{"Records": [
            {"messageId": "a", "eventSource": "aws:sqs", "body": "hello"},
            {"messageId": "b", "eventSource": "aws:sqs", "body": ""},
            {"messageId": "c", "eventSource": "aws:sqs", "body": "hi"}
        ]}"#,
    );
    let response = counter::lambda_handler(event).await.unwrap();
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|failure| failure.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["b"]);
}
