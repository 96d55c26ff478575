//! The YAML of a topology block, highlighted, one `span.line` per line with its page line
//! number (`id="{block}-L{n}"`, so findings link to it), offending lines marked: a class for
//! the look, and `data-mark` ("error AML-KV-002") that the stylesheet shows at the end of the
//! line and screen readers read. Line numbers and marks are CSS generated content, so copying
//! the code copies the YAML alone.

use std::collections::BTreeMap;

use minijinja::Value;
use serde::Serialize;

use super::BlockContext;
use crate::diag::{Diagnostic, Disposition, Severity};
use crate::topology::BlockReport;

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

/// One line of the YAML.
#[derive(Serialize)]
struct Line {
    /// Line number in the page (the element id is `{block.id}-L{n}`).
    n: u32,
    /// The highlighted line (markup from the highlighter, which escaped the text).
    html: Value,
    /// The mark's class (`error`, `warning`, `note`, `expected`) and text ("error
    /// AML-KV-002, warning AML-NET-004"), on an offending line.
    mark: Option<&'static str>,
    mark_text: Option<String>,
}

/// The YAML as `block/source.html` sees it (`block.source`).
#[derive(Serialize)]
pub(super) struct SourceView {
    /// `open`, `closed` (a folded `<details>`) or `plain` (not collapsible).
    shown: &'static str,
    /// Number of lines, and of marked lines.
    count: u32,
    marked: usize,
    lines: Vec<Line>,
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
    let mut marks = marks(report, ctx, count);
    let marked = marks.len();
    let lines = lines
        .iter()
        .take(count as usize)
        .enumerate()
        .map(|(i, l)| {
            let n = ctx.first_line + i as u32;
            let mark = marks.remove(&n);
            Line {
                n,
                html: Value::from_safe_string((*l).to_string()),
                mark: mark.as_ref().map(|((_, class), _)| *class),
                mark_text: mark.map(|(_, texts)| texts.join(", ")),
            }
        })
        .collect();
    let shown = match shown {
        Shown::Open => "open",
        Shown::Closed => "closed",
        Shown::Plain => "plain",
    };
    SourceView { shown, count, marked, lines }
}
