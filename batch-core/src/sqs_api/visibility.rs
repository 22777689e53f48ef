//! Setting failed messages' visibility timeouts with `ChangeMessageVisibilityBatch` (R18):
//! entries of at most 10 of one queue, calls bounded in flight and sharing the invocation's
//! time budget, no call started after a connection failure. Nothing is retried: a change that
//! fails only means the message comes back at the queue's own timeout.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::stream::{self, StreamExt};
use tokio::time::Instant;

use super::delete::{CallError, MAX_ENTRIES_PER_CALL, RefusedEntry};

/// A message whose visibility timeout to set.
#[derive(Debug, Clone)]
pub(crate) struct VisibilityEntry {
    /// The record's position in the batch, to name it in logs.
    pub(crate) position: usize,
    pub(crate) queue_url: String,
    pub(crate) receipt_handle: String,
    pub(crate) timeout_secs: i32,
}

/// One `ChangeMessageVisibilityBatch` call: entries are `(entry id, receipt handle, visibility
/// timeout in seconds)`; returns the refused entries.
pub(crate) trait VisibilityApi: Sync {
    fn change_visibility_batch(
        &self,
        queue_url: &str,
        entries: Vec<(String, String, i32)>,
    ) -> impl Future<Output = Result<Vec<RefusedEntry>, CallError>> + Send;
}

/// A change that did not happen, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotChanged {
    pub(crate) position: usize,
    pub(crate) reason: String,
}

/// Sets every entry's visibility timeout; returns the ones not set, in input order.
pub(crate) async fn change_all<A: VisibilityApi>(
    api: &A,
    entries: Vec<VisibilityEntry>,
    in_flight: usize,
    until: Instant,
) -> Vec<NotChanged> {
    let stopped = AtomicBool::new(false);
    let mut by_queue: Vec<(String, Vec<VisibilityEntry>)> = Vec::new();
    for entry in entries {
        match by_queue.iter_mut().find(|(url, _)| *url == entry.queue_url) {
            Some((_, list)) => list.push(entry),
            None => by_queue.push((entry.queue_url.clone(), vec![entry])),
        }
    }
    let mut chunks: Vec<Vec<VisibilityEntry>> = Vec::new();
    for (_, list) in by_queue {
        let mut list = list.into_iter().peekable();
        while list.peek().is_some() {
            chunks.push(list.by_ref().take(MAX_ENTRIES_PER_CALL).collect());
        }
    }
    let mut not_changed: Vec<NotChanged> = stream::iter(chunks)
        .map(|chunk| change_chunk(api, chunk, until, &stopped))
        .buffer_unordered(in_flight.max(1))
        .flat_map(stream::iter)
        .collect()
        .await;
    not_changed.sort_by_key(|n| n.position);
    not_changed
}

/// One call for at most 10 entries of one queue.
async fn change_chunk<A: VisibilityApi>(
    api: &A,
    chunk: Vec<VisibilityEntry>,
    until: Instant,
    stopped: &AtomicBool,
) -> Vec<NotChanged> {
    let fail_all = |chunk: &[VisibilityEntry], reason: &str| {
        chunk
            .iter()
            .map(|e| NotChanged {
                position: e.position,
                reason: reason.to_owned(),
            })
            .collect::<Vec<_>>()
    };
    if stopped.load(Ordering::Relaxed) {
        return fail_all(&chunk, "an earlier call could not reach SQS");
    }
    // Entry ids are the entries' indexes in this call: unique within it, as SQS requires.
    let request = chunk
        .iter()
        .enumerate()
        .map(|(i, e)| (i.to_string(), e.receipt_handle.clone(), e.timeout_secs))
        .collect();
    let call = api.change_visibility_batch(&chunk[0].queue_url, request);
    match tokio::time::timeout_at(until, call).await {
        Err(_) => {
            stopped.store(true, Ordering::Relaxed);
            fail_all(&chunk, "the time for SQS calls ran out")
        }
        Ok(Err(CallError::Connection(why))) => {
            stopped.store(true, Ordering::Relaxed);
            fail_all(&chunk, &format!("SQS could not be reached: {why}"))
        }
        Ok(Err(CallError::Other(why))) => fail_all(&chunk, &why),
        Ok(Ok(refused)) => {
            let mut not_changed: Vec<NotChanged> = refused
                .into_iter()
                .filter_map(|refusal| {
                    let entry = chunk.get(refusal.id.parse::<usize>().ok()?)?;
                    Some(NotChanged {
                        position: entry.position,
                        reason: format!("SQS refused it with {}", refusal.code),
                    })
                })
                .collect();
            not_changed.dedup_by_key(|n| n.position);
            not_changed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;

    type Call = (String, Vec<(String, String, i32)>);

    /// Records every call; refuses the entries whose handle `refuse` names, or fails each call.
    struct Fake {
        calls: Mutex<Vec<Call>>,
        refuse: &'static str,
        fail: Option<CallError>,
    }

    impl Fake {
        fn new() -> Self {
            Self {
                calls: Mutex::new(Vec::new()),
                refuse: "",
                fail: None,
            }
        }
    }

    impl VisibilityApi for Fake {
        fn change_visibility_batch(
            &self,
            queue_url: &str,
            entries: Vec<(String, String, i32)>,
        ) -> impl Future<Output = Result<Vec<RefusedEntry>, CallError>> + Send {
            let refused = entries
                .iter()
                .filter(|(_, handle, _)| handle == self.refuse)
                .map(|(id, _, _)| RefusedEntry {
                    id: id.clone(),
                    sender_fault: true,
                    code: "ReceiptHandleIsInvalid".into(),
                })
                .collect();
            self.calls
                .lock()
                .unwrap()
                .push((queue_url.to_owned(), entries));
            std::future::ready(match &self.fail {
                Some(e) => Err(e.clone()),
                None => Ok(refused),
            })
        }
    }

    fn entries(n: usize) -> Vec<VisibilityEntry> {
        (0..n)
            .map(|i| VisibilityEntry {
                position: i,
                queue_url: "q".into(),
                receipt_handle: format!("h{i}"),
                timeout_secs: 30 + i as i32,
            })
            .collect()
    }

    fn run(api: &Fake, entries: Vec<VisibilityEntry>, in_flight: usize) -> Vec<NotChanged> {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
            .block_on(async {
                let until = Instant::now() + Duration::from_secs(5);
                change_all(api, entries, in_flight, until).await
            })
    }

    #[test]
    fn twenty_three_entries_take_calls_of_ten_ten_and_three_with_their_timeouts() {
        let fake = Fake::new();
        assert_eq!(run(&fake, entries(23), 1), []);
        let calls = fake.calls.lock().unwrap();
        let sizes: Vec<_> = calls.iter().map(|(_, e)| e.len()).collect();
        assert_eq!(sizes, [10, 10, 3]);
        assert_eq!(
            calls[2].1[2],
            ("2".to_owned(), "h22".to_owned(), 52),
            "entry id, receipt handle and timeout of the 23rd entry"
        );
        for (_, call) in calls.iter() {
            let mut ids: Vec<_> = call.iter().map(|(id, _, _)| id.clone()).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), call.len());
        }
    }

    #[test]
    fn a_refused_entry_is_named_and_the_others_are_not() {
        let mut fake = Fake::new();
        fake.refuse = "h1";
        assert_eq!(
            run(&fake, entries(3), 1),
            [NotChanged {
                position: 1,
                reason: "SQS refused it with ReceiptHandleIsInvalid".into()
            }]
        );
        assert_eq!(fake.calls.lock().unwrap().len(), 1, "no retry");
    }

    #[test]
    fn a_connection_failure_stops_every_later_call() {
        let mut fake = Fake::new();
        fake.fail = Some(CallError::Connection("connection refused".into()));
        let left = run(&fake, entries(25), 1);
        assert_eq!(left.len(), 25);
        assert_eq!(fake.calls.lock().unwrap().len(), 1);
        assert_eq!(
            left[0].reason,
            "SQS could not be reached: connection refused"
        );
        assert_eq!(left[24].reason, "an earlier call could not reach SQS");
    }
}
