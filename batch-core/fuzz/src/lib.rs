//! The checks behind the fuzz targets, shared with the stable test that replays the corpus.
//!
//! An input is one flags byte and then either the event's bytes or, when the flags say so, the
//! raw material [`generate`] turns into a valid-ish event. [`check`] sends the event along the
//! public path, exactly as a deployed function receives it: bytes -> `BatchEvent` through
//! `serde_path_to_error` over `serde_json::Deserializer::from_slice` (lambda_runtime's decoder)
//! -> [`BatchProcessor::run`] with a deterministic handler -> the response. It panics (a finding)
//! when an invariant of DESIGN §5's last row breaks or the result differs from the reference
//! [`model`].

pub mod generate;
pub mod json;
pub mod model;

use std::cell::RefCell;
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use batch_core::__private::CompactEvent;
use batch_core::source::{BatchSource, DynamoDb, Kafka, Kinesis, Sqs};
use batch_core::testing::test_event;
use batch_core::{
    BatchError, BatchEvent, BatchProcessor, Context, Json, RecordCx, RecordError, RecordHandler,
};

use model::{Id, Outcome};

/// Which source and processor a target drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Sqs,
    SqsFifo,
    SqsFifoSkipGroup,
    Kinesis,
    DynamoDb,
    Kafka,
}

/// The options drawn from an input's first byte.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub target: Target,
    /// Whether the rest of the input is raw material for [`generate`] rather than the event.
    pub structured: bool,
    /// `concurrency(4)` instead of 1.
    pub concurrency: usize,
    /// Streams only.
    pub stop_on_first_failure: bool,
    /// The handler takes `Json<serde_json::Value>` of the payload (not for DynamoDB).
    pub extract_payload: bool,
    pub raise_on_entire_batch_failure: bool,
    /// Varies which identifiers fail and panic.
    pub salt: u8,
}

impl Config {
    pub fn from_byte(target: Target, byte: u8) -> Self {
        let streams = matches!(target, Target::Kinesis | Target::DynamoDb | Target::Kafka);
        Self {
            target,
            structured: byte & 1 != 0,
            concurrency: if byte & 2 != 0 { 4 } else { 1 },
            stop_on_first_failure: streams && byte & 4 != 0,
            extract_payload: target != Target::DynamoDb && byte & 8 != 0,
            raise_on_entire_batch_failure: byte & 16 == 0,
            salt: byte >> 5,
        }
    }
}

/// What the handler does with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Succeed,
    Fail,
    Panic,
    /// Yields to the scheduler first, then succeeds: lets records interleave under concurrency.
    YieldThenSucceed,
}

impl Fate {
    pub fn succeeds(self) -> bool {
        matches!(self, Fate::Succeed | Fate::YieldThenSucceed)
    }
}

/// The handler's decision for a record with this id (`RecordCx::id`): an FNV-1a hash of the
/// salt and the id (a record without one hashes as the empty id).
pub fn fate(salt: u8, id: Option<&str>) -> Fate {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in std::iter::once(salt).chain(id.unwrap_or("").bytes()) {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    match hash % 8 {
        0 | 1 => Fate::Fail,
        2 => Fate::Panic,
        3 | 4 => Fate::YieldThenSucceed,
        _ => Fate::Succeed,
    }
}

/// What a handler panic says: panics carrying it are the handler's own, expected ones.
pub const PANIC_MARKER: &str = "deliberate fuzz handler panic";

/// Installs, once, a panic hook that stays silent for the handler's deliberate panics (which
/// the processor catches) and hands every other panic to the hook installed before it. Under
/// libFuzzer that hook aborts, so any other panic is still a crash.
pub fn ignore_marked_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !message.is_some_and(|message| message.contains(PANIC_MARKER)) {
                previous(info);
            }
        }));
    });
}

/// The deterministic handler; it notes every record it ran and whether it succeeded.
struct FuzzHandler {
    config: Config,
    ran: RefCell<Vec<(usize, bool)>>,
}

impl FuzzHandler {
    /// Runs a record: the payload first when the configuration asks for it, then the fate its
    /// id's hash gives. Notes the record as started, and as succeeded when it does.
    async fn handle<S: BatchSource>(
        &self,
        record: &RecordCx<'_, S>,
        extract: impl FnOnce() -> Result<(), RecordError>,
    ) -> Result<(), RecordError> {
        let position = record.position();
        self.ran.borrow_mut().push((position, false));
        if self.config.extract_payload {
            extract()?;
        }
        match fate(self.config.salt, record.id()) {
            Fate::Fail => return Err(RecordError::handler("the id's hash says fail")),
            Fate::Panic => panic!("{PANIC_MARKER}"),
            Fate::YieldThenSucceed => tokio::task::yield_now().await,
            Fate::Succeed => {}
        }
        let mut ran = self.ran.borrow_mut();
        if let Some(entry) = ran.iter_mut().find(|(p, _)| *p == position) {
            entry.1 = true;
        }
        Ok(())
    }
}

/// Sources whose whole records the scanner reads where it can: `record()` must give what
/// serde_json gives, and fail where serde_json fails.
macro_rules! record_checking_handler {
    ($($source:ty),*) => {$(
        impl RecordHandler<$source> for FuzzHandler {
            type Output = ();
            async fn call(&self, record: &RecordCx<'_, $source>) -> Result<(), RecordError> {
                let raw = record.raw_json();
                if serde_checkable(raw) {
                    let theirs = serde_json::from_str::<<$source as BatchSource>::Record>(raw);
                    assert_eq!(record.record().ok(), theirs.ok().as_ref(), "{raw}");
                }
                self.handle(record, || record.extract::<Json<serde_json::Value>>().map(drop)).await
            }
        }
    )*};
}
record_checking_handler!(Sqs, Kinesis, Kafka);

/// Whether serde_json can read `raw` as the record type without panicking. aws_lambda_events'
/// timestamps are read through a float's text: Kafka's panics on a fraction of a millisecond,
/// Kinesis' overflows (a panic where overflow is checked) on a fraction of many digits. The
/// readers leave such records to serde, so they are not compared. Nor are records that repeat
/// a key (in the record or its `kinesis` object): serde reads the first copy before it refuses
/// the repeat, so a check of either copy could look at the wrong one.
///
/// The record is read with [`json::parse_prefix`], which keeps every copy of a key, and strings
/// that hold a lone surrogate, which `serde_json::Value` refuses while serde's derived readers
/// pass over them in members they ignore, then read the timestamp.
pub fn serde_checkable(raw: &str) -> bool {
    use json::Json;
    // Not an object: serde refuses it before any timestamp is read.
    let Some(Json::Object(members)) = json::parse_prefix(raw) else {
        return true;
    };
    let kinesis = json::members(&members, "kinesis").next();
    let kinesis_members = match kinesis {
        Some(Json::Object(inner)) => Some(inner.as_slice()),
        _ => None,
    };
    if repeats_a_key(&members) || kinesis_members.is_some_and(repeats_a_key) {
        return false;
    }
    let kafka = match json::members(&members, "timestamp").next() {
        Some(Json::Number(text)) => text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok(),
        Some(Json::String(_)) => false,
        _ => true,
    };
    let stamp = kinesis_members
        .and_then(|inner| json::members(inner, "approximateArrivalTimestamp").next())
        .and_then(|stamp| match stamp {
            Json::Number(text) => text.parse::<f64>().ok(),
            Json::String(text) => text.value.as_deref().and_then(|v| v.parse::<f64>().ok()),
            _ => None,
        });
    let kinesis = stamp.is_none_or(|t| {
        t.to_string()
            .split_once('.')
            .is_none_or(|(_, f)| f.len() <= 12)
    });
    kafka && kinesis
}

/// Whether an object's members name a key twice, however each is spelled.
fn repeats_a_key(members: &[(json::Text<'_>, json::Json<'_>)]) -> bool {
    members.iter().enumerate().any(|(i, (key, _))| {
        members[..i]
            .iter()
            .any(|(seen, _)| seen.identity() == key.identity())
    })
}

impl RecordHandler<DynamoDb> for FuzzHandler {
    type Output = ();
    async fn call(&self, record: &RecordCx<'_, DynamoDb>) -> Result<(), RecordError> {
        self.handle(record, || Ok(())).await
    }
}

/// Decodes the event exactly as lambda_runtime 1.5 does (`deserializer.rs`).
pub fn decode(bytes: &[u8]) -> Option<BatchEvent> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).ok()
}

/// The two event forms a handler may take.
#[derive(Clone, Copy)]
enum Form {
    Whole,
    Compact,
}

/// A result in words, to compare the two forms' results.
fn answer(result: &Result<Vec<Id>, BatchError>) -> String {
    match result {
        Ok(ids) => format!("{ids:?}"),
        Err(error) => format!("{}: {error}", error.error_type()),
    }
}

/// Decodes `bytes` as the event form, as lambda_runtime decodes (both forms take every input
/// `BatchEvent` takes).
async fn run_in<S: BatchSource>(
    processor: BatchProcessor<S>,
    form: Form,
    bytes: &[u8],
    handler: &FuzzHandler,
) -> Result<S::Response, BatchError>
where
    FuzzHandler: RecordHandler<S>,
{
    let context = Context::default();
    match form {
        Form::Whole => {
            let event = decode(bytes).expect("decoded before");
            processor.run(test_event(event, context), handler).await
        }
        Form::Compact => {
            let mut deserializer = serde_json::Deserializer::from_slice(bytes);
            let event: CompactEvent<S> = serde_path_to_error::deserialize(&mut deserializer)
                .expect("the compact event decodes every event BatchEvent decodes");
            processor
                .run_event(test_event(event, context), handler)
                .await
        }
    }
}

/// What the processor returned, as the model names it.
fn actual_outcome(result: Result<Vec<Id>, BatchError>) -> Outcome {
    match result {
        Ok(ids) => Outcome::Reports(ids),
        Err(_) => Outcome::Fails,
    }
}

fn run_source(
    config: &Config,
    form: Form,
    bytes: &[u8],
    handler: &FuzzHandler,
) -> Result<Vec<Id>, BatchError> {
    let text_ids = |ids: Vec<Option<String>>| {
        ids.into_iter()
            .map(|id| Id::Text(id.unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    block_on(async {
        match config.target {
            Target::Sqs | Target::SqsFifo | Target::SqsFifoSkipGroup => {
                let processor = match config.target {
                    Target::Sqs => BatchProcessor::<Sqs>::new(),
                    Target::SqsFifo => BatchProcessor::<Sqs>::fifo(),
                    _ => BatchProcessor::<Sqs>::fifo().skip_group_on_error(true),
                };
                let processor = processor
                    .concurrency(config.concurrency)
                    .raise_on_entire_batch_failure(config.raise_on_entire_batch_failure);
                let response = run_in(processor, form, bytes, handler).await?;
                Ok(response
                    .batch_item_failures
                    .into_iter()
                    .map(|failure| Id::Text(failure.item_identifier))
                    .collect())
            }
            Target::Kinesis => {
                let processor = BatchProcessor::<Kinesis>::new()
                    .concurrency(config.concurrency)
                    .stop_on_first_failure(config.stop_on_first_failure)
                    .raise_on_entire_batch_failure(config.raise_on_entire_batch_failure);
                let response = run_in(processor, form, bytes, handler).await?;
                Ok(text_ids(
                    response
                        .batch_item_failures
                        .into_iter()
                        .map(|failure| failure.item_identifier)
                        .collect(),
                ))
            }
            Target::DynamoDb => {
                let processor = BatchProcessor::<DynamoDb>::new()
                    .concurrency(config.concurrency)
                    .stop_on_first_failure(config.stop_on_first_failure)
                    .raise_on_entire_batch_failure(config.raise_on_entire_batch_failure);
                let response = run_in(processor, form, bytes, handler).await?;
                Ok(text_ids(
                    response
                        .batch_item_failures
                        .into_iter()
                        .map(|failure| failure.item_identifier)
                        .collect(),
                ))
            }
            Target::Kafka => {
                let processor = BatchProcessor::<Kafka>::new()
                    .concurrency(config.concurrency)
                    .stop_on_first_failure(config.stop_on_first_failure)
                    .raise_on_entire_batch_failure(config.raise_on_entire_batch_failure);
                let response = run_in(processor, form, bytes, handler).await?;
                Ok(response
                    .batch_item_failures
                    .into_iter()
                    .map(|failure| Id::Kafka {
                        partition: failure.item_identifier.partition,
                        offset: failure.item_identifier.offset,
                    })
                    .collect())
            }
        }
    })
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime builds");
    }
    RUNTIME.with(|runtime| runtime.block_on(future))
}

/// Checks one fuzz input for `target`; panics on a finding.
pub fn check(target: Target, data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let config = Config::from_byte(target, flags);
    let event = if config.structured {
        generate::event(target, rest)
    } else {
        rest.to_vec()
    };
    check_event(&config, &event);
}

/// Checks one event's bytes under `config`; panics on a finding.
pub fn check_event(config: &Config, bytes: &[u8]) {
    let handler = FuzzHandler {
        config: *config,
        ran: RefCell::new(Vec::new()),
    };
    // The event lambda_runtime would hand over; when it cannot decode it, it reports the
    // error to the Runtime API itself and the batch is retried: nothing to check here.
    let Some(event) = decode(bytes) else {
        return;
    };
    let text = event.as_str().to_owned();
    drop(event);
    let result = catch_unwind(AssertUnwindSafe(|| {
        run_source(config, Form::Whole, bytes, &handler)
    }));
    let Ok(result) = result else {
        panic!("a panic escaped the processor (its message is printed above)");
    };
    // The compact event that `#[batch_handler]` gives payload-only handlers must answer
    // exactly as the whole event does, and run the same records with the same results.
    let compact_handler = FuzzHandler {
        config: *config,
        ran: RefCell::new(Vec::new()),
    };
    let compact = catch_unwind(AssertUnwindSafe(|| {
        run_source(config, Form::Compact, bytes, &compact_handler)
    }));
    let Ok(compact) = compact else {
        panic!("a panic escaped the processor on the compact event (its message is printed above)");
    };
    assert_eq!(
        answer(&compact),
        answer(&result),
        "the compact event answers otherwise than the whole event"
    );
    assert_eq!(
        compact_handler.ran.into_inner(),
        *handler.ran.borrow(),
        "the compact event ran other records than the whole event"
    );
    let actual = actual_outcome(result);
    let ran = handler.ran.into_inner();

    // R1: each record runs at most once.
    let mut positions = HashSet::new();
    for (position, _) in &ran {
        assert!(positions.insert(*position), "record {position} ran twice");
    }

    let Some(tree) = json::parse_prefix(&text) else {
        // The reader refuses only nesting past serde_json's limit, which decode refused already.
        panic!("the model's reader cannot read an event lambda_runtime decoded");
    };
    let records = model::records(config.target, &tree);

    if let (Some(records), Outcome::Reports(reported)) = (&records, &actual) {
        // R2: only identifiers of records in the event.
        let present: HashSet<&Id> = records.iter().filter_map(|r| r.id.as_ref()).collect();
        for id in reported {
            assert!(
                present.contains(id),
                "reported {id:?}, which is not in the event"
            );
        }
        // Nothing acknowledged that did not succeed: every record that did not run to success
        // is reported (counting records that share an identifier).
        let succeeded: HashSet<usize> = ran.iter().filter(|(_, ok)| *ok).map(|(p, _)| *p).collect();
        let mut unreported = reported.clone();
        for (position, record) in records.iter().enumerate() {
            if succeeded.contains(&position) {
                continue;
            }
            let Some(id) = &record.id else {
                panic!(
                    "record {position} did not succeed, has no identifier, and the invocation succeeded"
                );
            };
            let Some(at) = unreported.iter().position(|r| r == id) else {
                panic!("record {position} ({id:?}) did not succeed and is not reported");
            };
            unreported.remove(at);
        }
    }
    if records.is_none() {
        assert!(
            ran.is_empty(),
            "a handler ran for an event that is rejected"
        );
    }

    let expected = model::expected(config, &tree);
    assert_eq!(
        actual, expected,
        "the processor and the model disagree under {config:?}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Outcome::{Fails, Reports};

    /// A repeated key hides from `Value` the copy serde reads first, so such records are not
    /// compared; others are, unless their timestamp would make serde panic.
    #[test]
    fn records_serde_might_panic_on_are_not_compared() {
        let base = r#""partition":0,"offset":0,"headers":[]"#;
        assert!(serde_checkable(&format!(r#"{{{base},"timestamp":0}}"#)));
        assert!(!serde_checkable(&format!(r#"{{{base},"timestamp":1.5}}"#)));
        assert!(!serde_checkable(&format!(
            r#"{{{base},"timestamp":1.5,"timestamp":0}}"#
        )));
        let kinesis = |members: &str| format!(r#"{{"kinesis":{{"data":"",{members}}}}}"#);
        assert!(serde_checkable(&kinesis(
            r#""approximateArrivalTimestamp":1.5"#
        )));
        assert!(!serde_checkable(&kinesis(
            r#""approximateArrivalTimestamp":0.123456789012345,"approximateArrivalTimestamp":1"#
        )));
        assert!(!serde_checkable(r#"{"messageId":"a","messageId":"b"}"#));
        assert!(!serde_checkable(
            r#"{"messageId":"a","message\u0049d":"b"}"#
        ));
        // `Value` refuses a lone surrogate, which serde's derived reader passes over in a member
        // it ignores: the timestamp is still seen.
        assert!(!serde_checkable(&format!(
            r#"{{{base},"extra":"\ud800","timestamp":1.5}}"#
        )));
        assert!(serde_checkable(&format!(
            r#"{{{base},"extra":"\ud800","timestamp":15}}"#
        )));
    }

    /// The first identifier `<prefix><n>` whose fate under salt 0 is to succeed (or not).
    fn id(prefix: &str, succeeds: bool) -> String {
        (0..)
            .map(|n| format!("{prefix}{n}"))
            .find(|id| fate(0, Some(id)).succeeds() == succeeds)
            .expect("some id has that fate")
    }

    fn config(target: Target) -> Config {
        Config::from_byte(target, 0)
    }

    fn text(ids: &[&str]) -> Outcome {
        Reports(ids.iter().map(|id| Id::Text((*id).to_owned())).collect())
    }

    /// The model's prediction, also checked against the processor.
    fn predict(config: &Config, event: &str) -> Outcome {
        check_event(config, event.as_bytes());
        model::expected(config, &json::parse_prefix(event).expect("JSON"))
    }

    /// lambda_runtime's decoder reads the first JSON value and ignores what follows it, so an
    /// event with trailing data reaches the processor without it (DESIGN §5 asks for an
    /// invocation error, which only a decoder that sees the whole body could give). Lambda
    /// itself never delivers such a body. The model judges the value that is delivered.
    #[test]
    fn lambda_runtime_ignores_trailing_data() {
        let event = decode(br#"{"Records": []} trailing"#).expect("decoded");
        assert_eq!(event.as_str(), r#"{"Records": []}"#);
        assert!(decode(b"{\"Records\": [").is_none());
    }

    #[test]
    fn sqs_reports_failures_in_order_and_a_duplicated_member_fails_its_record() {
        let (ok, bad) = (id("ok", true), id("bad", false));
        let event = format!(
            r#"{{"Records": [{{"messageId": "{ok}"}}, {{"messageId": "{bad}"}},
                {{"messageId": "{ok}", "body": "a", "body": "b"}}]}}"#
        );
        assert_eq!(predict(&config(Target::Sqs), &event), text(&[&bad, &ok]));
        // R7: a failed record whose identifier is named twice cannot be reported.
        let event = format!(
            r#"{{"Records": [{{"messageId": "{ok}"}}, {{"messageId": "{bad}", "\u006dessageId": "{bad}"}}]}}"#
        );
        assert_eq!(predict(&config(Target::Sqs), &event), Fails);
        // R8: another source, or a second `Records`.
        let event =
            format!(r#"{{"Records": [{{"messageId": "{ok}", "eventSource": "aws:kinesis"}}]}}"#);
        assert_eq!(predict(&config(Target::Sqs), &event), Fails);
        assert_eq!(
            predict(&config(Target::Sqs), r#"{"Records": [], "Records": []}"#),
            Fails
        );
        assert_eq!(
            predict(&config(Target::Sqs), r#"{"Records": []}"#),
            text(&[])
        );
    }

    #[test]
    fn fifo_stops_at_the_first_failure_or_skips_its_group() {
        let (ok, bad) = (id("ok", true), id("bad", false));
        let record = |id: &str, group: &str| {
            format!(r#"{{"messageId": "{id}", "attributes": {{"MessageGroupId": "{group}"}}}}"#)
        };
        let event = format!(
            r#"{{"Records": [{}, {}, {}, {}]}}"#,
            record(&ok, "a"),
            record(&bad, "a"),
            record(&ok, "b"),
            record(&ok, "a")
        );
        // R5: everything from the failure on.
        assert_eq!(
            predict(&config(Target::SqsFifo), &event),
            text(&[&bad, &ok, &ok])
        );
        // R6: the rest of group a only.
        assert_eq!(
            predict(&config(Target::SqsFifoSkipGroup), &event),
            text(&[&bad, &ok])
        );
    }

    #[test]
    fn kafka_stops_only_the_failed_partition() {
        let record = |topic: &str, offset: i64| {
            format!(r#"{{"topic": "{topic}", "partition": 0, "offset": {offset}}}"#)
        };
        // Offsets whose record ids (`<topic>-0@<offset>`) fail or succeed under salt 0.
        let offset = |topic: &str, succeeds: bool| {
            (0..)
                .find(|o| fate(0, Some(&format!("{topic}-0@{o}"))).succeeds() == succeeds)
                .expect("some offset has that fate")
        };
        let (fail_a, ok_a, ok_b) = (offset("a", false), offset("a", true), offset("b", true));
        let event = format!(
            r#"{{"eventSource": "aws:kafka", "records": {{"a-0": [{}, {}], "b-0": [{}]}}}}"#,
            record("a", fail_a),
            record("a", ok_a),
            record("b", ok_b)
        );
        let mut config = config(Target::Kafka);
        config.stop_on_first_failure = true;
        let a = |offset| Id::Kafka {
            partition: "a-0".to_owned(),
            offset,
        };
        assert_eq!(predict(&config, &event), Reports(vec![a(fail_a), a(ok_a)]));
    }
}
