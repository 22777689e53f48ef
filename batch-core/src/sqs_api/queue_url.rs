//! The queue URL from a record's `eventSourceARN` alone.

use std::fmt;

/// An `eventSourceARN` that is not the ARN of an SQS queue in a known partition.
///
/// ```
/// use batch_core::sqs_api::queue_url;
///
/// let error = queue_url("arn:aws:sqs:eu-west-1:111122223333").unwrap_err();
/// assert!(error.to_string().starts_with("the record's `eventSourceARN` "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidQueueArn {
    reason: &'static str,
}

impl fmt::Display for InvalidQueueArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the record's `eventSourceARN` {}", self.reason)
    }
}

impl std::error::Error for InvalidQueueArn {}

/// The DNS suffix of each AWS partition's endpoints.
fn dns_suffix(partition: &str) -> Option<&'static str> {
    Some(match partition {
        "aws" | "aws-us-gov" => "amazonaws.com",
        "aws-cn" => "amazonaws.com.cn",
        "aws-iso" => "c2s.ic.gov",
        "aws-iso-b" => "sc2s.sgov.gov",
        "aws-iso-e" => "cloud.adc-e.uk",
        "aws-iso-f" => "csp.hci.ic.gov",
        "aws-eusc" => "amazonaws.eu",
        _ => return None,
    })
}

/// The URL of the queue an `eventSourceARN` names:
/// `https://sqs.<region>.<dns suffix>/<account>/<name>`.
///
/// Requests go to the client's endpoint whatever the URL's host (how a local server is reached);
/// the URL names the queue.
///
/// ```
/// use batch_core::sqs_api::queue_url;
///
/// assert_eq!(
///     queue_url("arn:aws:sqs:eu-west-1:111122223333:orders.fifo").unwrap(),
///     "https://sqs.eu-west-1.amazonaws.com/111122223333/orders.fifo"
/// );
/// assert_eq!(
///     queue_url("arn:aws-cn:sqs:cn-north-1:111122223333:orders").unwrap(),
///     "https://sqs.cn-north-1.amazonaws.com.cn/111122223333/orders"
/// );
/// assert!(queue_url("arn:aws:kinesis:eu-west-1:111122223333:stream/s").is_err());
/// ```
pub fn queue_url(arn: &str) -> Result<String, InvalidQueueArn> {
    let invalid = |reason| Err(InvalidQueueArn { reason });
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(name)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return invalid("is not an ARN of the form arn:<partition>:sqs:<region>:<account>:<queue>");
    };
    if service != "sqs" {
        return invalid("names another service than SQS");
    }
    let Some(suffix) = dns_suffix(partition) else {
        return invalid("names an unknown AWS partition");
    };
    let plain = |text: &str| {
        !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    };
    if !plain(region) || !plain(account) || !plain(name) {
        return invalid(
            "has an empty region, account or queue name, or one with characters a queue URL cannot hold",
        );
    }
    Ok(format!("https://sqs.{region}.{suffix}/{account}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_partition_has_its_dns_suffix() {
        let cases = [
            (
                "arn:aws:sqs:us-east-1:123456789012:q",
                "https://sqs.us-east-1.amazonaws.com/123456789012/q",
            ),
            (
                "arn:aws-cn:sqs:cn-northwest-1:123456789012:q",
                "https://sqs.cn-northwest-1.amazonaws.com.cn/123456789012/q",
            ),
            (
                "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q",
                "https://sqs.us-gov-west-1.amazonaws.com/123456789012/q",
            ),
            (
                "arn:aws-iso:sqs:us-iso-east-1:123456789012:q",
                "https://sqs.us-iso-east-1.c2s.ic.gov/123456789012/q",
            ),
            (
                "arn:aws-iso-b:sqs:us-isob-east-1:123456789012:q",
                "https://sqs.us-isob-east-1.sc2s.sgov.gov/123456789012/q",
            ),
        ];
        for (arn, url) in cases {
            assert_eq!(queue_url(arn).as_deref(), Ok(url), "{arn}");
        }
    }

    #[test]
    fn fifo_names_keep_their_suffix() {
        assert_eq!(
            queue_url("arn:aws:sqs:eu-central-1:000000000000:jobs_v2-high.fifo").as_deref(),
            Ok("https://sqs.eu-central-1.amazonaws.com/000000000000/jobs_v2-high.fifo")
        );
    }

    #[test]
    fn what_is_not_a_queue_arn_is_refused() {
        for arn in [
            "",
            "orders",
            "arn:aws:sqs:eu-west-1:111122223333",
            "arn:aws:sns:eu-west-1:111122223333:topic",
            "arn:aws-mars:sqs:eu-west-1:111122223333:q",
            "arn:aws:sqs::111122223333:q",
            "arn:aws:sqs:eu-west-1:111122223333:",
            "arn:aws:sqs:eu-west-1:111122223333:a/b",
            "arn:aws:sqs:eu-west-1:111122223333:q:extra",
        ] {
            assert!(queue_url(arn).is_err(), "{arn}");
        }
    }
}
