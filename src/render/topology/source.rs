//! The YAML of a topology block, highlighted, one `span.line` per line with its page line
//! number (`id="{block}-L{n}"`, so findings link to it), offending lines marked: a class for
//! the look, and `data-mark` ("error AML-KV-002") that the stylesheet shows at the end of the
//! line and screen readers read. Line numbers and marks are CSS generated content, so copying
//! the code copies the YAML alone.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::BlockContext;
use crate::check::BlockReport;
use crate::diag::{Diagnostic, Disposition, Severity};
use crate::markdown::escape;

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

pub(super) fn source(
    out: &mut String,
    report: &BlockReport,
    highlighted_yaml: &str,
    ctx: &BlockContext<'_>,
    shown: Shown,
) {
    let id = escape(&report.id);
    let lines: Vec<&str> =
        highlighted_yaml.strip_suffix('\n').unwrap_or(highlighted_yaml).split('\n').collect();
    let count = if highlighted_yaml.is_empty() { 0 } else { lines.len() as u32 };
    let marks = marks(report, ctx, count);
    if shown != Shown::Plain {
        let _ = write!(
            out,
            "<details class=\"topology-source\"{}><summary>YAML <span class=\"source-meta\">· {count} line{}{}</span></summary>",
            if shown == Shown::Open { " open" } else { "" },
            if count == 1 { "" } else { "s" },
            match marks.len() {
                0 => String::new(),
                1 => " · 1 line marked".to_string(),
                n => format!(" · {n} lines marked"),
            }
        );
    } else {
        out.push_str("<div class=\"topology-source\">");
    }
    out.push_str("<div class=\"code-block\"><pre class=\"hl-code\"><code class=\"language-yaml\">");
    for (i, l) in lines.iter().enumerate().take(count as usize) {
        let n = ctx.first_line + i as u32;
        match marks.get(&n) {
            Some(((_, class), texts)) => {
                let _ = writeln!(
                    out,
                    "<span class=\"line line-mark line-{class}\" id=\"{id}-L{n}\" data-line=\"{n}\" data-mark=\"{}\">{l}</span>",
                    escape(&texts.join(", "))
                );
            }
            None => {
                let _ = writeln!(out, "<span class=\"line\" id=\"{id}-L{n}\" data-line=\"{n}\">{l}</span>");
            }
        }
    }
    out.push_str("</code></pre></div>");
    out.push_str(if shown == Shown::Plain { "</div>\n" } else { "</details>\n" });
}
