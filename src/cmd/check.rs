//! `topobook check [DIR] [PATH...]`: the whole pipeline except writing the site: every
//! topology block, every `expect=`, every suppression, every internal link and anchor, reported
//! in the format a person or a CI system reads.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::exit;
use crate::check::CheckSettings;
use crate::diag::{Diagnostic, Disposition, Severity, ToolCode};
use crate::report::{self, CheckRun, Format, human};
use crate::rules::Profile;
use crate::site::{BaselineChoice, Site, SiteOptions};

/// What `topobook check` was asked to do.
#[derive(Debug, Clone)]
pub struct CheckArgs {
    /// The book folder and optional page filters, as typed.
    pub args: Vec<PathBuf>,
    /// `None`: human.
    pub format: Option<Format>,
    pub output: Option<PathBuf>,
    pub deny_warnings: bool,
    /// `--profile`, parsed where it was typed.
    pub profile: Option<Profile>,
    /// Include notes (info-level rules) in the human, short and github formats.
    pub notes: bool,
    /// `--baseline FILE`: known findings, reported as baselined (instead of `[check] baseline`).
    pub baseline: Option<PathBuf>,
    /// `--write-baseline FILE`: record today's findings there, then report with it.
    pub write_baseline: Option<PathBuf>,
}

/// Split the positional arguments into the book folder and page filters: the first argument
/// is the book when it is a folder holding `book.toml`; otherwise the book is the current
/// folder and every argument is a filter.
fn book_and_filters(args: &[PathBuf]) -> (PathBuf, Vec<PathBuf>) {
    match args.first() {
        Some(first) if first.is_dir() && first.join("book.toml").is_file() => {
            (first.clone(), args[1..].to_vec())
        }
        Some(_) => (PathBuf::from("."), args.to_vec()),
        None => (PathBuf::from("."), Vec::new()),
    }
}

/// Turn page filters (relative to the current folder) into book-relative prefixes.
fn book_relative(book: &Path, filters: &[PathBuf]) -> Result<Vec<String>, String> {
    let root = std::fs::canonicalize(book).map_err(|e| format!("cannot open `{}`: {e}", book.display()))?;
    filters
        .iter()
        .map(|f| {
            let abs = std::fs::canonicalize(f).map_err(|e| format!("cannot find `{}`: {e}", f.display()))?;
            let rel = abs
                .strip_prefix(&root)
                .map_err(|_| format!("`{}` is not inside the book `{}`", f.display(), book.display()))?;
            Ok(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

pub(super) fn matches(filters: &[String], file: &str) -> bool {
    filters.is_empty()
        || filters
            .iter()
            .any(|f| f.is_empty() || file == f || file.starts_with(&format!("{}/", f.trim_end_matches('/'))))
}

/// Run `topobook check`. Returns the process exit code (0, 1 or 2; see [`report`]).
pub fn run(args: &CheckArgs) -> i32 {
    let mut err = std::io::stderr().lock();
    let (dir, filters) = book_and_filters(&args.args);
    let filters = match book_relative(&dir, &filters) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    let settings = CheckSettings { profile: args.profile, ..CheckSettings::default() };
    let options = SiteOptions {
        check: settings.clone(),
        baseline: match &args.baseline {
            Some(file) => BaselineChoice::File(file.clone()),
            None => BaselineChoice::FromConfig,
        },
        baseline_missing_ok: args.write_baseline.is_some(),
    };
    let mut site = match Site::load(&dir, options) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    // A baseline that cannot be read stops the run before any report: the findings it knows
    // would all count as new.
    let broken: Vec<Diagnostic> = site
        .book_diagnostics()
        .iter()
        .filter(|d| d.code == ToolCode::Baseline && d.severity == Severity::Error)
        .cloned()
        .collect();
    if !broken.is_empty() {
        let color = human::use_color(std::io::stderr().is_terminal());
        let _ = err.write_all(human::render_all(&broken, &site.sources(), color).as_bytes());
        return exit::USAGE_OR_IO;
    }
    if let Some(path) = &args.write_baseline {
        match super::baseline::write(&mut site, path, &filters) {
            Ok(line) => {
                let _ = writeln!(err, "{line}");
            }
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return exit::USAGE_OR_IO;
            }
        }
    }
    let blocks: Vec<_> =
        site.reports().filter(|(p, _)| matches(&filters, &p.source.path)).map(|(_, r)| r.clone()).collect();
    let mut diagnostics: Vec<Diagnostic> = site
        .diagnostics()
        .into_iter()
        .filter(|d| d.code != ToolCode::Baseline || d.severity == Severity::Error)
        .filter(|d| {
            d.location.as_ref().is_none_or(|l| matches(&filters, &l.file) || l.file.as_ref() == "book.toml")
        })
        .collect();
    // Stale entries of the files the run looked at.
    diagnostics
        .extend(site.stale_entries().into_iter().filter(|(e, _)| matches(&filters, &e.file)).map(|(_, d)| d));
    crate::diag::sort(&mut diagnostics);
    let settings = site.check_settings().clone();
    let run = CheckRun::new(blocks, diagnostics)
        .with_settings(&settings)
        .with_deny_warnings(args.deny_warnings)
        .with_path_prefix(&dir.to_string_lossy());
    let baseline_name =
        site.baseline().map(|(_, name, in_book)| if in_book { run.path(name) } else { name.to_string() });
    let run = run.with_baseline(baseline_name);

    let format = args.format.unwrap_or(Format::Human);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let text = match format {
        Format::Human => human_report(&run, &site.sources(), args.notes, human::use_color(to_terminal)),
        // Terminal-like formats hide advisory notes unless asked; machine formats keep all.
        Format::Short | Format::Github if !args.notes => {
            let mut r = run.clone();
            r.diagnostics.retain(|d| !super::build::advisory(d));
            render_or_fail(&r, format, &mut err)
        }
        f => render_or_fail(&run, f, &mut err),
    };
    let Some(text) = text else { return exit::USAGE_OR_IO };
    let summary = run.summary().line();
    match &args.output {
        Some(path) => {
            if let Err(e) = crate::output::write_report(path, text.as_bytes()) {
                let _ = writeln!(err, "error: {e}");
                return exit::USAGE_OR_IO;
            }
            // The person at the terminal still gets the findings and the summary.
            if format != Format::Human {
                let color = human::use_color(std::io::stderr().is_terminal());
                if let Some(t) = human_report(&run, &site.sources(), false, color) {
                    let _ = err.write_all(t.as_bytes());
                }
            } else {
                let _ = writeln!(err, "{summary}");
            }
            let _ = writeln!(err, "report written to `{}`", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            if !matches!(format, Format::Human | Format::Github) {
                let _ = writeln!(err, "{summary}");
            }
        }
    }
    // A broken `book.toml` is a configuration error: exit 2, whatever the findings.
    if run.diagnostics.iter().any(|d| d.code == ToolCode::Config && d.severity == Severity::Error) {
        return exit::USAGE_OR_IO;
    }
    i32::from(run.exit_code())
}

fn render_or_fail(run: &CheckRun, format: Format, err: &mut impl Write) -> Option<String> {
    match report::render(run, format) {
        Ok(t) => Some(t),
        Err(e) => {
            let _ = writeln!(err, "error: cannot render the {} report: {e}", format.name());
            None
        }
    }
}

/// The human report: active findings rustc-style, grouped by file (they are sorted by file),
/// then the summary line.
fn human_report(
    run: &CheckRun,
    sources: &BTreeMap<Arc<str>, Arc<str>>,
    notes: bool,
    color: bool,
) -> Option<String> {
    let shown: Vec<Diagnostic> = run
        .diagnostics
        .iter()
        .filter(|d| d.disposition == Disposition::Active && (notes || !super::build::advisory(d)))
        .map(|d| {
            let mut d = d.clone();
            if let Some(l) = &mut d.location {
                l.file = Arc::from(run.path(&l.file));
            }
            // Without a published site, point at the rule's docs in the terminal.
            d.url = match run.url(&d) {
                Some(u) if report::is_absolute_url(&u) => Some(u),
                _ => d.code.rule().map(|r| format!("`topobook explain {}`", r.id)),
            };
            d
        })
        .collect();
    let prefixed: BTreeMap<Arc<str>, Arc<str>> =
        sources.iter().map(|(k, v)| (Arc::from(run.path(k)), v.clone())).collect();
    let mut text = human::render_all(&shown, &prefixed, color);
    let hidden = run
        .diagnostics
        .iter()
        .filter(|d| d.disposition == Disposition::Active && super::build::advisory(d))
        .count();
    text.push_str(&run.summary().line());
    text.push('\n');
    if !notes && hidden > 0 {
        text.push_str(&format!("({hidden} notes from advisory rules not shown; `--notes` shows them)\n"));
    }
    let baselined = run.diagnostics.iter().filter(|d| d.disposition == Disposition::Baselined).count();
    if baselined > 0 {
        let file = run.baseline.as_deref().unwrap_or("the baseline");
        text.push_str(&format!(
            "({baselined} baselined finding{} not shown: known in `{file}`; the other formats list them)\n",
            if baselined == 1 { "" } else { "s" }
        ));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_match_files_and_folders() {
        let f = vec!["content/secure".to_string()];
        assert!(matches(&f, "content/secure/a.md"));
        assert!(matches(&f, "content/secure"));
        assert!(!matches(&f, "content/secure-workspace.md"));
        assert!(matches(&[], "anything.md"));
        assert!(matches(&[String::new()], "anything.md"));
    }
}
