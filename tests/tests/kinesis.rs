//! Kinesis Data Streams: failures reported by `kinesis.sequenceNumber` (R2, R3, R4), typed data.

mod spec_support;

use batch_core::source::Kinesis;
use batch_core::testing::{event_from_file, event_from_records, kinesis_record};
use batch_core::{BatchProcessor, Json, RecordCx, RecordError, RecordHandler};
use serde::Deserialize;
use spec_support::{all_failed, ids, reported};

/// Reads the whole record and fails it when its decoded data is `F`.
struct ByData;

impl RecordHandler<Kinesis> for ByData {
    type Output = ();

    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<(), RecordError> {
        let record = record.record()?;
        match record.kinesis.data.0.as_slice() {
            b"F" => Err(RecordError::handler("data says fail")),
            b"S" => Ok(()),
            other => panic!("unexpected data {other:?}"),
        }
    }
}

#[tokio::test]
async fn f_s_f_reports_the_sequence_numbers_of_records_1_and_3() {
    let event = event_from_records([
        kinesis_record(
            "49590338271490256608559692538361571095921575989136588801",
            "k",
            b"F",
        ),
        kinesis_record(
            "49590338271490256608559692538361571095921575989136588802",
            "k",
            b"S",
        ),
        kinesis_record(
            "49590338271490256608559692538361571095921575989136588803",
            "k",
            b"F",
        ),
    ]);
    let response = BatchProcessor::<Kinesis>::new()
        .run(event, &ByData)
        .await
        .unwrap();
    assert_eq!(
        reported(&response),
        ids(&[
            "49590338271490256608559692538361571095921575989136588801",
            "49590338271490256608559692538361571095921575989136588803"
        ])
    );
}

#[tokio::test]
async fn all_succeeded_and_all_failed() {
    let event = || {
        event_from_records([
            kinesis_record("1", "a", b"S"),
            kinesis_record("2", "b", b"S"),
        ])
    };
    let response = BatchProcessor::<Kinesis>::new()
        .run(event(), &ByData)
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_string(&response).unwrap(),
        r#"{"batchItemFailures":[]}"#
    );

    let failing = || {
        event_from_records([
            kinesis_record("1", "a", b"F"),
            kinesis_record("2", "a", b"F"),
        ])
    };
    let error = BatchProcessor::<Kinesis>::new()
        .run(failing(), &ByData)
        .await
        .unwrap_err();
    let failures = all_failed(&error);
    let carried: Vec<(usize, Option<&str>)> =
        failures.iter().map(|f| (f.0, f.1.as_deref())).collect();
    assert_eq!(carried, [(0, Some("1")), (1, Some("2"))]);

    let response = BatchProcessor::<Kinesis>::new()
        .raise_on_entire_batch_failure(false)
        .run(failing(), &ByData)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "2"]));
}

#[derive(Debug, Deserialize)]
struct Reading {
    celsius: f64,
}

#[tokio::test]
async fn typed_data_that_does_not_fit_t_fails_only_its_record() {
    let event = event_from_records([
        kinesis_record("10", "sensor-1", br#"{"celsius": 21.5}"#),
        kinesis_record("11", "sensor-1", br#"{"kelvin": 300}"#),
        kinesis_record("12", "sensor-2", b"not json"),
        kinesis_record("13", "sensor-1", br#"{"celsius": -3}"#),
    ]);
    let handler = batch_core::handler_fn(|r: &RecordCx<'_, Kinesis>| {
        r.extract::<Json<Reading>>().map(|j| j.celsius)
    });
    let processor = BatchProcessor::<Kinesis>::new();
    let report = processor
        .process(&event.payload, &event.context, &handler)
        .await
        .unwrap();
    let values: Vec<Option<f64>> = report
        .outcomes()
        .iter()
        .map(|o| o.value().copied())
        .collect();
    assert_eq!(values, [Some(21.5), None, None, Some(-3.0)]);
    let expected = serde_json::from_slice::<Reading>(br#"{"kelvin": 300}"#)
        .unwrap_err()
        .to_string();
    let error = report.outcomes()[1].error().unwrap().to_string();
    assert!(error.contains(&expected), "{error}");
    assert!(
        error.contains("11"),
        "the message names the record: {error}"
    );

    let response = processor.run(event, &handler).await.unwrap();
    assert_eq!(reported(&response), ids(&["11", "12"]));
}

#[derive(Debug, Deserialize)]
struct Item {
    item: serde_json::Value,
}

#[tokio::test]
async fn sample_events_from_aws() {
    // kinesis.json: the first record's data is JSON, the second is the text "success".
    let handler = batch_core::handler_fn(|r: &RecordCx<'_, Kinesis>| {
        r.extract::<Json<serde_json::Value>>().map(|_| ())
    });
    let response = BatchProcessor::<Kinesis>::new()
        .run(
            event_from_file(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/kinesis.json"
            )),
            &handler,
        )
        .await
        .unwrap();
    assert_eq!(
        reported(&response),
        ids(&["6006958808509702859251049540584488075644979031228738"])
    );

    let handler = batch_core::handler_fn(|r: &RecordCx<'_, Kinesis>| {
        r.extract::<Json<Item>>().map(|Json(i)| i.item.to_string())
    });
    let event = event_from_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/kinesis-json-data.json"
    ));
    let report = BatchProcessor::<Kinesis>::new()
        .process(&event.payload, &event.context, &handler)
        .await
        .unwrap();
    let values: Vec<&str> = report.successes().map(|(_, v)| v.as_str()).collect();
    assert_eq!(values, [r#"{"laptop":"amd"}"#, r#"{"keyboard":"classic"}"#]);
}

#[tokio::test]
async fn two_failed_records_sharing_a_sequence_number_are_reported_twice() {
    let event = event_from_records([
        kinesis_record("7", "k", b"F"),
        kinesis_record("8", "k", b"S"),
        kinesis_record("7", "k", b"F"),
    ]);
    let response = BatchProcessor::<Kinesis>::new()
        .run(event, &ByData)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["7", "7"]));
}
