//! A plain `fn` taking the raw record and returning `()`; an error type that is a `&str`.

use batch_core::prelude::*;
use batch_core::testing::event_from_str;

#[batch_handler(source = "sqs", entrypoint = false)]
fn log_message(message: &SqsMessage) {
    assert!(message.message_id.is_some());
}

mod strict {
    use batch_core::prelude::*;

    #[batch_handler(source = "sqs", entrypoint = false)]
    fn check(message: &SqsMessage) -> Result<usize, &str> {
        match message.body.as_deref() {
            Some(body) if !body.is_empty() => Ok(body.len()),
            _ => Err("empty body"),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let text = r#"{"Records": [
        {"messageId": "1", "eventSource": "aws:sqs", "body": "hello"},
        {"messageId": "2", "eventSource": "aws:sqs", "body": ""}
    ]}"#;
    let response = lambda_handler(event_from_str(text)).await.unwrap();
    assert!(response.batch_item_failures.is_empty());

    let response = strict::lambda_handler(event_from_str(text)).await.unwrap();
    assert_eq!(response.batch_item_failures.len(), 1);
    assert_eq!(response.batch_item_failures[0].item_identifier, "2");
}
