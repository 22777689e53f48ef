//! `use batch_core::prelude::*;` brings every name the documentation promises a handler file.

use batch_core::prelude::*;

/// Names every type of the prelude; it only has to compile.
#[allow(dead_code, clippy::type_complexity)]
fn every_type(
    _: (
        &SqsMessage,
        &sqs::SqsEvent,
        &KinesisEventRecord,
        &kinesis::KinesisEvent,
    ),
    _: (
        &dynamodb::EventRecord,
        Json<u8>,
        NewImage<u8>,
        OldImage<u8>,
        State<&u8>,
    ),
    _: (&Context, LambdaEvent<()>, BoxError, BatchError, RecordError),
) {
}

#[batch_handler(source = "sqs", entrypoint = false)]
fn handle(message: &SqsMessage) {
    let _ = message;
}

#[test]
fn deadline_ext_comes_with_the_prelude() {
    // A context without a deadline (as outside Lambda) has no time left to tell.
    assert_eq!(Context::default().remaining(), None);
    let mut context = Context::default();
    context.deadline = u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
        + 60_000;
    let left = context.remaining().unwrap();
    assert!(left.as_secs() >= 55 && left.as_secs() <= 60, "{left:?}");
}
