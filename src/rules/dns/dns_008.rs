use std::fmt::Write as _;

use super::zones::{classify, public_suffixes, under};
use super::{AZURE_DNS, azure_dns, link_anchor, linked, mode};
use crate::diag::Severity;
use crate::rules::general::{kind_words, nm, placement};
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::Addr;
use crate::topology::model::{DnsMode, PrivateDnsZone, items};
use crate::topology::resolve::Net;
use crate::topology::yaml::Sp;

pub static RULE: Rule = Rule {
    id: "AML-DNS-008",
    name: "resolving-vnets-see-private-zones",
    severity: Severity::Error,
    area: Area::Dns,
    periods: ALL,
    title: "Every VNet that resolves the workspace's names sees its private DNS zones",
    checks: "Takes the private DNS zones the workspace endpoint (`private_dns_zone_group`) and the \
resources' endpoints (`dns_zone`) register in, and every VNet that resolves their names: the \
VNets of the computes, and the VNets of the private endpoints (where clients connect). For each \
such VNet:\n\n\
- with Azure DNS (no `dns_servers`, `dns.mode` Azure-provided), a compute VNet is listed in each \
zone's `linked_vnets`;\n\
- when its `dns_servers` point at a custom DNS server (`dns.custom_servers[]` with that `ip`) \
that forwards the zone's domain to Azure DNS (`168.63.129.16`), or at the firewall's DNS proxy \
(`firewall.private_ip` with `dns_proxy: true`), each zone is linked to the VNet of that server.\n\n\
The endpoint's own VNet with Azure DNS is AML-DNS-001 / AML-DNS-007's; this rule covers the \
other resolvers. The finding points at the zone's `linked_vnets`.",
    why: "A private DNS zone answers only in the VNets it is linked to. Compute in another VNet, \
or a DNS server or firewall proxy that asks Azure DNS from its own VNet, gets the public \
addresses when the zone is not linked there, and the private workspace and its resources refuse \
the connection.",
    example: "vnets:
  - name: vnet-hub
    address_space: [10.1.0.0/16]
    peerings: [vnet-ml]
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    dns_servers: [10.1.0.4]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
key_vaults:
  - name: kv-ml
    private_endpoints:
      - {name: pe-kv, subresource: vault, vnet: vnet-ml, subnet: snet-pe, dns_zone: privatelink.vaultcore.azure.net}
private_dns_zones:
  - {name: privatelink.vaultcore.azure.net, linked_vnets: [vnet-ml]}
dns:
  mode: custom
  custom_servers:
    - vnet: vnet-hub
      ip: 10.1.0.4
      conditional_forwarders: [{zone: vault.azure.net, target: 168.63.129.16}]
",
    fix: "vnets:
  - name: vnet-hub
    address_space: [10.1.0.0/16]
    peerings: [vnet-ml]
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    dns_servers: [10.1.0.4]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
key_vaults:
  - name: kv-ml
    private_endpoints:
      - {name: pe-kv, subresource: vault, vnet: vnet-ml, subnet: snet-pe, dns_zone: privatelink.vaultcore.azure.net}
private_dns_zones:
  - {name: privatelink.vaultcore.azure.net, linked_vnets: [vnet-ml, vnet-hub]}
dns:
  mode: custom
  custom_servers:
    - vnet: vnet-hub
      ip: 10.1.0.4
      conditional_forwarders: [{zone: vault.azure.net, target: 168.63.129.16}]
",
    help: "link the zone to the VNet that resolves the names (`linked_vnets`)",
    quote: "A Private DNS Zone overrides name resolution for all names within the scope of the root of the zone. This override applies to all Virtual Networks the Private DNS Zone is linked to.",
    source: "How to use your workspace with a custom DNS server (2024), \"Example architecture\"; Secure a training environment (2023), compute cluster in a different VNet",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-custom-dns",
    decision: Some(
        "Client VMs are not placed in a VNet by the model, so the resolving VNets are those of \
the computes and of the private endpoints; a VNet that holds only endpoints and uses Azure DNS \
resolves nothing itself. A custom DNS server that answers from its own host \
records (the 2020 method, AML-DNS-003) needs no zone link; only one that forwards a zone's \
domain to Azure DNS does. The firewall's DNS proxy forwards everything to Azure DNS.",
    ),
    removed: false,
    check,
};

/// Why a VNet resolves the names: a compute or a private endpoint in it.
#[derive(Clone, Copy)]
enum Why {
    Compute(usize),
    Endpoint,
}

/// The DNS server a VNet's `dns_servers` point at: its VNet, its address, and whether it
/// forwards the zone (`None`: forwards everything, the firewall proxy).
struct Resolver<'a> {
    vnet: usize,
    ip: &'a str,
    forwards: Option<Vec<&'a str>>,
}

fn resolvers<'a>(net: &'a Net, vnet: usize) -> Vec<Resolver<'a>> {
    let mut out = Vec::new();
    let Some(v) = net.vnet(vnet) else { return out };
    let t = net.topo();
    for ip in items(&v.dns_servers) {
        let Some(addr) = Addr::parse(&ip.value).ok().and_then(|a| a.as_net()) else { continue };
        let same = |s: &Option<Sp<String>>| {
            s.as_ref().and_then(|x| Addr::parse(&x.value).ok()).and_then(|a| a.as_net()) == Some(addr)
        };
        let servers = t.dns.as_ref().map(|d| &d.custom_servers);
        for s in servers.into_iter().flat_map(items) {
            let Some(sv) = s.vnet.as_ref().and_then(|n| net.vnet_index(&n.value)) else { continue };
            if !same(&s.ip) {
                continue;
            }
            let zones: Vec<&str> = items(&s.conditional_forwarders)
                .filter(|f| f.target.as_ref().is_some_and(|t| t.value.trim() == AZURE_DNS))
                .filter_map(|f| f.zone.as_ref().map(|z| z.value.trim().trim_end_matches('.')))
                .collect();
            out.push(Resolver { vnet: sv, ip: &ip.value, forwards: Some(zones) });
        }
        if let Some(fw) = net.firewall()
            && fw.dns_proxy.as_ref().is_some_and(|p| p.value)
            && same(&fw.private_ip)
            && let Some(fv) = fw.vnet.as_ref().and_then(|n| net.vnet_index(&n.value))
        {
            out.push(Resolver { vnet: fv, ip: &ip.value, forwards: None });
        }
    }
    out
}

/// Does a resolver send the zone's names to Azure DNS?
fn forwards_zone(r: &Resolver, zone: &str) -> bool {
    let Some(forwarded) = &r.forwards else { return true };
    let cloud_suffixes = classify(zone).map(|(k, c)| public_suffixes(k, c));
    forwarded.iter().any(|f| under(zone, f) || cloud_suffixes.is_some_and(|s| s.iter().any(|x| under(x, f))))
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let t = net.topo();
    // Zones in use: (zone index, zone, VNets whose link AML-DNS-001/007 already check).
    let azure_mode = mode(net) == DnsMode::AzureProvided;
    let mut zones: Vec<(usize, &Sp<PrivateDnsZone>, Vec<usize>)> = Vec::new();
    let mut use_zone = |name: &str, home: Option<usize>| {
        let Some((zi, z)) = net.zone(name) else { return };
        let entry = match zones.iter_mut().position(|(i, _, _)| *i == zi) {
            Some(p) => &mut zones[p],
            None => {
                zones.push((zi, z, Vec::new()));
                let last = zones.len() - 1;
                &mut zones[last]
            }
        };
        if let Some(h) = home.filter(|h| azure_mode && azure_dns(net, *h) && !entry.2.contains(h)) {
            entry.2.push(h);
        }
    };
    // Resolving VNets with the first reason found.
    let mut vnets: Vec<(usize, Why)> = Vec::new();
    let mut add_vnet = |v: usize, why: Why| {
        if !vnets.iter().any(|(x, _)| *x == v) {
            vnets.push((v, why));
        }
    };
    for pe in net.workspace_pes() {
        let home = placement(net, pe.vnet.as_ref(), pe.subnet.as_ref(), &pe.span).map(|(v, _)| v);
        for z in items(&pe.private_dns_zone_group) {
            use_zone(&z.value, home);
        }
        if let Some(h) = home {
            add_vnet(h, Why::Endpoint);
        }
    }
    let lists = items(&t.storage_accounts)
        .map(|s| &s.private_endpoints)
        .chain(items(&t.key_vaults).map(|s| &s.private_endpoints))
        .chain(items(&t.container_registries).map(|s| &s.private_endpoints));
    for list in lists {
        for pe in items(list) {
            let home = placement(net, pe.vnet.as_ref(), pe.subnet.as_ref(), &pe.span).map(|(v, _)| v);
            if let Some(z) = &pe.dns_zone {
                use_zone(&z.value, home);
            }
            if let Some(h) = home {
                add_vnet(h, Why::Endpoint);
            }
        }
    }
    for (i, _) in items(&t.computes).enumerate() {
        if let Some(v) = net.compute_vnet(i) {
            add_vnet(v, Why::Compute(i));
        }
    }
    if zones.is_empty() {
        return Eval::NotEvaluated("no private endpoint registers in a declared private DNS zone");
    }
    if vnets.is_empty() {
        return Eval::NotEvaluated("no compute or private endpoint is placed in a VNet");
    }
    let mut reported: Vec<(usize, usize)> = Vec::new();
    for (v, why) in vnets {
        let vname = net.vnet_name(v);
        if azure_dns(net, v) {
            // A VNet that only holds endpoints resolves nothing itself; its own zones are
            // AML-DNS-001 / AML-DNS-007's.
            if !azure_mode || matches!(why, Why::Endpoint) {
                continue;
            }
            for (zi, z, home) in &zones {
                if home.contains(&v) || linked(z, vname) || reported.contains(&(*zi, v)) {
                    continue;
                }
                reported.push((*zi, v));
                let mut who = String::new();
                if let Why::Compute(ci) = why
                    && let Some(c) = items(&t.computes).nth(ci)
                {
                    let _ = write!(who, "{} `{}`", kind_words(c), nm(&c.name));
                }
                let (span, path) = link_anchor(*zi, z);
                out.push(
                    span,
                    path,
                    format!(
                        "private DNS zone `{}` is not linked to vnet `{vname}`, where {who} resolves its names",
                        nm(&z.name)
                    ),
                )
                .help(format!("add `{vname}` to the zone's `linked_vnets`"));
            }
            continue;
        }
        for r in resolvers(net, v) {
            let rname = net.vnet_name(r.vnet);
            for (zi, z, home) in &zones {
                let zname = nm(&z.name);
                if home.contains(&r.vnet)
                    || !forwards_zone(&r, zname)
                    || linked(z, rname)
                    || reported.contains(&(*zi, r.vnet))
                {
                    continue;
                }
                reported.push((*zi, r.vnet));
                let (span, path) = link_anchor(*zi, z);
                let what =
                    if r.forwards.is_none() { "the firewall's DNS proxy" } else { "the custom DNS server" };
                out.push(
                    span,
                    path,
                    format!(
                        "private DNS zone `{zname}` is not linked to vnet `{rname}`, where {what} `{}` resolves the names of vnet `{vname}` through Azure DNS",
                        r.ip
                    ),
                )
                .help(format!("add `{rname}` to the zone's `linked_vnets`"));
            }
        }
    }
    Eval::Checked
}
