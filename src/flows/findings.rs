//! Flows as findings: a flow whose `expect:` the topology contradicts is a `flow-mismatch`
//! error at the flow's line, its message the trace, its help the fix; a flow with `expect:`
//! that cannot be decided is a `flow-mismatch` warning naming what the model lacks. Flows
//! without `expect:` are questions: answered, never findings.

use std::ops::Range;

use super::types::{Element, FlowResult, HopKind, Step, Verdict};
use crate::diag::{Diagnostic, Location, ToolCode};
use crate::topology::model::Expect;
use crate::topology::node::Node;
use crate::topology::resolve::Net;

/// Evaluate the block's flows and turn the failing expectations into diagnostics located
/// with `loc` (YAML span → location in the page).
pub fn check(net: &Net, loc: &dyn Fn(Range<usize>) -> Location) -> (Vec<FlowResult>, Vec<Diagnostic>) {
    let results = super::evaluate(net);
    let diagnostics = results.iter().filter_map(|r| diagnostic(net, r, loc)).collect();
    (results, diagnostics)
}

fn verdict_word(v: &Verdict) -> &'static str {
    match v {
        Verdict::Allow => "allowed",
        Verdict::Deny => "denied",
        Verdict::Unknown(_) => "undecided",
    }
}

fn diagnostic(net: &Net, r: &FlowResult, loc: &dyn Fn(Range<usize>) -> Location) -> Option<Diagnostic> {
    let expect = r.expect?;
    let chain = r.chain();
    let mut d = match (r.holds(), &r.verdict) {
        (Some(true), _) => return None,
        (None, Verdict::Unknown(reason)) => {
            // An unresolved name is already a located error of its own.
            if !r.resolved {
                return None;
            }
            Diagnostic::warning(
                ToolCode::FlowMismatch,
                format!("flow {} cannot be checked: {reason}", r.label()),
            )
            .with_help("add what the model lacks, or remove `expect` to keep the flow as a question")
        }
        (_, v) if r.via_crossed == Some(false) && matches!((v, expect), (Verdict::Allow, Expect::Allow)) => {
            let via = r.via.clone().unwrap_or_default();
            Diagnostic::error(
                ToolCode::FlowMismatch,
                format!("flow {} is allowed but does not cross `{via}`: {chain}", r.label()),
            )
            .with_help(via_fix(net, r, &via))
            .with_label(format!("the path does not cross `{via}`"))
        }
        (_, v) => {
            let help = match expect {
                Expect::Allow => r.fix.clone().unwrap_or_else(|| "change the element that denies it".into()),
                Expect::Deny => close_fix(r),
            };
            Diagnostic::error(
                ToolCode::FlowMismatch,
                format!("flow {} is {}, but `expect: {expect}`: {chain}", r.label(), verdict_word(v)),
            )
            .with_help(help)
            .with_label(format!("the topology says `{}`", v.as_str()))
        }
    };
    d = d.at(loc(r.span.clone()));
    d.subject = r.index.map(|i| Node::Flow(i).into());
    Some(d)
}

/// How to close a path that is open but claimed closed.
fn close_fix(r: &FlowResult) -> String {
    // The most specific element that lets it through: a rule someone wrote (the last one on
    // the path, nearest the destination) before one of Azure's default rules.
    let written = |h: &&&super::types::Hop| !matches!(h.decided_by, Some(Element::NsgDefaultRule { .. }));
    let allowing: Vec<_> =
        r.hops.iter().filter(|h| h.step == Step::Allow && h.decided_by.is_some()).collect();
    let deciding = allowing.iter().rev().find(written).or(allowing.first()).copied();
    let Some(h) = deciding else {
        return "nothing on the path filters it: attach an NSG that denies it, or route it through the firewall"
            .into();
    };
    let how = match (h.kind, &h.decided_by) {
        (HopKind::NsgOutbound | HopKind::NsgInbound, Some(Element::NsgDefaultRule { .. })) => {
            "add a deny rule to that NSG (any priority: the default rules come last)"
        }
        (HopKind::NsgOutbound | HopKind::NsgInbound, _) => {
            "add a deny rule with a lower priority number to that NSG, or remove the allowing rule"
        }
        (HopKind::Firewall, _) => "remove or narrow that firewall rule",
        (HopKind::Resource, _) => "restrict the resource's network rules (`default_action: Deny`)",
        _ => "change that element",
    };
    format!("it gets through where {}: {how}", h.text)
}

/// How to make an allowed path cross `via`.
fn via_fix(net: &Net, r: &FlowResult, via: &str) -> String {
    let fw = net.firewall().filter(|f| f.name.as_ref().is_some_and(|n| n.value == via));
    match fw.and_then(|f| f.private_ip.as_ref()) {
        Some(ip) => format!(
            "route `{}` through `{via}`: a route for it with next hop `VirtualAppliance` {} in the source subnet's route table",
            r.to, ip.value
        ),
        None => format!("change the routes so that the path crosses `{via}`"),
    }
}
