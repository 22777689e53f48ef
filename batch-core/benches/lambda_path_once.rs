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

mod paths;
mod workloads;

use paths::{Run, WORKLOADS, failure_set};

#[inline(never)]
fn measured(run: Run, bytes: &[u8]) -> Vec<u8> {
    run(std::hint::black_box(bytes))
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let chosen = match args.as_slice() {
        [workload, path] => Some((workload.as_str(), path.as_str())),
        _ => None,
    };
    for workload in WORKLOADS {
        if chosen.is_some_and(|(name, _)| name != workload.name) {
            continue;
        }
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../target/workloads/{}.json", workload.name));
        let bytes = std::fs::read(file).unwrap_or_else(|_| (workload.event)());
        let paths = std::iter::once(("hand-written", workload.baseline))
            .chain(workload.variants.iter().copied());
        for (path, run) in paths {
            if chosen.is_some_and(|(_, chosen_path)| chosen_path != path) {
                continue;
            }
            let response = measured(run, &bytes);
            println!(
                "{}/{path}: {} failures",
                workload.name,
                failure_set(&response).len()
            );
        }
    }
}
