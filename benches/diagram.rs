//! Diagram generation speed: µs per block for the build benchmark's 60-line page block, the
//! overview's secured scenario, a failing block, the 3-VNet / 12-subnet / 40-resource stress
//! topology, the hub and spoke (the secured scenario and three spokes of six
//! subnets), an enterprise network of 4 VNets / 24 subnets / 40 computes / 20 private
//! endpoints and one of 10 VNets.
//!
//! `cargo bench --bench diagram`. Only `diagram::draw` is timed (the block is checked once
//! before): everything a page needs, the diagram, the whole one for the expanded view when
//! alike parts are drawn once, the text alternative. The figures are the median and the best
//! of several rounds in wall time and the median in the thread's CPU time (what counts on a
//! shared machine), the view box and the size of the SVGs.

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Instant;

use topobook::check::{CheckSettings, check_yaml};
use topobook::diagram::{DiagramOptions, draw};
use topobook::sys::thread_cpu;

fn fixture(name: &str) -> String {
    let path = format!("{}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn main() {
    let settings = CheckSettings::default();
    let opts = DiagramOptions::default();
    println!(
        "{:<26} {:>6} {:>10} {:>10} {:>9} {:>11} {:>7} {:>9}",
        "block", "lines", "median µs", "best µs", "CPU µs", "view box", "aspect", "SVG KiB"
    );
    for name in [
        "benches/data/page-60.yaml",
        "tests/fixtures/diagram/failing.yaml",
        "tests/fixtures/diagram/secured.yaml",
        "tests/fixtures/diagram/stress.yaml",
        "tests/fixtures/diagram/hub-spoke.yaml",
        "benches/data/enterprise-4-vnets.yaml",
        "benches/data/ten-vnets.yaml",
    ] {
        let yaml = fixture(name);
        let report = check_yaml(name, &yaml, "yaml topology", &settings);
        let drawn = draw(&report, &opts).expect("a diagram");
        // Warm up, then time rounds of `iters` draws each.
        let iters = 50;
        for _ in 0..iters {
            black_box(draw(black_box(&report), &opts));
        }
        let mut cpu = Vec::with_capacity(15);
        let mut rounds: Vec<f64> = (0..15)
            .map(|_| {
                let (t, c) = (Instant::now(), thread_cpu());
                for _ in 0..iters {
                    black_box(draw(black_box(&report), &opts));
                }
                cpu.push((thread_cpu() - c).as_secs_f64() * 1e6 / iters as f64);
                t.elapsed().as_secs_f64() * 1e6 / iters as f64
            })
            .collect();
        rounds.sort_by(f64::total_cmp);
        cpu.sort_by(f64::total_cmp);
        let lines = yaml.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).count();
        let view: Vec<f64> = drawn
            .svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .map(|v| v.split(' ').filter_map(|x| x.parse().ok()).collect())
            .unwrap_or_default();
        let (w, h) = (view.first().copied().unwrap_or(0.0), view.get(1).copied().unwrap_or(1.0));
        let kib = (drawn.svg.len() + drawn.full.as_ref().map_or(0, String::len)) as f64 / 1024.0;
        println!(
            "{:<26} {:>6} {:>10.1} {:>10.1} {:>9.1} {:>11} {:>7.2} {:>9.1}{}",
            name.rsplit('/').next().unwrap_or(name),
            lines,
            rounds[rounds.len() / 2],
            rounds[0],
            cpu[cpu.len() / 2],
            format!("{w}×{h}"),
            w / h,
            kib,
            if drawn.full.is_some() { "  (summarised; + whole)" } else { "" }
        );
    }
}
