use super::common::{Field, clusters, reachable_subnets};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::overlaps;

pub static RULE: Rule = Rule {
    id: "AML-AKS-009",
    name: "aks-docker-bridge-clear-of-subnets-and-services",
    severity: Severity::Error,
    area: Area::Aks,
    periods: ALL,
    title: "The Docker bridge range overlaps neither a subnet nor the service range",
    checks: "For every compute of `type: aks` with a known `aks.docker_bridge_cidr`: it overlaps no \
`subnets[].prefix` of the cluster's VNet or of a VNet peered with it, and does not overlap \
`aks.service_cidr`. A cluster created from the workspace (`attach: false`) gets the AKS defaults \
for absent fields (`172.17.0.1/16`, service range `10.0.0.0/16`).",
    why: "Every node has a `docker0` bridge with this range. Addresses inside it are treated as \
local to the node, so a subnet or a Kubernetes service that uses the same addresses becomes \
unreachable from the node, and AKS refuses a bridge range that collides with the service range.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16, 172.17.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
      - {name: snet-jump, prefix: 172.17.1.0/24}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3, service_cidr: 10.2.0.0/16, dns_service_ip: 10.2.0.10, docker_bridge_cidr: 172.17.0.1/16}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16, 172.17.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
      - {name: snet-jump, prefix: 172.17.1.0/24}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3, service_cidr: 10.2.0.0/16, dns_service_ip: 10.2.0.10, docker_bridge_cidr: 172.18.0.1/16}
",
    help: "pick a `docker_bridge_cidr` used by no subnet and outside `service_cidr`, e.g. `172.18.0.1/16`",
    quote: "In the Docker bridge address box, enter the Docker bridge address. This IP address is \
assigned to Docker Bridge. It must not be in any subnet IP ranges, or the Kubernetes service \
address range (for example, 172.17.0.1/16).",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Azure Kubernetes Service\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#azure-kubernetes-service",
    decision: Some(
        "As for the service range (AML-AKS-007), \"any subnet IP ranges\" means the subnets of the \
cluster's VNet and of the VNets peered with it. The bridge value is written with a host address \
(`172.17.0.1/16`); the whole prefix it names is compared. AKS defaults apply only to clusters \
created from the workspace.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    for c in clusters(net) {
        let Some(bridge) = c.setting(Field::DockerBridgeCidr) else { continue };
        let vnet = c.vnet(net);
        let svc = c.setting(Field::ServiceCidr);
        if vnet.is_none() && svc.is_none() {
            continue;
        }
        evaluated = true;
        let range = bridge.net.trunc();
        if let Some(vi) = vnet {
            let hits: Vec<String> = reachable_subnets(net, vi)
                .filter(|(_, p)| overlaps(&range, p))
                .map(|(id, p)| format!("`{}` (`{p}`)", net.subnet_label(id)))
                .collect();
            if !hits.is_empty() {
                let noun = if hits.len() == 1 { "subnet" } else { "subnets" };
                out.push(
                    bridge.span.clone(),
                    bridge.path(),
                    format!(
                        "Docker bridge range {} of AKS cluster `{}` overlaps {noun} {}",
                        bridge.describe(),
                        c.name(),
                        hits.join(", ")
                    ),
                )
                .label("nodes would treat these addresses as local");
            }
        }
        if let Some(svc) = svc
            && overlaps(&range, &svc.net.trunc())
        {
            out.push(
                bridge.span.clone(),
                bridge.path(),
                format!(
                    "Docker bridge range {} of AKS cluster `{}` overlaps its service CIDR {}",
                    bridge.describe(),
                    c.name(),
                    svc.describe()
                ),
            )
            .label("collides with the Kubernetes service range");
        }
    }
    if !evaluated {
        return Eval::NotEvaluated(
            "no AKS cluster with a known Docker bridge range and a VNet or service CIDR",
        );
    }
    Eval::Checked
}
