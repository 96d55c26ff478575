//! The YAML of a topology block, highlighted, one `span.line` per line with its page line
//! number (`id="{block}-L{n}"`, so findings link to it), offending lines marked: a class for
//! the look, and `data-mark` ("error AML-KV-002") that the stylesheet shows at the end of the
//! line and screen readers read. Line numbers and marks are CSS generated content, so copying
//! the code copies the YAML alone.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use minijinja::Value;
use serde::Serialize;

use super::BlockContext;
use crate::check::BlockReport;
use crate::diag::{Diagnostic, Disposition, Severity};
use crate::escape;

/// How the YAML is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shown {
    /// In a `<details>`, open.
    Open,
    /// In a `<details>`, closed.
    Closed,
    /// Not collapsible (an `ignore` block is nothing but its YAML).
    Plain,
}

/// Weight and class of a mark; the worst finding of a line wins. Suppressed findings do not
/// mark lines.
fn mark_look(d: &Diagnostic) -> Option<(u8, &'static str)> {
    match (&d.disposition, d.severity) {
        (Disposition::Suppressed, _) => None,
        (Disposition::Expected, _) => Some((2, "expected")),
        (Disposition::Active, Severity::Error) => Some((4, "error")),
        (Disposition::Active, Severity::Warning) => Some((3, "warning")),
        (Disposition::Active, Severity::Note) => Some((1, "note")),
    }
}

/// The marks of the lines `first..first + count`: line → (look, texts).
fn marks(
    report: &BlockReport,
    ctx: &BlockContext<'_>,
    count: u32,
) -> BTreeMap<u32, ((u8, &'static str), Vec<String>)> {
    let mut out: BTreeMap<u32, ((u8, &'static str), Vec<String>)> = BTreeMap::new();
    let shown = ctx.first_line..ctx.first_line + count;
    for d in &report.diagnostics {
        let Some(look) = mark_look(d) else { continue };
        let Some(loc) = d.location.as_ref().filter(|l| *l.file == *ctx.source_path) else { continue };
        let start = loc.start.line;
        // A span that ends at the start of a line does not mark that line.
        let end = if loc.end.line > start && loc.end.column == 1 { loc.end.line - 1 } else { loc.end.line };
        let text = match d.disposition {
            Disposition::Expected => format!("expected {}", d.code),
            _ => format!("{} {}", d.severity, d.code),
        };
        for line in start.max(shown.start)..=end.max(start).min(shown.end.saturating_sub(1)) {
            let e = out.entry(line).or_insert((look, Vec::new()));
            if look.0 > e.0.0 {
                e.0 = look;
            }
            if !e.1.contains(&text) {
                e.1.push(text.clone());
            }
        }
    }
    out
}

/// The YAML as `block/source.html` sees it (`block.source`).
#[derive(Serialize)]
pub(super) struct SourceView {
    /// `open`, `closed` (a folded `<details>`) or `plain` (not collapsible).
    shown: &'static str,
    /// Number of lines, and of marked lines.
    count: u32,
    marked: usize,
    /// The numbered lines: the highlighter's output, one `span.line` per line with its id
    /// (`{block.id}-L{n}`, where findings link), `data-line` and, on an offending line, a
    /// `line-mark line-{error,warning,note,expected}` class and `data-mark` ("error
    /// AML-KV-002"). Written here rather than in a template loop: a template iteration per
    /// line made the build of a 1,000-page book a tenth slower.
    listing: Value,
}

pub(super) fn view(
    report: &BlockReport,
    highlighted_yaml: &str,
    ctx: &BlockContext<'_>,
    shown: Shown,
) -> SourceView {
    let lines: Vec<&str> =
        highlighted_yaml.strip_suffix('\n').unwrap_or(highlighted_yaml).split('\n').collect();
    let count = if highlighted_yaml.is_empty() { 0 } else { lines.len() as u32 };
    let marks = marks(report, ctx, count);
    let id = escape::html(&report.id);
    let mut listing = String::with_capacity(highlighted_yaml.len() + lines.len() * (id.len() + 48));
    for (i, l) in lines.iter().enumerate().take(count as usize) {
        let n = ctx.first_line + i as u32;
        match marks.get(&n) {
            Some(((_, class), texts)) => {
                let _ = write!(
                    listing,
                    "<span class=\"line line-mark line-{class}\" id=\"{id}-L{n}\" data-line=\"{n}\" data-mark=\""
                );
                escape::html_into(&mut listing, &texts.join(", "));
                let _ = writeln!(listing, "\">{l}</span>");
            }
            None => {
                let _ =
                    writeln!(listing, "<span class=\"line\" id=\"{id}-L{n}\" data-line=\"{n}\">{l}</span>");
            }
        }
    }
    let shown = match shown {
        Shown::Open => "open",
        Shown::Closed => "closed",
        Shown::Plain => "plain",
    };
    SourceView { shown, count, marked: marks.len(), listing: Value::from_safe_string(listing) }
}
