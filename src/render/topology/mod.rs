//! How a topology block appears in a page: [`block_html`] draws the whole figure.
//!
//! ```text
//! figure.topology            caption: title, outcome pill, anchor
//!   div.topology-body        one column, two side by side when the figure is wide enough
//!     div.topology-visual    the author's image (`figure=`), the generated diagram (SVG)
//!     div.topology-panel     verdict, counter-example line, findings, notes, suppressed
//!   details.topology-source  the highlighted YAML, offending lines marked (open when the
//!                            block fails, is invalid or is a counter-example)
//! ```
//!
//! Everything from the page or the topology is escaped here or by the highlighter; the SVG
//! escapes its own text. No JavaScript is needed to see any of it.

mod panel;
mod source;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
#[cfg(not(unix))]
use std::time::Instant;

use crate::check::{BlockReport, Outcome};
use crate::diag::Diagnostic;
use crate::diagram::{self, DiagramOptions};
use crate::markdown::escape;

/// An author's own image for a block (`figure=path`), as the site resolved it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// The image URL relative to the page (as written in `figure=`), or an `https:` URL.
    pub src: String,
    /// Why the image cannot be shown (not in the book, outside it); the diagnostic is also
    /// reported at the fence line.
    pub problem: Option<Diagnostic>,
}

/// Where the block is rendered.
#[derive(Clone, Copy, Debug)]
pub struct BlockContext<'a> {
    /// Site path of the page (`guide/secure.html`).
    pub page_path: &'a str,
    /// Relative path from the page to the site root (`../`, or empty at the root).
    pub root: &'a str,
    /// Line of the page (1-based) holding the first line of the YAML.
    pub first_line: u32,
    /// Book path of the page's Markdown file (`content/guide/secure.md`): only diagnostics
    /// located in it point at lines of the YAML shown (not those in an included file).
    pub source_path: &'a str,
    /// The author's image, for a block with `figure=`.
    pub figure: Option<&'a Figure>,
}

/// Time spent drawing diagrams (summed over threads) and how many were drawn, since the
/// process started: what `TOPOBOOK_TIMINGS` and the build benchmark report.
static DIAGRAM_NANOS: AtomicU64 = AtomicU64::new(0);
static DIAGRAMS: AtomicU64 = AtomicU64::new(0);

/// CPU time spent in [`diagram::draw`] so far, summed over threads, and the number of
/// diagrams drawn.
pub fn diagram_stats() -> (Duration, u64) {
    (Duration::from_nanos(DIAGRAM_NANOS.load(Ordering::Relaxed)), DIAGRAMS.load(Ordering::Relaxed))
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

/// The icon of an outcome (always shown with its text).
pub fn outcome_icon(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "✔",
        Outcome::Failed | Outcome::Invalid => "✖",
        Outcome::ExpectedFail => "◆",
        Outcome::Ignored => "○",
    }
}

/// Escape `text` and turn its `` `code` `` spans into `<code>` (diagnostic messages name
/// things in backticks).
pub fn inline_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut parts = text.split('`');
    if let Some(first) = parts.next() {
        out.push_str(&escape(first));
    }
    let rest: Vec<&str> = parts.collect();
    // An odd number of backticks leaves the last one as text.
    let pairs = rest.len() / 2 * 2;
    for (i, part) in rest.iter().enumerate() {
        if i >= pairs {
            out.push('`');
            out.push_str(&escape(part));
        } else if i % 2 == 0 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

/// The caption text of a block.
fn title(report: &BlockReport) -> &str {
    report.options.title.as_deref().unwrap_or("Network topology")
}

/// The HTML of one topology block. `highlighted_yaml` is the block's YAML highlighted with
/// one fragment per line (no element spans a newline), see [`super::yaml`].
pub fn block_html(report: &BlockReport, highlighted_yaml: &str, ctx: &BlockContext<'_>) -> String {
    let id = escape(&report.id);
    let (label, class) = outcome_label(report.outcome);
    let title = title(report);
    let mut out = String::with_capacity(highlighted_yaml.len() * 2 + 16 * 1024);
    let _ = write!(
        out,
        "<figure class=\"topology topology-{class}\" id=\"{id}\" aria-labelledby=\"{id}-caption\">\
         <figcaption class=\"topology-head\" id=\"{id}-caption\"><span class=\"topology-title\">{}</span> \
         <span class=\"topology-status status-{class}\"><span aria-hidden=\"true\">{}</span> {label}</span>\
         <a class=\"topology-anchor\" href=\"#{id}\" aria-label=\"Link to this topology\">#</a></figcaption>",
        escape(title),
        outcome_icon(report.outcome),
    );
    out.push('\n');
    if report.outcome == Outcome::Ignored {
        // Not checked: a short note and the YAML as written, nothing else.
        out.push_str("<div class=\"topology-body topology-body-single\">");
        panel::panel(&mut out, report, ctx, &[], false);
        out.push_str("</div>\n");
        source::source(&mut out, report, highlighted_yaml, ctx, source::Shown::Plain);
        out.push_str("</figure>\n");
        return out;
    }
    let started = crate::sys::thread_cpu();
    let (svg, full, targets) = match diagram::draw(report, &DiagramOptions::default()) {
        Some(d) => (Some(d.svg), d.full, d.targets),
        None => (None, None, Vec::new()),
    };
    DIAGRAM_NANOS
        .fetch_add(crate::sys::thread_cpu().saturating_sub(started).as_nanos() as u64, Ordering::Relaxed);
    if svg.is_some() {
        DIAGRAMS.fetch_add(1, Ordering::Relaxed);
    }
    let figure = ctx.figure;
    let has_visual = svg.is_some() || figure.is_some();
    let _ =
        write!(out, "<div class=\"topology-body{}\">", if has_visual { "" } else { " topology-body-single" });
    if has_visual {
        out.push_str("<div class=\"topology-visual\">");
        let both = svg.is_some() && figure.is_some_and(|f| f.problem.is_none());
        if let Some(f) = figure {
            match &f.problem {
                None => {
                    let _ = write!(
                        out,
                        "<div class=\"topology-author-figure\"><img src=\"{}\" alt=\"{} (the author's figure)\" loading=\"lazy\">{}</div>",
                        escape(&f.src),
                        escape(title),
                        if both { "<p class=\"visual-caption\">The author's figure</p>" } else { "" }
                    );
                }
                Some(d) => {
                    let _ = write!(
                        out,
                        "<div class=\"topology-figure-missing\" role=\"note\"><p><strong><span aria-hidden=\"true\">▲</span> The author's figure cannot be shown:</strong> {}</p>{}</div>",
                        inline_code(&d.message),
                        d.help.as_deref().map(|h| format!("<p>{}</p>", inline_code(h))).unwrap_or_default()
                    );
                }
            }
        }
        if let Some(svg) = &svg {
            out.push_str("<div class=\"topology-diagram\">");
            out.push_str(svg);
            if let Some(full) = &full {
                // Every element, for the expanded view (js/diagram.js).
                let _ = write!(out, "<template class=\"tb-full\">{full}</template>");
            }
            if both {
                out.push_str("<p class=\"visual-caption\">Drawn from the YAML below</p>");
            }
            out.push_str("</div>");
        }
        out.push_str("</div>\n");
    }
    panel::panel(&mut out, report, ctx, &targets, svg.is_some());
    out.push_str("</div>\n");
    let shown = match report.outcome {
        Outcome::Failed | Outcome::Invalid | Outcome::ExpectedFail => source::Shown::Open,
        _ => source::Shown::Closed,
    };
    source::source(&mut out, report, highlighted_yaml, ctx, shown);
    out.push_str("</figure>\n");
    out
}

#[cfg(test)]
mod tests;
