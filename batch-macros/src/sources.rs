//! The event sources `#[batch_handler]` knows, one line each: the name written in
//! `source = "..."`, the `batch_core` type, and what the source allows. Names, "did you mean"
//! hints, messages and the generated docs all come from [`SOURCES`].

/// An event source as the macro sees it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Source {
    /// What `source = "..."` says, e.g. `sqs_fifo`.
    pub(crate) name: &'static str,
    /// The type under `batch_core::__private` that implements `BatchSource`.
    pub(crate) ty: &'static str,
    /// The source's name in messages and docs, e.g. `SQS FIFO`.
    pub(crate) title: &'static str,
    /// An SQS FIFO queue: built with `BatchProcessor::fifo()`; takes `skip_group_on_error`.
    pub(crate) fifo: bool,
    /// Why `stop_on_first_failure` does not apply, or `None` when it does.
    pub(crate) no_stop_on_first_failure: Option<&'static str>,
    /// Why `skip_group_on_error` does not apply, or `None` when it does.
    pub(crate) no_skip_group: Option<&'static str>,
}

/// Every source, in the order the docs list them.
#[rustfmt::skip]
pub(crate) const SOURCES: &[Source] = &[
    Source { name: "sqs", ty: "Sqs", title: "SQS", fifo: false, no_stop_on_first_failure: Some("an SQS standard queue has no order to keep"), no_skip_group: Some("a standard queue has no message groups (for a FIFO queue write `source = \"sqs_fifo\"`)") },
    Source { name: "sqs_fifo", ty: "Sqs", title: "SQS FIFO", fifo: true, no_stop_on_first_failure: Some("an SQS FIFO batch already stops at the first failure unless `skip_group_on_error` is set"), no_skip_group: None },
    Source { name: "kinesis", ty: "Kinesis", title: "Kinesis", fifo: false, no_stop_on_first_failure: None, no_skip_group: Some("Kinesis records have no message groups (to stop at the first failure, use `stop_on_first_failure`)") },
    Source { name: "dynamodb", ty: "DynamoDb", title: "DynamoDB Streams", fifo: false, no_stop_on_first_failure: None, no_skip_group: Some("DynamoDB Streams records have no message groups (to stop at the first failure, use `stop_on_first_failure`)") },
    Source { name: "kafka", ty: "Kafka", title: "Kafka", fifo: false, no_stop_on_first_failure: None, no_skip_group: Some("Kafka records have no message groups (to stop a partition at its first failure, use `stop_on_first_failure`)") },
];

/// Source names people reach for, and the source each means.
pub(crate) const SOURCE_ALIASES: &[(&str, &str)] = &[
    ("fifo", "sqs_fifo"),
    ("sqs-fifo", "sqs_fifo"),
    ("sqs_standard", "sqs"),
    ("kinesis_streams", "kinesis"),
    ("dynamodb_streams", "dynamodb"),
    ("dynamo", "dynamodb"),
    ("ddb", "dynamodb"),
    ("msk", "kafka"),
    ("aws:kafka", "kafka"),
    ("self_managed_kafka", "kafka"),
    ("selfmanagedkafka", "kafka"),
];

/// The source named `name`.
pub(crate) fn find(name: &str) -> Option<&'static Source> {
    SOURCES.iter().find(|source| source.name == name)
}

/// `"sqs", "sqs_fifo", ... or "kafka"`: every source name, quoted.
pub(crate) fn list() -> String {
    join(SOURCES.iter().map(|s| format!("\"{}\"", s.name)), "or")
}

/// `` `source = "kinesis"`, ... and `source = "kafka"` ``: the sources that take
/// `stop_on_first_failure`.
pub(crate) fn stopping() -> String {
    let names = SOURCES
        .iter()
        .filter(|s| s.no_stop_on_first_failure.is_none())
        .map(|s| format!("`source = \"{}\"`", s.name));
    join(names, "and")
}

/// Joins `a`, `b` and `c` as `a, b <last> c`.
fn join(items: impl Iterator<Item = String>, last: &str) -> String {
    let items: Vec<String> = items.collect();
    match items.split_last() {
        Some((tail, [])) => tail.clone(),
        Some((tail, head)) => format!("{} {last} {tail}", head.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(
            list(),
            r#""sqs", "sqs_fifo", "kinesis", "dynamodb" or "kafka""#
        );
        assert_eq!(
            stopping(),
            r#"`source = "kinesis"`, `source = "dynamodb"` and `source = "kafka"`"#
        );
    }

    #[test]
    fn every_alias_names_a_source_and_names_are_unique() {
        for (_, meant) in SOURCE_ALIASES {
            assert!(find(meant).is_some(), "{meant}");
        }
        for (i, source) in SOURCES.iter().enumerate() {
            assert_eq!(find(source.name), Some(&SOURCES[i]));
        }
    }
}
