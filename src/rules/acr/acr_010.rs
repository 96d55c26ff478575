use super::{in_vnet, name};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::{Cloud, Edition};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-ACR-010",
    name: "registry-in-vnet-2020-prerequisites",
    severity: Severity::Note,
    area: Area::ContainerRegistry,
    periods: &[Period::P2020],
    title: "In 2020, a registry in a VNet needed an Enterprise workspace in a private-link region",
    checks: "Advisory, for profile `2020-10`. When the workspace's container registry is in a \
virtual network: shown if `workspace.edition` is `basic`, and if `meta.cloud` is a cloud where \
private link for Azure Machine Learning was not offered (`AzureUSGovernment`, \
`AzureChinaCloud`).",
    why: "In 2020 the registry of a workspace could be put behind a virtual network only for an \
Enterprise-edition workspace in a region where Azure Machine Learning offered private link. Both \
limits were lifted later (the edition distinction was retired in 2021), so the note explains \
older deployments and guides rather than blocking a design.",
    example: "workspace:
  name: mlw-demo
  edition: basic
  container_registry: crmldemo
  image_build_compute: cpu-cluster
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.ContainerRegistry]}
container_registries:
  - name: crmldemo
    sku: Premium
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    fix: "workspace:
  name: mlw-demo
  edition: enterprise
  container_registry: crmldemo
  image_build_compute: cpu-cluster
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.ContainerRegistry]}
container_registries:
  - name: crmldemo
    sku: Premium
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "upgrade the workspace to `edition: enterprise` and use a region where private link is available",
    quote: "Your Azure Machine Learning workspace must be Enterprise edition. \
Your Azure Machine Learning workspace region should be privated link enabled region.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Enable Azure Container Registry (ACR)\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#enable-azure-container-registry-acr",
    decision: Some(
        "The catalog gives this rule as a historical note, so it never fails a block. The region \
part follows the seed article (10/06/2020): private link for workspaces was then available in the \
public Azure cloud but not in Azure Government or Azure China 21Vianet, so the note is shown for \
those two clouds. A workspace whose `edition` is not written is not judged.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    let Some((_, r)) = net.workspace_registries().into_iter().find(|(_, r)| in_vnet(r)) else {
        return Eval::NotEvaluated("the workspace's container registry is not in a virtual network");
    };
    let rname = name(&r.name);
    if let Some(e) = ws.edition.as_ref().filter(|e| e.value == Edition::Basic) {
        out.push(
            e.span.clone(),
            Node::Workspace.field("edition"),
            format!(
                "workspace `{}` is Basic edition; in 2020 its container registry `{rname}` could be put \
                 in a virtual network only with Enterprise edition",
                name(&ws.name)
            ),
        )
        .help("upgrade the workspace to `edition: enterprise`");
    }
    let cloud = net.cloud();
    if cloud != Cloud::AzureCloud {
        let at = net.topo().meta.as_ref().and_then(|m| m.cloud.as_ref()).map(|c| c.span.clone());
        out.push(
            at.unwrap_or(ws.span.clone()),
            Node::Meta.field("cloud"),
            format!(
                "in 2020 `{cloud}` had no private link for Azure Machine Learning, which a container \
                 registry in a virtual network (`{rname}`) required"
            ),
        )
        .help("check that the region now offers private link for Azure Machine Learning");
    }
    Eval::Checked
}
