//! The status panel of a topology block: the verdict line, the counter-example line of an
//! `expect=` block, then every finding with its severity (icon and text), rule ID linked to
//! its reference page, message, fix, where the diagram shows it and a link to its line in the
//! YAML. Notes and suppressed findings are folded under their own summaries so that they do
//! not drown the errors.
//!
//! Each finding's element id is [`diagram::finding_anchor`], which the diagram's badges
//! link to.

use serde::Serialize;

use super::BlockContext;
use crate::check::{BlockReport, Outcome};
use crate::diag::{Diagnostic, Disposition, Severity};
use crate::diagram;
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

/// The verdict line: what the diagram's `<desc>` says (text with `code` spans).
pub(super) fn verdict_text(report: &BlockReport) -> String {
    match report.outcome {
        Outcome::Ignored => {
            "Not checked: this block is marked `ignore`, so it is shown as written and no rule runs on it."
                .to_string()
        }
        _ => capitalise(&diagram::verdict(report)),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// A diagnostic code as the panel shows it: a rule (linked to its reference page, with its
/// title) or a tool code (`yaml-syntax`).
#[derive(Serialize)]
pub(super) struct CodeRef<'a> {
    /// The code's string form (`AML-KV-002`, `yaml-syntax`).
    id: String,
    /// The rule's reference page, relative to the page; `None` for a tool code.
    url: Option<String>,
    title: Option<&'a str>,
}

fn code_ref(rule: Option<&'static Rule>, code: &str, root: &str) -> CodeRef<'static> {
    match rule {
        Some(rule) => CodeRef {
            id: rule.id.to_string(),
            url: Some(format!("{root}{}", rule.page_path())),
            title: Some(rule.title),
        },
        None => CodeRef { id: code.to_string(), url: None, title: None },
    }
}

/// Where a finding is in the page.
#[derive(Serialize)]
struct Place {
    /// `yaml`: a line of the YAML shown (a link to it), `fence`: the fence line, `page`:
    /// another line of the page.
    kind: &'static str,
    line: u32,
}

fn place(d: &Diagnostic, report: &BlockReport, ctx: &BlockContext<'_>, lines: u32) -> Option<Place> {
    let loc = d.location.as_ref().filter(|l| *l.file == *ctx.source_path)?;
    let line = loc.start.line;
    let kind = if (ctx.first_line..ctx.first_line + lines).contains(&line) {
        "yaml"
    } else if line == report.fence.start.line {
        "fence"
    } else {
        "page"
    };
    Some(Place { kind, line })
}

/// One finding of the panel.
#[derive(Serialize)]
struct FindingView<'a> {
    /// Element id ([`diagram::finding_anchor`]), where the diagram's badges link to.
    anchor: String,
    /// `error`, `warning`, `note`, `expected`, `suppressed`; icon and visible text.
    class: &'static str,
    icon: &'static str,
    severity: String,
    code: CodeRef<'static>,
    /// Texts with `code` spans.
    message: &'a str,
    help: Option<&'a str>,
    /// What else to know (e.g. that a finding is new under the profile the run asked for).
    note: Option<&'a str>,
    /// Why a suppressed finding is suppressed.
    reason: Option<&'a str>,
    /// Is there a diagram to show it on; what it is shown on (`None`: the whole-block strip).
    on_diagram: bool,
    target: Option<String>,
    place: Option<Place>,
}

/// A folded group of findings (notes, suppressed findings).
#[derive(Serialize)]
struct FoldedGroup<'a> {
    class: &'static str,
    icon: &'static str,
    /// "2 notes", "1 suppressed finding".
    summary: String,
    findings: Vec<FindingView<'a>>,
}

/// The panel as `block/panel.html` sees it (`block.panel`).
#[derive(Serialize)]
pub(super) struct PanelView<'a> {
    /// The verdict line (text with `code` spans).
    verdict: String,
    /// The YAML could not be read.
    invalid: bool,
    /// The rules an `expect=` block is meant to break, and whether it does.
    expect: Option<Vec<CodeRef<'static>>>,
    fails_as_expected: bool,
    /// Errors, warnings and expected findings, in that order.
    findings: Vec<FindingView<'a>>,
    /// Notes, then suppressed findings, each folded (only the groups that have some).
    groups: Vec<FoldedGroup<'a>>,
}

fn finding<'a>(
    report: &BlockReport,
    ctx: &BlockContext<'_>,
    n: usize,
    d: &'a Diagnostic,
    targets: &mut [Option<String>],
    on_diagram: bool,
    lines: u32,
) -> FindingView<'a> {
    let (class, icon, severity) = severity_look(d);
    FindingView {
        anchor: diagram::finding_anchor(&report.id, n),
        class,
        icon,
        severity,
        code: code_ref(d.code.rule(), d.code.as_str(), ctx.root),
        message: &d.message,
        help: d.help.as_deref(),
        note: d.note.as_deref(),
        reason: (d.disposition == Disposition::Suppressed)
            .then(|| d.suppression_reason.as_deref().unwrap_or("no reason given")),
        on_diagram,
        target: targets.get_mut(n).and_then(Option::take),
        place: place(d, report, ctx, lines),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The panel of a block. `targets` are [`diagram::finding_targets`] (empty without a diagram).
pub(super) fn view<'a>(
    report: &'a BlockReport,
    ctx: &BlockContext<'_>,
    mut targets: Vec<Option<String>>,
    verdict: String,
    on_diagram: bool,
) -> PanelView<'a> {
    let lines = report.source.yaml.lines().count().max(1) as u32;
    let mut groups: [Vec<(usize, &Diagnostic)>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (n, d) in report.diagnostics.iter().enumerate() {
        groups[group(d) as usize].push((n, d));
    }
    groups[0].sort_by_key(|&(n, d)| (rank(d), n));
    let views = groups.map(|items| {
        items
            .into_iter()
            .map(|(n, d)| finding(report, ctx, n, d, &mut targets, on_diagram, lines))
            .collect::<Vec<_>>()
    });
    let [main, notes, suppressed] = views;
    let mut folded = Vec::new();
    for (findings, class, icon, one, many) in [
        (notes, "notes", "ℹ", "note", "notes"),
        (suppressed, "suppressed", "○", "suppressed finding", "suppressed findings"),
    ] {
        if !findings.is_empty() {
            folded.push(FoldedGroup { class, icon, summary: plural(findings.len(), one, many), findings });
        }
    }
    PanelView {
        verdict,
        invalid: report.outcome == Outcome::Invalid,
        // The author typed these IDs: look them up as `expect=` does.
        expect: report
            .options
            .expect
            .as_ref()
            .map(|ids| ids.iter().map(|id| code_ref(rules::by_id(id), id, ctx.root)).collect()),
        fails_as_expected: report.outcome == Outcome::ExpectedFail,
        findings: main,
        groups: folded,
    }
}
