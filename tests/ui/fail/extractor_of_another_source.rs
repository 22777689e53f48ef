use batch_core::prelude::*;

#[derive(serde::Deserialize)]
struct Item {
    id: String,
}

#[batch_handler(source = "sqs")]
async fn handle(NewImage(item): NewImage<Item>) -> Result<(), BoxError> {
    let _ = item.id;
    Ok(())
}
