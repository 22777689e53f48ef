//! Deleting messages with `DeleteMessageBatch`: entries of at most 10, refused entries retried a
//! bounded number of times, calls bounded in flight and sharing one time budget, and no call
//! started after a connection failure.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::stream::{self, StreamExt};
use tokio::time::Instant;

/// `DeleteMessageBatch` takes at most 10 entries.
pub(crate) const MAX_ENTRIES_PER_CALL: usize = 10;

/// A message to delete.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The record's position in the batch, to name it.
    pub(crate) position: usize,
    pub(crate) queue_url: String,
    pub(crate) receipt_handle: String,
}

/// An entry the server refused.
#[derive(Debug, Clone)]
pub(crate) struct RefusedEntry {
    /// The entry id of the call.
    pub(crate) id: String,
    /// `SenderFault`: `false` means the server's fault, worth retrying.
    pub(crate) sender_fault: bool,
    pub(crate) code: String,
}

/// Why a whole call failed.
#[derive(Debug, Clone)]
pub(crate) enum CallError {
    /// The endpoint could not be reached: no further call is started.
    Connection(String),
    /// Any other failure of the call.
    Other(String),
}

/// One `DeleteMessageBatch` call: entries are `(entry id, receipt handle)`; returns the refused
/// entries.
pub(crate) trait DeleteApi: Sync {
    fn delete_batch(
        &self,
        queue_url: &str,
        entries: Vec<(String, String)>,
    ) -> impl Future<Output = Result<Vec<RefusedEntry>, CallError>> + Send;
}

/// Bounds of one invocation's deletions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Calls in flight at once.
    pub(crate) in_flight: usize,
    /// Calls per chunk, the first included, while the server refuses entries with
    /// `SenderFault = false`.
    pub(crate) attempts: u32,
    /// Pause before a retry.
    pub(crate) retry_pause: Duration,
    /// The time every call shares; a call not done by then counts as failed.
    pub(crate) budget: Duration,
}

/// A message that was not deleted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotDeleted {
    pub(crate) position: usize,
    pub(crate) reason: String,
}

/// Deletes every entry; returns the ones that are still there, in input order.
pub(crate) async fn delete_all<A: DeleteApi>(
    api: &A,
    entries: Vec<Entry>,
    limits: Limits,
) -> Vec<NotDeleted> {
    let until = Instant::now() + limits.budget;
    let stopped = AtomicBool::new(false);
    let mut chunks: Vec<Vec<Entry>> = Vec::new();
    // Entries of one queue per call; a batch normally comes from one queue.
    let mut by_queue: Vec<(String, Vec<Entry>)> = Vec::new();
    for entry in entries {
        match by_queue.iter_mut().find(|(url, _)| *url == entry.queue_url) {
            Some((_, list)) => list.push(entry),
            None => by_queue.push((entry.queue_url.clone(), vec![entry])),
        }
    }
    for (_, list) in by_queue {
        let mut list = list.into_iter().peekable();
        while list.peek().is_some() {
            chunks.push(list.by_ref().take(MAX_ENTRIES_PER_CALL).collect());
        }
    }
    let mut not_deleted: Vec<NotDeleted> = stream::iter(chunks)
        .map(|chunk| delete_chunk(api, chunk, limits, until, &stopped))
        .buffer_unordered(limits.in_flight.max(1))
        .flat_map(stream::iter)
        .collect()
        .await;
    not_deleted.sort_by_key(|n| n.position);
    not_deleted
}

/// Deletes one chunk of at most 10 entries of one queue, retrying refused entries.
async fn delete_chunk<A: DeleteApi>(
    api: &A,
    mut chunk: Vec<Entry>,
    limits: Limits,
    until: Instant,
    stopped: &AtomicBool,
) -> Vec<NotDeleted> {
    let fail_all = |chunk: Vec<Entry>, reason: &str| {
        chunk
            .into_iter()
            .map(|e| NotDeleted {
                position: e.position,
                reason: reason.to_owned(),
            })
            .collect::<Vec<_>>()
    };
    let mut refused_for_good = Vec::new();
    for attempt in 1..=limits.attempts.max(1) {
        if stopped.load(Ordering::Relaxed) {
            refused_for_good.extend(fail_all(
                chunk,
                "not deleted: an earlier call could not reach SQS",
            ));
            return refused_for_good;
        }
        if attempt > 1 {
            tokio::time::sleep_until((Instant::now() + limits.retry_pause).min(until)).await;
        }
        // Entry ids are the entries' indexes in this call: unique within it, as SQS requires.
        let request = chunk
            .iter()
            .enumerate()
            .map(|(i, e)| (i.to_string(), e.receipt_handle.clone()))
            .collect();
        let queue_url = chunk[0].queue_url.clone();
        let result = tokio::time::timeout_at(until, api.delete_batch(&queue_url, request)).await;
        let refused = match result {
            Err(_) => {
                stopped.store(true, Ordering::Relaxed);
                refused_for_good.extend(fail_all(
                    chunk,
                    "not deleted: the time for deleting ran out",
                ));
                return refused_for_good;
            }
            Ok(Err(CallError::Connection(why))) => {
                stopped.store(true, Ordering::Relaxed);
                let reason = format!("not deleted: SQS could not be reached: {why}");
                refused_for_good.extend(fail_all(chunk, &reason));
                return refused_for_good;
            }
            Ok(Err(CallError::Other(why))) => {
                refused_for_good.extend(fail_all(chunk, &format!("not deleted: {why}")));
                return refused_for_good;
            }
            Ok(Ok(refused)) => refused,
        };
        let last = attempt == limits.attempts.max(1);
        let mut retry = Vec::new();
        let mut entries: Vec<Option<Entry>> = chunk.into_iter().map(Some).collect();
        for refusal in refused {
            // An id that is not one of this call's is ignored: it names no entry.
            let Some(entry) = refusal
                .id
                .parse::<usize>()
                .ok()
                .and_then(|i| entries.get_mut(i))
                .and_then(Option::take)
            else {
                continue;
            };
            if refusal.sender_fault || last {
                let tried = if refusal.sender_fault {
                    ""
                } else {
                    " (after retries)"
                };
                refused_for_good.push(NotDeleted {
                    position: entry.position,
                    reason: format!("not deleted: SQS refused it with {}{tried}", refusal.code),
                });
            } else {
                retry.push(entry);
            }
        }
        if retry.is_empty() {
            return refused_for_good;
        }
        chunk = retry;
    }
    refused_for_good
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// One call as the fake saw it: the queue URL and the `(entry id, receipt handle)` entries.
    type Call = (String, Vec<(String, String)>);

    /// Records every call; refuses entries as `refuse` says (by receipt handle and attempt).
    struct Fake {
        calls: Mutex<Vec<Call>>,
        refuse: fn(&str, usize) -> Option<(bool, &'static str)>,
        fail_call: fn(usize) -> Option<CallError>,
    }

    impl Fake {
        fn new(refuse: fn(&str, usize) -> Option<(bool, &'static str)>) -> Self {
            Self {
                calls: Mutex::new(Vec::new()),
                refuse,
                fail_call: |_| None,
            }
        }
    }

    impl DeleteApi for Fake {
        fn delete_batch(
            &self,
            queue_url: &str,
            entries: Vec<(String, String)>,
        ) -> impl Future<Output = Result<Vec<RefusedEntry>, CallError>> + Send {
            let mut calls = self.calls.lock().unwrap();
            let n = calls.len();
            let same_before = calls
                .iter()
                .filter(|(_, e)| e.iter().any(|(_, h)| entries.iter().any(|(_, h2)| h == h2)))
                .count();
            calls.push((queue_url.to_owned(), entries.clone()));
            let result = match (self.fail_call)(n) {
                Some(e) => Err(e),
                None => Ok(entries
                    .iter()
                    .filter_map(|(id, handle)| {
                        (self.refuse)(handle, same_before).map(|(sender_fault, code)| {
                            RefusedEntry {
                                id: id.clone(),
                                sender_fault,
                                code: code.to_owned(),
                            }
                        })
                    })
                    .collect()),
            };
            std::future::ready(result)
        }
    }

    fn entries(n: usize, queue: &str) -> Vec<Entry> {
        (0..n)
            .map(|i| Entry {
                position: i,
                queue_url: queue.to_owned(),
                receipt_handle: format!("h{i}"),
            })
            .collect()
    }

    const LIMITS: Limits = Limits {
        in_flight: 1,
        attempts: 3,
        retry_pause: Duration::from_millis(10),
        budget: Duration::from_secs(5),
    };

    fn run<A: DeleteApi>(api: &A, entries: Vec<Entry>, limits: Limits) -> Vec<NotDeleted> {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
            .block_on(delete_all(api, entries, limits))
    }

    #[test]
    fn twenty_five_entries_take_three_calls_of_ten_ten_and_five_with_unique_ids() {
        let fake = Fake::new(|_, _| None);
        assert_eq!(run(&fake, entries(25, "q"), LIMITS), []);
        let calls = fake.calls.lock().unwrap();
        let sizes: Vec<_> = calls.iter().map(|(_, e)| e.len()).collect();
        assert_eq!(sizes, [10, 10, 5]);
        for (_, call) in calls.iter() {
            let mut ids: Vec<_> = call.iter().map(|(id, _)| id.clone()).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), call.len());
        }
        assert_eq!(calls[2].1[4], ("4".to_owned(), "h24".to_owned()));
    }

    #[test]
    fn entries_of_two_queues_go_in_separate_calls() {
        let fake = Fake::new(|_, _| None);
        let mut all = entries(2, "a");
        all.push(Entry {
            position: 2,
            queue_url: "b".into(),
            receipt_handle: "hb".into(),
        });
        assert_eq!(run(&fake, all, LIMITS), []);
        let calls = fake.calls.lock().unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!((calls[0].0.as_str(), calls[0].1.len()), ("a", 2));
        assert_eq!((calls[1].0.as_str(), calls[1].1.len()), ("b", 1));
    }

    #[test]
    fn a_server_side_refusal_is_retried_and_then_succeeds() {
        // h1 is refused by the server the first time only.
        let fake =
            Fake::new(|h, before| (h == "h1" && before == 0).then_some((false, "InternalError")));
        assert_eq!(run(&fake, entries(3, "q"), LIMITS), []);
        let calls = fake.calls.lock().unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].1, [("0".to_owned(), "h1".to_owned())]);
    }

    #[test]
    fn a_refusal_that_persists_is_named_after_the_bounded_attempts() {
        let fake = Fake::new(|h, _| (h == "h2").then_some((false, "InternalError")));
        let left = run(&fake, entries(3, "q"), LIMITS);
        assert_eq!(
            left,
            [NotDeleted {
                position: 2,
                reason: "not deleted: SQS refused it with InternalError (after retries)".into()
            }]
        );
        assert_eq!(fake.calls.lock().unwrap().len(), 3);
    }

    #[test]
    fn a_sender_fault_is_not_retried() {
        let fake = Fake::new(|h, _| (h == "h0").then_some((true, "ReceiptHandleIsInvalid")));
        let left = run(&fake, entries(2, "q"), LIMITS);
        assert_eq!(
            left,
            [NotDeleted {
                position: 0,
                reason: "not deleted: SQS refused it with ReceiptHandleIsInvalid".into()
            }]
        );
        assert_eq!(fake.calls.lock().unwrap().len(), 1);
    }

    #[test]
    fn the_first_connection_failure_stops_every_later_call() {
        let mut fake = Fake::new(|_, _| None);
        fake.fail_call = |_| Some(CallError::Connection("connection refused".into()));
        let left = run(&fake, entries(30, "q"), LIMITS);
        assert_eq!(left.len(), 30);
        assert_eq!(fake.calls.lock().unwrap().len(), 1);
        assert_eq!(
            left[0].reason,
            "not deleted: SQS could not be reached: connection refused"
        );
        assert_eq!(
            left[29].reason,
            "not deleted: an earlier call could not reach SQS"
        );
    }

    #[test]
    fn a_call_past_the_budget_fails_its_entries() {
        struct Hangs;
        impl DeleteApi for Hangs {
            fn delete_batch(
                &self,
                _: &str,
                _: Vec<(String, String)>,
            ) -> impl Future<Output = Result<Vec<RefusedEntry>, CallError>> + Send {
                std::future::pending()
            }
        }
        let left = run(
            &Hangs,
            entries(12, "q"),
            Limits {
                in_flight: 2,
                ..LIMITS
            },
        );
        let positions: Vec<_> = left.iter().map(|n| n.position).collect();
        assert_eq!(positions, (0..12).collect::<Vec<_>>());
        assert!(
            left.iter()
                .all(|n| n.reason == "not deleted: the time for deleting ran out")
        );
    }
}
