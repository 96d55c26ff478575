//! Report benchmark: render every machine-readable format for a run of N blocks (5,000 pages
//! with two blocks each by default), as `topobook check` on a large book would: once with
//! one block in 50 failing, once with every block failing (an error and a note each) and
//! a broken link every 10 pages.
//!
//! Run with `cargo bench --bench report [N]` (release profile). Prints, per format, the
//! render time and the report size (wall time: on a busy machine, compare with
//! `perf stat`'s task-clock). Target (issue 5): `check` on the 5,000-page book in
//! well under 1 s, so a report must cost a small fraction of that.

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Instant;

use topobook::check::{CheckSettings, check_yaml};
use topobook::diag::{Diagnostic, Location, ToolCode};
use topobook::report::{self, CheckRun, Format};

/// Fails `AML-KV-002` (and shows the `AML-KV-005` note).
const FAILING: &str = "key_vaults:
  - name: kv-ml
    network: {default_action: Deny, bypass: [None]}
    private_endpoints: [{name: pe-kv, subresource: vault}]
";

/// Passes every rule, without notes.
const PASSING: &str = "key_vaults:
  - name: kv-ml
    network: {default_action: Allow}
";

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000);
    // A realistic book: one block in 50 fails. The worst case: every block fails.
    measure(n, 50);
    measure(n, 1);
}

fn measure(n: usize, every: usize) {
    let settings = CheckSettings {
        rules_base_url: Some("https://docs.example.com/rules".into()),
        ..CheckSettings::default()
    };
    let started = Instant::now();
    let blocks: Vec<_> = (0..n)
        .map(|i| {
            let page = format!("content/page-{}.md", i / 2);
            let yaml = if i % every == 0 { FAILING } else { PASSING };
            check_yaml(&page, yaml, &format!("yaml topology id=kv-{i}"), &settings)
        })
        .collect();
    let links: Vec<Diagnostic> = (0..n / 10 / every)
        .map(|i| {
            let file: Arc<str> = Arc::from(format!("content/page-{i}.md"));
            Diagnostic::error(ToolCode::BrokenLink, "link to `missing.md` points to no page of the book")
                .at(Location::new(file, "see [x](missing.md)\n", 4..19))
        })
        .collect();
    let checked = started.elapsed();
    let started = Instant::now();
    let run = CheckRun::new(blocks, links).with_settings(&settings).with_path_prefix("docs");
    let built = started.elapsed();
    println!(
        "report: {n} blocks, one in {every} failing, {} diagnostics (checked in {:.0} ms, run built in {:.1} ms)",
        run.diagnostics.len(),
        checked.as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3
    );
    let started = Instant::now();
    let summary = run.summary();
    println!("report: summary in {:.2} ms: {summary}", started.elapsed().as_secs_f64() * 1e3);
    for format in Format::ALL.iter().copied().filter(|f| *f != Format::Human) {
        let started = Instant::now();
        let size = match report::render(&run, format) {
            Ok(text) => text.len(),
            Err(e) => {
                println!("report: {format}: {e}");
                continue;
            }
        };
        println!(
            "report: {format:>6}: {:7.1} ms, {:6.2} MiB",
            started.elapsed().as_secs_f64() * 1e3,
            size as f64 / 1048576.0
        );
    }
}
