//! `expect=`: a block that is a deliberate counter-example must break exactly the rules it
//! names (and, with `flow-mismatch`, contradict one of its `flows:` claims).

use std::collections::BTreeSet;

use crate::diag::{Code, Diagnostic, Disposition, Location, Severity, ToolCode, did_you_mean};
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
            None if ToolCode::parse(e) == Some(ToolCode::FlowMismatch) => {
                wanted.insert(ToolCode::FlowMismatch.as_str());
            }
            None => {
                ok = false;
                diagnostics.push(
                    Diagnostic::error(ToolCode::BlockOption, format!("`expect=` names unknown rule `{e}`"))
                        .at(fence.clone())
                        .with_help(unknown_code_help(e)),
                );
            }
        }
    }
    let fired: BTreeSet<&str> = findings.iter().filter_map(expectable).collect();
    for d in findings.iter_mut() {
        if expectable(d).is_some_and(|c| wanted.contains(c)) {
            d.disposition = Disposition::Expected;
        }
    }
    for w in wanted.difference(&fired) {
        ok = false;
        let is_rule = rules::by_id(w).is_some();
        let d = match rules::in_profile(w, profile) {
            _ if !is_rule => Diagnostic::error(
                ToolCode::ExpectMismatch,
                format!("this block expects `{w}` to fire, but it did not"),
            )
            .with_help(
                "change a flow's `expect:` so that the topology contradicts it, or remove it from `expect=`",
            ),
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

/// The code an `expect=` can name, of a finding that counts: a rule at warning or error, or a
/// flow claim the topology contradicts (a flow the model cannot decide is a warning, not a
/// contradiction).
fn expectable(d: &Diagnostic) -> Option<&'static str> {
    if d.disposition != Disposition::Active {
        return None;
    }
    match d.code {
        Code::Rule(r) if d.severity >= Severity::Warning => Some(r.id),
        Code::Tool(ToolCode::FlowMismatch) if d.severity == Severity::Error => {
            Some(ToolCode::FlowMismatch.as_str())
        }
        _ => None,
    }
}

/// "did you mean" for a code typed in `expect=`: a rule ID or `flow-mismatch`.
fn unknown_code_help(typed: &str) -> String {
    let codes = rules::registry().iter().map(|r| r.id).chain([ToolCode::FlowMismatch.as_str()]);
    did_you_mean(typed, codes)
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_else(|| "run `topobook rules` to list the rule IDs (or name `flow-mismatch`)".to_string())
}
