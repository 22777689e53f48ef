//! `#[batch_handler]` in an edition-2021 crate. The bins use the macro for every source with
//! its generated `main`; this library holds handlers without one (`entrypoint = false`), each in
//! its own module. Everything builds without warnings, also under `clippy -D warnings`.

#![deny(warnings, missing_docs, rust_2018_idioms)]

/// An SQS handler in a library module.
pub mod orders {
    use batch_core::prelude::*;

    /// An order in a message body.
    #[derive(Debug, serde::Deserialize)]
    pub struct Order {
        /// What is ordered.
        pub sku: String,
        /// How many.
        pub quantity: u32,
    }

    #[batch_handler(source = "sqs", entrypoint = false)]
    async fn place(Json(order): Json<Order>) -> Result<u32, String> {
        if order.quantity == 0 {
            return Err(format!("no quantity for {}", order.sku));
        }
        Ok(order.quantity)
    }
}

/// A DynamoDB Streams handler in a library module: a plain `fn`.
pub mod accounts {
    use batch_core::prelude::*;

    #[derive(serde::Deserialize)]
    struct Account {
        balance: i64,
    }

    #[batch_handler(
        source = "dynamodb",
        raise_on_entire_batch_failure = false,
        entrypoint = false
    )]
    fn audit(NewImage(account): NewImage<Account>) -> Result<(), &'static str> {
        if account.balance < 0 {
            Err("overdrawn")
        } else {
            Ok(())
        }
    }
}

/// batch-core under another name, as a crate that re-exports it would have it.
pub use batch_core as batch;

/// A handler that reaches batch-core by another path: `crate = "crate::batch"`.
pub mod renamed {
    use crate::batch::prelude::*;

    #[batch_handler(source = "kinesis", crate = "crate::batch", entrypoint = false)]
    fn count(record: &KinesisEventRecord) -> Result<usize, String> {
        Ok(record.kinesis.data.0.len())
    }
}
