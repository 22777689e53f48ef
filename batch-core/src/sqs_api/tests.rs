//! The delete-successes mode end to end through `BatchProcessor`, against a fake SQS API (what
//! is deleted) and against the SDK client with its endpoint down.

use std::future::Future;
use std::sync::Mutex;

use super::delete::{CallError, DeleteApi, RefusedEntry};
use super::settle;
use crate::error::BatchError;
use crate::source::Sqs;
use crate::testing::event_from_str;
use crate::{BatchProcessor, RecordCx, handler_fn};

const ARN: &str = "arn:aws:sqs:eu-west-1:111122223333:orders";

/// An SQS event of records `ids`, each with receipt handle `rh-<id>`.
fn event(ids: &[&str]) -> String {
    let records: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                r#"{{"messageId":"{id}","receiptHandle":"rh-{id}","eventSource":"aws:sqs","eventSourceARN":"{ARN}","attributes":{{"ApproximateReceiveCount":"1","MessageGroupId":"g{}"}},"body":"{{}}"}}"#,
                if id.starts_with('a') { "a" } else { "b" }
            )
        })
        .collect();
    format!(r#"{{"Records":[{}]}}"#, records.join(","))
}

/// Deletes everything and remembers the queue URL and receipt handles of each call.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<(String, Vec<String>)>>,
    refuse: Option<&'static str>,
}

impl DeleteApi for Recorder {
    fn delete_batch(
        &self,
        queue_url: &str,
        entries: Vec<(String, String)>,
    ) -> impl Future<Output = Result<Vec<RefusedEntry>, CallError>> + Send {
        let refused = entries
            .iter()
            .filter(|(_, handle)| Some(handle.as_str()) == self.refuse)
            .map(|(id, _)| RefusedEntry {
                id: id.clone(),
                sender_fault: true,
                code: "ReceiptHandleIsInvalid".into(),
            })
            .collect();
        self.calls.lock().unwrap().push((
            queue_url.to_owned(),
            entries.into_iter().map(|(_, handle)| handle).collect(),
        ));
        std::future::ready(Ok(refused))
    }
}

/// Runs `processor` on an event of `ids` where the records in `failing` fail, settling with
/// `api`; returns the result and the receipt handles deleted.
fn run(
    processor: BatchProcessor<Sqs>,
    ids: &[&str],
    failing: &'static [&'static str],
    suppress: bool,
    api: &Recorder,
) -> Result<Vec<String>, BatchError> {
    let handler = handler_fn(move |r: &RecordCx<'_, Sqs>| {
        if failing.contains(&r.id().unwrap()) {
            Err("declined")
        } else {
            Ok(())
        }
    });
    let event = event_from_str(&event(ids));
    let processor = processor.keeping_sqs_receipts();
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(async {
            let report = processor
                .process(&event.payload, &event.context, &handler)
                .await?;
            let response = settle(
                api,
                suppress,
                report,
                super::calls_deadline(&event.context),
                |r| r.into_response(),
            )
            .await?;
            Ok(response
                .batch_item_failures
                .into_iter()
                .map(|f| f.item_identifier)
                .collect())
        })
}

fn deleted(api: &Recorder) -> Vec<String> {
    api.calls
        .lock()
        .unwrap()
        .iter()
        .flat_map(|(_, h)| h.clone())
        .collect()
}

#[test]
fn all_succeeded_returns_normally_and_deletes_nothing() {
    let api = Recorder::default();
    let failed = run(BatchProcessor::new(), &["1", "2"], &[], false, &api).unwrap();
    assert!(failed.is_empty());
    assert!(api.calls.lock().unwrap().is_empty());
}

#[test]
fn some_failed_deletes_the_successes_then_fails_naming_the_failed() {
    let api = Recorder::default();
    let error = run(BatchProcessor::new(), &["1", "2", "3"], &["2"], false, &api).unwrap_err();
    assert_eq!(deleted(&api), ["rh-1", "rh-3"]);
    assert_eq!(
        api.calls.lock().unwrap()[0].0,
        "https://sqs.eu-west-1.amazonaws.com/111122223333/orders"
    );
    assert!(matches!(error, BatchError::SomeFailed { .. }));
    assert_eq!(
        error.to_string(),
        "1 record failed processing; the successful messages were deleted:\n- record 1 (2): declined"
    );
}

#[test]
fn all_failed_deletes_nothing_and_fails() {
    let api = Recorder::default();
    let error = run(BatchProcessor::new(), &["1", "2"], &["1", "2"], false, &api).unwrap_err();
    assert!(matches!(error, BatchError::AllFailed { .. }));
    assert!(api.calls.lock().unwrap().is_empty());
}

#[test]
fn suppress_exception_returns_the_failure_list_also_when_all_failed() {
    let api = Recorder::default();
    let failed = run(BatchProcessor::new(), &["1", "2"], &["1", "2"], true, &api).unwrap();
    assert_eq!(failed, ["1", "2"]);
    assert!(api.calls.lock().unwrap().is_empty());
    let failed = run(BatchProcessor::new(), &["1", "2", "3"], &["3"], true, &api).unwrap();
    assert_eq!(failed, ["3"]);
    assert_eq!(deleted(&api), ["rh-1", "rh-2"]);
}

#[test]
fn fifo_records_not_started_are_not_deleted() {
    // R5: record 2 fails, so 3 and 4 are reported without running; only 1 is a success.
    let api = Recorder::default();
    let error = run(
        BatchProcessor::fifo(),
        &["1", "2", "3", "4"],
        &["2"],
        false,
        &api,
    )
    .unwrap_err();
    assert_eq!(deleted(&api), ["rh-1"]);
    let BatchError::SomeFailed { failures, .. } = error else {
        panic!("expected SomeFailed, got {error}");
    };
    let ids: Vec<_> = failures.iter().map(|f| f.id.clone().unwrap()).collect();
    assert_eq!(ids, ["2", "3", "4"]);
}

#[test]
fn fifo_skip_group_deletes_the_other_groups_successes() {
    // R6: a1 fails, so a2 is skipped; b1 and b2 run and succeed.
    let api = Recorder::default();
    let processor = BatchProcessor::fifo().skip_group_on_error(true);
    run(processor, &["a1", "b1", "a2", "b2"], &["a1"], false, &api).unwrap_err();
    assert_eq!(deleted(&api), ["rh-b1", "rh-b2"]);
}

#[test]
fn more_than_ten_successes_take_several_calls() {
    let api = Recorder::default();
    let ids: Vec<String> = (0..23).map(|i| i.to_string()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    run(BatchProcessor::new(), &ids, &["0"], false, &api).unwrap_err();
    let sizes: Vec<_> = api
        .calls
        .lock()
        .unwrap()
        .iter()
        .map(|(_, h)| h.len())
        .collect();
    assert_eq!(sizes, [10, 10, 2]);
}

#[test]
fn a_refused_entry_fails_the_invocation_and_is_named() {
    let api = Recorder {
        refuse: Some("rh-3"),
        ..Recorder::default()
    };
    let error = run(BatchProcessor::new(), &["1", "2", "3"], &["1"], false, &api).unwrap_err();
    let BatchError::SomeFailed { not_deleted, .. } = &error else {
        panic!("expected SomeFailed, got {error}");
    };
    assert_eq!(not_deleted.len(), 1);
    assert_eq!(not_deleted[0].id.as_deref(), Some("3"));
    assert!(error.to_string().ends_with(
        "1 successful messages could not be deleted and will be delivered again:\n\
         - record 2 (3): not deleted: SQS refused it with ReceiptHandleIsInvalid"
    ));
}

/// An SDK client whose endpoint is a port nothing listens on, without the SDK's own retries.
pub(super) fn client_with_endpoint_down() -> aws_sdk_sqs::Client {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = aws_sdk_sqs::Config::builder()
        .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new("eu-west-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "a", "b", None, None, "test",
        ))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .retry_config(aws_sdk_sqs::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

#[test]
fn endpoint_down_fails_the_invocation_and_names_every_success() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A client belongs to the runtime that built it.
    let client = runtime.block_on(async { client_with_endpoint_down() });
    let processor = BatchProcessor::<Sqs>::new().delete_successes(client);
    let handler = handler_fn(|r: &RecordCx<'_, Sqs>| {
        if r.id() == Some("2") {
            Err("declined")
        } else {
            Ok(())
        }
    });
    let event = event_from_str(&event(&["1", "2", "3"]));
    let error = runtime
        .block_on(processor.run(event, &handler))
        .unwrap_err();
    let BatchError::SomeFailed {
        failures,
        not_deleted,
    } = &error
    else {
        panic!("expected SomeFailed, got {error}");
    };
    assert_eq!(failures.len(), 1);
    let ids: Vec<_> = not_deleted
        .iter()
        .map(|f| f.id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["1", "3"]);
    assert!(
        not_deleted[0]
            .error
            .to_string()
            .starts_with("not deleted: SQS could not be reached"),
        "{error}"
    );
}

#[test]
fn all_succeeded_with_the_endpoint_down_still_returns_normally() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime.block_on(async { client_with_endpoint_down() });
    let processor = BatchProcessor::<Sqs>::new().delete_successes(client);
    let handler = handler_fn(|_: &RecordCx<'_, Sqs>| Ok::<(), &str>(()));
    let event = event_from_str(&event(&["1", "2"]));
    let response = runtime.block_on(processor.run(event, &handler)).unwrap();
    assert!(response.batch_item_failures.is_empty());
}
