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

use serde::de::{Deserialize, Deserializer};

use crate::error::BatchError;
use crate::event::EventText;
use crate::raw_text::RawText;
use crate::source::{BatchSource, RecordHeader};

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
    /// What was found wrong with the event as a whole; then no record is kept.
    problem: Option<EventProblem>,
    source: PhantomData<fn() -> S>,
}

/// Where a record's kept fields are in the event's text.
#[derive(Clone)]
struct KeptRecord {
    id: Option<Span>,
    ordering: Option<Span>,
    payload: Option<Span>,
    old_payload: Option<Span>,
    malformed: Option<Box<str>>,
}

/// A range of the kept text; 32 bits, as no event is 4 GiB.
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn of<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
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
            records: Vec::new(),
            problem: None,
            source: PhantomData,
        };
        let read = S::for_each_record(event, |rest| {
            let mut header = S::read_header(rest);
            if let Some(found) = header.foreign_source.take() {
                return Err(BatchError::WrongSource {
                    expected: S::EVENT_SOURCE,
                    found,
                    position: this.records.len(),
                });
            }
            let len = header.len;
            let kept = this.keep(header);
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
            this.text = String::new();
        }
        this
    }

    fn keep(&mut self, header: RecordHeader<'_>) -> KeptRecord {
        let mut push = |field: Option<&str>| {
            field.map(|field| {
                let start = self.text.len();
                self.text.push_str(field);
                Span {
                    start: u32::try_from(start).unwrap_or(u32::MAX),
                    end: u32::try_from(self.text.len()).unwrap_or(u32::MAX),
                }
            })
        };
        let ordering = header.ordering.map(S::compact_ordering);
        KeptRecord {
            id: push(header.id.as_deref()),
            ordering: push(ordering.as_deref()),
            payload: push(header.payload),
            old_payload: push(header.old_payload),
            malformed: header.malformed.map(String::into_boxed_str),
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
        let field = |span: Option<Span>| span.map(|span| span.of(text));
        for record in &self.records {
            visit(RecordHeader {
                id: field(record.id).map(Into::into),
                ordering: field(record.ordering),
                payload: field(record.payload),
                old_payload: field(record.old_payload),
                malformed: record.malformed.as_deref().map(str::to_owned),
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
