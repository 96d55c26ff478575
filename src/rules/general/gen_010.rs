use super::{kind_words, nm};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{ComputeType, Scenario};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-GEN-010",
    name: "secured-scenario-private-ip-per-tier",
    severity: Severity::Note,
    area: Area::General,
    periods: &[Period::P2020],
    title: "The secured scenario reaches every tier by private IP",
    checks: "When `meta.scenario: secured`, compares the topology with the \"Secure resources in a \
virtual network\" row of the overview's scenario table and notes each tier that does not match:\n\n\
- the workspace has no private endpoint;\n\
- the default storage account, key vault or container registry is not secured behind the VNet \
(secured and attached by a service endpoint rule or a private endpoint);\n\
- a compute instance, compute cluster or AKS cluster is not placed in a subnet.\n\n\
A public AKS scoring load balancer is AML-AKS-020's warning and is not repeated here.",
    why: "`meta.scenario` states which row of the overview's table a guide illustrates. A tier \
left on public IPs in a guide that claims the secured row teaches readers an architecture that \
is not the one described.",
    example: "meta: {scenario: secured}
workspace:
  name: mlw-demo
",
    fix: "meta: {scenario: secured}
workspace:
  name: mlw-demo
  private_endpoints:
    - {name: pe-mlw}
",
    help: "put the tier behind the VNet, or set `meta.scenario: public`",
    quote: "Secure resources in a virtual network | Private IP (private endpoint) | Public IP (service endpoint) - or - Private IP (private endpoint) | Private IP | Private IP",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Example scenario\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#example-scenario",
    decision: Some(
        "Evaluated only when `meta.scenario` is set (a block that does not say which row it \
shows has nothing to compare). The `public` row needs no check: any resource may still be \
secured. Training compute of 2020 always had a public IP for Azure Batch; \"Private IP\" for \
it means placed in the VNet, which is what we check.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    match net.scenario() {
        None => return Eval::NotEvaluated("`meta.scenario` is not set"),
        Some(Scenario::Public) => return Eval::Checked,
        Some(Scenario::Secured) => {}
    }
    if let Some(ws) = net.workspace()
        && !net.workspace_has_pe()
    {
        let (span, path) = match &ws.private_endpoints {
            Some(l) => (l.span.clone(), Node::Workspace.field("private_endpoints")),
            None => (ws.span.clone(), Node::Workspace.into()),
        };
        out.push(
            span,
            path,
            format!(
                "workspace `{}` has no private endpoint, but the secured scenario reaches it by private IP",
                nm(&ws.name)
            ),
        );
    }
    let tier = |what: String| {
        format!(
            "{what} is not behind the VNet, but the secured scenario reaches it by a service or private endpoint"
        )
    };
    if let Some((i, st)) = net.default_storage()
        && !st.uses_vnet()
    {
        out.push(
            st.span.clone(),
            Loc::from(Node::Storage(i)),
            tier(format!("storage account `{}`", nm(&st.name))),
        );
    }
    for (i, kv) in net.workspace_key_vaults() {
        if !kv.uses_vnet() {
            out.push(
                kv.span.clone(),
                Loc::from(Node::KeyVault(i)),
                tier(format!("key vault `{}`", nm(&kv.name))),
            );
        }
    }
    for (i, cr) in net.workspace_registries() {
        if !cr.uses_vnet() {
            out.push(
                cr.span.clone(),
                Loc::from(Node::Registry(i)),
                tier(format!("container registry `{}`", nm(&cr.name))),
            );
        }
    }
    let kinds = [ComputeType::ComputeInstance, ComputeType::ComputeCluster, ComputeType::Aks];
    for (i, c) in net.computes_of(&kinds) {
        if c.vnet.is_none() && c.subnet.is_none() {
            out.push(
                c.span.clone(),
                Loc::from(Node::Compute(i)),
                format!(
                    "{} `{}` is not in a VNet subnet, but the secured scenario reaches it by private IP",
                    kind_words(c),
                    nm(&c.name)
                ),
            );
        }
    }
    Eval::Checked
}
