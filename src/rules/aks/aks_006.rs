use super::common::{clusters, name_of};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::{LoadBalancer, items};

/// The subnet the Azure ML SDK uses when no load balancer subnet is given.
const SDK_DEFAULT_SUBNET: &str = "aks-subnet";

pub static RULE: Rule = Rule {
    id: "AML-AKS-006",
    name: "aks-internal-lb-subnet-in-aks-vnet",
    severity: Severity::Error,
    area: Area::Aks,
    periods: ALL,
    title: "An internal load balancer has a subnet in the cluster's VNet",
    checks: "For every compute of `type: aks` with `aks.load_balancer: internal` in a declared VNet: \
the subnet that receives the private scoring IP exists in the cluster's VNet. That subnet is \
`aks.load_balancer_subnet` (resolved in the compute's `vnet`); when it is absent, Azure ML uses a \
subnet named `aks-subnet`, which must then exist in that VNet.",
    why: "An internal load balancer takes its frontend IP from a subnet of the cluster's own VNet; \
Azure ML passes that subnet by name when it switches the cluster to a private IP. If the subnet \
does not exist there, the update fails and the scoring endpoint never gets its private IP.",
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
    aks: {attach: true, network_plugin: azure, nodes: 3, load_balancer: internal}
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
    help: "set `load_balancer_subnet` to a subnet of the cluster's VNet (often the cluster's own subnet)",
    quote: "By default, AKS deployments use a public load balancer. ... An internal (or private) \
load balancer is used where only private IPs are allowed as frontend. \
`prov_config.load_balancer_subnet = subnet_name`, \
`AksUpdateConfiguration(None, \"InternalLoadBalancer\", subnet_name)`",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Internal AKS load balancer\" and \"Enable private load balancer\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#internal-aks-load-balancer",
    decision: Some(
        "The requirement is derived from the SDK and CLI parameters the article shows. When \
`load_balancer_subnet` is absent we apply the SDK's documented default (`aks-subnet`, \
`AksUpdateConfiguration` / `provisioning_configuration`) instead of firing outright: a VNet that \
has a subnet of that name works. A `load_balancer_subnet` that names no subnet is already \
reported as a dangling reference, so this rule does not report it again.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    for c in clusters(net).filter(|c| c.load_balancer() == LoadBalancer::Internal) {
        let Some(vi) = c.vnet(net) else { continue };
        let Some(vnet) = net.vnet(vi) else { continue };
        match c.aks.and_then(|a| a.load_balancer_subnet.as_ref()) {
            Some(lb) => {
                // Resolved in the compute's VNet; a name that does not resolve is a dangling
                // reference, reported by the resolver.
                if net.lookup_subnet(c.compute.vnet.as_ref(), Some(lb)).is_some_and(|s| s.vnet == vi) {
                    evaluated = true;
                }
            }
            None => {
                evaluated = true;
                if items(&vnet.subnets).any(|s| name_of(&s.name) == SDK_DEFAULT_SUBNET) {
                    continue;
                }
                let (span, path) = match c.aks.and_then(|a| a.load_balancer.as_ref()) {
                    Some(l) => (l.span.clone(), c.aks_path("load_balancer")),
                    None => (c.anchor(), c.aks_path("load_balancer_subnet")),
                };
                out.push(
                    span,
                    path,
                    format!(
                        "AKS cluster `{}` has an internal load balancer but no `load_balancer_subnet`, and VNet `{}` has no subnet `{SDK_DEFAULT_SUBNET}` (the Azure ML default)",
                        c.name(),
                        name_of(&vnet.name)
                    ),
                )
                .label("no subnet for the private scoring IP")
                .help(format!(
                    "set `load_balancer_subnet` to a subnet of `{}`, e.g. the cluster's own subnet",
                    name_of(&vnet.name)
                ));
            }
        }
    }
    if !evaluated {
        return Eval::NotEvaluated("no AKS cluster with an internal load balancer in a declared VNet");
    }
    Eval::Checked
}
