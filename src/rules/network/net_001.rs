use std::collections::BTreeMap;

use ipnet::IpNet;

use super::TRAINING;
use crate::diag::Severity;
use crate::rules::general::{endpoints, kind_words, nm, usable};
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::model::{Aks, ComputeType, NetworkPlugin, items};
use crate::topology::node::Node;
use crate::topology::resolve::SubnetId;

pub static RULE: Rule = Rule {
    id: "AML-NET-001",
    name: "compute-subnet-has-enough-addresses",
    severity: Severity::Error,
    area: Area::Network,
    periods: BEFORE_CURRENT,
    title: "The compute subnet has enough free IP addresses",
    checks: "For every subnet that holds a compute instance, a compute cluster or a private \
endpoint, adds up the addresses placed in it and compares the sum with the subnet's usable \
addresses (`2^(32 - prefix length) - 5`, AML-GEN-007):\n\n\
- one per compute instance;\n\
- `max_nodes` per compute cluster (default 4, the SDK's default);\n\
- one per private endpoint of storage, key vault or registry, two per workspace private endpoint \
(its API and notebook addresses);\n\
- for an AKS cluster sharing such a subnet, the AKS need of AML-AKS-019: `nodes + 1` with \
`kubenet` (the default assumed), `(nodes + 1) * (1 + max_pods)` with Azure CNI (`nodes` default \
3, `max_pods` default 30).\n\n\
The finding points at the subnet's `prefix` and says whether a single cluster already does not \
fit or only the total overflows.",
    why: "Every compute instance takes one address and every node of a compute cluster one more \
when the cluster scales out. When the subnet runs out, the cluster is only partially allocated: \
jobs wait for nodes that never come. Private endpoints in the same subnet take their share of \
the range too.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/27}
computes:
  - {name: gpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 32}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/26}
computes:
  - {name: gpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 32}
",
    help: "give the subnet a larger prefix, or lower `max_nodes`",
    quote: "The subnet that's specified for the compute instance or cluster must have enough unassigned IP addresses to accommodate the number of VMs that are targeted. If the subnet doesn't have enough unassigned IP addresses, a compute cluster will be partially allocated.",
    source: "Secure an Azure Machine Learning training environment with virtual networks (2020), \"Compute instance / compute cluster\" requirements",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: Some(
        "The catalog makes a single cluster that does not fit an error and an overflowing sum a \
warning; a rule has one severity, and the documentation's \"must have enough unassigned IP \
addresses\" covers both, so both are errors and the message tells them apart. AKS clusters alone \
in a subnet are left to AML-AKS-019; an AKS cluster sharing a subnet with training compute or \
private endpoints is counted here, so the sum is right. The workspace private endpoint counts \
two addresses (the 2020 custom-DNS article lists one address for the API names and one for the \
notebooks name). IPv6 prefixes are skipped.",
    ),
    removed: false,
    check,
};

/// Addresses an AKS cluster takes in its subnet (AML-AKS-019's formula).
fn aks_need(aks: Option<&Aks>) -> u64 {
    let nodes = aks.and_then(|a| a.nodes.as_ref()).map(|n| u64::from(n.value)).unwrap_or(3);
    let plugin =
        aks.and_then(|a| a.network_plugin.as_ref()).map(|p| p.value).unwrap_or(NetworkPlugin::Kubenet);
    match plugin {
        NetworkPlugin::Kubenet => nodes + 1,
        NetworkPlugin::Azure => {
            let pods = aks.and_then(|a| a.max_pods.as_ref()).map(|p| u64::from(p.value)).unwrap_or(30);
            (nodes + 1) * (1 + pods)
        }
    }
}

#[derive(Default)]
struct Demand {
    total: u64,
    /// Breakdown for the message: cluster nodes, instances, endpoint addresses, AKS addresses.
    nodes: u64,
    instances: u64,
    endpoints: u64,
    aks: u64,
    /// Anything other than AKS (training compute or private endpoints) is in the subnet.
    relevant: bool,
    /// The largest single cluster: (max_nodes, compute index).
    largest: Option<(u64, usize)>,
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut demand: BTreeMap<SubnetId, Demand> = BTreeMap::new();
    for (i, c) in net.computes_of(&TRAINING) {
        let Some(id) = net.compute_subnet(i) else { continue };
        let d = demand.entry(id).or_default();
        d.relevant = true;
        let need = match c.kind.as_ref().map(|k| k.value) {
            Some(ComputeType::ComputeCluster) => {
                c.max_nodes.as_ref().map(|m| u64::from(m.value)).unwrap_or(4)
            }
            _ => 1,
        };
        d.total += need;
        match c.kind.as_ref().map(|k| k.value) {
            Some(ComputeType::ComputeCluster) => d.nodes += need,
            _ => d.instances += need,
        }
        if c.kind.as_ref().is_some_and(|k| k.value == ComputeType::ComputeCluster)
            && d.largest.is_none_or(|(n, _)| need > n)
        {
            d.largest = Some((need, i));
        }
    }
    for pe in endpoints(net) {
        let Some(id) = pe.subnet else { continue };
        let d = demand.entry(id).or_default();
        d.relevant = true;
        let n = if pe.workspace { 2 } else { 1 };
        d.total += n;
        d.endpoints += n;
    }
    for (i, c) in net.computes_of(&[ComputeType::Aks]) {
        let Some(id) = net.compute_subnet(i) else { continue };
        let d = demand.entry(id).or_default();
        let n = aks_need(c.aks.as_ref().map(|a| &a.value));
        d.total += n;
        d.aks += n;
    }
    let mut evaluated = false;
    for (id, d) in demand.iter().filter(|(_, d)| d.relevant) {
        let (Some(prefix), Some(s)) = (net.subnet_prefix(*id), net.subnet(*id)) else { continue };
        let Some(text) = s.prefix.as_ref() else { continue };
        let usable = match prefix {
            IpNet::V4(_) => usable(&prefix).unwrap_or(0),
            IpNet::V6(_) => continue,
        };
        evaluated = true;
        if d.total <= usable {
            continue;
        }
        let label = net.subnet_label(*id);
        let largest = d.largest.and_then(|(n, ci)| items(&net.topo().computes).nth(ci).map(|c| (n, c)));
        let message = match largest {
            Some((n, c)) if n > usable => format!(
                "{} `{}` scales to {n} nodes, but subnet `{label}` (`{}`) has only {usable} usable addresses",
                kind_words(c),
                nm(&c.name),
                text.value
            ),
            _ => {
                let parts: Vec<String> = [
                    (d.nodes, "for cluster nodes"),
                    (d.instances, "for compute instances"),
                    (d.endpoints, "for private endpoints"),
                    (d.aks, "for AKS"),
                ]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}"))
                .collect();
                format!(
                    "subnet `{label}` (`{}`) has {usable} usable addresses, but what is placed in it needs {} ({})",
                    text.value,
                    d.total,
                    parts.join(", ")
                )
            }
        };
        out.push(text.span.clone(), Node::Subnet(*id).field("prefix"), message)
            .label("the compute cluster would be partially allocated");
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no IPv4 subnet with a prefix holds training compute or a private endpoint")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aks_needs_follow_the_cni_formula() {
        assert_eq!(aks_need(None), 4);
        let cni: Aks = crate::topology::yaml::from_str("network_plugin: azure\nnodes: 3\n").unwrap();
        assert_eq!(aks_need(Some(&cni)), 4 + 4 * 30);
        let pods: Aks =
            crate::topology::yaml::from_str("network_plugin: azure\nnodes: 2\nmax_pods: 10\n").unwrap();
        assert_eq!(aks_need(Some(&pods)), 3 + 3 * 10);
    }
}
