//! Retry backoff (R18) against moto's SQS server: a message that failed stays invisible for the
//! delay its receive count gives, not for the queue's visibility timeout (1 s here), then comes
//! back, and its next receive count doubles the next delay.
//!
//! Needs `moto_server` (see `moto::moto_server`); without it every test fails with the
//! command that installs it.
#![cfg(feature = "sqs-api")]

mod moto;

use std::time::{Duration, Instant};

use batch_core::prelude::*;
use batch_core::source::Sqs;
use batch_core::sqs_api::{RetryBackoff, aws_sdk_sqs};
use batch_core::testing::event_from_str;
use batch_core::{BatchError, BatchProcessor, RecordCx, RecordHandler, handler_fn};
use moto::Queue;

/// The queue's own visibility timeout: a message not backed off is back after it.
const QUEUE_VISIBILITY: Duration = Duration::from_secs(1);

/// 2 s after the first delivery, 4 s after the second.
const POLICY: RetryBackoff =
    RetryBackoff::exponential(Duration::from_secs(2), Duration::from_secs(60));

/// Receives what is visible now (at most 10), without waiting.
async fn visible_now(
    client: &aws_sdk_sqs::Client,
    queue: &Queue,
) -> Vec<aws_sdk_sqs::types::Message> {
    client
        .receive_message()
        .queue_url(&queue.url)
        .max_number_of_messages(10)
        .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
        .send()
        .await
        .expect("ReceiveMessage")
        .messages
        .unwrap_or_default()
}

fn bodies(messages: &[aws_sdk_sqs::types::Message]) -> Vec<&str> {
    messages.iter().map(|m| m.body().unwrap()).collect()
}

/// Sleeps until `at + after`.
async fn at(at: Instant, after: Duration) {
    tokio::time::sleep_until((at + after).into()).await;
}

/// Fails every record whose body contains `fail`.
fn fails_on_fail() -> impl RecordHandler<Sqs, Output = ()> {
    handler_fn(|r: &RecordCx<'_, Sqs>| {
        let record = r.record().map_err(|e| e.to_string())?;
        match record.body.as_deref() {
            Some(body) if body.contains("fail") => Err("declined".to_owned()),
            _ => Ok(()),
        }
    })
}

#[tokio::test]
async fn a_failed_message_stays_away_for_its_delay_and_the_next_delay_doubles() {
    let server = moto::moto();
    let client = moto::client(&server.endpoint);
    let queue = moto::create_queue(&client, "backoff", false, QUEUE_VISIBILITY).await;
    moto::send_bodies(&client, &queue, &["fail-1", "ok-2"]).await;
    let processor =
        BatchProcessor::<Sqs>::new().retry_backoff(moto::client(&server.endpoint), POLICY);

    // First delivery: receive count 1, backed off for 2 s.
    let (messages, _) = moto::receive(&client, &queue, 2).await;
    assert_eq!(
        messages.iter().map(moto::receive_count).collect::<Vec<_>>(),
        [1, 1]
    );
    let response = processor
        .run(
            event_from_str(&moto::lambda_event(&queue, &messages)),
            &fails_on_fail(),
        )
        .await
        .unwrap();
    let done = Instant::now();
    let reported: Vec<String> = response
        .batch_item_failures
        .into_iter()
        .map(|f| f.item_identifier)
        .collect();
    assert_eq!(reported, [messages[0].message_id().unwrap()]);
    moto::lambda_deletes_all_but(&client, &queue, &messages, &reported).await;

    // Past the queue's 1 s timeout, still away.
    at(done, Duration::from_millis(1_300)).await;
    assert_eq!(
        bodies(&visible_now(&client, &queue).await),
        Vec::<&str>::new()
    );
    // Past 2 s, back, received a second time.
    at(done, Duration::from_millis(2_400)).await;
    let again = visible_now(&client, &queue).await;
    assert_eq!(bodies(&again), ["fail-1"]);
    assert_eq!(moto::receive_count(&again[0]), 2);

    // Second delivery: backed off for 4 s.
    let response = processor
        .run(
            event_from_str(&moto::lambda_event(&queue, &again)),
            &fails_on_fail(),
        )
        .await;
    let done = Instant::now();
    assert!(matches!(response, Err(BatchError::AllFailed { .. })));
    at(done, Duration::from_millis(3_000)).await;
    assert_eq!(
        bodies(&visible_now(&client, &queue).await),
        Vec::<&str>::new()
    );
    at(done, Duration::from_millis(4_400)).await;
    let third = visible_now(&client, &queue).await;
    assert_eq!(bodies(&third), ["fail-1"]);
    assert_eq!(moto::receive_count(&third[0]), 3);
}

/// A client for the shared moto server, for the macro's `sqs_client`.
async fn moto_client() -> Result<aws_sdk_sqs::Client, BoxError> {
    Ok(moto::client(&moto::moto().endpoint))
}

mod report_batch_item_failures {
    //! A generated handler with `retry_backoff` alone.
    use super::*;

    #[batch_handler(
        source = "sqs",
        retry_backoff = RetryBackoff::exponential(Duration::from_secs(2), Duration::from_secs(60)),
        sqs_client = moto_client,
        entrypoint = false
    )]
    async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
        match message.body.as_deref() {
            Some(body) if body.contains("fail") => Err("declined".into()),
            _ => Ok(()),
        }
    }

    #[tokio::test]
    async fn a_generated_handler_backs_off_the_failed_message() {
        let server = moto::moto();
        let client = moto::client(&server.endpoint);
        let queue = moto::create_queue(&client, "macro-backoff", false, QUEUE_VISIBILITY).await;
        moto::send_bodies(&client, &queue, &["ok-1", "fail-2"]).await;
        let (messages, _) = moto::receive(&client, &queue, 2).await;
        let response = lambda_handler(event_from_str(&moto::lambda_event(&queue, &messages)))
            .await
            .unwrap();
        let done = Instant::now();
        let reported: Vec<String> = response
            .batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier)
            .collect();
        moto::lambda_deletes_all_but(&client, &queue, &messages, &reported).await;
        at(done, Duration::from_millis(1_300)).await;
        assert_eq!(
            bodies(&visible_now(&client, &queue).await),
            Vec::<&str>::new()
        );
        at(done, Duration::from_millis(2_400)).await;
        assert_eq!(bodies(&visible_now(&client, &queue).await), ["fail-2"]);
    }
}

mod with_delete_successes {
    //! A generated handler with `delete_successes` and `retry_backoff`: one client for both.
    use super::*;

    #[batch_handler(
        source = "sqs",
        delete_successes,
        retry_backoff = RetryBackoff::exponential(Duration::from_secs(2), Duration::from_secs(60)),
        sqs_client = moto_client,
        entrypoint = false
    )]
    async fn handle(message: &SqsMessage) -> Result<(), BoxError> {
        match message.body.as_deref() {
            Some(body) if body.contains("fail") => Err("declined".into()),
            _ => Ok(()),
        }
    }

    #[tokio::test]
    async fn the_successes_are_deleted_and_the_failure_is_backed_off() {
        let server = moto::moto();
        let client = moto::client(&server.endpoint);
        let queue = moto::create_queue(&client, "macro-both", false, QUEUE_VISIBILITY).await;
        moto::send_bodies(&client, &queue, &["ok-1", "fail-2", "ok-3"]).await;
        let (messages, _) = moto::receive(&client, &queue, 3).await;
        let error = lambda_handler(event_from_str(&moto::lambda_event(&queue, &messages)))
            .await
            .unwrap_err();
        let done = Instant::now();
        assert!(matches!(error, BatchError::SomeFailed { .. }), "{error}");
        // The invocation failed: Lambda deletes nothing.
        at(done, Duration::from_millis(1_300)).await;
        assert_eq!(
            bodies(&visible_now(&client, &queue).await),
            Vec::<&str>::new()
        );
        at(done, Duration::from_millis(2_400)).await;
        assert_eq!(bodies(&visible_now(&client, &queue).await), ["fail-2"]);
    }
}
