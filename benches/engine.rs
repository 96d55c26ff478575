//! Engine benchmark: parse and check N realistic topology blocks (about 60 lines each, the
//! overview's secured scenario with per-block variations), in parallel as the site does.
//!
//! Run with `cargo bench --bench engine [N] [PROFILE]` (release profile; every profile when
//! none is named). Prints wall time, blocks per second and peak RSS per profile. Target
//! (issues 3 and 14): 10,000 blocks through every rule of a profile in under 1 s on 2 cores,
//! memory not growing with the number of blocks already checked.

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::time::Instant;

use rayon::prelude::*;
use topobook::check::{CheckSettings, check_yaml};
use topobook::rules::Profile;
use topobook::topology::model::Topology;
use topobook::topology::yaml::fast_from_str;

const BASE: &str = include_str!("data/secured.yaml");

/// CPU time (user + system) of this process so far, in seconds: on a machine shared with other
/// work, wall time overstates the cost; CPU time does not.
fn cpu_seconds() -> f64 {
    topobook::sys::cpu_seconds()
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    // `cargo bench` adds `--bench`; the positional arguments are N and PROFILE.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    // Vary names and prefixes so that no two blocks are byte-identical.
    let blocks: Vec<String> = (0..n)
        .map(|i| {
            BASE.replace("mlw-demo", &format!("mlw-{i}"))
                .replace("10.0.1.0/24", &format!("10.0.{}.0/24", 1 + i % 200))
        })
        .collect();
    let lines = BASE.lines().count();
    let profiles: Vec<Profile> = match args.get(1) {
        Some(p) => vec![p.parse().unwrap_or_else(|e| panic!("{e}"))],
        None => Profile::ALL.to_vec(),
    };
    for profile in profiles {
        run(&blocks, lines, profile);
    }
    // Outside the timed runs: how many blocks the YAML fast path accepted (the rest went
    // to the reference parser).
    let fast = blocks.iter().filter(|y| fast_from_str::<Topology>(y).is_some()).count();
    println!("engine: YAML fast path taken for {fast} of {n} blocks");
}

/// Check every block under `profile` (the blocks name none, the book's profile is it).
fn run(blocks: &[String], lines: usize, profile: Profile) {
    let n = blocks.len();
    let settings = CheckSettings { book_profile: Some(profile), ..CheckSettings::default() };
    // Warm up (syntax tables, rule registry).
    let _ = check_yaml("warm.md", BASE, "yaml topology", &settings);
    let rss_before = peak_rss_mib();
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let findings: usize = blocks
        .par_iter()
        .enumerate()
        .map(|(i, y)| check_yaml(&format!("page-{i}.md"), y, "yaml topology", &settings).diagnostics.len())
        .sum();
    let wall = start.elapsed();
    let cpu = cpu_seconds() - cpu_start;
    let rules = topobook::rules::for_profile(profile).len();
    println!(
        "engine {profile}: {n} blocks x {lines} lines, {rules} rules: {:.3} s wall, {:.0} blocks/s, {:.1} µs/block/core, {findings} diagnostics",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        wall.as_secs_f64() * 1e6 * rayon::current_num_threads() as f64 / n as f64
    );
    let threads = rayon::current_num_threads();
    println!(
        "engine {profile}: {cpu:.3} s CPU ({:.1} µs per block): {:.3} s wall on {threads} idle cores",
        cpu * 1e6 / n as f64,
        cpu / threads as f64
    );
    println!(
        "engine {profile}: peak RSS {:.1} MiB (before checking: {:.1} MiB, inputs held: {:.1} MiB)",
        peak_rss_mib(),
        rss_before,
        (n * BASE.len()) as f64 / 1048576.0
    );
}
