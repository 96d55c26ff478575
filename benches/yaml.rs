//! YAML benchmark: the fast path against the reference parser (serde-saphyr) on the
//! realistic blocks of the repository, and `from_str` on hostile input (deep nesting, huge
//! lines, 100,000-line blocks), which must stay cheap whichever path takes it.
//!
//! Run with `cargo bench --bench yaml` (release profile). Prints µs per parse.

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use topobook::topology::model::Topology;
use topobook::topology::yaml::{fast_from_str, from_str, reference_from_str};

/// Mean time of `f` over enough runs to last about `budget`.
fn time<R>(budget: Duration, mut f: impl FnMut() -> R) -> Duration {
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < budget || runs == 0 {
        std::hint::black_box(f());
        runs += 1;
    }
    start.elapsed() / runs
}

fn realistic_blocks() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut blocks = Vec::new();
    for dir in ["benches/data", "tests/fixtures/yaml"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
            let name = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            blocks.push((name, std::fs::read_to_string(&path).unwrap_or_default()));
        }
    }
    blocks
}

fn main() {
    let budget = Duration::from_millis(300);
    println!(
        "{:<40} {:>6} {:>6} {:>10} {:>10} {:>7}",
        "block", "lines", "fast?", "fast µs", "ref µs", "ratio"
    );
    for (name, text) in realistic_blocks() {
        let fast_ok = fast_from_str::<Topology>(&text).is_some();
        let fast = time(budget, || fast_from_str::<Topology>(&text));
        let reference = time(budget, || reference_from_str::<Topology>(&text));
        println!(
            "{name:<40} {:>6} {:>6} {:>10.1} {:>10.1} {:>6.1}x",
            text.lines().count(),
            if fast_ok { "yes" } else { "no" },
            fast.as_secs_f64() * 1e6,
            reference.as_secs_f64() * 1e6,
            reference.as_secs_f64() / fast.as_secs_f64()
        );
    }

    let hostile: Vec<(&str, String)> = vec![
        ("100,000 nested [", format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))),
        ("65 nested block mappings", (0..65).map(|d| format!("{}k:\n", " ".repeat(d))).collect()),
        ("3 MB line", format!("workspace: {{name: {}}}\n", "x".repeat(3_000_000))),
        ("100,000-line block", (0..100_000).map(|i| format!("k{i}: v\n")).collect()),
        ("100,000-item list", format!("vnets:\n{}", "  - {name: v}\n".repeat(100_000))),
        ("1,000,000 comment lines", format!("{}meta: {{}}\n", "#\n".repeat(1_000_000))),
    ];
    println!();
    println!("{:<40} {:>10} {:>6} result", "hostile input (from_str)", "ms", "fast?");
    for (name, text) in hostile {
        let start = Instant::now();
        let result = from_str::<Topology>(&text);
        let elapsed = start.elapsed();
        let outcome = match result {
            Ok(_) => "parsed".to_string(),
            Err(e) => format!("{}: {}", e.code, e.message.chars().take(60).collect::<String>()),
        };
        let fast = fast_from_str::<Topology>(&text).is_some();
        println!(
            "{name:<40} {:>10.1} {:>6} {outcome}",
            elapsed.as_secs_f64() * 1e3,
            if fast { "yes" } else { "no" }
        );
    }
}
