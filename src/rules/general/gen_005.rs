use ipnet::IpNet;

use super::nm;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::{Addr, overlaps};
use crate::topology::model::{AccessPath, Vnet, items};
use crate::topology::node::Node;
use crate::topology::yaml::Sp;

pub static RULE: Rule = Rule {
    id: "AML-GEN-005",
    name: "address-plan-no-overlap-with-connected-networks",
    severity: Severity::Warning,
    area: Area::General,
    periods: ALL,
    title: "The address plan does not collide with the networks you connect",
    checks: "Two checks on `address_space` prefixes:\n\n\
- for every pair of peered VNets (either side lists the other in `peerings`), no prefix of one \
overlaps a prefix of the other;\n\
- when `clients.access_paths` contains `vpn` or `expressroute`, no `clients.onprem_ranges` entry \
overlaps a prefix of any VNet of the topology.\n\n\
The finding points at the colliding prefix: the address space of the second VNet of the pair, or \
the on-premises range.",
    why: "Azure refuses to peer VNets whose address spaces overlap, and a VPN or ExpressRoute \
connection cannot route to an on-premises range that is also used inside the VNet: clients on \
premises would never reach the workspace's private endpoint or the compute.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    peerings: [vnet-hub]
  - name: vnet-hub
    address_space: [10.0.0.0/22]
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    peerings: [vnet-hub]
  - name: vnet-hub
    address_space: [10.1.0.0/22]
",
    help: "renumber one side so the address ranges are disjoint",
    quote: "Other ranges may also conflict depending on what you want to connect to the virtual network. For example, if you plan to connect your on premises network to the VNet, and your on-premises network also uses the 172.16.0.0/16 range. Ultimately, it is up to you to plan your network infrastructure.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (SDK v1 article, 2022), \"Prerequisites\"; same text in \"Configure a private endpoint\" (2024)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/v1/how-to-secure-workspace-vnet#prerequisites",
    decision: Some(
        "The model does not say which VNet a VPN or ExpressRoute gateway serves (hub and spokes \
are usually all reachable through it), so on-premises ranges are compared with every VNet of the \
topology. Overlaps inside one VNet are AML-GEN-006.",
    ),
    removed: false,
    check,
};

fn prefixes(v: &Vnet) -> impl Iterator<Item = (usize, &Sp<String>, IpNet)> {
    items(&v.address_space)
        .enumerate()
        .filter_map(|(i, p)| Addr::parse(&p.value).ok().and_then(|a| a.as_net()).map(|n| (i, p, n)))
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let t = net.topo();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (a, v) in items(&t.vnets).enumerate() {
        for p in items(&v.peerings) {
            if let Some(b) = net.vnet_index(&p.value).filter(|b| *b != a) {
                pairs.push((a.min(b), a.max(b)));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let onprem = t.clients.as_ref().filter(|c| {
        items(&c.access_paths).any(|p| matches!(p.value, AccessPath::Vpn | AccessPath::ExpressRoute))
            && items(&c.onprem_ranges).len() > 0
    });
    if pairs.is_empty() && onprem.is_none() {
        return Eval::NotEvaluated(
            "no peered VNets and no on-premises network connected by VPN or ExpressRoute",
        );
    }
    for (a, b) in pairs {
        let (Some(va), Some(vb)) = (net.vnet(a), net.vnet(b)) else { continue };
        for (j, pb, nb) in prefixes(vb) {
            if let Some((_, pa, _)) = prefixes(va).find(|(_, _, na)| overlaps(na, &nb)) {
                out.push(
                    pb.span.clone(),
                    Node::Vnet(b).field("address_space").index(j),
                    format!(
                        "address space `{}` of vnet `{}` overlaps `{}` of peered vnet `{}`",
                        pb.value,
                        nm(&vb.name),
                        pa.value,
                        nm(&va.name)
                    ),
                )
                .label("peered VNets need disjoint address spaces");
            }
        }
    }
    if let Some(c) = onprem {
        for (i, r) in items(&c.onprem_ranges).enumerate() {
            let Some(nr) = Addr::parse(&r.value).ok().and_then(|a| a.as_net()) else { continue };
            for v in items(&t.vnets) {
                if let Some((_, p, _)) = prefixes(v).find(|(_, _, n)| overlaps(n, &nr)) {
                    out.push(
                        r.span.clone(),
                        Node::Clients.field("onprem_ranges").index(i),
                        format!(
                            "on-premises range `{}` overlaps address space `{}` of vnet `{}`",
                            r.value,
                            p.value,
                            nm(&v.name)
                        ),
                    )
                    .label("routes to this range would be ambiguous");
                }
            }
        }
    }
    Eval::Checked
}
