use super::name;
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::model::ComputeType;
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-ACR-003",
    name: "image-build-compute-cluster",
    severity: Severity::Error,
    area: Area::ContainerRegistry,
    periods: BEFORE_CURRENT,
    title: "With the registry behind the VNet, a compute cluster builds the images",
    checks: "When the workspace's container registry is behind a virtual network (secured with \
`network.default_action: Deny` or `public_network_access: Disabled`, and attached by private \
endpoints or `network.vnet_rules`): `workspace.image_build_compute` names a compute of type \
`compute_cluster`.",
    why: "Azure Machine Learning normally builds environment images with the registry's own build \
tasks, which run outside your network and cannot reach a registry behind it. The workspace must be \
told to build on one of its compute clusters instead; without it every new environment fails to \
build, and no training run or deployment that needs one can start.",
    example: "workspace:
  name: mlw-demo
  container_registry: crmldemo
container_registries:
  - name: crmldemo
    sku: Premium
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    fix: "workspace:
  name: mlw-demo
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
    help: "set `workspace.image_build_compute` to the name of a `compute_cluster`",
    quote: "Your Azure Machine Learning workspace must contain an Azure Machine Learning compute cluster. \
When ACR is behind a virtual network, Azure Machine Learning cannot use it to directly build Docker images. Instead, the compute cluster is used to build the images.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Enable Azure Container Registry (ACR)\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#enable-azure-container-registry-acr",
    decision: Some(
        "A cluster that merely exists is not used for builds until the workspace is updated with \
`image_build_compute`, so that setting is what we check. When it names a compute the block does \
not declare and the block has no `computes` at all, its type cannot be known and it is accepted; \
a name missing from a present `computes` list is already reported as a dangling reference. A \
registry that keeps its public endpoint open is still reached by the registry's build tasks, so \
the rule applies only to a secured registry (the catalog's `uses_vnet`).",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    let Some((_, r)) = net.workspace_registries().into_iter().find(|(_, r)| r.uses_vnet()) else {
        return Eval::NotEvaluated("the workspace's container registry is not behind a virtual network");
    };
    let wname = name(&ws.name);
    let rname = name(&r.name);
    match &ws.image_build_compute {
        None => {
            out.push(
                ws.span.clone(),
                Loc::from(Node::Workspace),
                format!(
                    "workspace `{wname}` sets no `image_build_compute`, but its container registry \
                     `{rname}` is in a virtual network and cannot build images"
                ),
            )
            .label("no compute cluster to build images");
        }
        Some(b) => match b.value.as_deref() {
            None => {
                out.push(
                    b.span.clone(),
                    Node::Workspace.field("image_build_compute"),
                    format!(
                        "workspace `{wname}` builds images with the registry's tasks, which cannot \
                         reach container registry `{rname}` in the virtual network"
                    ),
                )
                .label("null: build with registry tasks");
            }
            Some(cname) => {
                if let Some((_, c)) = net.compute(cname)
                    && let Some(kind) = c.kind.as_ref().filter(|k| k.value != ComputeType::ComputeCluster)
                {
                    out.push(
                        b.span.clone(),
                        Node::Workspace.field("image_build_compute"),
                        format!(
                            "`image_build_compute` names `{cname}`, a `{}`; images are built on a \
                             `compute_cluster` only",
                            kind.value
                        ),
                    )
                    .label("not a compute cluster");
                }
            }
        },
    }
    Eval::Checked
}
