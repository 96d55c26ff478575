use super::common::{Field, clusters, reachable_subnets};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::overlaps;

pub static RULE: Rule = Rule {
    id: "AML-AKS-007",
    name: "aks-service-cidr-clear-of-subnets",
    severity: Severity::Error,
    area: Area::Aks,
    periods: ALL,
    title: "The Kubernetes service address range overlaps no subnet",
    checks: "For every compute of `type: aks` in a declared VNet: `aks.service_cidr` overlaps no \
`subnets[].prefix` of the cluster's VNet nor of a VNet peered with it. A cluster created from \
the workspace (`attach: false`) without `service_cidr` gets the AKS default `10.0.0.0/16`, which \
is checked the same way.",
    why: "Kubernetes service IPs are virtual: they only exist inside the cluster. If the range \
overlaps a real subnet, traffic from the pods to those subnet addresses is captured by the \
cluster's service routing instead of reaching the network, and AKS refuses to create a cluster \
whose service range overlaps a subnet of its VNet.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3, service_cidr: 10.0.0.0/16, dns_service_ip: 10.0.0.10, docker_bridge_cidr: 172.17.0.1/16}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3, service_cidr: 10.2.0.0/16, dns_service_ip: 10.2.0.10, docker_bridge_cidr: 172.17.0.1/16}
",
    help: "pick a `service_cidr` that no subnet of the VNet or of its peered VNets uses, e.g. `10.2.0.0/16`",
    quote: "In the Kubernetes Service address range box, enter the Kubernetes service address range. \
This address range uses a Classless Inter-Domain Routing (CIDR) notation IP range to define the \
IP addresses that are available for the cluster. It must not overlap with any subnet IP ranges \
(for example, 10.0.0.0/16).",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Azure Kubernetes Service\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#azure-kubernetes-service",
    decision: Some(
        "\"Any subnet IP ranges\" is read as the subnets the cluster can reach directly: those of \
its VNet and of the VNets peered with it (AKS itself asks that the range not be used in peered \
VNets). Subnets of unrelated VNets cannot collide with it. The AKS default `10.0.0.0/16` (the very \
example the article gives) is applied to clusters created from the workspace without a \
`service_cidr`, since that is what they get; for an attached cluster an absent value is unknown.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    for c in clusters(net) {
        let Some(vi) = c.vnet(net) else { continue };
        let Some(svc) = c.setting(Field::ServiceCidr) else { continue };
        evaluated = true;
        let hits: Vec<String> = reachable_subnets(net, vi)
            .filter(|(_, p)| overlaps(&svc.net, p))
            .map(|(id, p)| format!("`{}` (`{p}`)", net.subnet_label(id)))
            .collect();
        if hits.is_empty() {
            continue;
        }
        let noun = if hits.len() == 1 { "subnet" } else { "subnets" };
        out.push(
            svc.span.clone(),
            svc.path(),
            format!(
                "service CIDR {} of AKS cluster `{}` overlaps {noun} {}",
                svc.describe(),
                c.name(),
                hits.join(", ")
            ),
        )
        .label("Kubernetes service range collides with the address plan");
    }
    if !evaluated {
        return Eval::NotEvaluated("no AKS cluster in a declared VNet with a known service CIDR");
    }
    Eval::Checked
}
