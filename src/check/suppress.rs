//! `meta.suppress`: findings a block accepts on purpose, with a reason and an expiry date.

use std::ops::Range;

use super::CheckSettings;
use super::block::Locator;
use crate::diag::{Diagnostic, Disposition, ToolCode, did_you_mean};
use crate::rules::{self, Rule};
use crate::topology::Net;
use crate::topology::model::items;
use crate::topology::node::Node;

/// A valid, unexpired suppression.
pub(super) struct Suppression {
    rule: &'static Rule,
    reason: String,
    span: Range<usize>,
}

/// Read `meta.suppress`, reporting entries without a rule or reason, unknown rules, bad or
/// past expiry dates. Only valid, unexpired entries are returned.
pub(super) fn read(
    net: &Net,
    settings: &CheckSettings,
    locator: &Locator,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    let Some(meta) = &net.topo().meta else { return Vec::new() };
    let mut out = Vec::new();
    for (i, s) in items(&meta.suppress).enumerate() {
        let mut push = |d: Diagnostic| diagnostics.push(d.about(Node::Suppression(i)));
        let Some(rule) = &s.rule else {
            push(
                Diagnostic::error(ToolCode::Suppression, "suppression without a `rule`")
                    .at(locator.at(s.span.clone()))
                    .with_help("name the rule: `{rule: AML-ST-008, reason: \"...\"}`"),
            );
            continue;
        };
        // The user typed the ID: match it loosely, as `explain` does.
        let Some(r) = rules::by_id(&rule.value) else {
            push(
                Diagnostic::error(
                    ToolCode::Suppression,
                    format!("suppression names unknown rule `{}`", rule.value),
                )
                .at(locator.at(rule.span.clone()))
                .with_help(unknown_rule_help(&rule.value)),
            );
            continue;
        };
        let reason = s.reason.as_ref().map(|r| r.value.trim()).unwrap_or("");
        if reason.is_empty() {
            push(
                Diagnostic::error(ToolCode::Suppression, format!("suppression of `{}` has no reason", r.id))
                    .at(locator.at(rule.span.clone()))
                    .with_help(
                        "say why the finding is acceptable: `reason: \"...\"`; it is not applied without one",
                    ),
            );
            continue;
        }
        if let Some(exp) = &s.expires {
            match parse_date(&exp.value) {
                None => {
                    push(
                        Diagnostic::error(
                            ToolCode::Suppression,
                            format!("expiry `{}` is not a date", exp.value),
                        )
                        .at(locator.at(exp.span.clone()))
                        .with_help("write the date as `YYYY-MM-DD`"),
                    );
                    continue;
                }
                Some(date) if date < settings.today => {
                    push(
                        Diagnostic::warning(
                            ToolCode::Suppression,
                            format!(
                                "suppression of `{}` expired on {}; the finding counts again",
                                r.id, exp.value
                            ),
                        )
                        .at(locator.at(exp.span.clone()))
                        .with_help("fix the finding, or review the reason and set a new expiry date"),
                    );
                    continue;
                }
                Some(_) => {}
            }
        }
        out.push(Suppression { rule: r, reason: reason.to_string(), span: rule.span.clone() });
    }
    out
}

/// Mark the findings each suppression covers; warn about suppressions that cover nothing.
pub(super) fn apply(
    suppressions: &[Suppression],
    findings: &mut [Diagnostic],
    locator: &Locator,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut used = vec![false; suppressions.len()];
    for d in findings.iter_mut() {
        let Some(rule) = d.code.rule() else { continue };
        if let Some(i) = suppressions.iter().position(|s| s.rule.id == rule.id) {
            d.disposition = Disposition::Suppressed;
            d.suppression_reason = Some(suppressions[i].reason.clone());
            used[i] = true;
        }
    }
    for (s, used) in suppressions.iter().zip(used) {
        if !used {
            diagnostics.push(
                Diagnostic::warning(
                    ToolCode::Suppression,
                    format!("suppression of `{}` matches no finding", s.rule.id),
                )
                .at(locator.at(s.span.clone()))
                .with_help("remove the suppression; the rule no longer fires here"),
            );
        }
    }
}

/// "did you mean" for a rule ID a user typed.
pub(super) fn unknown_rule_help(typed: &str) -> String {
    did_you_mean(typed, rules::registry().iter().map(|r| r.id))
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_else(|| "run `topobook rules` to list the rule IDs".to_string())
}

fn parse_date(text: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), &format).ok()
}
