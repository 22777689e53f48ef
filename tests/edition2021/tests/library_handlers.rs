//! The library's handlers, called directly as a user's unit test would.

use batch_core::testing::{event_from_file, event_from_str};

#[tokio::test]
async fn orders_fail_only_the_poison_record() {
    let event = event_from_str(
        r#"{"Records": [
            {"messageId": "a", "eventSource": "aws:sqs", "body": "{\"sku\": \"X\", \"quantity\": 3}"},
            {"messageId": "b", "eventSource": "aws:sqs", "body": "{\"sku\": 1}"}
        ]}"#,
    );
    let response = edition2021::orders::lambda_handler(event).await.unwrap();
    assert_eq!(response.batch_item_failures.len(), 1);
    assert_eq!(response.batch_item_failures[0].item_identifier, "b");
}

#[tokio::test]
async fn accounts_list_every_record_when_all_failed_and_raising_is_off() {
    let event = event_from_str(
        r#"{"Records": [{"eventSource": "aws:dynamodb", "dynamodb": {"SequenceNumber": "7",
            "NewImage": {"balance": {"N": "-5"}}}}]}"#,
    );
    let response = edition2021::accounts::lambda_handler(event).await.unwrap();
    assert_eq!(
        response.batch_item_failures[0].item_identifier.as_deref(),
        Some("7")
    );
}

#[tokio::test]
async fn another_path_to_batch_core_works_with_crate() {
    let event = batch_core::testing::event_from_records([batch_core::testing::kinesis_record(
        "1", "key", b"abc",
    )]);
    let response = edition2021::renamed::lambda_handler(event).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
}

#[tokio::test]
async fn a_handler_runs_on_an_event_file_in_one_line() {
    let event = event_from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/events/orders.json"));
    let response = edition2021::orders::lambda_handler(event).await.unwrap();
    assert_eq!(
        serde_json::to_string(&response).unwrap(),
        r#"{"batchItemFailures":[{"itemIdentifier":"order-2"}]}"#
    );
}
