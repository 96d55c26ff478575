use std::net::IpAddr;

use ipnet::IpNet;

use super::common::{Field, clusters};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};

pub static RULE: Rule = Rule {
    id: "AML-AKS-008",
    name: "aks-dns-service-ip-in-service-cidr",
    severity: Severity::Error,
    area: Area::Aks,
    periods: ALL,
    title: "The Kubernetes DNS service IP is an assignable address of the service range",
    checks: "For every compute of `type: aks` whose `aks.dns_service_ip` and `aks.service_cidr` are \
known: the DNS service IP is a single address inside `service_cidr`, and not one Kubernetes \
keeps for itself (the range's network address, its first address, used by the `kubernetes` \
service, or its broadcast address). A cluster created from the workspace (`attach: false`) gets \
the AKS defaults for an absent field: `10.0.0.0/16` and `10.0.0.10`.",
    why: "The cluster DNS service (CoreDNS) receives its IP from the service range. An address \
outside that range cannot be assigned and AKS refuses to create the cluster; the first address \
already belongs to the Kubernetes API service. Changing only `service_cidr` and forgetting the \
DNS IP is a common way to end up with the default `10.0.0.10` outside the new range.",
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
    aks: {attach: true, network_plugin: azure, nodes: 3, service_cidr: 10.2.0.0/16, dns_service_ip: 10.0.0.10, docker_bridge_cidr: 172.17.0.1/16}
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
    help: "set `dns_service_ip` to an address inside `service_cidr` other than its first one (the tenth address by convention)",
    quote: "In the Kubernetes DNS service IP address box, enter the Kubernetes DNS service IP \
address. This IP address is assigned to the Kubernetes DNS service. It must be within the \
Kubernetes service address range (for example, 10.0.0.10).",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Azure Kubernetes Service\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#azure-kubernetes-service",
    decision: Some(
        "Besides containment (the article's words) we reject the addresses Kubernetes cannot give \
the DNS service: the network and broadcast addresses of the range and its first address, which \
the AKS networking article the inferencing article points to reserves for \
`kubernetes.default.svc.cluster.local`. AKS defaults apply only to clusters created from the \
workspace; for an attached cluster an absent value is unknown and the cluster is skipped.",
    ),
    removed: false,
    check,
};

/// Why an address cannot be the DNS service IP of `range`, if it cannot.
fn reserved(range: &IpNet, ip: IpAddr) -> Option<&'static str> {
    let first = match range.network() {
        IpAddr::V4(a) => IpAddr::V4(u32::from(a).checked_add(1)?.into()),
        IpAddr::V6(a) => IpAddr::V6(u128::from(a).checked_add(1)?.into()),
    };
    if ip == range.network() {
        Some("the network address")
    } else if ip == first {
        Some("the first address")
    } else if range.addr().is_ipv4() && ip == range.broadcast() {
        Some("the broadcast address")
    } else {
        None
    }
}

/// The conventional DNS service address of a range: its tenth address.
fn suggestion(range: &IpNet) -> Option<IpAddr> {
    let range = range.trunc();
    let ip = match range.network() {
        IpAddr::V4(a) => IpAddr::V4(u32::from(a).checked_add(10)?.into()),
        IpAddr::V6(a) => IpAddr::V6(u128::from(a).checked_add(10)?.into()),
    };
    range.contains(&ip).then_some(ip)
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let mut evaluated = false;
    for c in clusters(cx.net) {
        let (Some(dns), Some(svc)) = (c.setting(Field::DnsServiceIp), c.setting(Field::ServiceCidr)) else {
            continue;
        };
        evaluated = true;
        let name = c.name();
        let range = svc.net.trunc();
        let (message, label) = if dns.net.prefix_len() != dns.net.max_prefix_len() {
            (
                format!("DNS service IP `{}` of AKS cluster `{name}` is a range, not one address", dns.text),
                None,
            )
        } else if !range.contains(&dns.net.addr()) {
            (
                format!(
                    "DNS service IP {} of AKS cluster `{name}` is outside its service CIDR {}",
                    dns.describe(),
                    svc.describe()
                ),
                Some("must be inside the Kubernetes service range"),
            )
        } else if let Some(why) = reserved(&range, dns.net.addr()) {
            let tail = if why == "the first address" { ", which the `kubernetes` service uses" } else { "" };
            (
                format!(
                    "DNS service IP {} of AKS cluster `{name}` is {why} of its service CIDR {}{tail}",
                    dns.describe(),
                    svc.describe()
                ),
                Some("Kubernetes cannot give this address to the DNS service"),
            )
        } else {
            continue;
        };
        let finding = out.push(dns.span.clone(), dns.path(), message);
        if let Some(label) = label {
            finding.label(label);
        }
        if let Some(ip) = suggestion(&range) {
            finding.help(format!("set `dns_service_ip: {ip}`, an address inside `{range}`"));
        }
    }
    if !evaluated {
        return Eval::NotEvaluated("no AKS cluster with a known DNS service IP and service CIDR");
    }
    Eval::Checked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_addresses_of_a_service_range() {
        let r: IpNet = "10.2.0.0/16".parse().unwrap();
        assert!(reserved(&r, "10.2.0.0".parse().unwrap()).is_some());
        assert!(reserved(&r, "10.2.0.1".parse().unwrap()).is_some());
        assert!(reserved(&r, "10.2.255.255".parse().unwrap()).is_some());
        assert!(reserved(&r, "10.2.0.10".parse().unwrap()).is_none());
    }
}
