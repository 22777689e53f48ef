//! `#[batch_handler]` on SQS handlers: the generated `lambda_handler` at run time.

use batch_core::testing::event_from_str;

fn failures(response: &batch_core::aws_lambda_events::sqs::SqsBatchResponse) -> Vec<&str> {
    response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect()
}

mod typed {
    use batch_core::prelude::*;

    #[derive(serde::Deserialize)]
    pub struct Order {
        pub quantity: u32,
    }

    #[batch_handler(source = "sqs", entrypoint = false)]
    async fn handle(Json(order): Json<Order>) -> Result<u32, BoxError> {
        if order.quantity == 0 {
            return Err("no quantity".into());
        }
        Ok(order.quantity)
    }
}

#[tokio::test]
async fn typed_payloads_fail_only_their_record() {
    let event = event_from_str(
        r#"{"Records": [
            {"messageId": "1", "eventSource": "aws:sqs", "body": "{\"quantity\": 2}"},
            {"messageId": "2", "eventSource": "aws:sqs", "body": "{\"quantity\": 0}"},
            {"messageId": "3", "eventSource": "aws:sqs", "body": "not json"}
        ]}"#,
    );
    let response = typed::lambda_handler(event).await.unwrap();
    assert_eq!(failures(&response), ["2", "3"]);
}
