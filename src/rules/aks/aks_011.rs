use super::common::clusters;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::items;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-AKS-011",
    name: "aks-node-subnet-not-delegated",
    severity: Severity::Error,
    area: Area::Aks,
    periods: ALL,
    title: "The AKS node subnet is not delegated to a service",
    checks: "For every compute of `type: aks` whose `subnet` resolves: that subnet's `delegations` \
is empty.",
    why: "A delegated subnet belongs to the service it is delegated to (for example Azure Container \
Instances): only that service may place network interfaces in it. AKS cannot put its nodes there, \
so creating or scaling the node pool fails.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22, delegations: [Microsoft.ContainerInstance/containerGroups]}
computes:
  - {name: aks-inf, type: aks, vnet: vnet-ml, subnet: snet-aks}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
      - {name: snet-aci, prefix: 10.0.2.0/24, delegations: [Microsoft.ContainerInstance/containerGroups]}
computes:
  - {name: aks-inf, type: aks, vnet: vnet-ml, subnet: snet-aks}
",
    help: "put the node pool in a subnet without delegations, and keep the delegated subnet for its service",
    quote: "The subnet assigned to the AKS node pool cannot be a delegated subnet.",
    source: "Configure Azure CNI networking in Azure Kubernetes Service (AKS), \"Prerequisites\" (the prerequisites the inferencing article of 10/23/2020 asks to follow)",
    source_url: "https://docs.microsoft.com/azure/aks/configure-azure-cni#prerequisites",
    decision: None,
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    for c in clusters(net) {
        let Some(sid) = c.subnet(net) else { continue };
        let Some(subnet) = net.subnet(sid) else { continue };
        evaluated = true;
        let Some(first) = items(&subnet.delegations).next() else { continue };
        let services: Vec<String> = items(&subnet.delegations).map(|d| format!("`{}`", d.value)).collect();
        out.push(
            first.span.clone(),
            Node::Subnet(sid).field("delegations").index(0),
            format!(
                "subnet `{}` of AKS cluster `{}` is delegated to {}",
                net.subnet_label(sid),
                c.name(),
                services.join(", ")
            ),
        )
        .label("AKS cannot place nodes in a delegated subnet");
    }
    if !evaluated {
        return Eval::NotEvaluated("no AKS cluster is placed in a declared subnet");
    }
    Eval::Checked
}
