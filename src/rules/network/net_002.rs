use std::collections::BTreeMap;

use super::TRAINING;
use crate::diag::Severity;
use crate::rules::general::{kind_words, nm};
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::node::Node;
use crate::topology::resolve::SubnetId;

pub static RULE: Rule = Rule {
    id: "AML-NET-002",
    name: "compute-subnet-not-delegated",
    severity: Severity::Error,
    area: Area::Network,
    periods: BEFORE_CURRENT,
    title: "The subnet of a compute instance or cluster is not delegated",
    checks: "For every compute instance and compute cluster placed in a subnet: the subnet's \
`delegations` list is empty. The finding points at the first delegation and names the computes \
in the subnet.",
    why: "A delegated subnet belongs to the service it is delegated to (for example Azure \
Container Instances); Azure Batch cannot place the compute nodes there, so creating the compute \
instance or cluster fails.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - name: snet-training
        prefix: 10.0.1.0/24
        delegations: [Microsoft.ContainerInstance/containerGroups]
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - name: snet-training
        prefix: 10.0.1.0/24
        delegations: []
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "remove the delegation, or move the compute to a subnet that is not delegated",
    quote: "The subnet used to deploy compute cluster/instance should not be delegated to any other service like ACI",
    source: "Secure an Azure Machine Learning training environment with virtual networks (2020), \"Compute instance / compute cluster\" requirements",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: None,
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut by_subnet: BTreeMap<SubnetId, Vec<String>> = BTreeMap::new();
    for (i, c) in net.computes_of(&TRAINING) {
        if let Some(id) = net.compute_subnet(i) {
            by_subnet.entry(id).or_default().push(format!("{} `{}`", kind_words(c), nm(&c.name)));
        }
    }
    if by_subnet.is_empty() {
        return Eval::NotEvaluated("no compute instance or cluster is placed in a known subnet");
    }
    for (id, computes) in by_subnet {
        let Some(s) = net.subnet(id) else { continue };
        let Some(first) = s.delegations.as_ref().and_then(|d| d.value.first()) else { continue };
        out.push(
            first.span.clone(),
            Node::Subnet(id).field("delegations").index(0),
            format!(
                "subnet `{}` of {} is delegated to `{}`",
                net.subnet_label(id),
                computes.join(", "),
                first.value
            ),
        )
        .label("Azure Batch cannot place compute nodes in a delegated subnet");
    }
    Eval::Checked
}
