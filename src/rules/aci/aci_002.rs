use crate::diag::Severity;
use crate::rules::compute::shared::name;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::ComputeType;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-ACI-002",
    name: "aci-vnet-in-workspace-resource-group",
    severity: Severity::Error,
    area: Area::ContainerInstances,
    periods: &[Period::P2020, Period::P2021],
    title: "The VNet used by ACI is in the workspace's resource group",
    checks: "For every compute of `type: aci` in a VNet: the VNet's `resource_group` equals \
`workspace.resource_group` (compared without regard to case, as Azure does). Not evaluated when \
either is not given.",
    why: "Azure Machine Learning creates the container group in the workspace's resource group \
and can join it only to a virtual network of that same group; a VNet elsewhere makes the \
deployment fail.",
    example: "workspace: {name: mlw-demo, resource_group: rg-ml}
vnets:
  - name: vnet-ml
    resource_group: rg-network
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aci, prefix: 10.0.5.0/24,
         delegations: [Microsoft.ContainerInstance/containerGroups]}
computes:
  - {name: aci-dev, type: aci, subnet: snet-aci}
",
    fix: "workspace: {name: mlw-demo, resource_group: rg-ml}
vnets:
  - name: vnet-ml
    resource_group: rg-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aci, prefix: 10.0.5.0/24,
         delegations: [Microsoft.ContainerInstance/containerGroups]}
computes:
  - {name: aci-dev, type: aci, subnet: snet-aci}
",
    help: "use a VNet in the workspace's resource group for ACI deployments",
    quote: "When using Azure Container Instances in a virtual network, the virtual network must \
be: In the same resource group as your Azure Machine Learning workspace.",
    source: "Secure an Azure Machine Learning inferencing environment (10/23/2020), \"Enable \
Azure Container Instances (ACI)\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#enable-azure-container-instances-aci",
    decision: Some(
        "Resource group names are case-insensitive in Azure, so `RG-ML` and `rg-ml` are the same \
group. Each VNet is reported once however many container instances use it.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws_rg) = net.workspace().and_then(|w| w.resource_group.as_ref()) else {
        return Eval::NotEvaluated("the workspace's `resource_group` is not given");
    };
    let ws_name = net.workspace().map(|w| name(&w.name)).unwrap_or("?");
    let mut any = false;
    let mut seen = Vec::new();
    for (ci, c) in net.computes_of(&[ComputeType::Aci]) {
        let Some(vi) = net.compute_vnet(ci) else { continue };
        let Some(rg) = net.vnet(vi).and_then(|v| v.resource_group.as_ref()) else { continue };
        any = true;
        if seen.contains(&vi) || rg.value.trim().eq_ignore_ascii_case(ws_rg.value.trim()) {
            continue;
        }
        seen.push(vi);
        out.push(
            rg.span.clone(),
            Node::Vnet(vi).field("resource_group"),
            format!(
                "vnet `{}` of container instance `{}` is in resource group `{}`, workspace `{ws_name}` in `{}`",
                net.vnet_name(vi),
                name(&c.name),
                rg.value,
                ws_rg.value
            ),
        )
        .label("ACI needs the workspace's resource group");
    }
    if any {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no container instance is in a VNet whose `resource_group` is given")
    }
}
