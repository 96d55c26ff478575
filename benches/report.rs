//! Report benchmark: render every machine-readable format for a run of N blocks, 5,000 pages
//! with two blocks each by default, every block with findings (one failing key vault and one
//! note), as `topobook check` on a large book would.
//!
//! Run with `cargo bench --bench report [N]` (release profile). Prints, per format, the
//! render time and the report size. Target (issue 5): `check` on the 5,000-page book in
//! well under 1 s, so a report must cost a small fraction of that.

use std::sync::Arc;
use std::time::Instant;

use topobook::diag::{Diagnostic, Location, codes};
use topobook::report::{self, CheckRun, Format};
use topobook::topology::{CheckSettings, check_yaml};

const BLOCK: &str = "key_vaults:
  - name: kv-ml
    network: {default_action: Deny, bypass: [None]}
    private_endpoints: [{name: pe-kv, subresource: vault}]
";

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let settings = CheckSettings {
        rules_base_url: Some("https://docs.example.com/rules".into()),
        ..CheckSettings::default()
    };
    let started = Instant::now();
    let blocks: Vec<_> = (0..n)
        .map(|i| {
            let page = format!("content/page-{}.md", i / 2);
            check_yaml(&page, BLOCK, &format!("yaml topology id=kv-{i}"), &settings)
        })
        .collect();
    let links: Vec<Diagnostic> = (0..n / 10)
        .map(|i| {
            let file: Arc<str> = Arc::from(format!("content/page-{i}.md"));
            Diagnostic::error(codes::BROKEN_LINK, "link to `missing.md` points to no page of the book")
                .at(Location::new(file, "see [x](missing.md)\n", 4..19))
        })
        .collect();
    let checked = started.elapsed();
    let started = Instant::now();
    let run = CheckRun::new(blocks, links).with_settings(&settings).with_path_prefix("docs");
    let built = started.elapsed();
    println!(
        "report: {n} blocks, {} diagnostics (checked in {:.0} ms, run built in {:.1} ms)",
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
            "report: {format:>6}: {:7.1} ms, {:6.1} MiB",
            started.elapsed().as_secs_f64() * 1e3,
            size as f64 / 1048576.0
        );
    }
}
