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

/// Records of the events the structure-aware generator writes for `target` from 1,000 inputs:
/// each record's text, as the record is written.
fn generated_records(target: Target) -> Vec<serde_json::Value> {
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let mut records = Vec::new();
    for _ in 0..1000 {
        let material: Vec<u8> = (0..256)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        // The generator writes lone surrogates (`\ud800`, `\uDFFF`) here and there, which
        // `Value` refuses: spelled as letters, the rest of the event still counts.
        let event = String::from_utf8_lossy(&fuzz_checks::generate::event(target, &material))
            .replace("\\ud800", "\\u0041")
            .replace("\\uDFFF", "\\u0042");
        let Ok(event) = serde_json::from_str::<serde_json::Value>(&event) else {
            continue;
        };
        match (&event["Records"], &event["records"]) {
            (serde_json::Value::Array(list), _) => records.extend(list.iter().cloned()),
            (_, serde_json::Value::Object(partitions)) => records.extend(
                partitions
                    .values()
                    .filter_map(serde_json::Value::as_array)
                    .flatten()
                    .cloned(),
            ),
            _ => {}
        }
    }
    records
}

/// The fuzz targets compare the scanner's whole Kafka and Kinesis records with serde_json's
/// (where `serde_checkable` lets them): the generator must write records serde_json reads
/// (timestamps, headers and all), or the comparison never sees a record that reads.
#[test]
fn generated_kafka_and_kinesis_records_reach_the_record_comparison() {
    use batch_core::{KafkaRecord, KinesisEventRecord};
    fn compared_and_read<T: serde::de::DeserializeOwned>(records: &[serde_json::Value]) -> usize {
        records
            .iter()
            .map(serde_json::Value::to_string)
            .filter(|raw| fuzz_checks::serde_checkable(raw))
            .filter(|raw| serde_json::from_str::<T>(raw).is_ok())
            .count()
    }
    let kafka = generated_records(Target::Kafka);
    let read = compared_and_read::<KafkaRecord>(&kafka);
    assert!(read >= 20, "{read} of {} Kafka records read", kafka.len());
    let with_headers = kafka
        .iter()
        .filter(|record| record["headers"].as_array().is_some_and(|h| !h.is_empty()))
        .count();
    assert!(
        with_headers >= 20,
        "{with_headers} Kafka records with headers"
    );
    let kinesis = generated_records(Target::Kinesis);
    let read = compared_and_read::<KinesisEventRecord>(&kinesis);
    assert!(
        read >= 20,
        "{read} of {} Kinesis records read",
        kinesis.len()
    );
}
