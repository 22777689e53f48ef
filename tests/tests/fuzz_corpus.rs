//! Replays every input of the fuzz corpus (`batch-core/fuzz/corpus/<target>/`) through the same
//! checks the fuzz targets run: the reference model, and DESIGN §5's last row (no panic, only
//! identifiers from the event, nothing acknowledged that did not succeed). This is what CI runs
//! on stable; `batch-core/fuzz/run.sh` grows the corpus with libFuzzer on nightly.

#[path = "../../batch-core/fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzz_checks;

use std::path::Path;

use fuzz_checks::{Target, check, ignore_marked_panics};

fn replay(name: &str, target: Target) {
    ignore_marked_panics();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../batch-core/fuzz/corpus")
        .join(name);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .collect();
    inputs.sort();
    // The corpus is checked in: an empty directory would make this test pass on nothing.
    assert!(inputs.len() >= 10, "{name}: only {} inputs", inputs.len());
    for input in inputs {
        let data = std::fs::read(&input).expect("a corpus file reads");
        let replayed = std::panic::catch_unwind(|| check(target, &data));
        assert!(
            replayed.is_ok(),
            "{}: a check failed (see above)",
            input.display()
        );
    }
}

#[test]
fn sqs_corpus() {
    replay("sqs", Target::Sqs);
}

#[test]
fn sqs_fifo_corpus() {
    replay("sqs_fifo", Target::SqsFifo);
}

#[test]
fn sqs_fifo_skip_group_corpus() {
    replay("sqs_fifo_skip_group", Target::SqsFifoSkipGroup);
}

#[test]
fn kinesis_corpus() {
    replay("kinesis", Target::Kinesis);
}

#[test]
fn dynamodb_corpus() {
    replay("dynamodb", Target::DynamoDb);
}

#[test]
fn kafka_corpus() {
    replay("kafka", Target::Kafka);
}
