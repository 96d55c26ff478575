use std::collections::BTreeSet;

use ipnet::IpNet;

use super::usable;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::ComputeType;
use crate::topology::node::Node;
use crate::topology::resolve::{Net, SubnetId};

pub static RULE: Rule = Rule {
    id: "AML-GEN-007",
    name: "subnet-reserved-addresses",
    severity: Severity::Note,
    area: Area::General,
    periods: ALL,
    title: "Azure reserves five addresses in every subnet",
    checks: "Advisory. Usable addresses of a subnet are `2^(32 - prefix length) - 5`; AML-NET-001 \
and AML-AKS-019 size subnets with this figure. The note is shown on small IPv4 subnets (`/26` \
or longer, 64 addresses or fewer) that hold a compute instance, a compute cluster, an AKS \
cluster or a private endpoint, where the five reserved addresses are a noticeable share of the \
range.",
    why: "The first four addresses and the last one of every subnet belong to Azure (network \
address, default gateway, two for Azure DNS, broadcast). A `/28` planned for 16 nodes holds only \
11: the missing five are what makes a compute cluster end up partially allocated.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/28}
key_vaults:
  - name: kv-ml
    private_endpoints:
      - {name: pe-kv, subresource: vault, vnet: vnet-ml, subnet: snet-pe}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
key_vaults:
  - name: kv-ml
    private_endpoints:
      - {name: pe-kv, subresource: vault, vnet: vnet-ml, subnet: snet-pe}
",
    help: "plan for `2^(32 - prefix length) - 5` usable addresses in this subnet",
    quote: "Azure reserves the first four addresses and the last address, for a total of five IP addresses within each subnet.",
    source: "Azure Virtual Network frequently asked questions (FAQ), \"Are there any restrictions on using IP addresses within these subnets?\"",
    source_url: "https://docs.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets",
    decision: Some(
        "The catalog gives this rule no check of its own (it is the formula AML-NET-001 and \
AML-AKS-019 use). We show it where the reservation matters for planning: on IPv4 subnets of 64 \
addresses or fewer that hold Azure Machine Learning compute or private endpoints. Larger \
subnets and unused subnets get no note.",
    ),
    removed: false,
    check,
};

/// Subnets that hold AML compute (instance, cluster, AKS) or a private endpoint.
fn used_subnets(net: &Net) -> BTreeSet<SubnetId> {
    let kinds = [ComputeType::ComputeInstance, ComputeType::ComputeCluster, ComputeType::Aks];
    let mut used: BTreeSet<SubnetId> =
        net.computes_of(&kinds).filter_map(|(i, _)| net.compute_subnet(i)).collect();
    for (_, c) in net.computes_of(&[ComputeType::Aks]) {
        if let Some(lb) = c.aks.as_ref().and_then(|a| a.load_balancer_subnet.as_ref()) {
            used.extend(net.lookup_subnet(c.vnet.as_ref(), Some(lb)));
        }
    }
    used.extend(super::endpoints(net).filter_map(|pe| pe.subnet));
    used
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let used = used_subnets(net);
    if used.is_empty() {
        return Eval::NotEvaluated("no subnet holds compute or a private endpoint");
    }
    for id in used {
        let (Some(prefix), Some(s)) = (net.subnet_prefix(id), net.subnet(id)) else { continue };
        let (IpNet::V4(p4), Some(text)) = (prefix, s.prefix.as_ref()) else { continue };
        if p4.prefix_len() < 26 {
            continue;
        }
        let total = 1u64 << (32 - u32::from(p4.prefix_len()));
        let usable = usable(&prefix).unwrap_or(0);
        out.push(
            text.span.clone(),
            Node::Subnet(id).field("prefix"),
            format!(
                "subnet `{}` (`{}`) has {usable} usable addresses: Azure reserves 5 of its {total}",
                net.subnet_label(id),
                text.value
            ),
        );
    }
    Eval::Checked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_addresses() {
        let p = |s: &str| s.parse::<IpNet>().unwrap();
        assert_eq!(usable(&p("10.0.0.0/24")), Some(251));
        assert_eq!(usable(&p("10.0.0.0/28")), Some(11));
        assert_eq!(usable(&p("10.0.0.0/29")), Some(3));
        assert_eq!(usable(&p("10.0.0.0/30")), None);
        assert_eq!(usable(&p("10.0.0.0/0")), Some((1u64 << 32) - 5));
        assert_eq!(usable(&p("fd00::/64")), None);
    }
}
