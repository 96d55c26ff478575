use super::{in_vnet, name};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::Sku;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-ACR-001",
    name: "registry-in-vnet-is-premium",
    severity: Severity::Error,
    area: Area::ContainerRegistry,
    periods: ALL,
    title: "A container registry in a virtual network is Premium",
    checks: "For the workspace's container registry (every registry of a block without a \
workspace) that is in a virtual network (it has `private_endpoints`, or it is secured with \
`network.vnet_rules`): `sku: Premium`.",
    why: "Private endpoints and virtual-network rules are features of the Premium tier only. A \
Basic or Standard registry cannot be put behind the network at all, so the deployment of the \
endpoint or the network rule fails.",
    example: "container_registries:
  - name: crmldemo
    sku: Standard
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    fix: "container_registries:
  - name: crmldemo
    sku: Premium
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "set `sku: Premium`",
    quote: "Your Azure Container Registry must be Premium version.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Enable Azure Container Registry (ACR)\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#enable-azure-container-registry-acr",
    decision: Some(
        "A registry always has a SKU in Azure, but ARM gives it no default we could assume, so a \
registry whose `sku` is not written is not judged. Virtual-network rules count only on a secured \
registry with its public endpoint enabled; on an open registry they have no effect.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let registries = cx.net.workspace_registries();
    if registries.is_empty() {
        return Eval::NotEvaluated("the block has no container registry");
    }
    let mut judged = false;
    for (i, r) in registries.into_iter().filter(|(_, r)| in_vnet(r)) {
        let Some(sku) = &r.sku else { continue };
        judged = true;
        if sku.value != Sku::Premium {
            out.push(
                sku.span.clone(),
                Node::Registry(i).field("sku"),
                format!(
                    "container registry `{}` is `{}`, but a registry in a virtual network must be `Premium`",
                    name(&r.name),
                    sku.value
                ),
            )
            .label("private endpoints and network rules need Premium");
        }
    }
    if !judged {
        return Eval::NotEvaluated("no container registry with a known `sku` is in a virtual network");
    }
    Eval::Checked
}
