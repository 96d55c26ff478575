//! How a topology block appears in a page. Rust prepares plain data ([`BlockView`]); the
//! theme's templates decide the markup, and a book's theme can override any one of them:
//!
//! ```text
//! block/figure.html   figure.topology: caption (title, outcome pill, anchor), the body (the
//!                     author's image, the generated diagram and the diagram in words, then
//!                     the panel), then the YAML
//! block/panel.html    div.topology-panel: verdict, counter-example line, findings, notes,
//!                     suppressed findings
//! block/source.html   the highlighted YAML, numbered, offending lines marked (open when the
//!                     block fails, is invalid or is a counter-example)
//! ```
//!
//! Everything from the page or the topology is escaped by the template engine, or by the
//! highlighter and the diagram stage for the markup they hand over. No JavaScript is needed
//! to see any of it.

mod panel;
mod source;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
#[cfg(not(unix))]
use std::time::Instant;

use minijinja::Value;
use serde::Serialize;

use super::Renderer;
use crate::check::{BlockReport, Outcome};
use crate::diag::Diagnostic;
use crate::diagram::{self, DiagramOptions};
use crate::escape;

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
        escape::html_into(&mut out, first);
    }
    let rest: Vec<&str> = parts.collect();
    // An odd number of backticks leaves the last one as text.
    let pairs = rest.len() / 2 * 2;
    for (i, part) in rest.iter().enumerate() {
        if i >= pairs {
            out.push('`');
            escape::html_into(&mut out, part);
        } else if i % 2 == 0 {
            out.push_str("<code>");
            escape::html_into(&mut out, part);
            out.push_str("</code>");
        } else {
            escape::html_into(&mut out, part);
        }
    }
    out
}

/// The caption text of a block.
fn title(report: &BlockReport) -> &str {
    report.options.title.as_deref().unwrap_or("Network topology")
}

/// The author's image as the figure template sees it.
#[derive(Serialize)]
struct AuthorFigure<'a> {
    /// URL relative to the page (`None` when it cannot be shown).
    src: Option<&'a str>,
    /// Why it cannot be shown (Markdown-ish text: `code` spans), and how to fix that.
    problem: Option<&'a str>,
    help: Option<&'a str>,
}

/// Everything `block/figure.html` (and the `block/panel.html` and `block/source.html` it
/// includes) gets, as `block`: plain data; the templates decide the markup.
#[derive(Serialize)]
pub struct BlockView<'a> {
    /// Element id of the figure (`{id}-caption`, `{id}-L{n}` and the findings' anchors derive
    /// from it).
    id: &'a str,
    title: &'a str,
    /// Outcome word ("passed", "fails as expected"), CSS class (`pass`, `fail`, `expected`,
    /// `ignored`) and icon.
    outcome: &'static str,
    class: &'static str,
    icon: &'static str,
    /// Not checked (`ignore`): the panel's note and the YAML as written, nothing else.
    ignored: bool,
    figure: Option<AuthorFigure<'a>>,
    /// The generated diagram (SVG markup, escaped by the diagram stage), if drawn.
    diagram: Option<Value>,
    /// The whole diagram, when `diagram` draws alike parts once, for the expanded view
    /// (`js/diagram.js` reads it from a `<template class="tb-full">`).
    diagram_full: Option<Value>,
    /// Does the diagram hold elements a keyboard reaches (its badges)? Then its scrolling
    /// container must not be focusable itself.
    diagram_focusable: bool,
    /// The diagram in words ([`diagram::Description`]: a sentence, then a nested list of
    /// items, each `text` and `children`; text with `code` spans).
    description: Option<diagram::Description>,
    panel: panel::PanelView<'a>,
    source: source::SourceView,
}

/// The data of one topology block for the figure template. `highlighted_yaml` is the block's
/// YAML highlighted with one fragment per line (no element spans a newline), see
/// [`super::yaml`].
pub fn block_view<'a>(
    report: &'a BlockReport,
    highlighted_yaml: &'a str,
    ctx: &'a BlockContext<'a>,
) -> BlockView<'a> {
    let (outcome, class) = outcome_label(report.outcome);
    let ignored = report.outcome == Outcome::Ignored;
    let drawn = if ignored { None } else { draw(report) };
    let (svg, full, description, targets) = match drawn {
        Some(d) => (Some(d.svg), d.full, Some(d.description), d.targets),
        None => (None, None, None, Vec::new()),
    };
    let figure = if ignored { None } else { ctx.figure };
    let verdict = panel::verdict_text(report);
    let has_svg = svg.is_some();
    let shown = match report.outcome {
        Outcome::Ignored => source::Shown::Plain,
        Outcome::Failed | Outcome::Invalid | Outcome::ExpectedFail => source::Shown::Open,
        _ => source::Shown::Closed,
    };
    BlockView {
        id: &report.id,
        title: title(report),
        outcome,
        class,
        icon: outcome_icon(report.outcome),
        ignored,
        figure: figure.map(|f| AuthorFigure {
            src: f.problem.is_none().then_some(f.src.as_str()),
            problem: f.problem.as_ref().map(|d| d.message.as_str()),
            help: f.problem.as_ref().and_then(|d| d.help.as_deref()),
        }),
        diagram_focusable: svg.as_deref().is_some_and(has_focusable),
        description,
        diagram: svg.map(Value::from_safe_string),
        diagram_full: full.map(Value::from_safe_string),
        panel: panel::view(report, ctx, targets, verdict, has_svg),
        source: source::view(report, highlighted_yaml, ctx, shown),
    }
}

/// Draw the block's diagram (timed): the SVG, the whole one for the expanded view, the
/// description and what each finding is shown on.
fn draw(report: &BlockReport) -> Option<diagram::Drawn> {
    let started = crate::sys::thread_cpu();
    let drawn = diagram::draw(report, &DiagramOptions::default());
    DIAGRAM_NANOS
        .fetch_add(crate::sys::thread_cpu().saturating_sub(started).as_nanos() as u64, Ordering::Relaxed);
    if drawn.is_some() {
        DIAGRAMS.fetch_add(1, Ordering::Relaxed);
    }
    drawn
}

/// Does the SVG hold a link or anything else focusable?
fn has_focusable(svg: &str) -> bool {
    svg.contains("<a ") || svg.contains("tabindex=\"0\"")
}

/// The HTML of one topology block, rendered by the theme's `block/figure.html`.
pub fn block_html(
    renderer: &Renderer,
    report: &BlockReport,
    highlighted_yaml: &str,
    ctx: &BlockContext<'_>,
) -> String {
    renderer.render_block(&block_view(report, highlighted_yaml, ctx))
}

#[cfg(test)]
mod tests;
