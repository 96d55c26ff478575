//! `topobook build [DIR]`: check the book and write its site to `DIR/<build-dir>/`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use super::exit;
use crate::diag::{self, Code, Diagnostic, Disposition, Severity, ToolCode};
use crate::load::FailOn;
use crate::output::DiskOutput;
use crate::report::human;
use crate::site::{Site, SiteOptions};

/// Build the book in `dir`. Diagnostics go to stderr, the summary line too.
///
/// The site is always written when the book can be rendered: failing blocks, broken links and
/// other findings are shown on the pages, and the exit code follows `fail_on` (the command
/// line's, else `[build] fail-on`, else `error`). Nothing is written, and the exit code is 2,
/// when `book.toml`, `SUMMARY.md`, the theme or the baseline has an error, or a file cannot
/// be written: the previous site stays as it was.
pub fn run(dir: &Path, options: SiteOptions, fail_on: Option<FailOn>) -> i32 {
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
    let fail_on = fail_on.unwrap_or(site.config().fail_on);
    let target = site.output_dir();
    let shown = target.strip_prefix(dir).unwrap_or(&target).display().to_string();
    // `book.toml` reported it already; never swap away a folder that holds the book.
    if let Some(why) = crate::load::config::build_dir_problem(site.config()) {
        eprintln!("error: the build folder `{}` would replace {why}; nothing was written", target.display());
        return exit::USAGE_OR_IO;
    }
    let sources = site.sources();
    let mut err = std::io::stderr().lock();
    let stopping: Vec<Diagnostic> =
        site.book_diagnostics().iter().filter(|d| stops_build(d)).cloned().collect();
    if !stopping.is_empty() {
        let shown_diags: Vec<Diagnostic> = site.diagnostics().into_iter().filter(printed).collect();
        let _ = err.write_all(human::render_all(&shown_diags, &sources, color).as_bytes());
        let _ =
            writeln!(err, "error: nothing was written, `{shown}/` is unchanged: {}", stop_reason(&stopping));
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
    // Findings that count: suppressed, expected and baselined ones are shown on the pages, not
    // here; advisory notes are counted, not printed (`topobook check --notes`).
    let baselined = diags.iter().filter(|d| d.disposition == Disposition::Baselined).count();
    let shown_diags: Vec<Diagnostic> = diags.iter().filter(|d| printed(d)).cloned().collect();
    let _ = err.write_all(human::render_all(&shown_diags, &sources, color).as_bytes());
    let diags = shown_diags;
    // Rendering or writing failed: a template that does not render, a file not written.
    let mut broken: Vec<Diagnostic> =
        report.diagnostics.iter().filter(|d| d.severity == Severity::Error).cloned().collect();
    diag::sort(&mut broken);
    broken.dedup();
    if !broken.is_empty() || !report.failed.is_empty() {
        out.abort();
        let why = if broken.is_empty() {
            "some pages could not be rendered".to_string()
        } else {
            stop_reason(&broken)
        };
        let _ = writeln!(err, "error: nothing was written, `{shown}/` is unchanged: {why}");
        return exit::USAGE_OR_IO;
    }
    if let Err(d) = out.commit() {
        let _ = writeln!(err, "error: {}", d.message);
        return exit::USAGE_OR_IO;
    }
    mark("swap in");
    let failing_blocks = site.pages.iter().map(|p| p.failing()).sum::<usize>();
    let fails = match fail_on {
        FailOn::Never => false,
        level => diags.iter().any(|d| d.fails(level == FailOn::Warning)),
    };
    let mut counts = human::counts(&diags);
    if baselined > 0 {
        counts.push_str(&format!(", {baselined} baselined"));
    }
    let verdict = if fails {
        format!("exit 1 because fail-on = {}", fail_on.as_str())
    } else if fail_on == FailOn::Never && diags.iter().any(|d| d.fails(true)) {
        "exit 0 because fail-on = never".to_string()
    } else {
        format!("exit 0 (fail-on = {})", fail_on.as_str())
    };
    let _ = writeln!(
        err,
        "built {} and {}{} into `{shown}/` in {:.2}s: {counts}; {verdict}",
        plural(site.pages.len(), "page", "pages"),
        plural(site.reports().count(), "topology block", "topology blocks"),
        if failing_blocks > 0 { format!(" ({failing_blocks} failing)") } else { String::new() },
        started.elapsed().as_secs_f64(),
    );
    if fails { exit::DIAGNOSTICS } else { exit::OK }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Does this problem of the book as a whole stop the build before anything is written? An
/// error in `book.toml`, `SUMMARY.md`, the theme or the baseline, or a folder that cannot be
/// listed: the site would not be the book its author meant.
fn stops_build(d: &Diagnostic) -> bool {
    d.severity == Severity::Error
        && match d.code {
            Code::Tool(ToolCode::Config | ToolCode::Summary | ToolCode::Theme | ToolCode::Baseline) => true,
            Code::Tool(ToolCode::Io) => {
                d.location.as_ref().is_none_or(|l| l.file.ends_with("SUMMARY.md") || *l.file == *"book.toml")
            }
            _ => false,
        }
}

/// "fix the errors in `book.toml` first", naming each file once.
fn stop_reason(diags: &[Diagnostic]) -> String {
    let mut files: Vec<String> = Vec::new();
    for d in diags {
        let name = match &d.location {
            Some(l) => format!("`{}`", l.file),
            None if d.code == ToolCode::Io => "writing the site".to_string(),
            None => format!("`{}`", d.code),
        };
        if !files.contains(&name) {
            files.push(name);
        }
    }
    let errors = if diags.len() == 1 { "the error" } else { "the errors" };
    format!("fix {errors} in {} first", files.join(", "))
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
