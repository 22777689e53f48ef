//! When every record fails: `BatchError::AllFailed` by default, the full list with
//! `raise_on_entire_batch_failure = false`.

use batch_core::prelude::*;
use batch_core::testing::event_from_str;

#[derive(Debug)]
struct Unavailable;

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the warehouse is unavailable")
    }
}

impl std::error::Error for Unavailable {}

#[batch_handler(source = "sqs", entrypoint = false)]
async fn strict(_message: &SqsMessage) -> Result<(), Unavailable> {
    Err(Unavailable)
}

mod lenient {
    use super::Unavailable;
    use batch_core::prelude::*;

    #[batch_handler(
        source = "sqs",
        raise_on_entire_batch_failure = false,
        entrypoint = false
    )]
    async fn lenient(_message: &SqsMessage) -> Result<(), Unavailable> {
        Err(Unavailable)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let text = r#"{"Records": [
        {"messageId": "1", "eventSource": "aws:sqs", "body": "a"},
        {"messageId": "2", "eventSource": "aws:sqs", "body": "b"}
    ]}"#;
    let error = lambda_handler(event_from_str(text)).await.unwrap_err();
    assert!(matches!(error, BatchError::AllFailed { .. }));
    assert!(
        error
            .to_string()
            .starts_with("All records failed processing.")
    );
    assert!(error.to_string().contains("the warehouse is unavailable"));

    let response = lenient::lambda_handler(event_from_str(text)).await.unwrap();
    assert_eq!(response.batch_item_failures.len(), 2);
}
