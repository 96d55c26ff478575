//! Diagram generation speed: µs per block for the build benchmark's 60-line page block, the
//! overview's secured scenario, a failing block and the 3-VNet / 12-subnet / 40-resource
//! stress topology.
//!
//! `cargo bench --bench diagram`. Only `diagram::render` is timed (the block is checked once
//! before); the figures are the median and the best of several rounds.

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Instant;

use topobook::check::{CheckSettings, check_yaml};
use topobook::diagram::{DiagramOptions, render};

fn fixture(name: &str) -> String {
    let path = format!("{}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn main() {
    let settings = CheckSettings::default();
    let opts = DiagramOptions::default();
    println!("{:<34} {:>6} {:>10} {:>10} {:>9}", "block", "lines", "median µs", "best µs", "SVG KiB");
    for name in [
        "benches/data/page-60.yaml",
        "tests/fixtures/diagram/failing.yaml",
        "tests/fixtures/diagram/secured.yaml",
        "tests/fixtures/diagram/stress.yaml",
    ] {
        let yaml = fixture(name);
        let report = check_yaml(name, &yaml, "yaml topology", &settings);
        let svg = render(&report, &opts).expect("a diagram");
        // Warm up, then time rounds of `iters` renders each.
        let iters = 200;
        for _ in 0..iters {
            black_box(render(black_box(&report), &opts));
        }
        let mut rounds: Vec<f64> = (0..15)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..iters {
                    black_box(render(black_box(&report), &opts));
                }
                t.elapsed().as_secs_f64() * 1e6 / iters as f64
            })
            .collect();
        rounds.sort_by(f64::total_cmp);
        let lines = yaml.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).count();
        println!(
            "{:<34} {:>6} {:>10.1} {:>10.1} {:>9.1}",
            name.rsplit('/').next().unwrap_or(name),
            lines,
            rounds[rounds.len() / 2],
            rounds[0],
            svg.len() as f64 / 1024.0
        );
    }
}
