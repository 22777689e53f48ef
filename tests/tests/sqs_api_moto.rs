//! Delete successes (R17) against a real SQS server, moto's: each test creates a queue, sends
//! messages, receives them for real receipt handles and receive counts, builds the Lambda event
//! from what it received, runs the handler, does what Lambda does with the result (a normal
//! return without `ReportBatchItemFailures` deletes the whole batch, an error deletes nothing),
//! and then asserts which messages are back in the queue once the visibility timeout passed.
//!
//! Needs `moto_server` (see `moto::moto_server`); without it every test fails with the
//! command that installs it.
#![cfg(feature = "sqs-api")]

mod moto;

use std::time::Duration;

use batch_core::prelude::*;
use batch_core::source::Sqs;
use batch_core::sqs_api::aws_sdk_sqs;
use batch_core::testing::event_from_str;
use batch_core::{BatchError, BatchProcessor, RecordCx, RecordHandler, handler_fn};
use moto::{Queue, sorted};

/// The queues' visibility timeout: what a test waits before it reads what is left.
const VISIBILITY: Duration = Duration::from_secs(1);

/// Fails every record whose body contains `fail`.
fn fails_on_fail() -> impl RecordHandler<Sqs, Output = ()> {
    handler_fn(|r: &RecordCx<'_, Sqs>| {
        let record = r.record().map_err(|e| e.to_string())?;
        let body = record.body.as_deref().unwrap_or_default();
        if body.contains("fail") {
            Err(format!("declined {body}"))
        } else {
            Ok(())
        }
    })
}

/// The ids of records in a `SomeFailed` error: (failed, not deleted).
fn some_failed(error: &BatchError) -> (Vec<String>, Vec<String>) {
    let BatchError::SomeFailed {
        failures,
        not_deleted,
    } = error
    else {
        panic!("expected SomeFailed, got {error}");
    };
    let ids = |list: &[batch_core::RecordFailure]| -> Vec<String> {
        list.iter().map(|f| f.id.clone().unwrap()).collect()
    };
    (ids(failures), ids(not_deleted))
}

/// The message id of each received message whose body is one of `bodies`, in received order.
fn ids_of(messages: &[aws_sdk_sqs::types::Message], bodies: &[&str]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| bodies.contains(&m.body().unwrap()))
        .map(|m| m.message_id().unwrap().to_owned())
        .collect()
}

/// Sends `bodies` to a new standard queue, receives them, runs `processor` on the event, and
/// applies Lambda's handling of the result. Returns the result, the received messages and the
/// queue's bodies after the visibility timeout.
async fn round_trip(
    test: &str,
    processor: BatchProcessor<Sqs>,
    bodies: &[&str],
) -> (
    Result<Vec<String>, BatchError>,
    Vec<aws_sdk_sqs::types::Message>,
    Vec<String>,
) {
    let server = moto::moto();
    let client = moto::client(&server.endpoint);
    let queue = moto::create_queue(&client, test, false, VISIBILITY).await;
    moto::send_bodies(&client, &queue, bodies).await;
    run_received(&client, &queue, processor, bodies.len(), |_| {}).await
}

/// Receives `n` messages of `queue`, lets `edit` change the event's records, runs `processor`,
/// applies Lambda's handling and reads what is left.
async fn run_received(
    client: &aws_sdk_sqs::Client,
    queue: &Queue,
    processor: BatchProcessor<Sqs>,
    n: usize,
    edit: impl FnOnce(&mut serde_json::Value),
) -> (
    Result<Vec<String>, BatchError>,
    Vec<aws_sdk_sqs::types::Message>,
    Vec<String>,
) {
    let (messages, received) = moto::receive(client, queue, n).await;
    let mut event: serde_json::Value =
        serde_json::from_str(&moto::lambda_event(queue, &messages)).unwrap();
    edit(&mut event);
    let result = processor
        .run(event_from_str(&event.to_string()), &fails_on_fail())
        .await;
    if result.is_ok() {
        moto::lambda_deletes_the_batch(client, queue, &messages).await;
    }
    let left = if queue.fifo {
        moto::left_in_fifo_after_timeout(client, queue, received, &messages).await
    } else {
        moto::left_after_timeout(client, queue, received).await
    };
    let result = result.map(|r| {
        r.batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier)
            .collect()
    });
    (result, messages, left)
}

/// A processor in delete-successes mode whose client talks to `endpoint`.
fn deleting(endpoint: &str) -> BatchProcessor<Sqs> {
    BatchProcessor::<Sqs>::new().delete_successes(moto::client(endpoint))
}

#[tokio::test]
async fn all_succeed_returns_normally_and_lambda_deletes_the_batch() {
    let server = moto::moto();
    let (result, _, left) = round_trip(
        "all-succeed",
        deleting(&server.endpoint),
        &["ok-1", "ok-2", "ok-3"],
    )
    .await;
    assert_eq!(result.unwrap(), Vec::<String>::new());
    assert_eq!(left, Vec::<String>::new());
}

#[tokio::test]
async fn some_fail_deletes_the_successes_and_only_the_failed_come_back() {
    let server = moto::moto();
    let (result, messages, left) = round_trip(
        "some-fail",
        deleting(&server.endpoint),
        &["ok-1", "fail-2", "ok-3", "fail-4"],
    )
    .await;
    let (failed, not_deleted) = some_failed(&result.unwrap_err());
    assert_eq!(failed, ids_of(&messages, &["fail-2", "fail-4"]));
    assert_eq!(not_deleted, Vec::<String>::new());
    assert_eq!(left, sorted(&["fail-2", "fail-4"]));
}

#[tokio::test]
async fn all_fail_deletes_nothing_and_every_message_comes_back() {
    let server = moto::moto();
    let (result, _, left) = round_trip(
        "all-fail",
        deleting(&server.endpoint),
        &["fail-1", "fail-2"],
    )
    .await;
    assert!(matches!(result.unwrap_err(), BatchError::AllFailed { .. }));
    assert_eq!(left, sorted(&["fail-1", "fail-2"]));
}

#[tokio::test]
async fn twenty_five_successes_take_three_calls_and_are_all_deleted() {
    let server = moto::moto();
    let mut bodies: Vec<String> = (0..25).map(|i| format!("ok-{i:02}")).collect();
    bodies.insert(12, "fail-x".to_owned());
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    let (result, messages, left) =
        round_trip("twenty-five", deleting(&server.endpoint), &bodies).await;
    let (failed, not_deleted) = some_failed(&result.unwrap_err());
    assert_eq!(failed, ids_of(&messages, &["fail-x"]));
    assert_eq!(not_deleted, Vec::<String>::new());
    assert_eq!(left, sorted(&["fail-x"]));
}

#[tokio::test]
async fn suppress_exception_returns_the_failures_and_lambda_then_deletes_them_too() {
    let server = moto::moto();
    let processor = deleting(&server.endpoint).suppress_exception(true);
    let (result, messages, left) =
        round_trip("suppress", processor, &["ok-1", "fail-2", "ok-3"]).await;
    assert_eq!(result.unwrap(), ids_of(&messages, &["fail-2"]));
    // The normal return makes Lambda delete the whole batch: the failed message is gone too.
    assert_eq!(left, Vec::<String>::new());
}

#[tokio::test]
async fn a_refused_receipt_handle_fails_the_invocation_naming_that_record() {
    let server = moto::moto();
    let client = moto::client(&server.endpoint);
    let queue = moto::create_queue(&client, "invalid-handle", false, VISIBILITY).await;
    moto::send_bodies(&client, &queue, &["ok-1", "ok-bad-handle", "fail-3"]).await;
    let (result, messages, left) =
        run_received(&client, &queue, deleting(&server.endpoint), 3, |event| {
            for record in event["Records"].as_array_mut().unwrap() {
                if record["body"] == "ok-bad-handle" {
                    record["receiptHandle"] = "not-a-receipt-handle".into();
                }
            }
        })
        .await;
    let error = result.unwrap_err();
    let (failed, not_deleted) = some_failed(&error);
    assert_eq!(failed, ids_of(&messages, &["fail-3"]));
    assert_eq!(not_deleted, ids_of(&messages, &["ok-bad-handle"]));
    assert!(
        error
            .to_string()
            .contains("not deleted: SQS refused it with ReceiptHandleIsInvalid"),
        "{error}"
    );
    assert_eq!(left, sorted(&["fail-3", "ok-bad-handle"]));
}

#[tokio::test]
async fn the_endpoint_down_fails_the_invocation_and_acknowledges_nothing() {
    let server = moto::moto();
    let client = moto::client(&server.endpoint);
    let queue = moto::create_queue(&client, "endpoint-down", false, VISIBILITY).await;
    moto::send_bodies(&client, &queue, &["ok-1", "fail-2", "ok-3"]).await;
    let down = format!("http://127.0.0.1:{}", moto::free_port());
    let (result, messages, left) = run_received(&client, &queue, deleting(&down), 3, |_| {}).await;
    let error = result.unwrap_err();
    let (failed, not_deleted) = some_failed(&error);
    assert_eq!(failed, ids_of(&messages, &["fail-2"]));
    assert_eq!(not_deleted, ids_of(&messages, &["ok-1", "ok-3"]));
    assert!(
        error.to_string().contains("SQS could not be reached"),
        "{error}"
    );
    assert_eq!(left, sorted(&["fail-2", "ok-1", "ok-3"]));
}

/// Sends `(body, group)` messages to a new FIFO queue, receives them, runs `processor` and
/// reads what is left.
async fn fifo_round_trip(
    test: &str,
    processor: BatchProcessor<Sqs>,
    messages: &[(&str, &str)],
) -> (
    Result<Vec<String>, BatchError>,
    Vec<aws_sdk_sqs::types::Message>,
    Vec<String>,
) {
    let server = moto::moto();
    let client = moto::client(&server.endpoint);
    let queue = moto::create_queue(&client, test, true, VISIBILITY).await;
    moto::send(&client, &queue, messages).await;
    run_received(&client, &queue, processor, messages.len(), |_| {}).await
}

const FIFO_MESSAGES: &[(&str, &str)] = &[
    ("a-1", "a"),
    ("a-2-fail", "a"),
    ("b-1", "b"),
    ("a-3", "a"),
    ("b-2", "b"),
];

#[tokio::test]
async fn fifo_deletes_only_what_ran_before_the_first_failure() {
    let server = moto::moto();
    let processor = BatchProcessor::<Sqs>::fifo().delete_successes(moto::client(&server.endpoint));
    let (result, messages, left) = fifo_round_trip("fifo-stop", processor, FIFO_MESSAGES).await;
    let received: Vec<&str> = messages.iter().map(|m| m.body().unwrap()).collect();
    assert_eq!(received, ["a-1", "a-2-fail", "b-1", "a-3", "b-2"]);
    let (failed, not_deleted) = some_failed(&result.unwrap_err());
    // R5: the failure and every record after it, not started, are failures.
    assert_eq!(
        failed,
        ids_of(&messages, &["a-2-fail", "b-1", "a-3", "b-2"])
    );
    assert_eq!(not_deleted, Vec::<String>::new());
    assert_eq!(left, sorted(&["a-2-fail", "b-1", "a-3", "b-2"]));
}

#[tokio::test]
async fn fifo_with_skip_group_deletes_the_other_groups_successes() {
    let server = moto::moto();
    let processor = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .delete_successes(moto::client(&server.endpoint));
    let (result, messages, left) = fifo_round_trip("fifo-skip", processor, FIFO_MESSAGES).await;
    let (failed, not_deleted) = some_failed(&result.unwrap_err());
    // R6: the rest of group a fails; group b goes on and is deleted.
    assert_eq!(failed, ids_of(&messages, &["a-2-fail", "a-3"]));
    assert_eq!(not_deleted, Vec::<String>::new());
    assert_eq!(left, sorted(&["a-2-fail", "a-3"]));
}

/// A client for the shared moto server, for the macro's `sqs_client`.
async fn moto_client() -> Result<aws_sdk_sqs::Client, BoxError> {
    Ok(moto::client(&moto::moto().endpoint))
}

mod through_the_macro {
    //! The same through a generated `lambda_handler`. Each handler builds its client once per
    //! process and a client belongs to the runtime that built it, so each is used by one test.
    use super::*;

    #[batch_handler(source = "sqs", delete_successes, sqs_client = moto_client, entrypoint = false)]
    async fn standard(message: &SqsMessage) -> Result<(), BoxError> {
        match message.body.as_deref() {
            Some(body) if body.contains("fail") => Err("declined".into()),
            _ => Ok(()),
        }
    }

    #[tokio::test]
    async fn a_generated_handler_deletes_the_successes_of_a_standard_queue() {
        let server = moto::moto();
        let client = moto::client(&server.endpoint);
        let queue = moto::create_queue(&client, "macro-standard", false, VISIBILITY).await;
        moto::send_bodies(&client, &queue, &["ok-1", "fail-2", "ok-3"]).await;
        let (messages, received) = moto::receive(&client, &queue, 3).await;
        let error = lambda_handler(event_from_str(&moto::lambda_event(&queue, &messages)))
            .await
            .unwrap_err();
        let (failed, not_deleted) = some_failed(&error);
        assert_eq!(failed, ids_of(&messages, &["fail-2"]));
        assert_eq!(not_deleted, Vec::<String>::new());
        assert_eq!(
            moto::left_after_timeout(&client, &queue, received).await,
            sorted(&["fail-2"])
        );
    }

    mod fifo {
        use super::*;

        #[batch_handler(
            source = "sqs_fifo",
            skip_group_on_error,
            delete_successes,
            sqs_client = moto_client,
            entrypoint = false
        )]
        async fn fifo(message: &SqsMessage) -> Result<(), BoxError> {
            match message.body.as_deref() {
                Some(body) if body.contains("fail") => Err("declined".into()),
                _ => Ok(()),
            }
        }

        #[tokio::test]
        async fn a_generated_fifo_handler_with_skip_group_deletes_the_other_groups() {
            let server = moto::moto();
            let client = moto::client(&server.endpoint);
            let queue = moto::create_queue(&client, "macro-fifo", true, VISIBILITY).await;
            moto::send(&client, &queue, FIFO_MESSAGES).await;
            let (messages, received) = moto::receive(&client, &queue, 5).await;
            let error = lambda_handler(event_from_str(&moto::lambda_event(&queue, &messages)))
                .await
                .unwrap_err();
            let (failed, _) = some_failed(&error);
            assert_eq!(failed, ids_of(&messages, &["a-2-fail", "a-3"]));
            assert_eq!(
                moto::left_in_fifo_after_timeout(&client, &queue, received, &messages).await,
                sorted(&["a-2-fail", "a-3"])
            );
        }
    }
}
