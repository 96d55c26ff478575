use super::common::clusters;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::NetworkPlugin;
use crate::topology::node::Node;
use crate::topology::resolve::SubnetId;

/// AKS default maximum pods per node with Azure CNI.
const DEFAULT_MAX_PODS: u64 = 30;
/// Azure ML default node count (`agent_count`) of a cluster it creates.
const DEFAULT_NODES: u64 = 3;
/// Addresses Azure reserves in every subnet.
const RESERVED_PER_SUBNET: u64 = 5;

pub static RULE: Rule = Rule {
    id: "AML-AKS-019",
    name: "aks-subnet-fits-nodes-and-pods",
    severity: Severity::Warning,
    area: Area::Aks,
    periods: ALL,
    title: "The AKS subnet has room for every node, every pod and an upgrade",
    checks: "For every subnet holding AKS clusters whose network plugin and node count are known: \
its usable addresses (`2^(32 - prefix length) - 5`) cover the sum of the clusters' needs, where a \
cluster needs `(nodes + 1) + (nodes + 1) * max_pods` with Azure CNI (`max_pods` default 30) and \
`nodes + 1` with kubenet. A cluster created from the workspace (`attach: false`) without `nodes` \
has the Azure ML default of 3.",
    why: "With Azure CNI every pod takes an IP address of the node subnet, reserved up front for \
`max_pods` per node, and an upgrade adds one extra node while it runs. A subnet that is too small \
stops the cluster from scaling out or upgrading, and new pods stay pending.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/25}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/24}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3}
",
    help: "give the cluster a larger subnet (`prefix`), or lower `nodes` or `max_pods`",
    quote: "Clusters configured with Azure CNI networking require additional planning. The size of \
your virtual network and its subnet must accommodate the number of pods you plan to run and the \
number of nodes for the cluster. (number of nodes + 1) + ((number of nodes + 1) * maximum pods \
per node that you configure)",
    source: "Configure Azure CNI networking in Azure Kubernetes Service (AKS), \"Plan IP addressing for your cluster\"",
    source_url: "https://docs.microsoft.com/azure/aks/configure-azure-cni#plan-ip-addressing-for-your-cluster",
    decision: Some(
        "Clusters sharing a subnet add up. The +1 node is the surge node of an upgrade, as in the \
AKS formula. The plugin is taken as in AML-AKS-005 (written, implied by `pod_cidr`, or Azure CNI \
for a cluster Azure ML creates in a VNet); an attached cluster without a known plugin or node \
count is skipped. Other users of the subnet (compute clusters, private endpoints) are counted \
by AML-NET-001.",
    ),
    removed: false,
    check,
};

/// Usable addresses of a prefix (saturating for IPv6).
fn usable(prefix: ipnet::IpNet) -> u64 {
    let host_bits = u32::from(prefix.max_prefix_len() - prefix.prefix_len());
    if host_bits >= 63 { u64::MAX } else { (1u64 << host_bits).saturating_sub(RESERVED_PER_SUBNET) }
}

struct Need<'a> {
    name: &'a str,
    addresses: u64,
    detail: String,
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut by_subnet: Vec<(SubnetId, Vec<Need>)> = Vec::new();
    for c in clusters(net) {
        let Some(sid) = c.subnet(net) else { continue };
        if net.subnet_prefix(sid).is_none() {
            continue;
        }
        let Some(plugin) = c.plugin() else { continue };
        let nodes = match c.aks.and_then(|a| a.nodes.as_ref()) {
            Some(n) => u64::from(n.value),
            None if c.created_by_workspace() => DEFAULT_NODES,
            None => continue,
        };
        let (addresses, detail) = match plugin.value {
            NetworkPlugin::Azure => {
                let pods = c
                    .aks
                    .and_then(|a| a.max_pods.as_ref())
                    .map(|p| u64::from(p.value))
                    .unwrap_or(DEFAULT_MAX_PODS);
                (
                    (nodes + 1).saturating_mul(pods + 1),
                    format!("Azure CNI with {nodes} nodes and {pods} pods per node"),
                )
            }
            NetworkPlugin::Kubenet => (nodes + 1, format!("kubenet with {nodes} nodes")),
        };
        let need = Need { name: c.name(), addresses, detail };
        match by_subnet.iter_mut().find(|(s, _)| *s == sid) {
            Some((_, list)) => list.push(need),
            None => by_subnet.push((sid, vec![need])),
        }
    }
    if by_subnet.is_empty() {
        return Eval::NotEvaluated(
            "no AKS cluster with a known subnet prefix, network plugin and node count",
        );
    }
    for (sid, needs) in &by_subnet {
        let (Some(prefix), Some(subnet)) = (net.subnet_prefix(*sid), net.subnet(*sid)) else { continue };
        let have = usable(prefix);
        let total: u64 = needs.iter().map(|n| n.addresses).fold(0, u64::saturating_add);
        if total <= have {
            continue;
        }
        let whom = match needs.as_slice() {
            [one] => format!("AKS cluster `{}`: {} needs {} addresses", one.name, one.detail, one.addresses),
            many => {
                let parts: Vec<String> =
                    many.iter().map(|n| format!("`{}` ({})", n.name, n.addresses)).collect();
                format!("AKS clusters {}: {total} addresses needed", parts.join(", "))
            }
        };
        let span = subnet.prefix.as_ref().map(|p| p.span.clone()).unwrap_or(subnet.span.clone());
        out.push(
            span,
            Node::Subnet(*sid).field("prefix"),
            format!(
                "subnet `{}` (`{prefix}`, {have} usable addresses) is too small for {whom}",
                net.subnet_label(*sid)
            ),
        )
        .label(format!("{have} usable, {total} needed"));
    }
    Eval::Checked
}

#[cfg(test)]
mod tests {
    use super::usable;

    #[test]
    fn usable_addresses() {
        assert_eq!(usable("10.0.8.0/24".parse().unwrap()), 251);
        assert_eq!(usable("10.0.8.0/25".parse().unwrap()), 123);
        assert_eq!(usable("10.0.8.0/29".parse().unwrap()), 3);
        assert_eq!(usable("10.0.8.0/31".parse().unwrap()), 0);
        assert_eq!(usable("fd00::/64".parse().unwrap()), u64::MAX);
    }
}
