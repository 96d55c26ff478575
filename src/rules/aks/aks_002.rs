use super::common::{clusters, name_of};
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{List, PrivateEndpoint};
use crate::topology::resolve::Net;

pub static RULE: Rule = Rule {
    id: "AML-AKS-002",
    name: "aks-in-workspace-resources-vnet",
    severity: Severity::Error,
    area: Area::Aks,
    periods: BEFORE_CURRENT,
    title: "An AKS cluster is in the VNet of the workspace and its secured resources",
    checks: "For every compute of `type: aks` in a declared VNet, every one of these that is attached \
to a VNet must be attached to the cluster's VNet:\n\
- the workspace, through its `private_endpoints`;\n\
- every storage account the workspace uses (`default_storage`, `labeling_storage`, the datastores' \
`storage`; all accounts of a block without a workspace), every key vault and container registry \
of the workspace, when secured (`network.default_action: Deny` or `public_network_access: \
Disabled`) and reached by a private endpoint (`private_endpoints[].vnet`) or a service-endpoint \
rule (`network.vnet_rules`).\n\n\
Peering does not count in profile `2020-10`.",
    why: "Azure ML deploys models to the cluster from inside its VNet: the cluster pulls images from \
the registry, reads models from storage and secrets from the key vault, and talks to the \
workspace. A secured resource only admits the VNet it is attached to, so a cluster in another \
VNet is refused by each of them and deployments fail.",
    example: "# the datastore account `stmldata` is only reachable in vnet-data; the cluster is in vnet-ml
workspace:
  name: mlw-demo
  default_storage: stmldefault
  datastores:
    - {name: training_data, kind: blob, storage: stmldata, use_workspace_managed_identity: true, skip_validation: true}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    peerings: [vnet-data]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
  - name: vnet-data
    address_space: [10.1.0.0/16]
    peerings: [vnet-ml]
    subnets:
      - {name: snet-pe, prefix: 10.1.0.0/24}
private_dns_zones:
  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-ml, vnet-data]}
storage_accounts:
  - name: stmldefault
  - name: stmldata
    network: {default_action: Deny}
    private_endpoints:
      - {name: pe-data-blob, subresource: blob, vnet: vnet-data, subnet: snet-pe, dns_zone: privatelink.blob.core.windows.net}
computes:
  - {name: aks-inf, type: aks, vnet: vnet-ml, subnet: snet-aks}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldefault
  datastores:
    - {name: training_data, kind: blob, storage: stmldata, use_workspace_managed_identity: true, skip_validation: true}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
      - {name: snet-pe, prefix: 10.0.1.0/24}
private_dns_zones:
  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-ml]}
storage_accounts:
  - name: stmldefault
  - name: stmldata
    network: {default_action: Deny}
    private_endpoints:
      - {name: pe-data-blob, subresource: blob, vnet: vnet-ml, subnet: snet-pe, dns_zone: privatelink.blob.core.windows.net}
computes:
  - {name: aks-inf, type: aks, vnet: vnet-ml, subnet: snet-aks}
",
    help: "place the cluster in the VNet of the workspace resources, or attach the resource to the cluster's VNet",
    quote: "AKS clusters must belong to the same VNet as the workspace and its associated resources. \
If you secure the Azure Storage Account(s) used by the workspace in a virtual network, they must \
be in the same virtual network as the AKS instance too.",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Secure the inferencing environment\" (Limitations); Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Azure Kubernetes Service\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#secure-the-inferencing-environment",
    decision: Some(
        "Profile `2020-10` follows the seed article: the same VNet, peering does not count (peered \
VNets are accepted only from 2022). A resource counts when it is attached to a VNet: the workspace \
by a private endpoint; storage, key vault and registry when secured and attached (`uses_vnet`); an \
open resource imposes no placement. A resource attached to several VNets passes when one of them \
is the cluster's (AML-GEN-001 reports the spread itself). Storage covers every account the \
workspace uses, datastores included, as the inferencing article says \"Storage Account(s) used by \
the workspace\".",
    ),
    removed: false,
    check,
};

/// A resource attached to one or more VNets.
struct Attached<'a> {
    what: &'static str,
    name: &'a str,
    vnets: Vec<usize>,
}

fn attached_vnets(
    net: &Net,
    pes: &Option<List<PrivateEndpoint>>,
    rules: Option<&Option<List<String>>>,
) -> Vec<usize> {
    let mut v = net.pe_vnets(pes);
    if let Some(rules) = rules {
        v.extend(net.vnet_rule_subnets(rules).into_iter().map(|s| s.vnet));
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn attached_resources(net: &Net) -> Vec<Attached<'_>> {
    let mut out = Vec::new();
    if net.workspace_has_pe() {
        let name = net.workspace().map(|w| name_of(&w.name)).unwrap_or("?");
        out.push(Attached { what: "workspace", name, vnets: net.workspace_pe_vnets() });
    }
    for (_, s) in net.workspace_storages() {
        if s.uses_vnet() {
            let rules = s.network.as_ref().map(|n| &n.vnet_rules);
            let vnets = attached_vnets(net, &s.private_endpoints, rules);
            out.push(Attached { what: "storage account", name: name_of(&s.name), vnets });
        }
    }
    for (_, k) in net.workspace_key_vaults() {
        if k.uses_vnet() {
            let rules = k.network.as_ref().map(|n| &n.vnet_rules);
            let vnets = attached_vnets(net, &k.private_endpoints, rules);
            out.push(Attached { what: "key vault", name: name_of(&k.name), vnets });
        }
    }
    for (_, r) in net.workspace_registries() {
        if r.uses_vnet() {
            let rules = r.network.as_ref().map(|n| &n.vnet_rules);
            let vnets = attached_vnets(net, &r.private_endpoints, rules);
            out.push(Attached { what: "container registry", name: name_of(&r.name), vnets });
        }
    }
    out.retain(|a| !a.vnets.is_empty());
    out
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let placed: Vec<_> = clusters(net).filter_map(|c| c.vnet(net).map(|v| (c, v))).collect();
    if placed.is_empty() {
        return Eval::NotEvaluated("no AKS cluster is placed in a declared VNet");
    }
    let resources = attached_resources(net);
    if resources.is_empty() {
        return Eval::NotEvaluated("neither the workspace nor a secured resource is attached to a VNet");
    }
    for (c, vi) in &placed {
        let vname = net.vnet_name(*vi);
        for r in resources.iter().filter(|r| !r.vnets.contains(vi)) {
            let others: Vec<String> = r.vnets.iter().map(|v| format!("`{}`", net.vnet_name(*v))).collect();
            let (span, path) = c.placement();
            let via = if r.what == "workspace" { " through its private endpoints" } else { "" };
            out.push(
                span,
                path,
                format!(
                    "AKS cluster `{}` is in VNet `{vname}`, but {} `{}` is reachable{via} only in {}",
                    c.name(),
                    r.what,
                    r.name,
                    others.join(", ")
                ),
            )
            .label(format!("not the VNet of {} `{}`", r.what, r.name))
            .help(if r.what == "workspace" {
                format!(
                    "place the cluster in {}, or give the workspace a private endpoint in VNet `{vname}`",
                    others.join(" or ")
                )
            } else {
                format!(
                    "place the cluster in {}, or attach {} `{}` to VNet `{vname}` (private endpoint or service-endpoint rule)",
                    others.join(" or "),
                    r.what,
                    r.name
                )
            });
        }
    }
    Eval::Checked
}
