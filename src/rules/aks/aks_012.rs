use super::common::clusters;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};

pub static RULE: Rule = Rule {
    id: "AML-AKS-012",
    name: "aks-identity-network-contributor",
    severity: Severity::Error,
    area: Area::Aks,
    periods: ALL,
    title: "The AKS cluster identity is Network Contributor on the VNet's resource group",
    checks: "For every compute of `type: aks` placed in a VNet of the block (created or attached with \
a VNet you created): `aks.identity_network_contributor_on_vnet_rg` is not `false`.",
    why: "AKS manages load balancers, public and private IPs and routes in the VNet it is given \
with the cluster's own service principal or managed identity. Without the Network Contributor \
role on the VNet's resource group, those operations are refused: nodes cannot join the subnet, \
and switching the scoring endpoint to an internal load balancer fails.",
    example: "vnets:
  - name: vnet-ml
    resource_group: rg-network
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3, identity_network_contributor_on_vnet_rg: false}
",
    fix: "vnets:
  - name: vnet-ml
    resource_group: rg-network
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3, identity_network_contributor_on_vnet_rg: true}
",
    help: "grant the cluster's identity `Network Contributor` on the VNet's resource group (`az role assignment create --role 'Network Contributor'`), then set `identity_network_contributor_on_vnet_rg: true`",
    quote: "If you create or attach an AKS cluster by providing a virtual network you previously \
created, you must grant the service principal (SP) or managed identity for your AKS cluster the \
Network Contributor role to the resource group that contains the virtual network.",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Network contributor role\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#network-contributor-role",
    decision: Some(
        "A role assignment cannot be seen in a network topology, so the rule fires only when the \
block states `identity_network_contributor_on_vnet_rg: false`; an absent value is not evaluated \
(rather than assumed missing, which would fire on every example that does not speak about \
roles). Every VNet in a topology counts as \"a virtual network you previously created\".",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    for c in clusters(net) {
        let Some(vi) = c.vnet(net) else { continue };
        let Some(role) = c.aks.and_then(|a| a.identity_network_contributor_on_vnet_rg.as_ref()) else {
            continue;
        };
        evaluated = true;
        if role.value {
            continue;
        }
        let vname = net.vnet_name(vi);
        let rg = net
            .vnet(vi)
            .and_then(|v| v.resource_group.as_ref())
            .map(|r| format!(" `{}`", r.value))
            .unwrap_or_default();
        out.push(
            role.span.clone(),
            c.aks_path("identity_network_contributor_on_vnet_rg"),
            format!(
                "the identity of AKS cluster `{}` is not Network Contributor on the resource group{rg} of VNet `{vname}`",
                c.name()
            ),
        )
        .label("AKS cannot manage load balancers and IPs in the VNet");
    }
    if !evaluated {
        return Eval::NotEvaluated(
            "no AKS cluster in a declared VNet states `identity_network_contributor_on_vnet_rg`",
        );
    }
    Eval::Checked
}
