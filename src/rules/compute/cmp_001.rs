use super::shared::{TRAINING, kind_label, name};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::egress::normalize_region;
use crate::topology::node::{Loc, Node};
use crate::topology::resolve::Net;

pub static RULE: Rule = Rule {
    id: "AML-CMP-001",
    name: "training-compute-in-workspace-region-and-subscription",
    severity: Severity::Error,
    area: Area::Compute,
    periods: &[Period::P2020, Period::P2021, Period::P2022],
    title: "Compute instances and clusters share the workspace's region and subscription",
    checks: "For every `compute_instance` and `compute_cluster` placed in a VNet (`vnet:` or \
`subnet:`): the compute's `region` and `subscription`, and the `region` and `subscription` of \
its VNet, equal the workspace's `region` and `subscription`. Fields left out are not compared.",
    why: "A compute instance or cluster joins the VNet through Azure Batch, which can only attach \
nodes to a virtual network of the workspace's subscription and region. A cluster declared \
elsewhere fails to be created, or cannot reach the workspace and its secured storage.",
    example: "workspace: {name: mlw-demo, subscription: sub-1, region: eastus}
vnets:
  - name: vnet-ml
    subscription: sub-1
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
computes:
  - {name: cpu-cluster, type: compute_cluster, region: westus, subnet: snet-training, max_nodes: 4}
",
    fix: "workspace: {name: mlw-demo, subscription: sub-1, region: eastus}
vnets:
  - name: vnet-ml
    subscription: sub-1
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
computes:
  - {name: cpu-cluster, type: compute_cluster, region: eastus, subnet: snet-training, max_nodes: 4}
",
    help: "create the compute, and its VNet, in the workspace's region and subscription",
    quote: "Azure Compute Instance and Azure Compute Clusters must be in the same VNet, region, and \
subscription as the workspace and its associated resources. / The virtual network must be in the \
same subscription and region as the Azure Machine Learning workspace.",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Secure the training \
environment\", Limitations; Secure an Azure Machine Learning training environment (2020), \
\"Compute instance / compute cluster\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#secure-the-training-environment",
    decision: Some(
        "The sentence names three things: VNet, region and subscription. The \"same VNet\" part \
is checked here against the VNets that hold the workspace and its associated resources (their \
private endpoints and service-endpoint rules, the set of AML-GEN-001, which checks those \
resources among themselves): a compute instance or cluster in any other VNet is reported at its \
`vnet`. A compute without `region` runs in its VNet's region, so the VNet's `region` and \
`subscription` are compared too (the training article asks it of the VNet), unless the \
compute's own value was already reported: one misplacement, one finding. Computes outside any \
VNet are not concerned: the limitation belongs to the secured scenario.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else { return Eval::NotEvaluated("the block has no workspace") };
    let ws_region = ws.region.as_ref().map(|r| normalize_region(r));
    let ws_sub = ws.subscription.as_ref().map(|s| s.value.trim());
    let home = resource_vnets(net);
    if ws_region.is_none() && ws_sub.is_none() && home.is_empty() {
        return Eval::NotEvaluated(
            "the workspace states neither `region` nor `subscription`, and no resource of it is in a VNet",
        );
    }
    let ws_name = name(&ws.name);
    let mut vnets_seen: Vec<usize> = Vec::new();
    let mut compared = false;
    for (ci, c) in net.computes_of(TRAINING) {
        let Some(vi) = net.compute_vnet(ci) else { continue };
        let cname = name(&c.name);
        let kind = kind_label(c);
        compared |= !home.is_empty()
            || (c.region.is_some() && ws_region.is_some())
            || (c.subscription.is_some() && ws_sub.is_some());
        if !home.is_empty() && !home.contains(&vi) {
            let (span, path) = match (&c.vnet, &c.subnet) {
                (Some(v), _) => (v.span.clone(), Node::Compute(ci).field("vnet")),
                (None, Some(sub)) => (sub.span.clone(), Node::Compute(ci).field("subnet")),
                (None, None) => (c.span.clone(), Loc::from(Node::Compute(ci))),
            };
            let names: Vec<String> = home.iter().map(|v| format!("`{}`", net.vnet_name(*v))).collect();
            out.push(
                span,
                path,
                format!(
                    "{kind} `{cname}` is in vnet `{}`, but workspace `{ws_name}` and its resources are in vnet {}",
                    net.vnet_name(vi),
                    names.join(", ")
                ),
            )
            .label("training compute outside the workspace's VNet")
            .help(format!("create `{cname}` in a subnet of vnet {}", names.join(", ")));
        }
        let mut region_reported = false;
        let mut subscription_reported = false;
        if let (Some(r), Some(want)) = (&c.region, &ws_region)
            && normalize_region(r) != *want
        {
            region_reported = true;
            out.push(
                r.span.clone(),
                Node::Compute(ci).field("region"),
                format!("{kind} `{cname}` is in region `{}`, workspace `{ws_name}` in `{want}`", r.value),
            )
            .help(format!("create `{cname}` in `{want}`"));
        }
        if let (Some(s), Some(want)) = (&c.subscription, ws_sub)
            && s.value.trim() != want
        {
            subscription_reported = true;
            out.push(
                s.span.clone(),
                Node::Compute(ci).field("subscription"),
                format!(
                    "{kind} `{cname}` is in subscription `{}`, workspace `{ws_name}` in `{want}`",
                    s.value
                ),
            )
            .help(format!("create `{cname}` in subscription `{want}`"));
        }
        if vnets_seen.contains(&vi) || region_reported && subscription_reported {
            continue;
        }
        vnets_seen.push(vi);
        let Some(v) = net.vnet(vi) else { continue };
        let vname = net.vnet_name(vi);
        compared |=
            (v.region.is_some() && ws_region.is_some()) || (v.subscription.is_some() && ws_sub.is_some());
        // One misplacement, one finding: the compute's own value was reported already.
        if let (Some(r), Some(want)) = (&v.region, &ws_region)
            && normalize_region(r) != *want
            && !region_reported
        {
            out.push(
                r.span.clone(),
                Node::Vnet(vi).field("region"),
                format!(
                    "vnet `{vname}` of {kind} `{cname}` is in region `{}`, workspace `{ws_name}` in `{want}`",
                    r.value
                ),
            )
            .help(format!("put the training compute in a VNet of region `{want}`"));
        }
        if let (Some(s), Some(want)) = (&v.subscription, ws_sub)
            && s.value.trim() != want
            && !subscription_reported
        {
            out.push(
                s.span.clone(),
                Node::Vnet(vi).field("subscription"),
                format!(
                    "vnet `{vname}` of {kind} `{cname}` is in subscription `{}`, workspace `{ws_name}` in `{want}`",
                    s.value
                ),
            )
            .help(format!("put the training compute in a VNet of subscription `{want}`"));
        }
    }
    if compared {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no region or subscription of a compute instance or cluster in a VNet to compare")
    }
}

/// VNets that hold the workspace and its associated resources: the workspace's private
/// endpoints and the private endpoints or service-endpoint rules of its default storage
/// account, key vault and container registry (the set of AML-GEN-001).
fn resource_vnets(net: &Net) -> Vec<usize> {
    use crate::topology::facts::NetworkDefaults;
    use crate::topology::model::{List, PrivateEndpoint};
    let mut v = net.workspace_pe_vnets();
    let mut attach =
        |pes: &Option<List<PrivateEndpoint>>, rules: Option<&Option<List<String>>>, secured: bool| {
            v.extend(net.pe_vnets(pes));
            if secured && let Some(rules) = rules {
                v.extend(net.vnet_rule_subnets(rules).iter().map(|s| s.vnet));
            }
        };
    if let Some((_, s)) = net.default_storage() {
        attach(&s.private_endpoints, s.network.as_ref().map(|n| &n.vnet_rules), s.secured());
    }
    for (_, k) in net.workspace_key_vaults() {
        attach(&k.private_endpoints, k.network.as_ref().map(|n| &n.vnet_rules), k.secured());
    }
    for (_, r) in net.workspace_registries() {
        attach(&r.private_endpoints, r.network.as_ref().map(|n| &n.vnet_rules), r.secured());
    }
    v.sort_unstable();
    v.dedup();
    v
}
