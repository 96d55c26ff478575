//! The status panel of a topology block: the verdict line, the counter-example line of an
//! `expect=` block, then every finding with its severity (icon and text), rule ID linked to
//! its reference page, message, fix, where the diagram shows it and a link to its line in the
//! YAML. Notes and suppressed findings are folded under their own summaries so that they do
//! not drown the errors.
//!
//! Each finding's element id is [`diagram::finding_anchor`], which the diagram's badges
//! link to.

use std::fmt::Write as _;

use super::{BlockContext, inline_code, outcome_icon, outcome_label, title};
use crate::check::{BlockReport, Outcome};
use crate::diag::{Diagnostic, Disposition, Severity};
use crate::diagram;
use crate::markdown::escape;
use crate::rules::{self, Rule};

/// Where a finding goes in the panel.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    /// Errors, warnings, and what an `expect=` block breaks on purpose.
    Main,
    Notes,
    Suppressed,
}

fn group(d: &Diagnostic) -> Group {
    match (&d.disposition, d.severity) {
        (Disposition::Suppressed, _) => Group::Suppressed,
        (Disposition::Active, Severity::Note) => Group::Notes,
        _ => Group::Main,
    }
}

/// Order in the main list: errors, warnings, expected findings (then page order).
fn rank(d: &Diagnostic) -> u8 {
    match (&d.disposition, d.severity) {
        (Disposition::Active, Severity::Error) => 0,
        (Disposition::Active, Severity::Warning) => 1,
        (Disposition::Expected, _) => 2,
        _ => 3,
    }
}

/// CSS class, icon and visible text of a finding's severity.
fn severity_look(d: &Diagnostic) -> (&'static str, &'static str, String) {
    let sev = d.severity.as_str();
    match d.disposition {
        Disposition::Active => match d.severity {
            Severity::Error => ("error", "✖", "Error".into()),
            Severity::Warning => ("warning", "▲", "Warning".into()),
            Severity::Note => ("note", "ℹ", "Note".into()),
        },
        Disposition::Expected => ("expected", "◆", format!("Expected {sev}")),
        Disposition::Suppressed => ("suppressed", "○", format!("Suppressed {sev}")),
    }
}

/// The verdict line: what the diagram's `<desc>` says, with `code` spans.
fn verdict_html(out: &mut String, report: &BlockReport) {
    let (_, class) = outcome_label(report.outcome);
    let text = match report.outcome {
        Outcome::Ignored => {
            "Not checked: this block is marked `ignore`, so it is shown as written and no rule runs on it."
                .to_string()
        }
        _ => capitalise(&diagram::verdict(report)),
    };
    let _ = write!(
        out,
        "<p class=\"topology-verdict verdict-{class}\"><span class=\"verdict-icon\" aria-hidden=\"true\">{}</span> <span class=\"verdict-text\">{}</span></p>",
        outcome_icon(report.outcome),
        inline_code(&text)
    );
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// A link to a rule's reference page, with its title; a tool code (`yaml-syntax`) as code.
fn rule_ref(out: &mut String, rule: Option<&Rule>, code: &str, root: &str, with_title: bool) {
    match rule {
        Some(rule) => {
            let _ = write!(
                out,
                "<a class=\"finding-rule\" href=\"{}{}\">{}</a>",
                escape(root),
                escape(&rule.page_path()),
                escape(rule.id)
            );
            if with_title {
                let _ = write!(out, " <span class=\"finding-rule-title\">{}</span>", escape(rule.title));
            }
        }
        None => {
            let _ = write!(out, "<code class=\"finding-code\">{}</code>", escape(code));
        }
    }
}

/// Where the finding is: its line in the YAML (a link), or the fence line.
fn where_html(d: &Diagnostic, report: &BlockReport, ctx: &BlockContext<'_>, lines: u32) -> Option<String> {
    let loc = d.location.as_ref().filter(|l| *l.file == *ctx.source_path)?;
    let line = loc.start.line;
    if (ctx.first_line..ctx.first_line + lines).contains(&line) {
        let id = escape(&report.id);
        Some(format!(
            "<a class=\"finding-line\" href=\"#{id}-L{line}\"><span aria-hidden=\"true\">↓</span> YAML line {line}</a>"
        ))
    } else if line == report.fence.start.line {
        Some(format!("fence line {line}"))
    } else {
        Some(format!("line {line}"))
    }
}

struct Item<'a> {
    n: usize,
    d: &'a Diagnostic,
}

fn finding_html(out: &mut String, report: &BlockReport, it: &Item<'_>, cx: &Cx<'_>) {
    let d = it.d;
    let (class, icon, text) = severity_look(d);
    let anchor = escape(&diagram::finding_anchor(&report.id, it.n));
    let _ = write!(
        out,
        "<li class=\"finding finding-{class}\" id=\"{anchor}\"><p class=\"finding-head\"><span class=\"finding-severity\"><span class=\"sev-icon\" aria-hidden=\"true\">{icon}</span> {text}</span> "
    );
    rule_ref(out, d.code.rule(), d.code.as_str(), cx.ctx.root, true);
    let _ = write!(out, "</p><p class=\"finding-message\">{}</p>", inline_code(&d.message));
    if let Some(help) = &d.help {
        let _ = write!(
            out,
            "<p class=\"finding-fix\"><span class=\"finding-label\">Fix</span> {}</p>",
            inline_code(help)
        );
    }
    if d.disposition == Disposition::Suppressed {
        let reason = d.suppression_reason.as_deref().unwrap_or("no reason given");
        let _ = write!(
            out,
            "<p class=\"finding-reason\"><span class=\"finding-label\">Reason</span> {}</p>",
            inline_code(reason)
        );
    }
    let mut meta = Vec::new();
    if cx.has_diagram {
        match cx.targets.get(it.n).and_then(Option::as_deref) {
            Some(t) => meta.push(format!("shown on {}", inline_code(t))),
            None => meta.push("shown on the diagram's whole-block strip".to_string()),
        }
    }
    if let Some(w) = where_html(d, report, cx.ctx, cx.lines) {
        meta.push(w);
    }
    if !meta.is_empty() {
        let _ = write!(out, "<p class=\"finding-where\">{}</p>", meta.join(" · "));
    }
    out.push_str("</li>");
}

struct Cx<'a> {
    ctx: &'a BlockContext<'a>,
    targets: &'a [Option<String>],
    has_diagram: bool,
    lines: u32,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The panel of a block. `targets` are [`diagram::finding_targets`] (empty without a diagram).
pub(super) fn panel(
    out: &mut String,
    report: &BlockReport,
    ctx: &BlockContext<'_>,
    targets: &[Option<String>],
    has_diagram: bool,
) {
    let _ = write!(
        out,
        "<div class=\"topology-panel\" role=\"group\" aria-label=\"Validation of {}\">",
        escape(title(report))
    );
    verdict_html(out, report);
    if report.outcome == Outcome::Invalid {
        out.push_str(
            "<p class=\"topology-explain\">The YAML could not be read, so no rule ran and no diagram is drawn. Fix the error below; its line is marked in the YAML.</p>",
        );
    }
    if let Some(expected) = &report.options.expect {
        let ids: Vec<&str> = expected.iter().map(String::as_str).collect();
        out.push_str("<p class=\"topology-counter\"><span class=\"counter-icon\" aria-hidden=\"true\">◆</span> <strong>Counter-example.</strong> This example is meant to break ");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                out.push_str(if i + 1 == ids.len() { " and " } else { ", " });
            }
            // The author typed these IDs: look them up as `expect=` does.
            rule_ref(out, rules::by_id(id), id, ctx.root, false);
        }
        out.push_str(if report.outcome == Outcome::ExpectedFail {
            ", and it does: do not copy it as is.</p>"
        } else {
            ".</p>"
        });
    }
    let lines = report.source.yaml.lines().count().max(1) as u32;
    let cx = Cx { ctx, targets, has_diagram, lines };
    let mut groups: [Vec<Item<'_>>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (n, d) in report.diagnostics.iter().enumerate() {
        groups[group(d) as usize].push(Item { n, d });
    }
    groups[0].sort_by_key(|it| (rank(it.d), it.n));
    let [main, notes, suppressed] = groups;
    if !main.is_empty() {
        out.push_str("<ol class=\"findings\">");
        for it in &main {
            finding_html(out, report, it, &cx);
        }
        out.push_str("</ol>");
    }
    for (items, class, icon, one, many) in [
        (&notes, "notes", "ℹ", "note", "notes"),
        (&suppressed, "suppressed", "○", "suppressed finding", "suppressed findings"),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "<details class=\"finding-group finding-group-{class}\"><summary><span aria-hidden=\"true\">{icon}</span> {}</summary><ol class=\"findings\">",
            plural(items.len(), one, many)
        );
        for it in items {
            finding_html(out, report, it, &cx);
        }
        out.push_str("</ol></details>");
    }
    out.push_str("</div>\n");
}
