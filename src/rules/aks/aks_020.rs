use super::common::clusters;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::{LoadBalancer, Scenario};

pub static RULE: Rule = Rule {
    id: "AML-AKS-020",
    name: "secured-topology-private-aks-scoring",
    severity: Severity::Warning,
    area: Area::Aks,
    periods: ALL,
    title: "In a secured topology, AKS scores on a private IP",
    checks: "When `meta.scenario: secured`: every compute of `type: aks` has `aks.load_balancer: \
internal`. An absent `load_balancer` is the Azure ML default, the public load balancer.",
    why: "The secured row of the overview's scenario table puts inferencing compute on private IPs. \
With the default public load balancer the scoring endpoint gets a public IP: the models are \
exposed on the internet even though the rest of the workspace is behind the VNet.",
    example: "meta: {scenario: secured}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - {name: aks-inf, type: aks, vnet: vnet-ml, subnet: snet-aks}
",
    fix: "meta: {scenario: secured}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {load_balancer: internal, load_balancer_subnet: snet-aks}
",
    help: "set `load_balancer: internal` and a `load_balancer_subnet` in the cluster's VNet",
    quote: "Inferencing compute access - Access Azure Kubernetes Services (AKS) compute clusters \
with private IP addresses. Internal AKS load balancer: This approach configures the endpoint for \
your deployments to AKS to use a private IP within the virtual network.",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Example scenario\"; Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Secure VNet traffic\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#example-scenario",
    decision: Some(
        "The scenario table is the product's own `meta.scenario`; without `secured` the rule is not \
evaluated. A private cluster alone does not satisfy it: a private control plane still serves \
the scoring endpoint on a public IP unless the load balancer is internal.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    if net.scenario() != Some(Scenario::Secured) {
        return Eval::NotEvaluated("the block does not set `meta.scenario: secured`");
    }
    let mut any = false;
    for c in clusters(net) {
        any = true;
        if c.load_balancer() == LoadBalancer::Internal {
            continue;
        }
        let (span, written) = match c.aks.and_then(|a| a.load_balancer.as_ref()) {
            Some(l) => (l.span.clone(), ""),
            None => (c.anchor(), " (the default)"),
        };
        out.push(
            span,
            c.aks_path("load_balancer"),
            format!(
                "AKS cluster `{}` scores through a public load balancer{written} in a secured topology",
                c.name()
            ),
        )
        .label("the scoring endpoint gets a public IP");
    }
    if !any {
        return Eval::NotEvaluated("the block has no AKS cluster");
    }
    Eval::Checked
}
