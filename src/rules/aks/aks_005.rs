use super::common::clusters;
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::{LoadBalancer, NetworkPlugin};

pub static RULE: Rule = Rule {
    id: "AML-AKS-005",
    name: "aks-internal-lb-needs-azure-cni",
    severity: Severity::Error,
    area: Area::Aks,
    periods: &[Period::P2020, Period::P2021],
    title: "An internal load balancer needs an AKS cluster with Azure CNI, not kubenet",
    checks: "For every compute of `type: aks` with `aks.load_balancer: internal`: the network plugin \
is `azure`. The plugin is `aks.network_plugin`; when absent, a `pod_cidr` means kubenet, and a \
cluster created from the workspace in a VNet (`attach: false`) uses Azure CNI. Otherwise the \
plugin is unknown and the cluster is skipped.",
    why: "In 2020 the Azure ML internal (private IP) scoring endpoint did not work on a kubenet \
cluster: the internal load balancer never got a usable private frontend and deployments could \
not be reached. A cluster that must score on a private IP had to use Azure CNI.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: kubenet, nodes: 3, load_balancer: internal, load_balancer_subnet: snet-aks}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3, load_balancer: internal, load_balancer_subnet: snet-aks}
",
    help: "use a cluster with Azure CNI (`network_plugin: azure`), or keep the public load balancer",
    quote: "Internal load balancer does not work with an AKS cluster that uses kubenet. If you want \
to use an internal load balancer and a private AKS cluster at the same time, configure your \
private AKS cluster with Azure Container Networking Interface (CNI).",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Secure VNet traffic\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#secure-vnet-traffic",
    decision: Some(
        "The warning speaks of kubenet in general, so every internal load balancer is checked, \
private cluster or not. When `network_plugin` is absent we infer it only where it is certain: a \
`pod_cidr` exists only with kubenet, and Azure ML creates clusters in a VNet with Azure CNI \
(advanced networking). An attached cluster with no stated plugin is skipped rather than guessed.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let mut evaluated = false;
    for c in clusters(cx.net).filter(|c| c.load_balancer() == LoadBalancer::Internal) {
        let Some(plugin) = c.plugin() else { continue };
        evaluated = true;
        if plugin.value != NetworkPlugin::Kubenet {
            continue;
        }
        let how = if plugin.from == "pod_cidr" { " (it sets a kubenet `pod_cidr`)" } else { "" };
        out.push(
            plugin.span,
            c.aks_path(plugin.from),
            format!(
                "AKS cluster `{}` uses kubenet{how}, but its internal load balancer needs Azure CNI",
                c.name()
            ),
        )
        .label("internal load balancers do not work with kubenet");
    }
    if !evaluated {
        return Eval::NotEvaluated(
            "no AKS cluster with an internal load balancer and a known network plugin",
        );
    }
    Eval::Checked
}
