use ipnet::IpNet;

use super::nm;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::Addr;
use crate::topology::model::items;
use crate::topology::node::Node;
use crate::topology::resolve::SubnetId;

pub static RULE: Rule = Rule {
    id: "AML-GEN-006",
    name: "subnets-inside-vnet-and-disjoint",
    severity: Severity::Error,
    area: Area::General,
    periods: ALL,
    title: "Subnets lie inside their VNet's address space and do not overlap",
    checks: "For every VNet: each `subnets[].prefix` is contained in one of the VNet's \
`address_space` prefixes (checked when the VNet declares its address space), and no two subnets \
of the VNet share an address. The finding points at the subnet prefix that is outside, or at the \
later of two overlapping subnets.",
    why: "Azure rejects a subnet outside its VNet's address space and a subnet that overlaps \
another: the deployment of the VNet fails, and every rule that reasons about which subnet holds a \
compute or a private endpoint would be reasoning about a network that cannot exist.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
      - {name: snet-pe, prefix: 10.0.1.128/25}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
      - {name: snet-pe, prefix: 10.0.2.0/24}
",
    help: "give the subnet a prefix inside the VNet's `address_space` that no other subnet uses",
    quote: "Subnet address spaces can't overlap one another.",
    source: "Azure Virtual Network frequently asked questions (FAQ), \"Configuration\"",
    source_url: "https://docs.microsoft.com/azure/virtual-network/virtual-networks-faq#configuration",
    decision: None,
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut any = false;
    for (vi, v) in items(&net.topo().vnets).enumerate() {
        let spaces: Vec<IpNet> =
            items(&v.address_space).filter_map(|p| Addr::parse(&p.value).ok()?.as_net()).collect();
        // (prefix, subnet index), sorted by first address then size (larger first).
        let mut subnets: Vec<(IpNet, usize)> = Vec::new();
        for (si, s) in items(&v.subnets).enumerate() {
            let id = SubnetId { vnet: vi, subnet: si };
            let (Some(prefix), Some(text)) = (net.subnet_prefix(id), s.prefix.as_ref()) else { continue };
            any = true;
            subnets.push((prefix, si));
            if !spaces.is_empty() && !spaces.iter().any(|sp| sp.contains(&prefix)) {
                let space: Vec<&str> = items(&v.address_space).map(|p| p.value.as_str()).collect();
                out.push(
                    text.span.clone(),
                    Node::Subnet(id).field("prefix"),
                    format!(
                        "subnet `{}` (`{}`) is outside the address space of vnet `{}` (`{}`)",
                        nm(&s.name),
                        text.value,
                        nm(&v.name),
                        space.join("`, `")
                    ),
                )
                .label("not inside `address_space`");
            }
        }
        subnets.sort_unstable_by(|a, b| {
            (a.0.network(), a.0.prefix_len()).cmp(&(b.0.network(), b.0.prefix_len()))
        });
        // CIDR blocks are nested or disjoint: a block overlaps an earlier one exactly when the
        // earlier block reaching furthest contains its first address.
        let mut widest: Option<(IpNet, usize)> = None;
        for &(prefix, si) in &subnets {
            if let Some((w, wi)) = widest
                && w.contains(&prefix.network())
            {
                // Sorted order puts the enclosing block first: `prefix` is nested in `w`.
                report_overlap(cx, out, vi, wi, si);
                continue;
            }
            widest = Some((prefix, si));
        }
    }
    if any { Eval::Checked } else { Eval::NotEvaluated("the block has no subnet with a prefix") }
}

/// Report an overlap at the subnet declared later of the two.
fn report_overlap(cx: &Ctx, out: &mut Findings, vi: usize, a: usize, b: usize) {
    let net = cx.net;
    let (first, later) = (SubnetId { vnet: vi, subnet: a.min(b) }, SubnetId { vnet: vi, subnet: a.max(b) });
    let (Some(f), Some(l)) = (net.subnet(first), net.subnet(later)) else { return };
    let (Some(fp), Some(lp)) = (f.prefix.as_ref(), l.prefix.as_ref()) else { return };
    out.push(
        lp.span.clone(),
        Node::Subnet(later).field("prefix"),
        format!(
            "subnet `{}` (`{}`) overlaps subnet `{}` (`{}`) of vnet `{}`",
            nm(&l.name),
            lp.value,
            nm(&f.name),
            fp.value,
            net.vnet_name(vi)
        ),
    )
    .label("subnet address spaces can't overlap");
}
