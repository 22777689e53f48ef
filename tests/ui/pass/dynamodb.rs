//! DynamoDB Streams: `NewImage<T>`, `Option<OldImage<T>>` and the raw record.

use batch_core::prelude::*;
use batch_core::testing::{dynamodb_record, event_from_records};
use serde_json::{Value, json};

#[derive(serde::Deserialize)]
struct Account {
    id: String,
    balance: i64,
}

#[batch_handler(source = "dynamodb", entrypoint = false)]
fn audit(
    NewImage(account): NewImage<Account>,
    old: Option<OldImage<Account>>,
    record: &dynamodb::EventRecord,
) -> Result<(), String> {
    assert_eq!(record.event_name, "MODIFY");
    if let Some(OldImage(old)) = old {
        assert_eq!(old.id, account.id);
    }
    if account.balance < 0 {
        return Err(format!("account {} is overdrawn", account.id));
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let modify = |sequence_number: &str, id: &str, balance: Value, old: Option<Value>| {
        let mut record = dynamodb_record(
            sequence_number,
            json!({"id": {"S": id}}),
            json!({"id": {"S": id}, "balance": balance}),
        );
        record["eventName"] = json!("MODIFY");
        if let Some(old) = old {
            record["dynamodb"]["OldImage"] = old;
        }
        record
    };
    let event = event_from_records([
        modify(
            "100",
            "a",
            json!({"N": "5"}),
            Some(json!({"id": {"S": "a"}, "balance": {"N": "10"}})),
        ),
        modify("101", "b", json!({"N": "-1"}), None),
        modify("102", "c", json!({"S": "not a number"}), None),
    ]);
    let response = lambda_handler(event).await.unwrap();
    let ids: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["101", "102"]);
}
