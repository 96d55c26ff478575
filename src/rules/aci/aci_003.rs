use crate::diag::Severity;
use crate::rules::compute::shared::{name, placement};
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::ComputeType;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-ACI-003",
    name: "aci-in-workspace-private-endpoint-vnet",
    severity: Severity::Error,
    area: Area::ContainerInstances,
    periods: BEFORE_CURRENT,
    title: "With a workspace private endpoint, ACI uses the private endpoint's VNet",
    checks: "When the workspace has `private_endpoints`: every compute of `type: aci` placed in \
a VNet is in a VNet that holds one of the workspace's private endpoints.",
    why: "A deployed container calls back to the workspace. With Private Link the workspace \
answers only through its private endpoint, so a container group in another VNet cannot reach it \
and the deployment fails.",
    example: "workspace:
  name: mlw-demo
  resource_group: rg-ml
  region: eastus
  private_endpoints:
    - {name: pe-mlw, resource_group: rg-ml, vnet: vnet-ml, subnet: snet-pe,
       private_dns_zone_group: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}
vnets:
  - name: vnet-ml
    resource_group: rg-ml
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
  - name: vnet-inference
    resource_group: rg-ml
    region: eastus
    address_space: [10.3.0.0/16]
    subnets:
      - {name: snet-aci, prefix: 10.3.5.0/24,
         delegations: [Microsoft.ContainerInstance/containerGroups]}
private_dns_zones:
  - {name: privatelink.api.azureml.ms, linked_vnets: [vnet-ml, vnet-inference]}
  - {name: privatelink.notebooks.azure.net, linked_vnets: [vnet-ml, vnet-inference]}
computes:
  - {name: aci-dev, type: aci, vnet: vnet-inference, subnet: snet-aci}
",
    fix: "workspace:
  name: mlw-demo
  resource_group: rg-ml
  region: eastus
  private_endpoints:
    - {name: pe-mlw, resource_group: rg-ml, vnet: vnet-ml, subnet: snet-pe,
       private_dns_zone_group: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}
vnets:
  - name: vnet-ml
    resource_group: rg-ml
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
      - {name: snet-aci, prefix: 10.0.5.0/24,
         delegations: [Microsoft.ContainerInstance/containerGroups]}
private_dns_zones:
  - {name: privatelink.api.azureml.ms, linked_vnets: [vnet-ml]}
  - {name: privatelink.notebooks.azure.net, linked_vnets: [vnet-ml]}
computes:
  - {name: aci-dev, type: aci, vnet: vnet-ml, subnet: snet-aci}
",
    help: "deploy ACI into a subnet of the VNet that holds the workspace's private endpoint",
    quote: "If your workspace has a private endpoint, the virtual network used for Azure \
Container Instances must be the same as the one used by the workspace private endpoint. / \
(2022) When your Azure Machine Learning workspace is configured with a private endpoint, \
deploying to Azure Container Instances in a VNet is not supported. Instead, consider using a \
Managed online endpoint with network isolation.",
    source: "Secure an Azure Machine Learning inferencing environment (10/23/2020), \"Enable \
Azure Container Instances (ACI)\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#enable-azure-container-instances-aci",
    decision: Some(
        "The catalog gives two checks: the 2020 one (same VNet as the workspace private \
endpoint) and the 2022 one (ACI in a VNet not supported at all with a private endpoint). \
Profile 2020-10 runs the 2020 check, which the inferencing article of that time states; profiles \
of the 2022 period onwards will run the stricter one, which is already written here. A peered \
VNet is not the same VNet and is reported.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    if !net.workspace_has_pe() {
        return Eval::NotEvaluated("the workspace has no private endpoint");
    }
    let strict = matches!(cx.profile.period(), Period::P2022 | Period::PCur);
    let pe_vnets = net.workspace_pe_vnets();
    if pe_vnets.is_empty() && !strict {
        return Eval::NotEvaluated("the VNet of the workspace's private endpoint is not in the block");
    }
    let mut any = false;
    for (ci, c) in net.computes_of(&[ComputeType::Aci]) {
        let Some(vi) = net.compute_vnet(ci) else { continue };
        any = true;
        if strict {
            let (span, path) = placement(c, ci);
            out.push(
                span,
                path,
                format!(
                    "container instance `{}` is deployed in a VNet, which a workspace with a private endpoint does not support",
                    name(&c.name)
                ),
            )
            .help("deploy to a managed online endpoint with network isolation instead");
            continue;
        }
        if pe_vnets.contains(&vi) {
            continue;
        }
        let (span, path) = match &c.vnet {
            Some(v) => (v.span.clone(), Node::Compute(ci).field("vnet")),
            None => placement(c, ci),
        };
        let pe = pe_vnets.iter().map(|v| format!("`{}`", net.vnet_name(*v))).collect::<Vec<_>>().join(", ");
        out.push(
            span,
            path,
            format!(
                "container instance `{}` is in vnet `{}`, but the workspace's private endpoint is in vnet {pe}",
                name(&c.name),
                net.vnet_name(vi)
            ),
        )
        .label("cannot reach the private-link workspace");
    }
    if any { Eval::Checked } else { Eval::NotEvaluated("no container instance is placed in a VNet") }
}
