//! Expansion snapshots: each `expand/NAME.rs` expanded by rustc (`-Zunpretty=expanded`, as
//! `cargo expand` does), pretty-printed with prettyplease and compared with
//! `expand/NAME.expanded.rs`. Regenerate with `UPDATE_EXPAND=1`, then read the diff: the
//! expansion should stay a few lines that call into `batch_core`.

use std::path::{Path, PathBuf};
use std::process::Command;

const UPDATE_VAR: &str = "UPDATE_EXPAND";

#[test]
fn expansions_match_the_snapshots() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .parent()
        .expect("the tests package is in the workspace");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(manifest_dir.join("expand"))
        .expect("tests/expand exists")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.ends_with(".rs") && !name.ends_with(".expanded.rs")
        })
        .collect();
    sources.sort();
    assert!(
        sources.len() >= 4,
        "expected expansion cases in tests/expand"
    );

    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join("expand");
    write_project(&project, workspace, &sources);

    let update = std::env::var_os(UPDATE_VAR).is_some();
    let mut mismatches = Vec::new();
    for source in &sources {
        let name = source.file_stem().unwrap().to_string_lossy().into_owned();
        let expanded = expand(&project, &name);
        let snapshot = source.with_file_name(format!("{name}.expanded.rs"));
        if update {
            std::fs::write(&snapshot, &expanded).expect("snapshot written");
            continue;
        }
        match std::fs::read_to_string(&snapshot) {
            Ok(expected) if expected == expanded => {}
            Ok(expected) => mismatches.push(format!(
                "{}: the expansion changed.\n--- expected\n{expected}\n--- actual\n{expanded}",
                snapshot.display()
            )),
            Err(_) => mismatches.push(format!("{} is missing", snapshot.display())),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{}\n\nIf the change is intended, run again with {UPDATE_VAR}=1 and read the diff.",
        mismatches.join("\n\n")
    );
}

/// A package with one bin per case, depending on this workspace's `batch-core`, with the
/// workspace's lock file so that the versions are the same.
fn write_project(project: &Path, workspace: &Path, sources: &[PathBuf]) {
    std::fs::create_dir_all(project).expect("project directory");
    let mut manifest = format!(
        "[package]\nname = \"batch-expand\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\nbatch-core = {{ path = {:?} }}\n\
         serde_json = \"1\"\n\n[workspace]\n",
        workspace.join("batch-core")
    );
    for source in sources {
        let name = source.file_stem().unwrap().to_string_lossy();
        manifest.push_str(&format!(
            "\n[[bin]]\nname = \"{name}\"\npath = {source:?}\ntest = false\n"
        ));
    }
    std::fs::write(project.join("Cargo.toml"), manifest).expect("manifest written");
    std::fs::copy(workspace.join("Cargo.lock"), project.join("Cargo.lock"))
        .expect("lock file copied");
}

/// The bin's source after macro expansion, pretty-printed, without the prelude lines rustc adds.
fn expand(project: &Path, bin: &str) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(project)
        .args([
            "rustc",
            "--quiet",
            "--offline",
            "--profile=check",
            "--bin",
            bin,
        ])
        .args(["--", "-Zunpretty=expanded"])
        // What `cargo expand` does on a stable toolchain.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", project.join("target"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "expanding {bin} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("UTF-8 expansion");
    let mut file = syn::parse_file(&text).expect("the expansion parses");
    file.attrs.retain(|attr| !attr.path().is_ident("feature"));
    file.items.retain(|item| match item {
        syn::Item::Use(item) => !item
            .attrs
            .iter()
            .any(|a| a.path().is_ident("prelude_import")),
        syn::Item::ExternCrate(item) => item.ident != "std",
        _ => true,
    });
    prettyplease::unparse(&file)
}
