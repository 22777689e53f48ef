//! SQS FIFO: `skip_group_on_error` fails the rest of a failed record's group only, with
//! records of several groups in flight at once.

use batch_core::prelude::*;
use batch_core::testing::{event_from_records, fifo_message};

#[batch_handler(
    source = "sqs_fifo",
    skip_group_on_error,
    concurrency = 4,
    entrypoint = false
)]
async fn ship(message: &SqsMessage) -> Result<(), String> {
    tokio::task::yield_now().await;
    match message.body.as_deref() {
        Some("fail") => Err(format!("cannot ship {:?}", message.message_id)),
        _ => Ok(()),
    }
}

mod stop_at_first_failure {
    use batch_core::prelude::*;

    #[batch_handler(source = "sqs_fifo", entrypoint = false)]
    fn ship(message: &SqsMessage) -> Result<(), String> {
        match message.body.as_deref() {
            Some("fail") => Err("cannot ship".to_owned()),
            _ => Ok(()),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let records = || {
        [
            fifo_message("1", "a", "ok"),
            fifo_message("2", "a", "fail"),
            fifo_message("3", "b", "ok"),
            fifo_message("4", "a", "ok"),
            fifo_message("5", "b", "ok"),
        ]
    };
    let ids = |response: SqsBatchResponseFor| -> Vec<String> {
        response
            .batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier)
            .collect()
    };
    let response = lambda_handler(event_from_records(records())).await.unwrap();
    assert_eq!(ids(response), ["2", "4"]);

    let response = stop_at_first_failure::lambda_handler(event_from_records(records()))
        .await
        .unwrap();
    assert_eq!(ids(response), ["2", "3", "4", "5"]);
}

type SqsBatchResponseFor = batch_core::aws_lambda_events::sqs::SqsBatchResponse;
