//! `topobook build [DIR]`: check the book and write its site to `DIR/<build-dir>/`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use super::exit;
use crate::diag::{self, Diagnostic, Disposition, Severity, ToolCode};
use crate::output::DiskOutput;
use crate::report::human;
use crate::site::{Site, SiteOptions};

/// Build the book in `dir`. Diagnostics go to stderr, the summary line too.
pub fn run(dir: &Path, options: SiteOptions) -> i32 {
    let color = human::use_color(std::io::stderr().is_terminal());
    let started = std::time::Instant::now();
    let timings = crate::sys::timings_requested();
    let mut lap = std::time::Instant::now();
    let mut mark = |what: &str| {
        if timings {
            eprintln!(
                "timing: {what}: {:.3}s wall, {:.3}s cpu so far, {} MiB resident",
                lap.elapsed().as_secs_f64(),
                crate::sys::cpu_seconds(),
                crate::sys::resident_mib()
            );
        }
        lap = std::time::Instant::now();
    };
    let mut site = match Site::load(dir, options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    mark("load, parse, check");
    let target = site.output_dir();
    // `book.toml` reported it already; never swap away a folder that holds the book.
    if let Some(why) = crate::load::config::build_dir_problem(site.config()) {
        eprintln!("error: the build folder `{}` would replace {why}; nothing was written", target.display());
        return exit::USAGE_OR_IO;
    }
    let out = match DiskOutput::begin(&target) {
        Ok(o) => o,
        Err(d) => {
            eprintln!("error: {}", d.message);
            return exit::USAGE_OR_IO;
        }
    };
    let report = site.build_once(&out);
    if timings {
        for (phase, took) in &report.phases {
            eprintln!("timing: {phase}: {:.3}s", took.as_secs_f64());
        }
    }
    mark("render and write");
    if timings {
        let (spent, drawn) = crate::render::topology::diagram_stats();
        eprintln!(
            "timing: diagrams: {drawn} drawn in {:.3}s of CPU time summed over threads ({:.1} µs each)",
            spent.as_secs_f64(),
            spent.as_secs_f64() * 1e6 / drawn.max(1) as f64
        );
    }
    let mut diags = site.diagnostics();
    diags.extend(report.diagnostics.iter().cloned());
    diag::sort(&mut diags);
    // A broken template fails every page the same way: report it once.
    diags.dedup();
    let sources = site.sources();
    let mut err = std::io::stderr().lock();
    // Findings that count: suppressed ones and those an `expect=` block asks for are shown on
    // the pages, not here; advisory notes are counted, not printed (`topobook check --notes`).
    let shown: Vec<Diagnostic> = diags.iter().filter(|d| printed(d)).cloned().collect();
    let _ = err.write_all(human::render_all(&shown, &sources, color).as_bytes());
    let diags = shown;
    let io_failed = report.diagnostics.iter().any(|d| d.code == ToolCode::Io);
    let failed = diags.iter().any(|d| d.fails(false));
    let shown = target.strip_prefix(dir).unwrap_or(&target).display().to_string();
    if failed || io_failed {
        out.abort();
        let _ =
            writeln!(err, "error: build failed with {}; `{shown}/` was not changed", human::counts(&diags));
        return if io_failed { exit::USAGE_OR_IO } else { exit::DIAGNOSTICS };
    }
    if let Err(d) = out.commit() {
        let _ = writeln!(err, "error: {}", d.message);
        return exit::USAGE_OR_IO;
    }
    mark("swap in");
    let _ = writeln!(
        err,
        "built {} pages and {} topology blocks into `{shown}/` in {:.2}s ({})",
        site.pages.len(),
        site.reports().count(),
        started.elapsed().as_secs_f64(),
        human::counts(&diags)
    );
    exit::OK
}

/// What `build` (and `serve`) print: findings that count, not those an `expect=` block asks
/// for or a suppression covers (the pages show them), and no advisory rule notes.
pub(crate) fn printed(d: &Diagnostic) -> bool {
    d.disposition == Disposition::Active && !advisory(d)
}

/// A note of an advisory (info-level) rule, as opposed to topobook's own notes.
pub(crate) fn advisory(d: &Diagnostic) -> bool {
    d.severity == Severity::Note && d.code.rule().is_some()
}
