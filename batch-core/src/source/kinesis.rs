//! Amazon Kinesis Data Streams.

use std::borrow::Cow;

use aws_lambda_events::kinesis::KinesisEventRecord;
use aws_lambda_events::streams::{KinesisBatchItemFailure, KinesisEventResponse};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{BatchSource, RecordHeader, json_str, read_object};

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

#[derive(Deserialize)]
struct Header<'e> {
    #[serde(rename = "eventSource", borrow, default)]
    event_source: Option<&'e RawValue>,
    #[serde(borrow, default)]
    kinesis: Option<&'e RawValue>,
}

#[derive(Deserialize)]
struct Data<'e> {
    #[serde(rename = "sequenceNumber", borrow, default)]
    sequence_number: Option<&'e RawValue>,
    #[serde(rename = "partitionKey", borrow, default)]
    partition_key: Option<&'e RawValue>,
    #[serde(borrow, default)]
    data: Option<&'e RawValue>,
}

impl BatchSource for Kinesis {
    const EVENT_SOURCE: &'static str = "aws:kinesis";
    const NAME: &'static str = "Kinesis";
    const ID_FIELD: &'static str = "kinesis.sequenceNumber";
    const ORDERED: bool = true;
    type Record = KinesisEventRecord;
    type Response = KinesisEventResponse;

    fn read_header(raw: &RawValue) -> RecordHeader<'_> {
        let fields: Header<'_> = match read_object(raw, "the record") {
            Ok(fields) => fields,
            Err(reason) => return RecordHeader::unreadable(reason),
        };
        let mut header = RecordHeader::default();
        header.check_event_source(fields.event_source, Self::EVENT_SOURCE);
        let Some(kinesis) = fields.kinesis else {
            header.note_malformed("the record has no `kinesis` field".to_owned());
            return header;
        };
        match read_object::<Data<'_>>(kinesis, "`kinesis`") {
            Ok(data) => {
                header.read_id(data.sequence_number, Self::ID_FIELD);
                header.ordering = data.partition_key;
                header.payload = data.data;
            }
            Err(reason) => header.note_malformed(reason),
        }
        header
    }

    fn ordering_key(raw: &RawValue) -> Result<Option<Cow<'_, str>>, String> {
        match json_str(raw) {
            Some(key) => Ok(Some(key)),
            None => Err(format!(
                "`kinesis.partitionKey` is not a string: {}",
                raw.get()
            )),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> RecordHeader<'_> {
        Kinesis::read_header(serde_json::from_str(text).unwrap())
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
        assert_eq!(h.payload.unwrap().get(), r#""e30=""#);
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
    fn response_lists_sequence_numbers() {
        let json = serde_json::to_string(&Kinesis::response(["1", "3"].into_iter())).unwrap();
        assert_eq!(
            json,
            r#"{"batchItemFailures":[{"itemIdentifier":"1"},{"itemIdentifier":"3"}]}"#
        );
    }
}
