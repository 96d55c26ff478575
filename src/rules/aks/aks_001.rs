use super::common::{clusters, name_of, same_region};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};

pub static RULE: Rule = Rule {
    id: "AML-AKS-001",
    name: "aks-in-vnet-region",
    severity: Severity::Error,
    area: Area::Aks,
    periods: ALL,
    title: "An AKS cluster is in the same region as its virtual network",
    checks: "For every compute of `type: aks` placed in a declared VNet (`vnet` / `subnet`): the \
compute's `region` equals the VNet's `region` (compared without case or spaces). A cluster created \
from the workspace (`aks.attach: false`) without a `region` is created in the workspace's region, \
so `workspace.region` is used for it.",
    why: "The nodes of an AKS cluster are placed in a subnet of the VNet it is given, and a VNet \
only exists in one region: Azure refuses to create or attach a cluster whose region differs from \
its VNet's, and the inference cluster never becomes usable from the workspace.",
    example: "vnets:
  - name: vnet-ml
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - {name: aks-inf, type: aks, region: westus2, vnet: vnet-ml, subnet: snet-aks}
",
    fix: "vnets:
  - name: vnet-ml
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - {name: aks-inf, type: aks, region: eastus, vnet: vnet-ml, subnet: snet-aks}
",
    help: "create the cluster in the VNet's region (`region`), or place it in a VNet of its own region",
    quote: "The AKS instance and the virtual network must be in the same region.",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Azure Kubernetes Service\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#azure-kubernetes-service",
    decision: Some(
        "The Azure ML SDK creates a cluster in the workspace's region when no location is given \
(`AksCompute.provisioning_configuration(location=None)`), so for `attach: false` without `region` \
we compare `workspace.region`. An attached cluster (or one whose origin is not stated) without a \
`region`, or a VNet without a `region`, cannot be compared and is skipped.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut any_aks = false;
    let mut evaluated = false;
    for c in clusters(net) {
        any_aks = true;
        let Some(vi) = c.vnet(net) else { continue };
        let Some(vnet) = net.vnet(vi) else { continue };
        let Some(vregion) = &vnet.region else { continue };
        let Some((region, from_workspace)) = c.region(net) else { continue };
        evaluated = true;
        if same_region(&region.value, &vregion.value) {
            continue;
        }
        let vname = name_of(&vnet.name);
        if from_workspace {
            out.push(
                c.compute.span.clone(),
                c.path(),
                format!(
                    "AKS cluster `{}` is created in the workspace's region `{}` (no `region` set), but its VNet `{vname}` is in `{}`",
                    c.name(),
                    region.value,
                    vregion.value
                ),
            )
            .help(format!("set `region: {}` on the cluster, or use a VNet in `{}`", vregion.value, region.value));
        } else {
            out.push(
                region.span.clone(),
                c.path().field("region"),
                format!(
                    "AKS cluster `{}` is in `{}`, but its VNet `{vname}` is in `{}`",
                    c.name(),
                    region.value,
                    vregion.value
                ),
            )
            .label(format!("VNet `{vname}` is in `{}`", vregion.value))
            .help(format!("create the cluster in `{}`, or use a VNet in `{}`", vregion.value, region.value));
        }
    }
    match (any_aks, evaluated) {
        (false, _) => Eval::NotEvaluated("the block has no AKS cluster"),
        (true, false) => {
            Eval::NotEvaluated("no AKS cluster has both a known region and a VNet with a region")
        }
        _ => Eval::Checked,
    }
}
