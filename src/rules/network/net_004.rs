use super::{in_vnet, public_ip_training};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-NET-004",
    name: "compute-networking-within-quota",
    severity: Severity::Warning,
    area: Area::Network,
    periods: ALL,
    title: "The networking resources of compute fit in the remaining quota",
    checks: "Counts the compute instances and compute clusters with a public IP (the default) \
placed in a VNet: each needs one network security group, one public IP address and one load \
balancer. When the block states `quotas`, each stated remaining count (`public_ip_addresses`, \
`load_balancers`, `network_security_groups`) must be at least that number; the finding points \
at the quota that is too small.",
    why: "The service creates these resources in the VNet's resource group for every compute \
instance and cluster. They count against the subscription's quotas: when a quota is exhausted, \
the next compute cannot be created.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
  - {name: gpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
quotas:
  public_ip_addresses: 1
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
  - {name: gpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
quotas:
  public_ip_addresses: 10
",
    help: "request a quota increase for the subscription, or plan fewer compute targets",
    quote: "The Machine Learning compute instance or cluster automatically allocates additional networking resources in the resource group that contains the virtual network. For each compute instance or cluster, the service allocates the following resources: One network security group; One public IP address ...; One load balancer ... These resources are limited by the subscription's resource quotas.",
    source: "Secure an Azure Machine Learning training environment with virtual networks (2020), \"Compute instance / compute cluster\" requirements",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: Some(
        "The catalog wants an info note when no quota is given; a rule has one severity, so \
without `quotas` the rule is simply not evaluated. `quotas` are read as the counts still \
available, and the computes of the block as the ones being deployed.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(q) = net.topo().quotas.as_ref() else {
        return Eval::NotEvaluated("the block states no `quotas`");
    };
    let need = public_ip_training(net).filter(|(_, c)| in_vnet(c)).count() as u64;
    if need == 0 {
        return Eval::NotEvaluated("no compute instance or cluster with a public IP is placed in a VNet");
    }
    for (field, what, quota) in [
        ("public_ip_addresses", "public IP addresses", &q.public_ip_addresses),
        ("load_balancers", "load balancers", &q.load_balancers),
        ("network_security_groups", "network security groups", &q.network_security_groups),
    ] {
        let Some(quota) = quota.as_ref() else { continue };
        if u64::from(quota.value) < need {
            out.push(
                quota.span.clone(),
                Node::Quotas.field(field),
                format!(
                    "the compute instances and clusters with a public IP need {need} {what} (one each), but the quota leaves {}",
                    quota.value
                ),
            )
            .label("the next compute cannot be created");
        }
    }
    Eval::Checked
}
