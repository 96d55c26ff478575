use super::zones::{ZoneKind, classify, zone_name};
use super::{about_dns, azure_dns, link_anchor, linked, mode};
use crate::diag::Severity;
use crate::rules::general::{nm, placement};
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::{DnsMode, items};
use crate::topology::node::{Loc, Node, PeOwner};

pub static RULE: Rule = Rule {
    id: "AML-DNS-001",
    name: "workspace-private-dns-zones",
    severity: Severity::Error,
    area: Area::Dns,
    periods: ALL,
    title: "With Azure DNS, the workspace endpoint registers in both workspace zones, linked to its VNet",
    checks: "For every workspace private endpoint, when name resolution is Azure-provided \
(`dns.mode` absent or `azure_provided`):\n\n\
- its `private_dns_zone_group` contains the API zone (`privatelink.api.azureml.ms`) and the \
notebooks zone (`privatelink.notebooks.azure.net`), or the zone exists in `private_dns_zones` \
with manual `records`;\n\
- when its VNet uses Azure DNS (no `dns_servers`), each of those zones declared in \
`private_dns_zones` lists the VNet in `linked_vnets`.\n\n\
The cloud variants of the zone names are accepted here (AML-DNS-002 checks the cloud). Evaluated \
when the block speaks about name resolution (`private_dns_zones`, `dns`, or a zone group on the \
endpoint). VNets that resolve through a custom DNS server are AML-DNS-008's.",
    why: "Clients and compute find the workspace through its private endpoint only if its names \
resolve to the endpoint's addresses. With Azure DNS that is the job of the two private DNS zones: \
the endpoint's zone group writes the records, and the link makes the VNet see them. A missing \
zone or link sends the studio, the SDK and the notebooks to the public address, which a private \
workspace refuses.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
workspace:
  name: mlw-demo
  private_endpoints:
    - name: pe-mlw
      subnet: snet-pe
      private_dns_zone_group: [privatelink.api.azureml.ms]
private_dns_zones:
  - {name: privatelink.api.azureml.ms, linked_vnets: [vnet-ml]}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
workspace:
  name: mlw-demo
  private_endpoints:
    - name: pe-mlw
      subnet: snet-pe
      private_dns_zone_group: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]
private_dns_zones:
  - {name: privatelink.api.azureml.ms, linked_vnets: [vnet-ml]}
  - {name: privatelink.notebooks.azure.net, linked_vnets: [vnet-ml]}
",
    help: "add both zones to the endpoint's `private_dns_zone_group` and link them to its VNet",
    quote: "To create the private DNS zone entries for the workspace, use the following commands: # Add privatelink.api.azureml.ms az network private-dns zone create ... az network private-dns link vnet create ... --virtual-network <vnet-name> --registration-enabled false ... az network private-endpoint dns-zone-group create ... --private-dns-zone privatelink.api.azureml.ms ... # Add privatelink.notebooks.azure.net ...",
    source: "Configure a private endpoint for an Azure Machine Learning workspace (2024), \"Create a workspace that uses a private endpoint\" (Azure CLI); \"By default, Azure automatically handles name resolution for your workspace and private endpoint\" (custom DNS article, 10/05/2020)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-configure-private-link#create-a-workspace-that-uses-a-private-endpoint",
    decision: Some(
        "A block that shows a workspace endpoint but says nothing about DNS (no \
`private_dns_zones`, no `dns`, no zone group) is a partial block: the rule is not evaluated \
rather than asking every example to carry its zones. Zones are compared by service, whatever \
the cloud suffix, so a wrong-cloud zone is reported once, by AML-DNS-002.",
    ),
    removed: false,
    check,
};

const KINDS: [ZoneKind; 2] = [ZoneKind::Api, ZoneKind::Notebooks];

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    if !net.workspace_has_pe() {
        return Eval::NotEvaluated("the workspace has no private endpoint");
    }
    if mode(net) != DnsMode::AzureProvided {
        return Eval::NotEvaluated("name resolution is not Azure-provided (see AML-DNS-003)");
    }
    let zones = &net.topo().private_dns_zones;
    let has_manual_records = |kind: ZoneKind| {
        items(zones).any(|z| {
            z.name.as_ref().and_then(|n| classify(&n.value)).is_some_and(|(k, _)| k == kind)
                && items(&z.records).len() > 0
        })
    };
    let mut evaluated = false;
    let mut reported: Vec<(usize, usize)> = Vec::new();
    for (i, pe) in net.workspace_pes().enumerate() {
        if !about_dns(net) && pe.private_dns_zone_group.is_none() {
            continue;
        }
        evaluated = true;
        let pname = nm(&pe.name);
        let group = &pe.private_dns_zone_group;
        let missing: Vec<&str> = KINDS
            .iter()
            .filter(|kind| {
                !items(group).any(|z| classify(&z.value).is_some_and(|(k, _)| k == **kind))
                    && !has_manual_records(**kind)
            })
            .map(|kind| zone_name(*kind, net.cloud()))
            .collect();
        match (group, missing.as_slice()) {
            (_, []) => {}
            (None, _) => {
                out.push(
                    pe.span.clone(),
                    Loc::from(Node::Pe { owner: PeOwner::Workspace, index: i }),
                    format!(
                        "workspace private endpoint `{pname}` has no private DNS zone group: `{}` get no records",
                        missing.join("` and `")
                    ),
                )
                .help(format!("set `private_dns_zone_group: [{}]`", missing.join(", ")))
                .label("the workspace names resolve to its public address");
            }
            (Some(g), _) => {
                for want in missing {
                    out.push(
                        g.span.clone(),
                        Node::Pe { owner: PeOwner::Workspace, index: i }.field("private_dns_zone_group"),
                        format!(
                            "workspace private endpoint `{pname}` does not register its names in `{want}`"
                        ),
                    )
                    .help(format!("add `{want}` to `private_dns_zone_group`"))
                    .label("the workspace names resolve to its public address");
                }
            }
        }
        let Some((vi, _)) = placement(net, pe.vnet.as_ref(), pe.subnet.as_ref(), &pe.span) else { continue };
        if !azure_dns(net, vi) {
            continue;
        }
        let vname = net.vnet_name(vi);
        for z in items(group) {
            if !classify(&z.value).is_some_and(|(k, _)| KINDS.contains(&k)) {
                continue;
            }
            let Some((zi, zone)) = net.zone(&z.value) else { continue };
            if !linked(zone, vname) && !reported.contains(&(zi, vi)) {
                reported.push((zi, vi));
                let (span, path) = link_anchor(zi, zone);
                out.push(
                    span,
                    path,
                    format!(
                        "private DNS zone `{}` is not linked to vnet `{vname}` of workspace private endpoint `{pname}`",
                        z.value
                    ),
                )
                .help(format!("add `{vname}` to the zone's `linked_vnets`"))
                .label("the VNet does not see the zone's records");
            }
        }
    }
    if evaluated { Eval::Checked } else { Eval::NotEvaluated("the block says nothing about name resolution") }
}
