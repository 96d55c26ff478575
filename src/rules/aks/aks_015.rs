use super::common::clusters;
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::model::{CreatedWith, LoadBalancer};

pub static RULE: Rule = Rule {
    id: "AML-AKS-015",
    name: "aks-internal-lb-configured-after-attach",
    severity: Severity::Note,
    area: Area::Aks,
    periods: BEFORE_CURRENT,
    title: "An internal load balancer is set after the attach, and not from the studio",
    checks: "Advisory, on `aks.load_balancer: internal` of every AKS compute that is attached \
(`attach: true`) or was created in the studio (`created_with: studio`): the private IP is \
configured afterwards with the SDK or CLI, not during the attach or the studio creation.",
    why: "The studio cannot create a cluster with an internal load balancer, and attaching an \
existing cluster always starts with the public one. The switch to a private scoring IP is a \
separate update (`AksUpdateConfiguration` with `InternalLoadBalancer` and the subnet); until it \
runs, the endpoint is public.",
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
    aks: {attach: true, network_plugin: azure, nodes: 3, load_balancer: internal, load_balancer_subnet: snet-aks}
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
    aks: {attach: false, created_with: sdk, nodes: 3, load_balancer: internal, load_balancer_subnet: snet-aks, service_cidr: 10.2.0.0/16, dns_service_ip: 10.2.0.10}
",
    help: "after the attach (or the studio creation), switch the cluster with `AksUpdateConfiguration(None, \"InternalLoadBalancer\", \"<subnet>\")`",
    quote: "You cannot enable private IP when creating the Azure Kubernetes Service cluster in Azure \
Machine Learning studio. You can create one with an internal load balancer when using the Python \
SDK or Azure CLI extension for machine learning. When attaching an existing cluster to your \
workspace, you must wait until after the attach operation to configure the load balancer.",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Enable private load balancer\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#enable-private-load-balancer",
    decision: Some(
        "The catalog asks for an error when a studio-created cluster shows an internal load \
balancer, but such a cluster is valid once it has been updated after creation, which the same \
article describes. Both cases are therefore notes about the order of operations, on the \
`load_balancer` value. A cluster created with the SDK or CLI (`attach: false` without \
`created_with: studio`) can have the internal load balancer from the start and gets no note.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let mut any = false;
    for c in clusters(cx.net) {
        any = true;
        let Some(lb) = c.aks.and_then(|a| a.load_balancer.as_ref()) else { continue };
        if lb.value != LoadBalancer::Internal {
            continue;
        }
        let studio =
            c.aks.and_then(|a| a.created_with.as_ref()).is_some_and(|w| w.value == CreatedWith::Studio);
        let message = if studio {
            format!(
                "AKS cluster `{}` was created in the studio, which cannot enable a private IP: switch it to the internal load balancer with the SDK or CLI after creation",
                c.name()
            )
        } else if c.attached() {
            format!(
                "AKS cluster `{}` is attached: configure its internal load balancer after the attach operation completes",
                c.name()
            )
        } else {
            continue;
        };
        out.push(lb.span.clone(), c.aks_path("load_balancer"), message);
    }
    if !any {
        return Eval::NotEvaluated("the block has no AKS cluster");
    }
    Eval::Checked
}
