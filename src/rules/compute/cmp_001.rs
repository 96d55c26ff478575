use super::shared::{TRAINING, kind_label, name};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::egress::normalize_region;

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
is checked by AML-GEN-001, whose set of VNets already includes every compute instance and \
cluster; this rule checks region and subscription only, so that one misplaced VNet is reported \
once. A compute without `region` runs in its VNet's region, so the VNet's `region` and \
`subscription` are compared too (the training article asks it of the VNet). Computes outside any \
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
    if ws_region.is_none() && ws_sub.is_none() {
        return Eval::NotEvaluated("the workspace states neither `region` nor `subscription`");
    }
    let ws_name = name(&ws.name);
    let mut vnets_seen: Vec<usize> = Vec::new();
    let mut compared = false;
    for (ci, c) in net.computes_of(TRAINING) {
        let Some(vi) = net.compute_vnet(ci) else { continue };
        let cname = name(&c.name);
        let kind = kind_label(c);
        compared |=
            (c.region.is_some() && ws_region.is_some()) || (c.subscription.is_some() && ws_sub.is_some());
        if let (Some(r), Some(want)) = (&c.region, &ws_region)
            && normalize_region(r) != *want
        {
            out.push(
                r.span.clone(),
                format!("computes[{ci}].region"),
                format!("{kind} `{cname}` is in region `{}`, workspace `{ws_name}` in `{want}`", r.value),
            )
            .help(format!("create `{cname}` in `{want}`"));
        }
        if let (Some(s), Some(want)) = (&c.subscription, ws_sub)
            && s.value.trim() != want
        {
            out.push(
                s.span.clone(),
                format!("computes[{ci}].subscription"),
                format!(
                    "{kind} `{cname}` is in subscription `{}`, workspace `{ws_name}` in `{want}`",
                    s.value
                ),
            )
            .help(format!("create `{cname}` in subscription `{want}`"));
        }
        if vnets_seen.contains(&vi) {
            continue;
        }
        vnets_seen.push(vi);
        let Some(v) = net.vnet(vi) else { continue };
        let vname = net.vnet_name(vi);
        compared |=
            (v.region.is_some() && ws_region.is_some()) || (v.subscription.is_some() && ws_sub.is_some());
        if let (Some(r), Some(want)) = (&v.region, &ws_region)
            && normalize_region(r) != *want
        {
            out.push(
                r.span.clone(),
                format!("vnets[{vi}].region"),
                format!(
                    "vnet `{vname}` of {kind} `{cname}` is in region `{}`, workspace `{ws_name}` in `{want}`",
                    r.value
                ),
            )
            .help(format!("put the training compute in a VNet of region `{want}`"));
        }
        if let (Some(s), Some(want)) = (&v.subscription, ws_sub)
            && s.value.trim() != want
        {
            out.push(
                s.span.clone(),
                format!("vnets[{vi}].subscription"),
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
