//! The SAM templates in `examples/sam/` deploy the examples with partial batch responses on and
//! somewhere for records that keep failing.

use std::path::Path;

/// (template, example binary, how failures leave the source)
const TEMPLATES: &[(&str, &str, &str)] = &[
    ("sqs.yaml", "sqs", "deadLetterTargetArn"),
    ("sqs-fifo.yaml", "sqs_fifo", "deadLetterTargetArn"),
    ("kinesis.yaml", "kinesis", "OnFailure"),
    ("dynamodb.yaml", "dynamodb", "OnFailure"),
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
