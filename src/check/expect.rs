//! `expect=`: a block that is a deliberate counter-example must break exactly the rules it
//! names.

use std::collections::BTreeSet;

use super::suppress::unknown_rule_help;
use crate::diag::{Diagnostic, Disposition, Location, Severity, ToolCode};
use crate::rules::{self, Profile};

/// Mark the expected findings and report every difference between the rules named and the
/// rules that fired (errors at the fence). Returns whether the block broke exactly them.
pub(super) fn apply(
    expected: &[String],
    profile: Profile,
    findings: &mut [Diagnostic],
    fence: &Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    let mut wanted = BTreeSet::new();
    for e in expected {
        // The user typed the ID: match it loosely.
        match rules::by_id(e) {
            Some(r) => {
                wanted.insert(r.id);
            }
            None => {
                ok = false;
                diagnostics.push(
                    Diagnostic::error(ToolCode::BlockOption, format!("`expect=` names unknown rule `{e}`"))
                        .at(fence.clone())
                        .with_help(unknown_rule_help(e)),
                );
            }
        }
    }
    let fired: BTreeSet<&str> = findings
        .iter()
        .filter(|d| d.disposition == Disposition::Active && d.severity >= Severity::Warning)
        .filter_map(|d| d.code.rule().map(|r| r.id))
        .collect();
    for d in findings.iter_mut() {
        if d.disposition == Disposition::Active && d.code.rule().is_some_and(|r| wanted.contains(r.id)) {
            d.disposition = Disposition::Expected;
        }
    }
    for w in wanted.difference(&fired) {
        ok = false;
        let d = match rules::in_profile(w, profile) {
            Some(_) => Diagnostic::error(
                ToolCode::ExpectMismatch,
                format!("this block expects `{w}` to fire, but it did not"),
            )
            .with_help(format!("change the topology so that it breaks `{w}`, or remove it from `expect=`")),
            None => {
                let names: Vec<&str> = rules::profiles_of(w).into_iter().map(Profile::name).collect();
                Diagnostic::error(
                    ToolCode::ExpectMismatch,
                    format!("this block expects `{w}` to fire, but profile {profile} does not have `{w}`"),
                )
                .with_help(format!(
                    "`{w}` is in profile {}: check the block under it (`profile=` on the fence), or remove `{w}` from `expect=`",
                    if names.is_empty() { "none".to_string() } else { names.join(", ") }
                ))
            }
        };
        diagnostics.push(d.at(fence.clone()));
    }
    for f in fired.difference(&wanted) {
        ok = false;
        diagnostics.push(
            Diagnostic::error(
                ToolCode::ExpectMismatch,
                format!("`{f}` fired, but this block does not expect it"),
            )
            .at(fence.clone())
            .with_help(format!("add `{f}` to `expect=` or fix the topology so that it passes `{f}`")),
        );
    }
    ok
}
