//! The path a warm Lambda instance runs (DESIGN §7), on production-shaped events: the event's
//! bytes are decoded as `lambda_runtime` 1.5 decodes them (`serde_path_to_error` over
//! `serde_json::Deserializer::from_slice`), handed to a `#[batch_handler]`'s `lambda_handler`,
//! and the response is serialized with `serde_json::to_vec`. The baseline is the loop a user
//! writes by hand around `lambda_runtime`, decoded the same way, in the same run.
//!
//! `cargo bench -p batch-core --bench lambda_path`
//! (one workload: `cargo bench -p batch-core --bench lambda_path -- sqs/`)

mod paths;
mod workloads;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use paths::{WORKLOADS, failure_set};

fn lambda_path(c: &mut Criterion) {
    for workload in WORKLOADS {
        let bytes = (workload.event)();
        let expected = (workload.baseline)(bytes.clone());
        let failures = failure_set(&expected);
        assert!(
            !failures.is_empty(),
            "{}: the workload has failing records",
            workload.name
        );
        for (variant, run) in workload.variants {
            assert_eq!(
                failure_set(&run(bytes.clone())),
                failures,
                "{}/{variant} reports other failures than the hand-written loop",
                workload.name
            );
        }
        eprintln!(
            "{}: {} bytes, {} failures",
            workload.name,
            bytes.len(),
            failures.len()
        );
        let mut group = c.benchmark_group(workload.name);
        group.sample_size(10);
        // Each call owns its copy of the bytes, made outside the timing.
        let input = || bytes.clone();
        group.bench_function("hand-written", |b| {
            b.iter_batched(input, workload.baseline, BatchSize::LargeInput)
        });
        for (variant, run) in workload.variants {
            group.bench_function(*variant, |b| {
                b.iter_batched(input, *run, BatchSize::LargeInput)
            });
        }
        group.finish();
    }
}

criterion_group!(benches, lambda_path);
criterion_main!(benches);
