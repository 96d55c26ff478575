use super::zones::{ZoneKind, classify, kind_of, public_suffixes, under, zone_name};
use super::{AZURE_DNS, about_dns, azure_dns, host_records, link_anchor, linked, mode, records_anchor};
use crate::diag::Severity;
use crate::rules::general::{nm, placement};
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::{Cloud, DnsMode, List, PrivateEndpoint, items};
use crate::topology::node::{Node, PeOwner};
use crate::topology::resolve::Net;

pub static RULE: Rule = Rule {
    id: "AML-DNS-007",
    name: "resource-private-dns-zones",
    severity: Severity::Error,
    area: Area::Dns,
    periods: ALL,
    title: "Private endpoints of storage, key vault and registry resolve through their zone",
    checks: "For every private endpoint of a storage account, key vault or container registry:\n\n\
- with Azure DNS (`dns.mode` absent or `azure_provided`): its `dns_zone` is the zone of its \
`subresource` (`privatelink.blob.core.windows.net`, `privatelink.file.core.windows.net`, \
`privatelink.queue.core.windows.net`, `privatelink.table.core.windows.net`, \
`privatelink.dfs.core.windows.net`, `privatelink.web.core.windows.net`, \
`privatelink.vaultcore.azure.net`, `privatelink.azurecr.io`, or their Government and China \
names), or that zone holds a record named after the resource; and, when its VNet uses Azure DNS, \
the zone declared in `private_dns_zones` lists the VNet in `linked_vnets`;\n\
- with a custom DNS server (`dns.mode: custom` or `hosts_file`): a host record for the \
resource's name (`<account>.blob.core.windows.net`, `<vault>.vault.azure.net`, \
`<registry>.azurecr.io`...) or a conditional forwarder for its domain to Azure DNS \
(`168.63.129.16`).\n\n\
Evaluated when the block speaks about name resolution (`private_dns_zones`, `dns`) or the \
endpoint names a `dns_zone`.",
    why: "A private endpoint gives the resource a private address, but clients still connect by \
its public name. Unless that name resolves to the private address (private DNS zone linked to \
the VNet, or records on the custom DNS server), traffic goes to the public endpoint, which a \
secured storage account, key vault or registry refuses.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
key_vaults:
  - name: kv-ml
    private_endpoints:
      - {name: pe-kv, subresource: vault, subnet: snet-pe, dns_zone: privatelink.vaultcore.azure.net}
private_dns_zones:
  - {name: privatelink.vaultcore.azure.net, linked_vnets: []}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
key_vaults:
  - name: kv-ml
    private_endpoints:
      - {name: pe-kv, subresource: vault, subnet: snet-pe, dns_zone: privatelink.vaultcore.azure.net}
private_dns_zones:
  - {name: privatelink.vaultcore.azure.net, linked_vnets: [vnet-ml]}
",
    help: "register the endpoint in the zone of its sub-resource and link the zone to the endpoint's VNet",
    quote: "Azure Key Vault (Microsoft.KeyVault/vaults) / vault | privatelink.vaultcore.azure.net | vault.azure.net, vaultcore.azure.net; Azure Container Registry (Microsoft.ContainerRegistry/registries) / registry | privatelink.azurecr.io | azurecr.io",
    source: "Azure Private Endpoint DNS configuration, \"Azure services DNS zone configuration\"",
    source_url: "https://docs.microsoft.com/azure/private-link/private-endpoint-dns#azure-services-dns-zone-configuration",
    decision: Some(
        "Zones are compared by service, whatever the cloud suffix; AML-DNS-002 checks the cloud, \
so a wrong-cloud zone is reported once. With custom DNS only a forwarder whose target is Azure \
DNS (`168.63.129.16`) is taken as resolving through the zones; whether the zone is linked to \
the DNS server's VNet is AML-DNS-008. A block that shows an endpoint but nothing about DNS is \
partial: the rule is not evaluated.",
    ),
    removed: false,
    check,
};

/// One resource with private endpoints: its endpoints, kind in words, name, and which
/// resource it is.
type Owner<'a> = (&'a Option<List<PrivateEndpoint>>, &'static str, &'a str, PeOwner);

/// Every storage account, key vault and registry.
fn owners(net: &Net) -> impl Iterator<Item = Owner<'_>> {
    let t = net.topo();
    items(&t.storage_accounts)
        .enumerate()
        .map(|(i, s)| (&s.private_endpoints, "storage account", nm(&s.name), PeOwner::Storage(i)))
        .chain(
            items(&t.key_vaults)
                .enumerate()
                .map(|(i, s)| (&s.private_endpoints, "key vault", nm(&s.name), PeOwner::KeyVault(i))),
        )
        .chain(
            items(&t.container_registries).enumerate().map(|(i, s)| {
                (&s.private_endpoints, "container registry", nm(&s.name), PeOwner::Registry(i))
            }),
        )
}

/// Is `fqdn` resolved by the custom DNS: a host record or a forwarder to Azure DNS?
fn custom_resolves(net: &Net, resource: &str, kind: ZoneKind, cloud: Cloud) -> bool {
    let zone = zone_name(kind, cloud);
    let suffixes = public_suffixes(kind, cloud);
    let record = host_records(net).any(|(_, _, r)| {
        r.fqdn.as_ref().is_some_and(|f| {
            let name = f.value.trim();
            name.len() > resource.len()
                && name.get(..resource.len()).is_some_and(|p| p.eq_ignore_ascii_case(resource))
                && name.as_bytes().get(resource.len()) == Some(&b'.')
                && (under(name, zone) || suffixes.iter().any(|s| under(name, s)))
        })
    });
    if record {
        return true;
    }
    let servers = net.topo().dns.as_ref().map(|d| &d.custom_servers);
    servers.into_iter().flat_map(items).flat_map(|s| items(&s.conditional_forwarders)).any(|f| {
        let to_azure = f.target.as_ref().is_some_and(|t| t.value.trim() == AZURE_DNS);
        let covers = f.zone.as_ref().is_some_and(|z| {
            let z = z.value.trim().trim_end_matches('.');
            under(zone, z) || suffixes.iter().any(|s| under(s, z))
        });
        to_azure && covers
    })
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let cloud = net.cloud();
    let dns_mode = mode(net);
    let custom = dns_mode != DnsMode::AzureProvided;
    let has_servers = net.topo().dns.as_ref().is_some_and(|d| items(&d.custom_servers).len() > 0);
    let mut evaluated = false;
    let mut reported: Vec<(usize, usize)> = Vec::new();
    for (list, owner, rname, pe_owner) in owners(net) {
        for (j, pe) in items(list).enumerate() {
            let Some(kind) = pe.subresource.as_ref().and_then(|s| kind_of(s.value)) else { continue };
            if !about_dns(net) && pe.dns_zone.is_none() {
                continue;
            }
            let pname = nm(&pe.name);
            let path = || Node::Pe { owner: pe_owner, index: j };
            let want = zone_name(kind, cloud);
            if custom {
                if !has_servers {
                    continue;
                }
                evaluated = true;
                if !custom_resolves(net, rname, kind, cloud) {
                    let fqdn = format!("{rname}.{}", public_suffixes(kind, cloud)[1]);
                    let (span, at) = records_anchor(net).unwrap_or_else(|| (pe.span.clone(), path().into()));
                    out.push(
                        span,
                        at,
                        format!(
                            "custom DNS resolves `{fqdn}` ({owner} `{rname}`, private endpoint `{pname}`) neither by a host record nor by a forwarder to Azure DNS"
                        ),
                    )
                    .help(format!("add a host record for `{fqdn}`, or forward its domain to `{AZURE_DNS}`"));
                }
                continue;
            }
            evaluated = true;
            let Some(z) = pe.dns_zone.as_ref() else {
                let manual = items(&net.topo().private_dns_zones).any(|zone| {
                    zone.name.as_ref().and_then(|n| classify(&n.value)).is_some_and(|(k, _)| k == kind)
                        && items(&zone.records)
                            .any(|r| r.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(rname)))
                });
                if !manual {
                    out.push(
                        pe.span.clone(),
                        path(),
                        format!(
                            "private endpoint `{pname}` of {owner} `{rname}` registers in no private DNS zone"
                        ),
                    )
                    .help(format!("set `dns_zone: {want}`"))
                    .label("the resource's name resolves to its public address");
                }
                continue;
            };
            match classify(&z.value) {
                Some((k, _)) if k == kind => {}
                _ => {
                    let sub = pe.subresource.as_ref().map(|s| s.value.as_str()).unwrap_or("?");
                    out.push(
                        z.span.clone(),
                        path().field("dns_zone"),
                        format!(
                            "private endpoint `{pname}` of {owner} `{rname}` registers in `{}`, which is not the zone of `{sub}` endpoints",
                            z.value
                        ),
                    )
                    .help(format!("set `dns_zone: {want}`"));
                    continue;
                }
            }
            let Some((vi, _)) = placement(net, pe.vnet.as_ref(), pe.subnet.as_ref(), &pe.span) else {
                continue;
            };
            if !azure_dns(net, vi) {
                continue;
            }
            let Some((zi, zone)) = net.zone(&z.value) else { continue };
            let vname = net.vnet_name(vi);
            if !linked(zone, vname) && !reported.contains(&(zi, vi)) {
                reported.push((zi, vi));
                let (span, at) = link_anchor(zi, zone);
                out.push(
                    span,
                    at,
                    format!(
                        "private DNS zone `{}` is not linked to vnet `{vname}` of private endpoint `{pname}` ({owner} `{rname}`)",
                        z.value
                    ),
                )
                .help(format!("add `{vname}` to the zone's `linked_vnets`"))
                .label("the VNet does not see the zone's records");
            }
        }
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated(
            "no private endpoint of a storage account, key vault or registry with name resolution to check",
        )
    }
}
