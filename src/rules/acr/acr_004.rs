use super::{in_vnet, name, registry_subnets, storage_subnets, subnet_list};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-ACR-004",
    name: "image-build-cluster-shares-subnet",
    severity: Severity::Error,
    area: Area::ContainerRegistry,
    periods: &[Period::P2020, Period::P2021],
    title: "The image-build cluster, the storage account and the registry share one subnet",
    checks: "When the workspace's container registry is in a virtual network and \
`workspace.image_build_compute` names a compute in a declared subnet: that subnet is one where the \
registry is attached (a private endpoint's `subnet` or a subnet of `network.vnet_rules`), and, when \
the default storage account is attached to the network, one where the storage account is attached \
too.",
    why: "The image-build cluster pulls the build context from the default storage account and \
pushes the finished image to the registry. In 2020 both had to be reached through the subnet the \
cluster runs in; a cluster elsewhere cannot finish a build, and every environment stays \
unbuilt.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  container_registry: crmldemo
  image_build_compute: cpu-cluster
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage, Microsoft.ContainerRegistry]}
      - {name: snet-build, prefix: 10.0.2.0/24, service_endpoints: [Microsoft.Storage, Microsoft.ContainerRegistry]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training, vnet-ml/snet-build]}
container_registries:
  - name: crmldemo
    sku: Premium
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-build, max_nodes: 4}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  container_registry: crmldemo
  image_build_compute: cpu-cluster
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage, Microsoft.ContainerRegistry]}
      - {name: snet-build, prefix: 10.0.2.0/24, service_endpoints: [Microsoft.Storage, Microsoft.ContainerRegistry]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training, vnet-ml/snet-build]}
container_registries:
  - name: crmldemo
    sku: Premium
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "put the image-build cluster in the subnet where the registry and the default storage account are attached",
    quote: "Your storage account, compute cluster, and Azure Container Registry must all be in the same subnet of the virtual network.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Enable Azure Container Registry (ACR)\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#enable-azure-container-registry-acr",
    decision: Some(
        "The sentence follows the step that sets `image_build_compute`, so \"compute cluster\" is \
read as the image-build cluster; the other compute is placed by AML-ACR-002. Whether the storage \
account and the registry share a subnet with each other is also AML-ACR-002's finding, so this rule \
reports only where the build cluster stands apart. The finding points at the cluster's `subnet`, the \
usual thing to change.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    let Some((ci, c)) =
        ws.image_build_compute.as_ref().and_then(|b| b.value.as_deref()).and_then(|n| net.compute(n))
    else {
        return Eval::NotEvaluated("the workspace names no declared image-build compute");
    };
    let Some(build) = net.compute_subnet(ci) else {
        return Eval::NotEvaluated("the image-build compute sits in no declared subnet");
    };
    let registries: Vec<_> = net
        .workspace_registries()
        .into_iter()
        .filter(|(_, r)| in_vnet(r))
        .map(|(_, r)| (r, registry_subnets(net, r)))
        .filter(|(_, subnets)| !subnets.is_empty())
        .collect();
    if registries.is_empty() {
        return Eval::NotEvaluated("no container registry is attached in a declared subnet");
    }
    let cname = name(&c.name);
    let label = net.subnet_label(build);
    let (at, path) = match &c.subnet {
        Some(s) => (s.span.clone(), Node::Compute(ci).field("subnet")),
        None => (c.span.clone(), Loc::from(Node::Compute(ci))),
    };
    for (r, subnets) in &registries {
        if !subnets.contains(&build) {
            out.push(
                at.clone(),
                path.clone(),
                format!(
                    "image-build cluster `{cname}` is in subnet `{label}`, but container registry `{}` \
                     is attached only in {}",
                    name(&r.name),
                    subnet_list(net, subnets)
                ),
            )
            .label("build cluster away from the registry");
        }
    }
    if let Some((_, s)) = net.default_storage() {
        let ssubs = storage_subnets(net, s);
        if !ssubs.is_empty() && !ssubs.contains(&build) {
            out.push(
                at.clone(),
                path.clone(),
                format!(
                    "image-build cluster `{cname}` is in subnet `{label}`, but default storage account \
                     `{}` is attached only in {}",
                    name(&s.name),
                    subnet_list(net, &ssubs)
                ),
            )
            .label("build cluster away from the storage account");
        }
    }
    Eval::Checked
}
