//! Retry backoff (R18) through `BatchProcessor`'s outcomes, against a fake
//! `ChangeMessageVisibilityBatch`: which records are backed off, and for how long.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use super::delete::{CallError, RefusedEntry};
use super::visibility::VisibilityApi;
use super::{RetryBackoff, back_off, calls_deadline};
use crate::source::Sqs;
use crate::testing::event_from_str;
use crate::{BatchProcessor, RecordCx, handler_fn};

const ARN: &str = "arn:aws:sqs:eu-west-1:111122223333:orders.fifo";

/// Records every `(receipt handle, timeout)` it is asked to set; refuses `refuse`.
#[derive(Default)]
struct Recorder {
    changed: Mutex<Vec<(String, i32)>>,
    queue_urls: Mutex<Vec<String>>,
    refuse: Option<&'static str>,
}

impl VisibilityApi for Recorder {
    fn change_visibility_batch(
        &self,
        queue_url: &str,
        entries: Vec<(String, String, i32)>,
    ) -> impl Future<Output = Result<Vec<RefusedEntry>, CallError>> + Send {
        self.queue_urls.lock().unwrap().push(queue_url.to_owned());
        let refused = entries
            .iter()
            .filter(|(_, handle, _)| Some(handle.as_str()) == self.refuse)
            .map(|(id, _, _)| RefusedEntry {
                id: id.clone(),
                sender_fault: true,
                code: "ReceiptHandleIsInvalid".into(),
            })
            .collect();
        self.changed.lock().unwrap().extend(
            entries
                .into_iter()
                .map(|(_, handle, timeout)| (handle, timeout)),
        );
        std::future::ready(Ok(refused))
    }
}

/// An SQS FIFO event: `(message id, group, receive count)`, receipt handles `rh-<id>`.
fn event(records: &[(&str, &str, u32)]) -> String {
    let records: Vec<String> = records
        .iter()
        .map(|(id, group, count)| {
            format!(
                r#"{{"messageId":"{id}","receiptHandle":"rh-{id}","eventSourceARN":"{ARN}","attributes":{{"ApproximateReceiveCount":"{count}","MessageGroupId":"{group}"}},"body":"{{}}"}}"#
            )
        })
        .collect();
    format!(r#"{{"Records":[{}]}}"#, records.join(","))
}

/// Runs `processor` (receipts kept) where the records whose id starts with `f` fail, then
/// backs off with `policy` through `api`.
fn run(processor: BatchProcessor<Sqs>, json: &str, policy: RetryBackoff, api: &Recorder) {
    let handler = handler_fn(|r: &RecordCx<'_, Sqs>| {
        if r.id().unwrap().starts_with('f') {
            Err("declined")
        } else {
            Ok(())
        }
    });
    let event = event_from_str(json);
    let processor = processor.keeping_sqs_receipts();
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(async {
            let report = processor
                .process(&event.payload, &event.context, &handler)
                .await
                .unwrap();
            back_off(api, &policy, &report, calls_deadline(&event.context)).await;
        });
}

const POLICY: RetryBackoff =
    RetryBackoff::exponential(Duration::from_secs(30), Duration::from_secs(3600));

fn changed(api: &Recorder) -> Vec<(String, i32)> {
    api.changed.lock().unwrap().clone()
}

#[test]
fn each_failed_record_gets_the_delay_of_its_receive_count() {
    let api = Recorder::default();
    let json = event(&[
        ("ok1", "a", 1),
        ("f1", "b", 1),
        ("f2", "c", 3),
        ("f3", "d", 9),
    ]);
    run(BatchProcessor::<Sqs>::new(), &json, POLICY, &api);
    assert_eq!(
        changed(&api),
        [
            ("rh-f1".to_owned(), 30),
            ("rh-f2".to_owned(), 120),
            ("rh-f3".to_owned(), 3600)
        ]
    );
    assert_eq!(
        api.queue_urls.lock().unwrap()[0],
        "https://sqs.eu-west-1.amazonaws.com/111122223333/orders.fifo"
    );
}

#[test]
fn all_succeeded_calls_nothing() {
    let api = Recorder::default();
    run(
        BatchProcessor::<Sqs>::new(),
        &event(&[("ok1", "a", 1), ("ok2", "a", 2)]),
        POLICY,
        &api,
    );
    assert!(api.queue_urls.lock().unwrap().is_empty());
}

#[test]
fn fifo_records_not_started_after_the_first_failure_keep_the_queue_timeout() {
    let api = Recorder::default();
    let json = event(&[
        ("ok1", "a", 1),
        ("f1", "a", 2),
        ("ok2", "b", 1),
        ("f2", "b", 1),
    ]);
    run(BatchProcessor::<Sqs>::fifo(), &json, POLICY, &api);
    // R5: ok2 and f2 were not started.
    assert_eq!(changed(&api), [("rh-f1".to_owned(), 60)]);
}

#[test]
fn records_of_a_skipped_group_keep_the_queue_timeout() {
    let api = Recorder::default();
    let json = event(&[("f1", "a", 1), ("ok1", "a", 1), ("f2", "b", 2)]);
    run(
        BatchProcessor::<Sqs>::fifo().skip_group_on_error(true),
        &json,
        POLICY,
        &api,
    );
    // R6: ok1 is skipped with its group; f2 ran in group b.
    assert_eq!(
        changed(&api),
        [("rh-f1".to_owned(), 30), ("rh-f2".to_owned(), 60)]
    );
}

#[test]
fn records_not_started_for_the_deadline_keep_the_queue_timeout() {
    let api = Recorder::default();
    let handler = handler_fn(|_: &RecordCx<'_, Sqs>| Err::<(), _>("declined"));
    let json = event(&[("f1", "a", 1), ("f2", "b", 1)]);
    let mut event = event_from_str(&json);
    // Less time left than the margin: no record starts.
    event.context = crate::testing::test_context_with_remaining("f", Duration::from_secs(5));
    let processor = BatchProcessor::<Sqs>::new()
        .deadline_margin(Duration::from_secs(10))
        .keeping_sqs_receipts();
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(async {
            let report = processor
                .process(&event.payload, &event.context, &handler)
                .await
                .unwrap();
            assert_eq!(report.failures().count(), 2);
            back_off(&api, &POLICY, &report, calls_deadline(&event.context)).await;
        });
    assert!(changed(&api).is_empty());
}

#[test]
fn a_change_that_fails_leaves_the_response_as_it_was() {
    let handler = handler_fn(|r: &RecordCx<'_, Sqs>| {
        if r.id().unwrap().starts_with('f') {
            Err("declined")
        } else {
            Ok(())
        }
    });
    let json = event(&[("f1", "a", 1), ("ok1", "b", 1), ("f2", "c", 1)]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime.block_on(async { super::tests::client_with_endpoint_down() });
    let processor = BatchProcessor::<Sqs>::new().retry_backoff(client, POLICY);
    let response = runtime
        .block_on(processor.run(event_from_str(&json), &handler))
        .unwrap();
    let reported: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(reported, ["f1", "f2"]);

    let all_failed = event(&[("f1", "a", 1), ("f2", "b", 1)]);
    let error = runtime
        .block_on(processor.run(event_from_str(&all_failed), &handler))
        .unwrap_err();
    assert!(matches!(error, crate::BatchError::AllFailed { .. }));
}
