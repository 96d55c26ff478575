use super::common::clusters;
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};

pub static RULE: Rule = Rule {
    id: "AML-AKS-004",
    name: "private-aks-support-request",
    severity: Severity::Note,
    area: Area::Aks,
    periods: &[Period::P2020],
    title: "Using a private AKS cluster needed a support request (2020)",
    checks: "Advisory. Shown on `aks.private_cluster: true` of every AKS compute, as a reminder that \
in 2020 the feature had to be enabled for the subscription through a support incident.",
    why: "In 2020 Azure ML could only work with a private (Private Link) AKS cluster once Microsoft \
had enabled it for the subscription, and private endpoints count against a quota. Without the \
support incident the attach fails, whatever the network looks like.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-private
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {private_cluster: true, attach: true, network_plugin: azure, nodes: 3}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-private
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {private_cluster: false, attach: true, network_plugin: azure, nodes: 3}
",
    help: "open a support incident to enable private AKS clusters (and the private endpoint quota) before attaching the cluster",
    quote: "For private AKS clusters, you must submit a PE Quota Request. Before using a private \
link enabled AKS cluster with Azure Machine Learning, you must open a support incident to enable \
this functionality.",
    source: "Network isolation & privacy overview (07/07/2020); Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Private AKS cluster\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#private-aks-cluster",
    decision: Some(
        "The catalog gives no check beyond the presence of a private cluster: the note shows on \
each `private_cluster: true`, and nowhere else. It belongs to the 2020 profile only; the \
requirement was lifted later.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let mut any = false;
    for c in clusters(cx.net) {
        any = true;
        let Some(private) = c.private_cluster() else { continue };
        out.push(
            private.span.clone(),
            c.aks_path("private_cluster"),
            format!(
                "private AKS cluster `{}` can be used by Azure ML only after a support incident has enabled the feature",
                c.name()
            ),
        );
    }
    if !any {
        return Eval::NotEvaluated("the block has no AKS cluster");
    }
    Eval::Checked
}
