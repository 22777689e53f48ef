//! [`CompactEvent`]: an event read while it is decoded, keeping of each record only what a
//! handler that never reads the record's own text needs.
//!
//! [`BatchEvent`](crate::BatchEvent) keeps the whole event's text: a copy as large as the bytes
//! `lambda_runtime` is decoding it from, so that a 6 MB event takes twice its size at the
//! peak. A handler whose extractors only read the payload (`Json<T>`, `NewImage<T>`) needs
//! much less: each record's identifier, ordering field and payload. `CompactEvent` reads the
//! event where it lies (borrowed, as serde_json validated it), finds each record's header as
//! [`BatchEvent`](crate::BatchEvent)'s reading does, and keeps only those fields, side by side
//! in one string.
//!
//! Everything the processor decides from a record is decided from the same header, read by
//! the same code: only where the header's fields live differs. What the reading finds wrong
//! with the event as a whole (not an event of the source, a record of another source) is kept
//! and reported when the event is processed, as for a `BatchEvent`.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer};

use crate::error::BatchError;
use crate::event::EventText;
use crate::kept_record::{Kept, KeptRecord};
use crate::raw_text::RawText;
use crate::source::{BatchSource, DecodedPayloads, RecordHeader};

/// An event of source `S` as a handler that never reads a record's own text needs it.
///
/// Built by `#[batch_handler]`'s `lambda_handler` when every extractor of the handler reads
/// only the payload; [`testing::event_from_str`](crate::testing::event_from_str) builds one
/// from text.
#[doc(hidden)]
pub struct CompactEvent<S> {
    /// The kept fields of every record, one after another.
    text: String,
    records: Vec<KeptRecord>,
    /// Why records' ordering keys, or records themselves, cannot be read, in record order
    /// ([`KeptRecord::KEY_UNREADABLE`], [`KeptRecord::MALFORMED`]).
    reasons: Vec<Box<str>>,
    /// What was found wrong with the event as a whole; then no record is kept.
    problem: Option<EventProblem>,
    source: PhantomData<fn() -> S>,
}

/// What reading the event found wrong with it as a whole.
#[derive(Clone)]
enum EventProblem {
    Invalid { reason: String },
    WrongSource { found: String, position: usize },
}

impl<S: BatchSource> CompactEvent<S> {
    /// Reads an event's text that may not be valid JSON.
    #[doc(hidden)]
    pub fn from_json(text: &str) -> Self {
        Self::read(EventText {
            text,
            validated: false,
        })
    }

    fn read(event: EventText<'_>) -> Self {
        let mut this = Self {
            // Room for the whole event: pages never written are never resident, and growing
            // by copying would hold two copies of the kept text at once.
            text: String::with_capacity(event.text.len()),
            // Room for a record per 512 bytes of event, more than SQS, Kinesis and DynamoDB
            // records take (an SQS record's envelope alone is about 1 KB; small Kafka records
            // may still grow it): growing by copying holds the old array and the new one at
            // once, at the peak.
            records: Vec::with_capacity(event.text.len() / 512),
            reasons: Vec::new(),
            problem: None,
            source: PhantomData,
        };
        let mut scratch = Vec::new();
        let read = S::for_each_record(event, |rest| {
            let payloads = DecodedPayloads {
                text: &mut this.text,
                scratch: &mut scratch,
            };
            let (mut header, decoded) = S::read_compact_header(rest, payloads);
            if let Some(found) = header.foreign_source.take() {
                return Err(BatchError::WrongSource {
                    expected: S::EVENT_SOURCE,
                    found,
                    position: this.records.len(),
                });
            }
            let len = header.len;
            let kept = this.keep(header, decoded);
            this.records.push(kept);
            Ok(len)
        });
        if let Err(error) = read {
            this.problem = Some(match error {
                BatchError::WrongSource {
                    found, position, ..
                } => EventProblem::WrongSource { found, position },
                BatchError::InvalidEvent { reason, .. } => EventProblem::Invalid { reason },
                // Reading an event fails with one of the two above only.
                other => EventProblem::Invalid {
                    reason: other.to_string(),
                },
            });
            this.records = Vec::new();
            this.reasons = Vec::new();
            this.text = String::new();
        }
        this
    }

    /// Keeps what the processor reads of a record; `decoded` is where its payload was already
    /// written, decoded, while the record was read.
    fn keep(&mut self, header: RecordHeader<'_>, decoded: Option<Range<usize>>) -> KeptRecord {
        let mut push = |field: Option<&str>| match field {
            Some(field) => {
                let start = self.text.len();
                self.text.push_str(field);
                Kept::of_range(start..self.text.len())
            }
            None => Kept::NONE,
        };
        let mut flags = 0;
        let known_key = header.ordering.and_then(S::compact_key);
        let ordering = match known_key {
            Some(Ok(key)) => {
                flags |= KeptRecord::KEY_KNOWN;
                push(key.as_deref())
            }
            Some(Err(why)) => {
                flags |= KeptRecord::KEY_UNREADABLE;
                self.reasons.push(why.into_boxed_str());
                Kept::NONE
            }
            None => push(S::compact_ordering(&header).as_deref()),
        };
        let payload = match decoded {
            Some(range) => {
                flags |= KeptRecord::PAYLOAD_DECODED;
                Kept::of_range(range)
            }
            None => push(header.payload),
        };
        let id = push(header.id.as_deref());
        let old_payload = push(header.old_payload);
        if let Some(why) = header.malformed {
            flags |= KeptRecord::MALFORMED;
            self.reasons.push(why.into_boxed_str());
        }
        KeptRecord {
            id,
            ordering,
            payload,
            old_payload,
            flags,
        }
    }

    /// Calls `visit` on each record's header, in order, or fails as reading the event did.
    pub(crate) fn for_each_header<'e>(
        &'e self,
        mut visit: impl FnMut(RecordHeader<'e>) -> Result<(), BatchError>,
    ) -> Result<(), BatchError> {
        match &self.problem {
            Some(EventProblem::Invalid { reason }) => {
                return Err(BatchError::InvalidEvent {
                    expected: S::EVENT_SOURCE,
                    reason: reason.clone(),
                });
            }
            Some(EventProblem::WrongSource { found, position }) => {
                return Err(BatchError::WrongSource {
                    expected: S::EVENT_SOURCE,
                    found: found.clone(),
                    position: *position,
                });
            }
            None => {}
        }
        let text = self.text.as_str();
        let mut reasons = self.reasons.iter().map(|why| &**why);
        for record in &self.records {
            let known_key = if record.has(KeptRecord::KEY_KNOWN) {
                Some(Ok(record.ordering.of(text)))
            } else if record.has(KeptRecord::KEY_UNREADABLE) {
                Some(Err(reasons.next().unwrap_or_default()))
            } else {
                None
            };
            let malformed = record
                .has(KeptRecord::MALFORMED)
                .then(|| reasons.next().unwrap_or_default().to_owned());
            visit(RecordHeader {
                id: record.id.of(text).map(Into::into),
                ordering: known_key
                    .is_none()
                    .then(|| record.ordering.of(text))
                    .flatten(),
                known_key,
                payload: record.payload.of(text),
                payload_decoded: record.has(KeptRecord::PAYLOAD_DECODED),
                old_payload: record.old_payload.of(text),
                malformed,
                ..RecordHeader::default()
            })?;
        }
        Ok(())
    }
}

impl<'de, S: BatchSource> Deserialize<'de> for CompactEvent<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawText::deserialize(deserializer)?;
        Ok(Self::read(EventText {
            text: &raw.0,
            validated: true,
        }))
    }
}

impl<S> Clone for CompactEvent<S> {
    fn clone(&self) -> Self {
        Self {
            text: self.text.clone(),
            records: self.records.clone(),
            reasons: self.reasons.clone(),
            problem: self.problem.clone(),
            source: PhantomData,
        }
    }
}

impl<S: BatchSource> fmt::Debug for CompactEvent<S> {
    // Payloads are never logged (R14): sizes only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompactEvent")
            .field("source", &S::NAME)
            .field("records", &self.records.len())
            .field("kept_bytes", &self.text.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;

    use serde::Serialize;
    use serde_json::Value;

    use super::*;
    use crate::BatchProcessor;
    use crate::error::BoxError;
    use crate::event::{BatchEvent, EventRecords};
    use crate::extract::{Json, NewImage};
    use crate::handler::{RecordHandler, handler_fn};
    use crate::record::RecordCx;
    use crate::source::{DynamoDb, Kafka, Kinesis, Sqs};
    use crate::testing::test_event;

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }

    /// What a processor answers on an event: the response as JSON, or the error's type and
    /// message.
    fn answer<S, E, H>(processor: &BatchProcessor<S>, event: E, handler: &H) -> String
    where
        S: BatchSource,
        S::Response: Serialize,
        E: EventRecords<S>,
        H: RecordHandler<S>,
    {
        let context = crate::testing::test_context("compact");
        match block_on(processor.run_event(test_event(event, context), handler)) {
            Ok(response) => serde_json::to_string(&response).unwrap(),
            Err(error) => format!("{}: {error}", error.error_type()),
        }
    }

    /// The same answer from the whole event and from the compact one, with every processor.
    fn same_answers<S, H>(processors: &[BatchProcessor<S>], text: &str, handler: &H)
    where
        S: BatchSource,
        S::Response: Serialize,
        H: RecordHandler<S>,
    {
        for processor in processors {
            let whole = answer(processor, BatchEvent::from_json(text), handler);
            let compact = answer(processor, CompactEvent::<S>::from_json(text), handler);
            assert_eq!(compact, whole, "{text}");
            let decoded: CompactEvent<S> = match serde_json::from_str(text) {
                Ok(event) => event,
                Err(_) => continue,
            };
            assert_eq!(answer(processor, decoded, handler), whole, "{text}");
        }
    }

    fn fixture(name: &str) -> String {
        let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap()
    }

    /// Every envelope and record problem the scanner reports, in the shape of each source.
    fn sqs_events() -> Vec<String> {
        let mut events: Vec<String> = [
            "not json",
            "[1]",
            "{}",
            r#"{"Records": null}"#,
            r#"{"Records": {"a": 1}}"#,
            r#"{"Records": [], "Records": []}"#,
            r#"{"Records": [1, "x", null, [], {}]}"#,
            r#"{"Records": [{"messageId": "a", "eventSource": "aws:kinesis", "body": "{}"}]}"#,
            r#"{"Records": [{"messageId": "a", "eventSource": "SECRET", "body": "{}"}]}"#,
            r#"{"Records": [{"messageId": "a", "body": "{\"n\": 1}"}, {"messageId": "b", "body": "{\"n\": \"x\"}"}]}"#,
            r#"{"Records": [{"messageId": "a", "body": 5}, {"messageId": "b"}, {"messageId": "c", "body": null}]}"#,
            r#"{"Records": [{"messageId": "a", "messageId": "b", "body": "{}"}, {"messageId": 7, "body": "{}"}]}"#,
            r#"{"Records": [{"messageId": "a", "body": "\ud800"}, {"message\u0049d": "b", "body": "{\"n\": 2}"}]}"#,
            r#"{"Records": [{"messageId": "a", "body": "{}", "body": null}, {"messageId": "b", "body": null, "body": "{}"},
                {"messageId": "c", "body": "{}", "body": "{\"n\": 3}"}, {"messageId": "d", "body": "{\"n\": 4}"}]}"#,
            r#"{"Records": [{"messageId": "a", "body": "{}", "attributes": {"MessageGroupId": "g1"}},
                {"messageId": "b", "body": "x", "attributes": {"MessageGroupId": "g1"}},
                {"messageId": "c", "body": "{}", "attributes": {"MessageGroupId": "g2"}},
                {"messageId": "d", "body": "{}", "attributes": {"MessageGroup\u0049d": "g1"}},
                {"messageId": "e", "body": "{}", "attributes": {"MessageGroupId": 5}},
                {"messageId": "f", "body": "{}", "attributes": {"MessageGroupId": "g3", "MessageGroupId": "g4"}},
                {"messageId": "g", "body": "{}", "attributes": [1]},
                {"messageId": "h", "body": "{}", "attributes": {"MessageGroupId": ""}}]}"#,
            r#"{"Records": [{"messageId": "a", "body": "x", "attributes": {"SenderId": "s"}},
                {"messageId": "b", "body": "{}", "attributes": {"SenderId": "s", "MessageGroupId": "zz"}},
                {"messageId": "c", "body": "{}", "attributes": {"SenderId": "s"}}]}"#,
        ]
        .map(str::to_owned)
        .to_vec();
        events.extend(["sqs.json", "sqs-fifo.json", "sqs-json-bodies.json"].map(fixture));
        events
    }

    #[test]
    fn sqs_answers_as_the_whole_event_does() {
        let handler = handler_fn(|record: &RecordCx<'_, Sqs>| -> Result<(), BoxError> {
            let Json(value) = record.extract::<Json<Value>>()?;
            match value.get("n") {
                Some(Value::String(_)) => Err("n is text".into()),
                _ => Ok(()),
            }
        });
        let processors = [
            BatchProcessor::<Sqs>::new(),
            BatchProcessor::<Sqs>::new().concurrency(4),
            BatchProcessor::<Sqs>::fifo(),
            BatchProcessor::<Sqs>::fifo().skip_group_on_error(true),
            BatchProcessor::<Sqs>::fifo()
                .skip_group_on_error(true)
                .concurrency(3),
        ];
        for event in sqs_events() {
            same_answers(&processors, &event, &handler);
        }
    }

    #[test]
    fn stream_answers_as_the_whole_event_does() {
        let kinesis = handler_fn(|record: &RecordCx<'_, Kinesis>| -> Result<(), BoxError> {
            Ok(record.extract::<Json<Value>>().map(drop)?)
        });
        let processors = [
            BatchProcessor::<Kinesis>::new(),
            BatchProcessor::<Kinesis>::new().stop_on_first_failure(true),
            BatchProcessor::<Kinesis>::new().concurrency(4),
        ];
        for event in [
            fixture("kinesis.json"),
            fixture("kinesis-json-data.json"),
            r#"{"Records": [{"eventSource": "aws:kinesis", "kinesis": {"sequenceNumber": "1", "partitionKey": "p", "data": "e30="}},
                {"eventSource": "aws:kinesis", "kinesis": {"sequenceNumber": "2", "partitionKey": 5, "data": "e30="}},
                {"eventSource": "aws:kinesis", "kinesis": {"sequenceNumber": "3", "partitionKey": "p", "data": "!!"}},
                {"eventSource": "aws:kinesis", "kinesis": [1]}, {"eventSource": "aws:kinesis"}]}"#
                .to_owned(),
        ] {
            same_answers(&processors, &event, &kinesis);
        }

        let dynamodb = handler_fn(|record: &RecordCx<'_, DynamoDb>| -> Result<(), BoxError> {
            Ok(record.extract::<NewImage<Value>>().map(drop)?)
        });
        let processors = [
            BatchProcessor::<DynamoDb>::new(),
            BatchProcessor::<DynamoDb>::new()
                .stop_on_first_failure(true)
                .concurrency(2),
        ];
        for event in [
            fixture("dynamodb.json"),
            fixture("dynamodb-images.json"),
            r#"{"Records": [{"eventSource": "aws:dynamodb", "dynamodb": {"SequenceNumber": "1", "Keys": {"id": {"S": "a"}}, "NewImage": {"id": {"S": "a"}}}},
                {"eventSource": "aws:dynamodb", "dynamodb": {"SequenceNumber": "2", "Keys": {"id": {"N": "x"}}, "NewImage": {"id": {"Q": "a"}}}},
                {"eventSource": "aws:dynamodb", "dynamodb": {"SequenceNumber": "3", "Keys": 5}}]}"#
                .to_owned(),
        ] {
            same_answers(&processors, &event, &dynamodb);
        }

        let kafka = handler_fn(|record: &RecordCx<'_, Kafka>| -> Result<(), BoxError> {
            Ok(record.extract::<Option<Json<Value>>>().map(drop)?)
        });
        let processors = [
            BatchProcessor::<Kafka>::new(),
            BatchProcessor::<Kafka>::new().stop_on_first_failure(true),
            BatchProcessor::<Kafka>::new()
                .stop_on_first_failure(true)
                .concurrency(3),
        ];
        for event in [
            fixture("kafka-msk.json"),
            fixture("kafka-self-managed.json"),
            r#"{"eventSource": "aws:kafka", "records": {"t-0": [
                {"topic": "t", "partition": 0, "offset": 1, "value": "e30="},
                {"topic": "t", "partition": 0, "offset": 2, "value": "!!"},
                {"topic": "a-b", "partition": -1, "offset": 3, "value": null},
                {"topic": "t", "partition": 0, "value": "e30="},
                {"topic": "t\u0040x", "partition": 1, "offset": 4, "value": "e30="}]}}"#
                .to_owned(),
        ] {
            same_answers(&processors, &event, &kafka);
        }
    }
}
