use super::{in_vnet, public_ip_training};
use crate::diag::Severity;
use crate::rules::general::{kind_words, nm};
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-NET-003",
    name: "policies-and-locks-allow-compute-networking",
    severity: Severity::Error,
    area: Area::Network,
    periods: &[Period::P2020, Period::P2021],
    title: "Policies and locks do not block the networking resources of compute",
    checks: "When a compute instance or compute cluster with a public IP (the default) is placed \
in a VNet:\n\n\
- `policies.deny_public_ip` is not `true`;\n\
- `policies.deny_nsg_creation` is not `true`;\n\
- the VNet it is placed in does not have `rg_locked: true`.\n\n\
Each finding points at the offending setting and names the compute.",
    why: "For every compute instance and cluster in a VNet, the service creates a public IP \
address, a network security group and a load balancer in the VNet's resource group. A policy \
that forbids public IPs or NSGs makes the creation fail; a lock on the resource group makes the \
deletion of the compute fail, because its load balancer cannot be removed.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
policies:
  deny_public_ip: true
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
policies:
  deny_public_ip: false
",
    help: "exempt the VNet's resource group from the policy, or remove the lock",
    quote: "Check to see whether your security policies or locks on the virtual network's subscription or resource group restrict permissions to manage the virtual network. | One public IP address. If you have Azure policy prohibiting Public IP creation then deployment of cluster/instances will fail | If the virtual network resource group is locked then deletion of compute cluster/instance will fail. Load balancer cannot be deleted until the compute cluster/instance is deleted. Also please ensure there is no Azure policy which prohibits creation of network security groups.",
    source: "Secure an Azure Machine Learning training environment with virtual networks (2020), \"Compute instance / compute cluster\" requirements",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: Some(
        "The catalog makes a locked resource group a warning; a rule has one severity, and the \
documentation states that the deletion \"will fail\", so the lock is reported as an error too. \
Evaluated only when the block states `policies` or an `rg_locked` on the VNet of such a compute: \
an absent `policies` section is unknown, not \"no policy\".",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let computes: Vec<_> = public_ip_training(net).filter(|(_, c)| in_vnet(c)).collect();
    let Some((_, first)) = computes.first() else {
        return Eval::NotEvaluated("no compute instance or cluster with a public IP is placed in a VNet");
    };
    let who = format!("{} `{}`", kind_words(first), nm(&first.name));
    let who = if computes.len() > 1 { format!("{who} and {} more", computes.len() - 1) } else { who };
    let mut evaluated = false;
    if let Some(p) = net.topo().policies.as_ref() {
        evaluated = true;
        if let Some(d) = p.deny_public_ip.as_ref().filter(|d| d.value) {
            out.push(
                d.span.clone(),
                Node::Policies.field("deny_public_ip"),
                format!("a policy forbids public IP addresses, so {who} cannot be created (each needs one for Azure Batch)"),
            )
            .help("exempt the VNet's resource group from the policy")
            .label("blocks compute creation");
        }
        if let Some(d) = p.deny_nsg_creation.as_ref().filter(|d| d.value) {
            out.push(
                d.span.clone(),
                Node::Policies.field("deny_nsg_creation"),
                format!("a policy forbids network security groups, so {who} cannot be created (each gets its own NSG)"),
            )
            .help("exempt the VNet's resource group from the policy")
            .label("blocks compute creation");
        }
    }
    let mut locked_seen: Vec<usize> = Vec::new();
    for (i, c) in &computes {
        let Some(vi) = net.compute_vnet(*i) else { continue };
        let Some(lock) = net.vnet(vi).and_then(|v| v.rg_locked.as_ref()) else { continue };
        evaluated = true;
        if lock.value && !locked_seen.contains(&vi) {
            locked_seen.push(vi);
            out.push(
                lock.span.clone(),
                Node::Vnet(vi).field("rg_locked"),
                format!(
                    "the resource group of vnet `{}` is locked, so deleting {} `{}` fails (its load balancer cannot be removed)",
                    net.vnet_name(vi),
                    kind_words(c),
                    nm(&c.name)
                ),
            )
            .help("remove the lock from the VNet's resource group, or delete the compute before locking it")
            .label("blocks compute deletion");
        }
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("the block states no `policies` and no `rg_locked` for the compute's VNet")
    }
}
