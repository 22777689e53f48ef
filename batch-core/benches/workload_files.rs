//! Writes the production-shaped events of `workloads` to `target/workloads/<name>.json`, so
//! that peers (Powertools for AWS Lambda in Python and TypeScript, `scripts/bench-peers`) are
//! timed on the same bytes as `lambda_path`.
//!
//! `cargo bench -p batch-core --bench workload_files`

mod workloads;

use std::path::PathBuf;

fn main() {
    let dir = std::env::var_os("WORKLOADS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/workloads"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).expect("the workloads directory can be created");
    for (name, bytes) in workloads::all() {
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, &bytes).expect("the workload file can be written");
        println!("{} ({} bytes)", path.display(), bytes.len());
    }
}
