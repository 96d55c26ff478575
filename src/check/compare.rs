//! Moving a runbook to another profile: `topobook check --profile current` on a book whose own
//! profile is older checks each block that names no profile under both, and says what
//! changed. A finding that exists only under the run's profile gets a note ("new in profile
//! 2026-02: not reported under 2020-10"); a finding of the book's profile that the run's no
//! longer reports becomes a `profile-change` note at the same place.
//!
//! Findings are matched by rule ID and subject (the typed [`Loc`] they blame), as many times
//! as they occur: a rule that reports the same node twice under both profiles matches twice.

use std::collections::HashMap;

use super::block::Locator;
use crate::diag::{Diagnostic, ToolCode};
use crate::rules::{self, Profile};
use crate::topology::Net;
use crate::topology::node::Loc;

/// Compare `findings` (the rule diagnostics under `new`) with the findings of `old` on the
/// same network: mark the new ones, and add a note to `diagnostics` for each one that is gone.
pub(super) fn mark(
    net: &Net,
    old: Profile,
    new: Profile,
    findings: &mut [Diagnostic],
    locator: &Locator,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let before = rules::run(net, old);
    let mut unmatched: HashMap<(&str, Option<&Loc>), usize> = HashMap::new();
    for r in &before {
        for f in &r.findings {
            *unmatched.entry((r.rule.id, Some(&f.loc))).or_default() += 1;
        }
    }
    for d in findings.iter_mut() {
        let Some(rule) = d.code.rule() else { continue };
        match unmatched.get_mut(&(rule.id, d.subject.as_ref())) {
            Some(n) if *n > 0 => *n -= 1,
            _ => d.note = Some(format!("new in profile {new}: not reported under {old}")),
        }
    }
    for r in &before {
        for f in &r.findings {
            let Some(n) = unmatched.get_mut(&(r.rule.id, Some(&f.loc))) else { continue };
            if *n == 0 {
                continue;
            }
            *n -= 1;
            let why = match rules::in_profile(r.rule.id, new) {
                Some(_) => format!("the `{new}` version of `{}` does not report it", r.rule.id),
                None => format!("`{}` is not in profile `{new}`", r.rule.id),
            };
            diagnostics.push(
                Diagnostic::note(
                    ToolCode::ProfileChange,
                    format!("no longer reported under profile {new}: {} ({})", f.message, r.rule.id),
                )
                .at(locator.at(f.span.clone()))
                .about(f.loc.clone())
                .with_help(format!("{why}; `topobook explain {}` shows what each profile checks", r.rule.id))
                .with_note(format!("reported under profile {old}, the book's own")),
            );
        }
    }
}
