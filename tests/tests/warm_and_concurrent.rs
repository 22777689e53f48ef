//! No per-invocation state survives an invocation: one processor value gives the same results
//! for warm invocations in a row, and correct independent results for concurrent invocations
//! (`lambda_runtime`'s concurrent mode, Lambda Managed Instances).

mod spec_support;

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use batch_core::source::{BatchSource, Kinesis, Sqs};
use batch_core::testing::{
    event_from_records, event_from_str, fifo_message, kinesis_record, sqs_message,
};
use batch_core::{
    BatchError, BatchProcessor, HandlerEvent, LambdaEvent, RecordCx, RecordError, RecordHandler,
    RecordHooks,
};
use spec_support::{all_failed, ids, reported};

/// Body (or Kinesis data) `S:<ms>` succeeds after sleeping `ms`, `F:<ms>` fails after sleeping
/// `ms`. Remembers the ids of the records that ran.
#[derive(Default)]
struct Scripted {
    ran: Mutex<Vec<String>>,
}

impl Scripted {
    fn ran(&self) -> BTreeSet<String> {
        self.ran.lock().unwrap().iter().cloned().collect()
    }

    async fn act(&self, id: &str, script: &str) -> Result<String, RecordError> {
        self.ran.lock().unwrap().push(id.to_owned());
        let (verdict, ms) = script.split_once(':').expect("script is V:ms");
        tokio::time::sleep(Duration::from_millis(ms.parse().unwrap())).await;
        match verdict {
            "S" => Ok(id.to_owned()),
            "F" => Err(RecordError::handler(format!("{id} failed"))),
            other => panic!("bad verdict {other}"),
        }
    }
}

impl RecordHandler<Sqs> for Scripted {
    type Output = String;

    async fn call(&self, record: &RecordCx<'_, Sqs>) -> Result<String, RecordError> {
        let message = record.record()?;
        let id = message.message_id.clone().unwrap();
        let body = message.body.clone().unwrap();
        self.act(&id, &body).await
    }
}

impl RecordHandler<Kinesis> for Scripted {
    type Output = String;

    async fn call(&self, record: &RecordCx<'_, Kinesis>) -> Result<String, RecordError> {
        let kinesis = &record.record()?.kinesis;
        let id = kinesis.sequence_number.clone();
        let data = String::from_utf8(kinesis.data.0.clone()).unwrap();
        self.act(&id, &data).await
    }
}

fn fifo<E: HandlerEvent>(records: &[(&str, &str, &str)]) -> LambdaEvent<E> {
    event_from_records(
        records
            .iter()
            .map(|(id, group, body)| fifo_message(id, group, body)),
    )
}

fn sqs<E: HandlerEvent>(records: &[(&str, &str)]) -> LambdaEvent<E> {
    event_from_records(records.iter().map(|(id, body)| sqs_message(id, body)))
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// Warm invocations in a row

#[tokio::test]
async fn fifo_skip_group_forgets_failed_groups_between_invocations() {
    let processor = BatchProcessor::<Sqs>::fifo().skip_group_on_error(true);
    let handler = Scripted::default();
    let failing = || fifo(&[("1", "g1", "F:0"), ("2", "g1", "S:0"), ("3", "g2", "S:0")]);
    let passing = || fifo(&[("4", "g1", "S:0"), ("5", "g1", "S:0"), ("6", "g2", "S:0")]);
    for _ in 0..3 {
        let response = processor.run(failing(), &handler).await.unwrap();
        assert_eq!(reported(&response), ids(&["1", "2"]));
        // g1 failed in the previous invocation: it must not be skipped in this one.
        let response = processor.run(passing(), &handler).await.unwrap();
        assert_eq!(reported(&response), ids(&[]));
    }
    assert_eq!(handler.ran.lock().unwrap().len(), 3 * (2 + 3));
}

#[tokio::test]
async fn fifo_stop_forgets_the_failure_between_invocations() {
    let processor = BatchProcessor::<Sqs>::fifo();
    let handler = Scripted::default();
    for _ in 0..3 {
        let response = processor
            .run(
                fifo(&[("1", "g", "S:0"), ("2", "g", "F:0"), ("3", "h", "S:0")]),
                &handler,
            )
            .await
            .unwrap();
        assert_eq!(reported(&response), ids(&["2", "3"]));
        let response = processor
            .run(fifo(&[("4", "g", "S:0"), ("5", "h", "S:0")]), &handler)
            .await
            .unwrap();
        assert_eq!(reported(&response), ids(&[]));
    }
}

#[tokio::test]
async fn stream_stop_on_first_failure_forgets_the_failure_between_invocations() {
    let processor = BatchProcessor::<Kinesis>::new().stop_on_first_failure(true);
    let handler = Scripted::default();
    let event = |scripts: &[(&str, &str)]| {
        event_from_records(
            scripts
                .iter()
                .map(|(seq, data)| kinesis_record(seq, "k", data.as_bytes())),
        )
    };
    for _ in 0..3 {
        let response = processor
            .run(event(&[("1", "S:0"), ("2", "F:0"), ("3", "S:0")]), &handler)
            .await
            .unwrap();
        assert_eq!(reported(&response), ids(&["2", "3"]));
        let response = processor
            .run(event(&[("4", "S:0"), ("5", "S:0")]), &handler)
            .await
            .unwrap();
        assert_eq!(reported(&response), ids(&[]));
    }
}

#[tokio::test]
async fn the_same_event_gives_the_same_result_every_time() {
    let processor = BatchProcessor::<Sqs>::new();
    let handler = Scripted::default();
    let event = || sqs(&[("1", "F:0"), ("2", "S:0"), ("3", "F:0")]);
    for _ in 0..5 {
        let response = processor.run(event(), &handler).await.unwrap();
        assert_eq!(reported(&response), ids(&["1", "3"]));
    }
}

#[tokio::test]
async fn an_invocation_error_leaves_nothing_behind() {
    let processor = BatchProcessor::<Sqs>::fifo().skip_group_on_error(true);
    let handler = Scripted::default();
    // Malformed event, then an entire batch failure, then a good batch.
    let error = processor
        .run(event_from_str("not json"), &handler)
        .await
        .unwrap_err();
    assert!(matches!(error, BatchError::InvalidEvent { .. }));
    let error = processor
        .run(fifo(&[("1", "g", "F:0"), ("2", "g", "S:0")]), &handler)
        .await
        .unwrap_err();
    assert_eq!(all_failed(&error).len(), 2);
    let response = processor
        .run(fifo(&[("3", "g", "S:0"), ("4", "g", "S:0")]), &handler)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&[]));
}

#[derive(Default)]
struct Counts {
    ok: AtomicUsize,
    failed: AtomicUsize,
}

impl<S: BatchSource, T> RecordHooks<S, T> for Counts {
    fn on_success(&self, _: &RecordCx<'_, S>, _: &T) {
        self.ok.fetch_add(1, Ordering::SeqCst);
    }
    fn on_failure(&self, _: &RecordCx<'_, S>, _: &RecordError) {
        self.failed.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn hooks_are_called_once_per_record_of_every_invocation() {
    let counts = Counts::default();
    let processor = BatchProcessor::<Sqs>::new().with_hooks(&counts);
    let handler = Scripted::default();
    for _ in 0..4 {
        processor
            .run(sqs(&[("1", "F:0"), ("2", "S:0"), ("3", "S:0")]), &handler)
            .await
            .unwrap();
    }
    assert_eq!(counts.ok.load(Ordering::SeqCst), 8);
    assert_eq!(counts.failed.load(Ordering::SeqCst), 4);
}

// ---------------------------------------------------------------------------------------------
// Concurrent invocations of one processor value

#[tokio::test]
async fn concurrent_fifo_invocations_do_not_share_failed_groups() {
    let processor = BatchProcessor::<Sqs>::fifo().skip_group_on_error(true);
    let handler = Scripted::default();
    // a1 fails early in g1; b's g1 records run after that and must not be skipped.
    let a = fifo(&[
        ("a1", "g1", "F:5"),
        ("a2", "g1", "S:1"),
        ("a3", "g2", "S:30"),
        ("a4", "g2", "S:1"),
        ("a5", "g3", "S:1"),
    ]);
    let b = fifo(&[
        ("b1", "g2", "S:20"),
        ("b2", "g1", "S:1"),
        ("b3", "g1", "S:1"),
        ("b4", "g3", "S:1"),
    ]);
    let c = fifo(&[("c1", "g2", "F:10"), ("c2", "g2", "S:1")]);
    let d = fifo(&[
        ("d1", "g3", "S:15"),
        ("d2", "g1", "F:1"),
        ("d3", "g1", "S:1"),
        ("d4", "g2", "S:1"),
    ]);
    let (a, b, c, d) = futures::join!(
        processor.run(a, &handler),
        processor.run(b, &handler),
        processor.run(c, &handler),
        processor.run(d, &handler),
    );
    assert_eq!(reported(&a.unwrap()), ids(&["a1", "a2"]));
    assert_eq!(reported(&b.unwrap()), ids(&[]));
    assert_eq!(all_failed(&c.unwrap_err()).len(), 2);
    assert_eq!(reported(&d.unwrap()), ids(&["d2", "d3"]));
    assert_eq!(
        handler.ran(),
        set(&[
            "a1", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "c1", "d1", "d2", "d4"
        ])
    );
}

#[tokio::test]
async fn concurrent_fifo_stop_invocations_are_independent() {
    let processor = BatchProcessor::<Sqs>::fifo();
    let handler = Scripted::default();
    let a = fifo(&[("a1", "g", "F:2"), ("a2", "g", "S:1"), ("a3", "h", "S:1")]);
    let b = fifo(&[
        ("b1", "g", "S:10"),
        ("b2", "h", "S:10"),
        ("b3", "g", "S:10"),
    ]);
    let c = fifo(&[
        ("c1", "g", "S:1"),
        ("c2", "g", "S:1"),
        ("c3", "g", "F:1"),
        ("c4", "g", "S:1"),
    ]);
    let (a, b, c) = futures::join!(
        processor.run(a, &handler),
        processor.run(b, &handler),
        processor.run(c, &handler),
    );
    assert_eq!(all_failed(&a.unwrap_err()).len(), 3);
    assert_eq!(reported(&b.unwrap()), ids(&[]));
    assert_eq!(reported(&c.unwrap()), ids(&["c3", "c4"]));
    assert_eq!(
        handler.ran(),
        set(&["a1", "b1", "b2", "b3", "c1", "c2", "c3"])
    );
}

#[tokio::test]
async fn concurrent_invocations_with_record_concurrency_report_in_input_order() {
    let processor = BatchProcessor::<Sqs>::new().concurrency(3);
    let handler = Scripted::default();
    let a = sqs(&[("a1", "F:30"), ("a2", "S:1"), ("a3", "F:1"), ("a4", "S:20")]);
    let b = sqs(&[("b1", "S:5"), ("b2", "F:25"), ("b3", "S:1")]);
    let c = sqs(&[("c1", "S:1"), ("c2", "S:2")]);
    let d = sqs(&[("d1", "F:3"), ("d2", "F:1")]);
    let (a, b, c, d) = futures::join!(
        processor.run(a, &handler),
        processor.run(b, &handler),
        processor.run(c, &handler),
        processor.run(d, &handler),
    );
    assert_eq!(reported(&a.unwrap()), ids(&["a1", "a3"]));
    assert_eq!(reported(&b.unwrap()), ids(&["b2"]));
    assert_eq!(reported(&c.unwrap()), ids(&[]));
    let d = all_failed(&d.unwrap_err());
    assert_eq!(
        d.iter().map(|f| f.1.clone().unwrap()).collect::<Vec<_>>(),
        ids(&["d1", "d2"])
    );
}

#[tokio::test]
async fn concurrent_stream_invocations_with_stop_on_first_failure_are_independent() {
    let processor = BatchProcessor::<Kinesis>::new()
        .stop_on_first_failure(true)
        .concurrency(2);
    let handler = Scripted::default();
    let event = |scripts: &[(&str, &str)]| {
        event_from_records(
            scripts
                .iter()
                .map(|(seq, data)| kinesis_record(seq, &format!("key-{seq}"), data.as_bytes())),
        )
    };
    let a = event(&[("10", "S:1"), ("11", "F:5"), ("12", "S:1")]);
    let b = event(&[("20", "S:8"), ("21", "S:8"), ("22", "S:8"), ("23", "S:8")]);
    let (a, b) = futures::join!(processor.run(a, &handler), processor.run(b, &handler));
    assert_eq!(reported(&a.unwrap()), ids(&["11", "12"]));
    assert_eq!(reported(&b.unwrap()), ids(&[]));
}

#[test]
fn concurrent_invocations_on_a_multi_threaded_runtime() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let processor =
            std::sync::Arc::new(BatchProcessor::<Sqs>::fifo().skip_group_on_error(true));
        let handler = std::sync::Arc::new(Scripted::default());
        let mut tasks = Vec::new();
        for n in 0..8 {
            let processor = processor.clone();
            let handler = handler.clone();
            tasks.push(tokio::spawn(async move {
                // Invocation n: its group g fails at record 0 when n is odd.
                let first = if n % 2 == 1 { "F:2" } else { "S:2" };
                let event = fifo(&[
                    (&format!("{n}-1"), "g", first),
                    (&format!("{n}-2"), "g", "S:1"),
                    (&format!("{n}-3"), "h", "S:1"),
                ]);
                (n, processor.run(event, &*handler).await)
            }));
        }
        for task in tasks {
            let (n, result) = task.await.unwrap();
            let expected = if n % 2 == 1 {
                vec![format!("{n}-1"), format!("{n}-2")]
            } else {
                Vec::new()
            };
            assert_eq!(reported(&result.unwrap()), expected, "invocation {n}");
        }
    });
}
