//! A custom processor: it prepares once per batch, lets each record compute a row, and at the
//! end writes every row in one bulk request. A row the bulk write rejects fails its record
//! after the fact, so only that record goes back to the queue.
//!
//! `cargo run --bin custom_processor -- examples/events/custom-processor.json`

use batch_core::prelude::*;
use batch_core::source::Sqs;
use batch_core::{BatchReport, Processor};

/// One row of the audit table.
#[derive(serde::Deserialize)]
struct Row {
    account: String,
    balance_cents: i64,
}

/// Writes every successful record's row in one request at the end of the batch.
struct BulkWriter {
    table: &'static str,
}

impl BulkWriter {
    /// Stands in for a bulk write: the table refuses rows of closed accounts.
    fn write(&self, rows: &[&Row]) -> Vec<Result<(), String>> {
        rows.iter()
            .map(|row| match row.account.starts_with("closed-") {
                true => Err(format!("{} refused account {}", self.table, row.account)),
                false => Ok(()),
            })
            .collect()
    }
}

impl Processor<Sqs, Row> for BulkWriter {
    type Batch = std::time::Instant;

    async fn prepare(&self, _context: &Context) -> Result<Self::Batch, BoxError> {
        Ok(std::time::Instant::now())
    }

    async fn cleanup(
        &self,
        started: Self::Batch,
        report: &mut BatchReport<Sqs, Row>,
    ) -> Result<(), BoxError> {
        let (positions, rows): (Vec<usize>, Vec<&Row>) = report
            .successes()
            .map(|(o, row)| (o.position(), row))
            .unzip();
        let results = self.write(&rows);
        tracing::info!(rows = rows.len(), table = self.table, "bulk write");
        for (position, result) in positions.into_iter().zip(results) {
            if let Err(error) = result {
                report.fail(position, RecordError::handler(error));
            }
        }
        tracing::info!(
            elapsed_us = started.elapsed().as_micros() as u64,
            "batch done"
        );
        Ok(())
    }
}

#[batch_handler(source = "sqs", processor = BulkWriter { table: "balances" })]
async fn to_row(Json(row): Json<Row>) -> Result<Row, BoxError> {
    if row.balance_cents < 0 {
        return Err(format!("negative balance for {}", row.account).into());
    }
    Ok(row)
}
