//! SQS FIFO: stop at the first failure (R5), skip the rest of a failed message group (R6),
//! records without a group (R6), and the exact messages of records that did not run.

mod spec_support;

use batch_core::source::Sqs;
use batch_core::testing::{event_from_file, event_from_records, fifo_message, sqs_message};
use batch_core::{BatchProcessor, HandlerEvent, LambdaEvent, RecordErrorKind, SkipReason};
use serde_json::Value;
use spec_support::{Plan, R5_SKIPPED, R6_SKIPPED, all_failed, ids, reported};

/// Records with ids "1", "2", ... in these message groups.
fn grouped<E: HandlerEvent>(groups: &[&str]) -> LambdaEvent<E> {
    event_from_records(
        groups
            .iter()
            .enumerate()
            .map(|(i, group)| fifo_message(&(i + 1).to_string(), group, "{}")),
    )
}

/// A FIFO record (id `id`) whose `attributes` has no `MessageGroupId` at all.
fn without_group(id: &str) -> Value {
    let mut record = fifo_message(id, "unused", "{}");
    record["attributes"]
        .as_object_mut()
        .unwrap()
        .remove("MessageGroupId");
    record
}

#[tokio::test]
async fn s_f_s_reports_2_and_3_and_never_runs_record_3() {
    let plan = Plan::failing([1]);
    let event = grouped(&["g1", "g1", "g1"]);
    let response = BatchProcessor::<Sqs>::fifo()
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["2", "3"]));
    assert_eq!(plan.ran(), [0, 1]);
}

#[tokio::test]
async fn stop_applies_across_groups() {
    // [S g1, F g1, S g2, S g2]: without skip-group the first failure stops the whole batch.
    let plan = Plan::failing([1]);
    let response = BatchProcessor::<Sqs>::fifo()
        .run(grouped(&["g1", "g1", "g2", "g2"]), &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["2", "3", "4"]));
    assert_eq!(plan.ran(), [0, 1]);
}

#[tokio::test]
async fn skipped_records_carry_the_r5_message() {
    let plan = Plan::failing([1]);
    let event = grouped(&["g1", "g1", "g2", "g2"]);
    let report = BatchProcessor::<Sqs>::fifo()
        .process(&event.payload, &event.context, &plan)
        .await
        .unwrap();
    let outcomes = report.outcomes();
    assert_eq!(outcomes[0].value(), Some(&0));
    assert_eq!(outcomes[1].error().unwrap().to_string(), Plan::message(1));
    for outcome in &outcomes[2..] {
        let error = outcome.error().expect("skipped records fail");
        assert_eq!(error.to_string(), R5_SKIPPED);
        assert_eq!(
            error.kind(),
            RecordErrorKind::Skipped(SkipReason::PreviousRecordFailed)
        );
    }
}

#[tokio::test]
async fn skip_group_fails_only_the_rest_of_the_failed_group() {
    // [S g1, S g1, F g2, S g2, F g3] reports 3, 4, 5.
    let plan = Plan::failing([2, 4]);
    let response = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(grouped(&["g1", "g1", "g2", "g2", "g3"]), &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["3", "4", "5"]));
    assert_eq!(plan.ran(), [0, 1, 2, 4]);
}

#[tokio::test]
async fn skip_group_with_failures_at_the_start_of_two_groups() {
    // [F g1, S g1, F g2, S g2, S g3] reports 1, 2, 3, 4; g3 goes on.
    let plan = Plan::failing([0, 2]);
    let event = grouped(&["g1", "g1", "g2", "g2", "g3"]);
    let processor = BatchProcessor::<Sqs>::fifo().skip_group_on_error(true);
    let report = processor
        .process(&event.payload, &event.context, &plan)
        .await
        .unwrap();
    let messages: Vec<String> = report
        .outcomes()
        .iter()
        .map(|o| match o.error() {
            Some(error) => error.to_string(),
            None => "ok".to_owned(),
        })
        .collect();
    assert_eq!(
        messages,
        [
            Plan::message(0),
            R6_SKIPPED.to_owned(),
            Plan::message(2),
            R6_SKIPPED.to_owned(),
            "ok".to_owned()
        ]
    );
    assert_eq!(plan.ran(), [0, 2, 4]);

    let plan = Plan::failing([0, 2]);
    let response = processor.run(event, &plan).await.unwrap();
    assert_eq!(reported(&response), ids(&["1", "2", "3", "4"]));
}

#[tokio::test]
async fn records_without_a_group_id_are_never_skipped() {
    // Positions: 0 F g1, 1 no group, 2 empty group, 3 g1 (skipped), 4 F no group,
    // 5 no group, 6 F empty group, 7 empty group.
    let event = event_from_records([
        fifo_message("1", "g1", "{}"),
        without_group("2"),
        fifo_message("3", "", "{}"),
        fifo_message("4", "g1", "{}"),
        without_group("5"),
        without_group("6"),
        fifo_message("7", "", "{}"),
        fifo_message("8", "", "{}"),
    ]);
    let plan = Plan::failing([0, 4, 6]);
    let response = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "4", "5", "7"]));
    assert_eq!(plan.ran(), [0, 1, 2, 4, 5, 6, 7]);
}

#[tokio::test]
async fn records_without_attributes_belong_to_no_group() {
    let mut bare = sqs_message("2", "{}");
    bare.as_object_mut().unwrap().remove("attributes");
    let event = event_from_records([
        fifo_message("1", "g", "{}"),
        bare,
        fifo_message("3", "g", "{}"),
    ]);
    let plan = Plan::failing([0]);
    let response = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "3"]));
    assert_eq!(plan.ran(), [0, 1]);
}

#[tokio::test]
async fn without_skip_group_records_without_a_group_stop_too() {
    // R5 stops at the first failure whatever the groups are.
    let event = event_from_records([
        without_group("1"),
        without_group("2"),
        fifo_message("3", "", "{}"),
    ]);
    let plan = Plan::failing([0]);
    let error = BatchProcessor::<Sqs>::fifo()
        .run(event, &plan)
        .await
        .unwrap_err();
    // Every record failed (two of them short-circuited): R4.
    let failures = all_failed(&error);
    let messages: Vec<&str> = failures.iter().map(|f| f.2.as_str()).collect();
    assert!(messages[0].contains(&Plan::message(0)), "{messages:?}");
    assert!(messages[1].contains(R5_SKIPPED), "{messages:?}");
    assert!(messages[2].contains(R5_SKIPPED), "{messages:?}");
    assert_eq!(plan.ran(), [0]);
}

#[tokio::test]
async fn short_circuited_records_count_for_an_entire_batch_failure() {
    let plan = Plan::failing([0]);
    let error = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(grouped(&["g", "g", "g"]), &plan)
        .await
        .unwrap_err();
    let failures = all_failed(&error);
    let positions: Vec<usize> = failures.iter().map(|f| f.0).collect();
    assert_eq!(positions, [0, 1, 2]);
    assert!(failures[1].2.contains(R6_SKIPPED));
    assert_eq!(plan.ran(), [0]);

    let plan = Plan::failing([0]);
    let response = BatchProcessor::<Sqs>::fifo()
        .raise_on_entire_batch_failure(false)
        .run(grouped(&["g", "h"]), &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "2"]));
}

#[tokio::test]
async fn a_failure_in_the_last_record_skips_nothing() {
    let plan = Plan::failing([2]);
    let response = BatchProcessor::<Sqs>::fifo()
        .run(grouped(&["a", "b", "c"]), &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["3"]));
    assert_eq!(plan.ran(), [0, 1, 2]);
}

#[tokio::test]
async fn skip_group_with_concurrency_gives_the_sequential_result() {
    // R9: records of one group still run in order, so R6 decides exactly as sequentially.
    let groups = ["a", "b", "a", "c", "b", "a", "c", "b"];
    let plan = Plan::failing([1, 3]);
    let response = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .concurrency(4)
        .run(grouped(&groups), &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["2", "4", "5", "7", "8"]));
    let mut ran = plan.ran();
    ran.sort();
    assert_eq!(ran, [0, 1, 2, 3, 5]);
}

#[tokio::test]
async fn sample_fifo_event() {
    let event = event_from_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/sqs-fifo.json"
    ));
    let plan = Plan::failing([]);
    let response = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), Vec::<String>::new());
    assert_eq!(plan.ran(), [0]);
}

#[tokio::test]
async fn group_ids_are_compared_as_json_strings() {
    // "g\u0031" is the group "g1" written with an escape: the same message group.
    let event = batch_core::testing::event_from_str(
        r#"{"Records": [
            {"messageId": "1", "eventSource": "aws:sqs", "body": "{}", "attributes": {"MessageGroupId": "g1"}},
            {"messageId": "2", "eventSource": "aws:sqs", "body": "{}", "attributes": {"MessageGroupId": "g\u0031"}},
            {"messageId": "3", "eventSource": "aws:sqs", "body": "{}", "attributes": {"MessageGroupId": "g2"}}
        ]}"#,
    );
    let plan = Plan::failing([0]);
    let response = BatchProcessor::<Sqs>::fifo()
        .skip_group_on_error(true)
        .run(event, &plan)
        .await
        .unwrap();
    assert_eq!(reported(&response), ids(&["1", "2"]));
    assert_eq!(plan.ran(), [0, 2]);
}
