//! `status.html`: every topology block of the book with its verdict, like a test report:
//! counts at the top, the failing blocks, then one table per page.

use minijinja::context;
use serde::Serialize;

use super::Site;
use crate::check::{BlockReport, Outcome, RuleState};
use crate::diag::{Diagnostic, Disposition, Severity};
use crate::diagram;
use crate::render::topology::{outcome_icon, outcome_label};
use crate::render::value;

#[derive(Serialize, Default)]
struct Summary {
    blocks: usize,
    passed: usize,
    failed: usize,
    expected: usize,
    ignored: usize,
    invalid: usize,
    errors: usize,
    warnings: usize,
    pages: usize,
    pages_failing: usize,
}

#[derive(Serialize)]
struct StatusBlock {
    id: String,
    title: Option<String>,
    /// From the site root: `guide/a.html#block-id`.
    url: String,
    outcome: &'static str,
    class: &'static str,
    icon: &'static str,
    verdict: String,
    errors: usize,
    warnings: usize,
    notes: usize,
    /// Rules with an active error or warning.
    failed: Vec<&'static str>,
    /// Rules an `expect=` block breaks on purpose.
    expected: Vec<&'static str>,
    /// Problems that are not rule findings (YAML, options, `expect=` mismatches).
    other: Vec<String>,
}

#[derive(Serialize)]
struct StatusPage {
    title: String,
    url: String,
    anchor: String,
    failing: usize,
    blocks: Vec<StatusBlock>,
}

/// Rules with an active error or warning on the block (notes do not fail anything).
fn failed_rules(report: &BlockReport) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = report
        .diagnostics
        .iter()
        .filter(|d| d.disposition == Disposition::Active && d.severity >= Severity::Warning)
        .filter_map(|d| d.code.rule().map(|r| r.id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn rule_ids(report: &BlockReport, state: &RuleState) -> Vec<&'static str> {
    report.rules.iter().filter(|r| r.state == *state).map(|r| r.rule.id).collect()
}

/// What the status page shows of a block; also the fingerprint incremental updates compare.
fn block(report: &BlockReport, page_path: &str) -> StatusBlock {
    let (outcome, class) = outcome_label(report.outcome);
    let t = report.tally();
    let other = report
        .diagnostics
        .iter()
        .filter(|d| {
            d.disposition == Disposition::Active && d.severity == Severity::Error && d.code.rule().is_none()
        })
        .map(|d: &Diagnostic| d.code.to_string())
        .fold(Vec::new(), |mut v, c| {
            if !v.contains(&c) {
                v.push(c);
            }
            v
        });
    StatusBlock {
        id: report.id.clone(),
        title: report.options.title.clone(),
        url: format!("{page_path}#{}", report.id),
        outcome,
        class: if report.outcome == Outcome::Invalid { "invalid" } else { class },
        icon: outcome_icon(report.outcome),
        verdict: diagram::verdict(report),
        errors: t.errors,
        warnings: t.warnings,
        notes: t.notes,
        failed: failed_rules(report),
        expected: rule_ids(report, &RuleState::Expected),
        other,
    }
}

/// A fingerprint of what the status page and the sidebar show of a block.
pub(super) fn fingerprint(report: &BlockReport) -> String {
    let b = block(report, "");
    format!(
        "{}|{:?}|{}|{}|{:?}|{:?}|{:?}",
        b.id, b.title, b.outcome, b.verdict, b.failed, b.expected, b.other
    )
}

impl Site {
    /// `status.html`: every topology block of the book and its verdict.
    pub(super) fn render_status(&self) -> Result<Vec<u8>, Box<Diagnostic>> {
        let mut summary = Summary::default();
        let mut pages = Vec::new();
        for i in self.reading_order() {
            let Some(p) = self.pages.get(i) else { continue };
            if p.reports.is_empty() {
                continue;
            }
            let blocks: Vec<StatusBlock> = p.reports.iter().map(|r| block(r, &p.out_path)).collect();
            for (b, r) in blocks.iter().zip(&p.reports) {
                summary.blocks += 1;
                summary.errors += b.errors;
                summary.warnings += b.warnings;
                match r.outcome {
                    Outcome::Passed => summary.passed += 1,
                    Outcome::Failed => summary.failed += 1,
                    Outcome::ExpectedFail => summary.expected += 1,
                    Outcome::Ignored => summary.ignored += 1,
                    Outcome::Invalid => summary.invalid += 1,
                }
            }
            summary.pages += 1;
            let failing = p.failing();
            if failing > 0 {
                summary.pages_failing += 1;
            }
            let anchor: String = p
                .out_path
                .trim_end_matches(".html")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
                .collect();
            pages.push(StatusPage {
                title: p.title.clone(),
                url: p.out_path.clone(),
                anchor: format!("page-{anchor}"),
                failing,
                blocks,
            });
        }
        let failures: Vec<(&StatusPage, &StatusBlock)> = pages
            .iter()
            .flat_map(|p| p.blocks.iter().map(move |b| (p, b)))
            .filter(|(_, b)| b.class == "fail" || b.class == "invalid")
            .collect();
        let failures: Vec<_> = failures
            .iter()
            .map(|(p, b)| {
                context! {
                    page => p.title.clone(),
                    block => b.title.clone().unwrap_or_else(|| b.id.clone()),
                    url => b.url.clone(),
                    verdict => b.verdict.clone(),
                }
            })
            .collect();
        let extra = context! {
            summary => value(&summary),
            pages => value(&pages),
            failures => failures,
        };
        self.simple_page("status.html", "Book status", "status.html", "", extra)
    }
}
