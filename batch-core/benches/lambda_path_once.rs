//! One call of one path of `lambda_path`, for instruction counts that do not depend on the
//! machine's load. Only `measured` is counted:
//!
//! ```sh
//! cargo bench -p batch-core --bench lambda_path_once --no-run
//! valgrind --tool=callgrind --toggle-collect='*measured*' \
//!     target/release/deps/lambda_path_once-* sqs typed
//! ```
//!
//! Arguments: a workload (`sqs`, `sqs_6mb`, `sqs_small`, `fifo`, `kinesis`, `dynamodb`, `kafka`)
//! and a path (`hand-written`, `typed`, `raw`). The event is read from
//! `target/workloads/<workload>.json` when `workload_files` has written it (building it under
//! valgrind takes long), else built. Without arguments (as `cargo bench` runs it) it
//! runs every path once and checks that each reports the hand-written loop's failures.
//!
//! With `--warm` it measures memory as a warm instance holds it: it first runs the path on the
//! event's first ten records, then prints one JSON line with the resident memory before the
//! measured call and at its peak, in KiB.
//!
//! With `--runs N` it times the path instead: one warm-up call, then N calls, and prints one
//! JSON line with the median, as `scripts/bench-peers` prints for the peers it times beside.

mod paths;
mod warm_memory;
mod workloads;

use paths::{Run, WORKLOADS, failure_set};

#[inline(never)]
fn measured(run: Run, bytes: Vec<u8>) -> Vec<u8> {
    run(std::hint::black_box(bytes))
}

/// The median of these times, in seconds.
fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    let middle = times.len() / 2;
    if times.len() % 2 == 1 {
        times[middle]
    } else {
        (times[middle - 1] + times[middle]) / 2.0
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut chosen_names = Vec::new();
    let mut runs: Option<usize> = None;
    let mut warm = false;
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs = args.next().and_then(|n| n.parse().ok());
            assert!(runs.is_some(), "--runs takes a number");
        } else if arg == "--warm" {
            warm = true;
        } else if !arg.starts_with("--") {
            chosen_names.push(arg);
        }
    }
    let chosen = match chosen_names.as_slice() {
        [workload, path] => Some((workload.as_str(), path.as_str())),
        _ => None,
    };
    for workload in WORKLOADS {
        if chosen.is_some_and(|(name, _)| name != workload.name) {
            continue;
        }
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../target/workloads/{}.json", workload.name));
        let mut bytes = std::fs::read(&file).unwrap_or_else(|_| (workload.event)());
        let paths = std::iter::once(("hand-written", workload.baseline))
            .chain(workload.variants.iter().copied());
        for (path, run) in paths {
            if chosen.is_some_and(|(_, chosen_path)| chosen_path != path) {
                continue;
            }
            // One chosen path takes the bytes themselves, so that no copy is alive while it
            // runs (peak memory is measured on it).
            let input = match (chosen, runs) {
                (Some(_), None) => std::mem::take(&mut bytes),
                _ => bytes.clone(),
            };
            if warm {
                // The event arrives with the invocation: the process is idle, and warm, without it.
                let warm_up = warm_memory::first_records(&input, 10);
                drop(input);
                assert!(
                    serde_json::from_slice::<serde::de::IgnoredAny>(&warm_up).is_ok(),
                    "the first records of {} are not valid JSON",
                    workload.name
                );
                std::hint::black_box(measured(run, warm_up));
                let (before, _) = warm_memory::resident_kib();
                warm_memory::reset_peak();
                let input = std::fs::read(&file).unwrap_or_else(|_| (workload.event)());
                std::hint::black_box(measured(run, input));
                let (_, peak) = warm_memory::resident_kib();
                println!(
                    r#"{{"path": "{path}", "workload": "{}", "resident_before_kib": {before}, "peak_kib": {peak}, "above_kib": {}}}"#,
                    workload.name,
                    peak - before
                );
                continue;
            }
            let failures = failure_set(&measured(run, input)).len();
            let Some(runs) = runs else {
                println!("{}/{path}: {failures} failures", workload.name);
                continue;
            };
            let times: Vec<f64> = (0..runs)
                .map(|_| {
                    let input = bytes.clone();
                    let start = std::time::Instant::now();
                    std::hint::black_box(measured(run, input));
                    start.elapsed().as_secs_f64()
                })
                .collect();
            println!(
                r#"{{"peer": "lambda-batch {path}", "workload": "{}", "failures": {failures}, "median_s": {}, "runs_s": {times:?}}}"#,
                workload.name,
                median(times.clone())
            );
        }
    }
}
