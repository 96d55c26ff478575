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
use crate::site::{Site, SiteOptions};

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

fn matches(filters: &[String], file: &str) -> bool {
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
    let site = match Site::load(&dir, SiteOptions { check: settings.clone() }) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    let blocks: Vec<_> =
        site.reports().filter(|(p, _)| matches(&filters, &p.source.path)).map(|(_, r)| r.clone()).collect();
    let diagnostics: Vec<Diagnostic> = site
        .diagnostics()
        .into_iter()
        .filter(|d| {
            d.location.as_ref().is_none_or(|l| matches(&filters, &l.file) || l.file.as_ref() == "book.toml")
        })
        .collect();
    let settings = site.check_settings().clone();
    let run = CheckRun::new(blocks, diagnostics)
        .with_settings(&settings)
        .with_deny_warnings(args.deny_warnings)
        .with_path_prefix(&dir.to_string_lossy());

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
        .filter(|d| d.disposition == Disposition::Active && d.severity == Severity::Note)
        .count();
    text.push_str(&run.summary().line());
    text.push('\n');
    if !notes && hidden > 0 {
        text.push_str(&format!("({hidden} notes from advisory rules not shown; `--notes` shows them)\n"));
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
