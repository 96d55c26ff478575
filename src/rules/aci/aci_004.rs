use crate::diag::Severity;
use crate::rules::compute::shared::name;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::ComputeType;
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-ACI-004",
    name: "aci-registry-outside-vnet",
    severity: Severity::Error,
    area: Area::ContainerInstances,
    periods: &[Period::P2020, Period::P2021],
    title: "When ACI runs in a VNet, the workspace's container registry is not in the VNet",
    checks: "When a compute of `type: aci` is placed in a VNet: the workspace's container \
registry has no `private_endpoints` and is not secured to VNet rules (`network.default_action: \
Deny` or `public_network_access: Disabled` with `network.vnet_rules`).",
    why: "A container group in a virtual network pulls its image from the workspace's registry \
without the trusted-service path the workspace uses. In 2020 that pull fails when the registry \
itself is behind the virtual network, so every ACI deployment fails.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
      - {name: snet-aci, prefix: 10.0.5.0/24,
         delegations: [Microsoft.ContainerInstance/containerGroups]}
private_dns_zones:
  - {name: privatelink.azurecr.io, linked_vnets: [vnet-ml]}
container_registries:
  - name: crmldemo
    sku: Premium
    private_endpoints:
      - {name: pe-acr, subresource: registry, vnet: vnet-ml, subnet: snet-pe,
         dns_zone: privatelink.azurecr.io}
computes:
  - {name: aci-dev, type: aci, subnet: snet-aci}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
      - {name: snet-aci, prefix: 10.0.5.0/24,
         delegations: [Microsoft.ContainerInstance/containerGroups]}
container_registries:
  - name: crmldemo
    sku: Premium
computes:
  - {name: aci-dev, type: aci, subnet: snet-aci}
",
    help: "keep the workspace's container registry outside the VNet (no private endpoint, no VNet rules) while deploying to ACI in a VNet",
    quote: "When using Azure Container Instances inside the virtual network, the Azure Container \
Registry (ACR) for your workspace cannot be in the virtual network.",
    source: "Secure an Azure Machine Learning inferencing environment (10/23/2020), \"Enable \
Azure Container Instances (ACI)\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#enable-azure-container-instances-aci",
    decision: Some(
        "A registry is \"in the virtual network\" when it has a private endpoint, or when it is \
secured and admits VNet rules (`uses_vnet`). A registry that is merely locked, without any \
attachment to a VNet, is not in the VNet and is left to the registry rules.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some((ai, aci)) = net.computes_of(&[ComputeType::Aci]).find(|(i, _)| net.compute_vnet(*i).is_some())
    else {
        return Eval::NotEvaluated("no container instance is placed in a VNet");
    };
    let registries = net.workspace_registries();
    if registries.is_empty() {
        return Eval::NotEvaluated("the block has no container registry for the workspace");
    }
    let vnet = net.compute_vnet(ai).map(|v| net.vnet_name(v)).unwrap_or("?");
    for (i, cr) in registries {
        let (span, path, how) = if let Some(l) = cr.private_endpoints.as_ref().filter(|l| !l.value.is_empty())
        {
            (l.span.clone(), Node::Registry(i).field("private_endpoints"), "has a private endpoint")
        } else if cr.uses_vnet() {
            match cr.network.as_ref().and_then(|n| n.vnet_rules.as_ref()) {
                Some(l) => {
                    (l.span.clone(), Node::Registry(i).field("network.vnet_rules"), "admits VNet rules")
                }
                None => (cr.span.clone(), Loc::from(Node::Registry(i)), "is in the VNet"),
            }
        } else {
            continue;
        };
        out.push(
            span,
            path,
            format!(
                "container registry `{}` {how}, but container instance `{}` deploys into vnet `{vnet}`; ACI cannot pull from a registry in the VNet",
                name(&cr.name),
                name(&aci.name)
            ),
        )
        .label("registry inside the virtual network");
    }
    Eval::Checked
}
