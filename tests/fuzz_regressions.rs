//! Every input a fuzz run found (a crash, a hang or an allocation over the limit), replayed
//! through the same code the fuzz target runs (`topobook::fuzzing`). The inputs are files
//! under `tests/fixtures/fuzz/<target>/`, named after what they found; each must now run to
//! the end, quickly.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

/// A fuzz target gives up on an input after 10 s of an optimised build; a test build is about
/// ten times slower, and the machine may be loaded: an input that hangs takes far longer.
const BOUND: Duration = Duration::from_secs(60);

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name() != ".gitkeep")
                .map(|e| {
                    (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read"))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn replay(target: &str, run: impl Fn(&[u8])) -> usize {
    let inputs = inputs(target);
    for (name, data) in &inputs {
        let started = Instant::now();
        run(data);
        let took = started.elapsed();
        eprintln!("{target}/{name}: {took:.2?}");
        assert!(took < BOUND, "{target}/{name} took {took:.2?}");
    }
    inputs.len()
}

#[test]
fn markdown_page_findings() {
    let n = replay("markdown_page", topobook::fuzzing::markdown_page);
    assert!(n >= 1, "the findings are in tests/fixtures/fuzz/markdown_page/");
}

#[test]
fn topology_yaml_findings() {
    replay("topology_yaml", |d| {
        if let Err(m) = topobook::fuzzing::topology_yaml(d) {
            panic!("fast: {}\nreference: {}", m.fast, m.reference);
        }
    });
}

#[test]
fn book_files_findings() {
    replay("book_files", topobook::fuzzing::book_files);
}

#[test]
fn terraform_module_findings() {
    replay("terraform_module", topobook::fuzzing::terraform_module);
}
