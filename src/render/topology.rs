//! How a topology block appears in a page. One function, [`block_html`], that the diagram
//! work replaces: today a figure with the title, the verdict, the diagnostics and the
//! highlighted YAML with numbered lines.

use std::fmt::Write as _;

use crate::diag::Severity;
use crate::markdown::escape;
use crate::topology::{BlockReport, Outcome};

/// Where the block is rendered.
#[derive(Clone, Copy, Debug)]
pub struct BlockContext<'a> {
    /// Site path of the page (`guide/secure.html`).
    pub page_path: &'a str,
    /// Relative path from the page to the site root (`../`, or empty at the root).
    pub root: &'a str,
    /// Line of the page (1-based) holding the first line of the YAML.
    pub first_line: u32,
}

/// The label and CSS class of an outcome.
pub fn outcome_label(outcome: Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Passed => ("passed", "pass"),
        Outcome::Failed => ("failed", "fail"),
        Outcome::ExpectedFail => ("fails as expected", "expected"),
        Outcome::Ignored => ("not checked", "ignored"),
        Outcome::Invalid => ("invalid", "fail"),
    }
}

fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖",
        Severity::Warning => "▲",
        Severity::Note => "ℹ",
    }
}

/// The HTML of one topology block. `highlighted_yaml` is the block's YAML highlighted with
/// one fragment per line (no element spans a newline), see [`super::yaml`].
pub fn block_html(report: &BlockReport, highlighted_yaml: &str, ctx: &BlockContext<'_>) -> String {
    let id = escape(&report.id);
    let (label, class) = outcome_label(report.outcome);
    let mut out = String::with_capacity(highlighted_yaml.len() + 1024);
    let _ = write!(out, "<figure class=\"topology topology-{class}\" id=\"{id}\">");
    let title = report.options.title.as_deref().unwrap_or("Network topology");
    let _ = write!(
        out,
        "<figcaption><span class=\"topology-title\">{}</span> <span class=\"topology-status status-{class}\">{}</span></figcaption>",
        escape(title),
        escape(label)
    );
    let line_count = highlighted_yaml.trim_end_matches('\n').split('\n').count() as u32;
    let shown = ctx.first_line..ctx.first_line + line_count;
    if !report.diagnostics.is_empty() {
        out.push_str("<ul class=\"topology-findings\">");
        for d in &report.diagnostics {
            let sev = d.severity.as_str();
            let line = d.location.as_ref().map(|l| l.start.line);
            let _ = write!(
                out,
                "<li class=\"finding finding-{sev}\"><span class=\"finding-severity\">{} {sev}</span> <code>{}</code> {}",
                severity_icon(d.severity),
                escape(&d.code),
                escape(&d.message)
            );
            if let Some(line) = line.filter(|l| shown.contains(l)) {
                let _ = write!(out, " <a class=\"finding-line\" href=\"#{id}-L{line}\">line {line}</a>");
            }
            if let Some(help) = &d.help {
                let _ = write!(out, "<div class=\"finding-help\">help: {}</div>", escape(help));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    // Lines carry their line number in the page, so findings can link to them.
    out.push_str("<div class=\"code-block\"><pre class=\"hl-code\"><code class=\"language-yaml\">");
    let mut lines = highlighted_yaml.split('\n').peekable();
    let mut n = ctx.first_line;
    while let Some(l) = lines.next() {
        if lines.peek().is_none() && l.is_empty() {
            break;
        }
        let _ = writeln!(out, "<span class=\"line\" id=\"{id}-L{n}\" data-line=\"{n}\">{l}</span>");
        n += 1;
    }
    out.push_str("</code></pre></div></figure>\n");
    out
}
