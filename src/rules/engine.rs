//! Running the registry over one resolved topology.

use super::{Ctx, Eval, Finding, Findings, Profile, Rule, for_profile};
use crate::topology::resolve::Net;

/// What happened to one rule on one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleStatus {
    Passed,
    Failed,
    NotEvaluated(&'static str),
}

/// A rule's status and findings on one block.
#[derive(Clone, Debug)]
pub struct RuleResult {
    pub rule: &'static Rule,
    pub status: RuleStatus,
    pub findings: Vec<Finding>,
}

/// Run the rule versions of `profile` over `net`, in ID order.
pub fn run(net: &Net, profile: Profile) -> Vec<RuleResult> {
    let ctx = Ctx { net, profile };
    for_profile(profile)
        .iter()
        .map(|rule| {
            let mut out = Findings::default();
            let eval = (rule.check)(&ctx, &mut out);
            let status = match eval {
                Eval::NotEvaluated(why) if out.list.is_empty() => RuleStatus::NotEvaluated(why),
                _ if out.list.is_empty() => RuleStatus::Passed,
                _ => RuleStatus::Failed,
            };
            RuleResult { rule, status, findings: out.list }
        })
        .collect()
}
