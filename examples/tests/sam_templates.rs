//! The SAM templates in `examples/sam/` deploy the examples with partial batch responses on and
//! somewhere for records that keep failing.

use std::path::Path;

/// (template, example binary, how failures leave the source)
const TEMPLATES: &[(&str, &str, &str)] = &[
    ("sqs.yaml", "sqs", "deadLetterTargetArn"),
    ("sqs-fifo.yaml", "sqs_fifo", "deadLetterTargetArn"),
    ("kinesis.yaml", "kinesis", "OnFailure"),
    ("dynamodb.yaml", "dynamodb", "OnFailure"),
    ("kafka.yaml", "kafka", "OnFailure"),
];

#[test]
fn every_template_reports_batch_item_failures_for_an_existing_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (template, bin, dead_letters) in TEMPLATES {
        let text = std::fs::read_to_string(root.join("sam").join(template)).unwrap();
        assert!(text.contains("- ReportBatchItemFailures"), "{template}");
        assert!(text.contains("Runtime: provided.al2023"), "{template}");
        assert!(text.contains("Handler: bootstrap"), "{template}");
        assert!(
            text.contains(&format!("CodeUri: ../../target/lambda/{bin}/")),
            "{template}"
        );
        assert!(text.contains(dead_letters), "{template}");
        assert!(
            root.join("src/bin").join(format!("{bin}.rs")).exists(),
            "{template}: no example {bin}"
        );
    }
}

#[test]
fn the_kafka_template_maps_msk_and_self_managed_in_provisioned_mode() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("sam/kafka.yaml")).unwrap();
    assert!(text.contains("Type: MSK"));
    assert!(text.contains("Type: SelfManagedKafka"));
    // Lambda ignores partial batch responses from Kafka outside provisioned mode: every
    // mapping that reports item failures also sets ProvisionedPollerConfig.
    assert_eq!(text.matches("ProvisionedPollerConfig:").count(), 2);
    assert_eq!(text.matches("- ReportBatchItemFailures").count(), 2);
}

#[test]
fn the_sqs_api_templates_grant_the_actions_their_calls_need() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // (template, example, the one IAM action its calls need, whether it reports item failures)
    let templates = [
        (
            "sqs-delete-successes.yaml",
            "sqs_delete_successes",
            "sqs:DeleteMessage",
            false,
        ),
        (
            "sqs-backoff.yaml",
            "sqs_backoff",
            "sqs:ChangeMessageVisibility",
            true,
        ),
    ];
    for (template, bin, action, reports) in templates {
        let text = std::fs::read_to_string(root.join("sam").join(template)).unwrap();
        assert!(text.contains(&format!("- {action}\n")), "{template}");
        // Batch calls are authorized by the single-message actions: there is no batch action.
        assert!(!text.contains("Batch\n"), "{template}");
        assert_eq!(
            text.contains("- ReportBatchItemFailures"),
            reports,
            "{template}"
        );
        assert!(text.contains("--features sqs-api"), "{template}");
        assert!(
            text.contains(&format!("CodeUri: ../../target/lambda/{bin}/")),
            "{template}"
        );
        assert!(text.contains("deadLetterTargetArn"), "{template}");
        assert!(
            root.join("src/bin").join(format!("{bin}.rs")).exists(),
            "{template}: no example {bin}"
        );
    }
}
