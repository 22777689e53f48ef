//! Amazon Kinesis Data Streams.

use std::borrow::Cow;
use std::fmt;

use super::{
    BatchSource, JsonBytes, JsonPayload, RecordHeader, base64_payload, read_stream_header,
};
use crate::error::{RecordError, RecordErrorKind};
use crate::scan;
use aws_lambda_events::kinesis::KinesisEventRecord;
use aws_lambda_events::streams::{KinesisBatchItemFailure, KinesisEventResponse};

/// Amazon Kinesis Data Streams.
///
/// Records are [`KinesisEventRecord`]s identified by `kinesis.sequenceNumber`; the ordering key
/// is `kinesis.partitionKey`; [`Json<T>`](crate::Json) reads the base64-decoded `kinesis.data`.
/// The response is a [`KinesisEventResponse`].
///
/// ```
/// use batch_core::BatchProcessor;
/// use batch_core::source::Kinesis;
///
/// let processor = BatchProcessor::<Kinesis>::new();
/// # let _ = processor;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Kinesis;

impl BatchSource for Kinesis {
    const EVENT_SOURCE: &'static str = "aws:kinesis";
    const NAME: &'static str = "Kinesis";
    const ID_FIELD: &'static str = "kinesis.sequenceNumber";
    const ORDERED: bool = true;
    type Record = KinesisEventRecord;
    type Response = KinesisEventResponse;

    fn read_header(rest: &str) -> RecordHeader<'_> {
        let fields = ["sequenceNumber", "partitionKey", "data"];
        let (mut header, found) = read_stream_header(
            rest,
            Self::EVENT_SOURCE,
            super::Container {
                name: "kinesis",
                quoted: "`kinesis`",
            },
            fields,
        );
        if let Some([sequence_number, partition_key, data]) = found {
            header.read_id(sequence_number, Self::ID_FIELD);
            header.ordering = partition_key;
            header.payload = data;
        }
        header
    }

    fn ordering_key(raw: &str) -> Result<Option<Cow<'_, str>>, String> {
        scan::string(raw)
            .map(Some)
            .map_err(|why| format!("`kinesis.partitionKey` {}", why.describe()))
    }

    fn read_record(raw: &str) -> Option<KinesisEventRecord> {
        super::kinesis_record::read_record(raw)
    }

    fn response<'a>(failed: impl Iterator<Item = &'a str>) -> KinesisEventResponse {
        let mut response = KinesisEventResponse::default();
        response.batch_item_failures = failed
            .map(|id| {
                let mut failure = KinesisBatchItemFailure::default();
                failure.item_identifier = Some(id.to_owned());
                failure
            })
            .collect();
        response
    }
}

impl JsonPayload for Kinesis {
    fn json_payload<'e>(
        header: &RecordHeader<'e>,
        record: &dyn fmt::Display,
    ) -> Result<JsonBytes<'e>, RecordError> {
        let Some(data) = header.payload else {
            return Err(RecordError::extract(format!(
                "{record}: `kinesis.data` is missing or null"
            )));
        };
        let malformed = |reason: String| {
            RecordError::new(
                RecordErrorKind::Malformed,
                format!("{record}: `kinesis.data` {reason}"),
            )
        };
        base64_payload(data, malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> RecordHeader<'_> {
        Kinesis::read_header(text)
    }

    #[test]
    fn reads_sequence_number_key_and_data() {
        let h = header(
            r#"{"eventSource":"aws:kinesis","kinesis":{"sequenceNumber":"49","partitionKey":"k","data":"e30="}}"#,
        );
        assert_eq!(h.id.as_deref(), Some("49"));
        assert_eq!(
            Kinesis::ordering_key(h.ordering.unwrap())
                .unwrap()
                .as_deref(),
            Some("k")
        );
        assert_eq!(h.payload.unwrap(), r#""e30=""#);
        assert!(h.malformed.is_none() && h.foreign_source.is_none());
    }

    #[test]
    fn a_record_without_kinesis_object_is_unidentifiable() {
        let h = header(r#"{"eventSource":"aws:kinesis","kinesis":"x"}"#);
        assert!(h.id.is_none());
        assert_eq!(
            h.malformed.as_deref(),
            Some("`kinesis` is a string, not an object")
        );
        let h = header(r#"{"eventSource":"aws:kinesis"}"#);
        assert!(h.id.is_none());
    }

    #[test]
    fn duplicated_members_are_never_picked() {
        let h = header(
            r#"{"eventSource":"aws:kinesis","kinesis":{"sequenceNumber":"49","partitionKey":"k","data":"e30=","data":"e30="}}"#,
        );
        assert_eq!(h.id.as_deref(), Some("49"));
        assert_eq!(
            h.malformed.as_deref(),
            Some("`kinesis` has two `data` fields")
        );
        let h = header(
            r#"{"kinesis":{"sequenceNumber":"49","partitionKey":"k","sequenceNumber":"50"}}"#,
        );
        assert!(h.id.is_none());
        assert_eq!(
            h.malformed.as_deref(),
            Some("`kinesis` has two `sequenceNumber` fields")
        );
        let h = header(r#"{"kinesis":{"sequenceNumber":"49"},"kinesis":{"sequenceNumber":"49"}}"#);
        assert!(h.id.is_none());
        assert_eq!(
            h.malformed.as_deref(),
            Some("the record has two `kinesis` fields")
        );
        let h = header(
            r#"{"eventSource":"aws:kinesis","kinesis":{"sequenceNumber":"49"},"eventSource":"aws:kinesis"}"#,
        );
        assert_eq!(h.id.as_deref(), Some("49"));
        assert_eq!(
            h.malformed.as_deref(),
            Some("the record has two `eventSource` fields")
        );
    }

    #[test]
    fn partition_keys_say_what_they_are_without_their_value() {
        assert_eq!(
            Kinesis::ordering_key("4111111111111111").unwrap_err(),
            "`kinesis.partitionKey` is a number, not a string"
        );
    }

    #[test]
    fn response_lists_sequence_numbers() {
        let json = serde_json::to_string(&Kinesis::response(["1", "3"].into_iter())).unwrap();
        assert_eq!(
            json,
            r#"{"batchItemFailures":[{"itemIdentifier":"1"},{"itemIdentifier":"3"}]}"#
        );
    }
}
