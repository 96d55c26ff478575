use std::ops::Range;

use ipnet::IpNet;

use super::common::{Field, clusters, name_of};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::{Addr, overlaps};
use crate::topology::model::items;
use crate::topology::node::{Loc, Node};

/// Ranges AKS reserves for itself or that the platform uses.
const RESERVED: &[&str] = &["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"];

pub static RULE: Rule = Rule {
    id: "AML-AKS-010",
    name: "aks-avoids-reserved-ranges",
    severity: Severity::Error,
    area: Area::Aks,
    periods: ALL,
    title: "AKS address ranges avoid 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24",
    checks: "For every compute of `type: aks`: its `aks.service_cidr`, its `aks.pod_cidr` and every \
`address_space` entry of its VNet overlap none of `169.254.0.0/16`, `172.30.0.0/16`, \
`172.31.0.0/16`, `192.0.2.0/24`.",
    why: "These ranges are used by Azure and by AKS itself (link-local metadata and platform \
services, internal cluster networking, documentation addresses). A cluster whose service range, \
pod range or VNet overlaps them cannot be created, or loses traffic to those platform endpoints.",
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
    aks: {attach: true, network_plugin: azure, nodes: 3, service_cidr: 172.30.0.0/16, dns_service_ip: 172.30.0.10, docker_bridge_cidr: 172.18.0.1/16}
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
    aks: {attach: true, network_plugin: azure, nodes: 3, service_cidr: 10.2.0.0/16, dns_service_ip: 10.2.0.10, docker_bridge_cidr: 172.18.0.1/16}
",
    help: "move the range out of `169.254.0.0/16`, `172.30.0.0/16`, `172.31.0.0/16` and `192.0.2.0/24`",
    quote: "AKS clusters may not use 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, or 192.0.2.0/24 \
for the Kubernetes service address range, pod address range, or cluster virtual network address \
range.",
    source: "Configure Azure CNI networking in Azure Kubernetes Service (AKS), \"Prerequisites\" (the prerequisites the inferencing article of 10/23/2020 asks to follow)",
    source_url: "https://docs.microsoft.com/azure/aks/configure-azure-cni#prerequisites",
    decision: Some(
        "Only values written in the block are checked: the AKS defaults (`10.0.0.0/16` services, \
`10.244.0.0/16` pods) never fall in these ranges. `pod_cidr` is checked whenever it is written, \
as the sentence names the pod range without condition. Each VNet is reported once even when \
several clusters use it.",
    ),
    removed: false,
    check,
};

fn reserved() -> impl Iterator<Item = IpNet> {
    RESERVED.iter().filter_map(|r| r.parse().ok())
}

fn first_reserved_overlap(n: &IpNet) -> Option<IpNet> {
    let n = n.trunc();
    reserved().find(|r| overlaps(r, &n))
}

fn report(out: &mut Findings, subject: String, hit: IpNet, span: Range<usize>, path: Loc) {
    out.push(span, path, format!("{subject} overlaps `{hit}`, which AKS cannot use"))
        .label(format!("overlaps reserved `{hit}`"));
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    let mut seen_vnets: Vec<usize> = Vec::new();
    for c in clusters(net) {
        for field in [Field::ServiceCidr, Field::PodCidr] {
            let Some(s) = c.setting(field).filter(|s| !s.defaulted) else { continue };
            evaluated = true;
            if let Some(hit) = first_reserved_overlap(&s.net) {
                let what = if field == Field::ServiceCidr { "service CIDR" } else { "pod CIDR" };
                let subject = format!("{what} `{}` of AKS cluster `{}`", s.text, c.name());
                report(out, subject, hit, s.span.clone(), s.path());
            }
        }
        let Some(vi) = c.vnet(net) else { continue };
        let Some(vnet) = net.vnet(vi) else { continue };
        if vnet.address_space.is_none() {
            continue;
        }
        evaluated = true;
        if seen_vnets.contains(&vi) {
            continue;
        }
        seen_vnets.push(vi);
        for (i, a) in items(&vnet.address_space).enumerate() {
            let Some(n) = Addr::parse(&a.value).ok().and_then(|a| a.as_net()) else { continue };
            if let Some(hit) = first_reserved_overlap(&n) {
                let subject = format!(
                    "address space `{}` of VNet `{}` (AKS cluster `{}`)",
                    a.value,
                    name_of(&vnet.name),
                    c.name()
                );
                report(out, subject, hit, a.span.clone(), Node::Vnet(vi).field("address_space").index(i));
            }
        }
    }
    if !evaluated {
        return Eval::NotEvaluated("no AKS cluster with a service CIDR, pod CIDR or VNet address space");
    }
    Eval::Checked
}
