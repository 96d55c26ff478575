use crate::diag::Severity;
use crate::rules::compute::shared::name;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::{ComputeType, items};
use crate::topology::node::{Loc, Node};

/// The delegation Azure Container Instances needs.
pub const ACI_DELEGATION: &str = "Microsoft.ContainerInstance/containerGroups";

pub static RULE: Rule = Rule {
    id: "AML-ACI-001",
    name: "aci-subnet-delegated",
    severity: Severity::Error,
    area: Area::ContainerInstances,
    periods: &[Period::P2020, Period::P2021],
    title: "The ACI subnet is delegated to `Microsoft.ContainerInstance/containerGroups`",
    checks: "For every compute of `type: aci` placed in a subnet: the subnet's `delegations` \
contain `Microsoft.ContainerInstance/containerGroups`.",
    why: "Azure Machine Learning creates the container group when it deploys a model. Azure can \
place it in a subnet only when the subnet is delegated to container groups; without the \
delegation the deployment fails.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aci, prefix: 10.0.5.0/24}
computes:
  - {name: aci-dev, type: aci, subnet: snet-aci}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aci, prefix: 10.0.5.0/24,
         delegations: [Microsoft.ContainerInstance/containerGroups]}
computes:
  - {name: aci-dev, type: aci, subnet: snet-aci}
",
    help: "add `Microsoft.ContainerInstance/containerGroups` to the subnet's `delegations`",
    quote: "Azure Container Instances are dynamically created when deploying a model. To enable \
Azure Machine Learning to create ACI inside the virtual network, you must enable subnet \
delegation for the subnet used by the deployment. / When enabling delegation, use \
Microsoft.ContainerInstance/containerGroups as the Delegate subnet to service value.",
    source: "Secure an Azure Machine Learning inferencing environment (10/23/2020), \"Enable \
Azure Container Instances (ACI)\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#enable-azure-container-instances-aci",
    decision: None,
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut any = false;
    let mut seen = Vec::new();
    for (ci, c) in net.computes_of(&[ComputeType::Aci]) {
        let Some(sid) = net.compute_subnet(ci) else { continue };
        any = true;
        if seen.contains(&sid) {
            continue;
        }
        seen.push(sid);
        let Some(subnet) = net.subnet(sid) else { continue };
        if subnet.delegated_to(ACI_DELEGATION) {
            continue;
        }
        let label = net.subnet_label(sid);
        let (span, path, now) = match &subnet.delegations {
            Some(l) if !l.value.is_empty() => (
                l.span.clone(),
                Node::Subnet(sid).field("delegations"),
                format!(
                    " (delegated to {})",
                    items(&subnet.delegations)
                        .map(|d| format!("`{}`", d.value))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            Some(l) => (l.span.clone(), Node::Subnet(sid).field("delegations"), String::new()),
            None => (subnet.span.clone(), Loc::from(Node::Subnet(sid)), String::new()),
        };
        out.push(
            span,
            path,
            format!(
                "subnet `{label}` of container instance `{}` is not delegated to `{ACI_DELEGATION}`{now}",
                name(&c.name)
            ),
        )
        .label("ACI cannot be created here");
    }
    if any {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no container instance sits in a subnet of the block")
    }
}
