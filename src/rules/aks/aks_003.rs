use super::common::clusters;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};

pub static RULE: Rule = Rule {
    id: "AML-AKS-003",
    name: "private-aks-attached-after-creation",
    severity: Severity::Error,
    area: Area::Aks,
    periods: ALL,
    title: "A private AKS cluster is created first, then attached to the workspace",
    checks: "For every compute of `type: aks` with `aks.private_cluster: true`: `aks.attach` is not \
`false` (a private cluster cannot be created from the workspace; it is created with AKS tooling \
and then attached).",
    why: "The API server of a private AKS cluster has only a private IP, so Azure ML cannot create \
one for you: the cluster must be created with AKS itself (portal, `az aks create`, a template) and \
then attached to the workspace. A topology that shows Azure ML creating it describes a deployment \
that cannot be carried out.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-private
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {private_cluster: true, attach: false, network_plugin: azure, nodes: 3, service_cidr: 10.2.0.0/16, dns_service_ip: 10.2.0.10, docker_bridge_cidr: 172.18.0.1/16}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-private
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {private_cluster: true, attach: true, network_plugin: azure, nodes: 3, service_cidr: 10.2.0.0/16, dns_service_ip: 10.2.0.10, docker_bridge_cidr: 172.18.0.1/16}
",
    help: "create the private cluster with AKS (portal, CLI or template), then attach it: set `attach: true`",
    quote: "Private AKS clusters have a control plane, which can only be accessed through private IPs. \
Private AKS clusters must be attached after the cluster is created.",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Secure the inferencing environment\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#secure-the-inferencing-environment",
    decision: Some(
        "Only an explicit `attach: false` fires. A private cluster whose `attach` is not stated can \
only have come into the workspace by being attached (Azure ML has no way to create one), so we \
do not ask authors to spell it out.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let mut any = false;
    for c in clusters(cx.net) {
        if c.private_cluster().is_none() {
            continue;
        }
        any = true;
        let Some(attach) = c.attach().filter(|a| !a.value) else { continue };
        out.push(
            attach.span.clone(),
            c.aks_path("attach"),
            format!("private AKS cluster `{}` is created from the workspace (`attach: false`)", c.name()),
        )
        .label("a private cluster can only be attached")
        .help("create the private cluster with AKS (portal, CLI or template), then attach it to the workspace: `attach: true`");
    }
    if !any {
        return Eval::NotEvaluated("the block has no private AKS cluster");
    }
    Eval::Checked
}
