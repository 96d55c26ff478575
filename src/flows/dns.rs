//! Name resolution of a flow's destination, as the source sees it: Azure DNS answers from
//! the private DNS zones linked to the source's VNet; a custom DNS server answers from its
//! host records, its conditional forwarders (to Azure DNS of its own VNet, or to another
//! server), else from public DNS. A resource with a private endpoint resolves to the
//! endpoint's address only when one of these says so; otherwise to its public address.

use ipnet::IpNet;

use super::ctx::Ctx;
use super::endpoint::resource_name;
use super::types::{Element, ResourceRef};
use crate::rules::dns::zones::{ZoneKind, kind_of, public_suffixes, under, zone_name};
use crate::topology::addr::Addr;
use crate::topology::model::{DnsMode, Subresource, items};
use crate::topology::resolve::SubnetId;

/// Azure DNS's virtual server address.
const AZURE_DNS: &str = "168.63.129.16";
/// Forwarders followed at most this deep (a loop is reported, not followed).
const MAX_DEPTH: usize = 4;

/// Who answers the source's queries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resolver {
    /// Azure-provided DNS in a VNet: the private zones linked to it.
    Azure(usize),
    /// Custom DNS servers (indices in `dns.custom_servers`); the first answers.
    Servers(Vec<usize>),
    /// Public DNS (the internet).
    Public,
    /// The model does not say.
    Unknown(String),
}

/// A private endpoint of the destination.
#[derive(Clone, Debug)]
pub(crate) struct PeInfo {
    pub resource: ResourceRef,
    pub index: usize,
    pub name: String,
    /// The sub-resource it serves (`file`), when stated.
    pub sub: Option<Subresource>,
    pub subnet: Option<SubnetId>,
    pub ip: Option<IpNet>,
    /// Zones it registers in (`None`: not stated, Azure's default DNS integration).
    pub zones: Option<Vec<String>>,
}

impl PeInfo {
    /// The endpoint's address, else its subnet's prefix.
    pub fn address(&self, ctx: &Ctx) -> Option<IpNet> {
        self.ip.or_else(|| self.subnet.and_then(|s| ctx.net.subnet_prefix(s)))
    }
    fn holds(&self, ctx: &Ctx, ip: &IpNet) -> bool {
        self.ip == Some(*ip)
            || self.subnet.and_then(|s| ctx.net.subnet_prefix(s)).is_some_and(|p| p.contains(ip))
    }
}

/// What a query asks about.
pub(crate) struct Query {
    pub host: String,
    /// The resource behind the name, with the zone its private endpoints register in.
    pub resource: Option<(ResourceRef, ZoneKind)>,
    pub endpoints: Vec<PeInfo>,
}

/// The answer.
#[derive(Clone, Debug)]
pub(crate) enum Answer {
    /// A private endpoint's address.
    Endpoint {
        pe: PeInfo,
        ip: Option<IpNet>,
        by: Element,
        text: String,
    },
    /// Another address, from a record.
    Address {
        ip: IpNet,
        by: Element,
        text: String,
    },
    /// The public address.
    Public {
        by: Option<Element>,
        text: String,
    },
    /// The name does not resolve; `fix` says what would make it.
    NoSuchName {
        by: Element,
        text: String,
        fix: String,
    },
    Unknown {
        by: Option<Element>,
        reason: String,
    },
}

fn ip_of(text: &str) -> Option<IpNet> {
    Addr::parse(text).ok()?.as_net()
}

/// The endpoints of a resource for a sub-resource (`None`: any).
pub(crate) fn endpoints(ctx: &Ctx, resource: ResourceRef, sub: Option<Subresource>) -> Vec<PeInfo> {
    let net = ctx.net;
    let t = net.topo();
    let of_list = |list: &Option<crate::topology::model::List<crate::topology::model::PrivateEndpoint>>| {
        items(list)
            .enumerate()
            .filter(|(_, pe)| sub.is_none() || pe.subresource.as_ref().is_none_or(|s| Some(s.value) == sub))
            .map(|(index, pe)| PeInfo {
                resource,
                index,
                name: pe.name.as_ref().map(|n| n.value.clone()).unwrap_or_else(|| format!("#{index}")),
                sub: pe.subresource.as_ref().map(|s| s.value),
                subnet: net.lookup_subnet(pe.vnet.as_ref(), pe.subnet.as_ref()),
                ip: pe.ip.as_ref().and_then(|i| ip_of(&i.value)),
                zones: pe.dns_zone.as_ref().map(|z| vec![z.value.clone()]),
            })
            .collect::<Vec<_>>()
    };
    match resource {
        ResourceRef::Storage(i) => items(&t.storage_accounts).nth(i).map(|s| of_list(&s.private_endpoints)),
        ResourceRef::KeyVault(i) => items(&t.key_vaults).nth(i).map(|s| of_list(&s.private_endpoints)),
        ResourceRef::Registry(i) => {
            items(&t.container_registries).nth(i).map(|s| of_list(&s.private_endpoints))
        }
        ResourceRef::AppInsights(_) => None,
        ResourceRef::Workspace => Some(
            net.workspace_pes()
                .enumerate()
                .map(|(index, pe)| PeInfo {
                    resource,
                    index,
                    name: pe.name.as_ref().map(|n| n.value.clone()).unwrap_or_else(|| format!("#{index}")),
                    sub: Some(Subresource::Amlworkspace),
                    subnet: net.lookup_subnet(pe.vnet.as_ref(), pe.subnet.as_ref()),
                    ip: pe.ip.as_ref().and_then(|i| ip_of(&i.value)),
                    zones: pe
                        .private_dns_zone_group
                        .as_ref()
                        .map(|g| g.value.iter().map(|z| z.value.clone()).collect()),
                })
                .collect(),
        ),
    }
    .unwrap_or_default()
}

/// The zone kind and host name of a resource (`stmlcontoso.blob.core.windows.net`).
pub(crate) fn resource_host(
    ctx: &Ctx,
    r: ResourceRef,
    sub: Option<Subresource>,
) -> Option<(ZoneKind, String)> {
    let name = resource_name(ctx.net, r).to_ascii_lowercase();
    let kind = match r {
        ResourceRef::Storage(_) => kind_of(sub.unwrap_or(Subresource::Blob))?,
        ResourceRef::KeyVault(_) => ZoneKind::Vault,
        ResourceRef::Registry(_) => ZoneKind::Registry,
        ResourceRef::Workspace => {
            let region =
                ctx.net.workspace().and_then(|w| w.region.as_ref()).map(|r| r.value.to_ascii_lowercase());
            let host = format!(
                "<workspace-id>.workspace.{}.{}",
                region.as_deref().unwrap_or("<region>").replace(' ', ""),
                public_suffixes(ZoneKind::Api, ctx.cloud)[0]
            );
            return Some((ZoneKind::Api, host));
        }
        ResourceRef::AppInsights(_) => return None,
    };
    let [suffix, alt] = public_suffixes(kind, ctx.cloud);
    let suffix = if kind == ZoneKind::Vault { alt } else { suffix };
    Some((kind, format!("{name}.{suffix}")))
}

/// Who answers queries from a VNet.
pub(crate) fn resolver_for_vnet(ctx: &Ctx, vnet: usize) -> Resolver {
    let t = ctx.net.topo();
    let mode =
        t.dns.as_ref().and_then(|d| d.mode.as_ref()).map(|m| m.value).unwrap_or(DnsMode::AzureProvided);
    if mode == DnsMode::HostsFile {
        return Resolver::Unknown(
            "names are resolved from hosts files (`dns.mode: hosts_file`), which the model does not list"
                .into(),
        );
    }
    let servers = t.dns.as_ref().map(|d| &d.custom_servers);
    let find = |ip: &str| {
        servers.and_then(|s| items(s).position(|x| x.ip.as_ref().is_some_and(|i| i.value.trim() == ip)))
    };
    match ctx.net.vnet(vnet).and_then(|v| v.dns_servers.as_ref()) {
        Some(list) if !list.value.is_empty() => {
            let first = list.value[0].value.trim();
            if first == AZURE_DNS {
                return Resolver::Azure(vnet);
            }
            let found: Vec<usize> = list.value.iter().filter_map(|s| find(s.value.trim())).collect();
            match find(first) {
                Some(_) => Resolver::Servers(found),
                None => Resolver::Unknown(format!(
                    "`{}` uses DNS server {first}, which `dns.custom_servers` does not describe",
                    ctx.net.vnet_name(vnet)
                )),
            }
        }
        Some(_) => Resolver::Azure(vnet),
        None if mode == DnsMode::Custom => {
            let all: Vec<usize> = servers.map(|s| (0..items(s).len()).collect()).unwrap_or_default();
            if all.is_empty() {
                Resolver::Unknown("`dns.mode` is `custom` but `dns.custom_servers` lists no server".into())
            } else {
                Resolver::Servers(all)
            }
        }
        None => Resolver::Azure(vnet),
    }
}

/// Who answers on-premises clients: the custom servers without a `vnet`.
pub(crate) fn resolver_onprem(ctx: &Ctx) -> Resolver {
    let t = ctx.net.topo();
    let servers: Vec<usize> = t
        .dns
        .as_ref()
        .map(|d| {
            items(&d.custom_servers).enumerate().filter(|(_, s)| s.vnet.is_none()).map(|(i, _)| i).collect()
        })
        .unwrap_or_default();
    if servers.is_empty() {
        Resolver::Unknown(
            "on-premises clients resolve names with DNS servers the model does not list: add them to \
`dns.custom_servers` without a `vnet`"
                .into(),
        )
    } else {
        Resolver::Servers(servers)
    }
}

/// Resolve `q` with `resolver`.
pub(crate) fn resolve(ctx: &Ctx, resolver: &Resolver, q: &Query) -> Answer {
    resolve_at(ctx, resolver, q, 0)
}

fn public(q: &Query, why: String) -> Answer {
    Answer::Public { by: None, text: format!("`{}` resolves to its public address: {why}", q.host) }
}

fn resolve_at(ctx: &Ctx, resolver: &Resolver, q: &Query, depth: usize) -> Answer {
    match resolver {
        Resolver::Public => public(q, "public DNS answers".into()),
        Resolver::Unknown(reason) => Answer::Unknown { by: None, reason: reason.clone() },
        Resolver::Azure(v) => azure(ctx, *v, q),
        Resolver::Servers(list) => match list.first() {
            Some(s) => server(ctx, *s, q, depth),
            None => public(q, "no DNS server answers".into()),
        },
    }
}

/// The privatelink alias of a resource host (`x.privatelink.blob.core.windows.net`).
fn privatelink_host(q: &Query, ctx: &Ctx) -> Option<String> {
    let (_, kind) = q.resource?;
    let zone = zone_name(kind, ctx.cloud);
    let first = q.host.split('.').next()?;
    Some(format!("{first}.{zone}"))
}

fn azure(ctx: &Ctx, v: usize, q: &Query) -> Answer {
    let net = ctx.net;
    let vname = net.vnet_name(v);
    let zones = &net.topo().private_dns_zones;
    let linked =
        |zi: usize| items(zones).nth(zi).is_some_and(|z| items(&z.linked_vnets).any(|l| l.value == vname));
    let Some((resource, kind)) = q.resource else {
        // A host name: a linked zone that is a suffix of it answers.
        for (zi, z) in items(zones).enumerate() {
            let Some(zname) = z.name.as_ref().map(|n| n.value.trim_end_matches('.').to_ascii_lowercase())
            else {
                continue;
            };
            if !linked(zi) || !under(&q.host, &zname) {
                continue;
            }
            let label = q.host.strip_suffix(&zname).map(|l| l.trim_end_matches('.')).unwrap_or("");
            for (ri, r) in items(&z.records).enumerate() {
                if r.name.as_ref().is_some_and(|n| {
                    n.value.eq_ignore_ascii_case(label) || n.value.eq_ignore_ascii_case(&q.host)
                }) && let Some(ip) = r.ip.as_ref().and_then(|i| ip_of(&i.value))
                {
                    return Answer::Address {
                        ip,
                        by: Element::DnsRecord { zone: zi, record: ri },
                        text: format!(
                            "`{}` resolves to {} (record in zone `{zname}` linked to `{vname}`)",
                            q.host,
                            ip.addr()
                        ),
                    };
                }
            }
            return Answer::NoSuchName {
                by: Element::PrivateDnsZone(zi),
                text: format!(
                    "zone `{zname}` linked to `{vname}` has no record for `{}`: the name does not resolve",
                    q.host
                ),
                fix: format!("add a record for `{}` to zone `{zname}`", q.host),
            };
        }
        return public(q, format!("no private DNS zone linked to `{vname}` holds it"));
    };
    let rname = resource_name(net, resource);
    if q.endpoints.is_empty() {
        return public(q, format!("`{rname}` has no private endpoint for it"));
    }
    let zname = zone_name(kind, ctx.cloud);
    let zi = items(zones).position(|z| {
        z.name.as_ref().is_some_and(|n| n.value.trim_end_matches('.').eq_ignore_ascii_case(zname))
    });
    let Some(zi) = zi else {
        if zones.is_none() {
            return Answer::Unknown {
                by: None,
                reason: format!(
                    "`{rname}` has a private endpoint, but the block has no `private_dns_zones`: whether `{}` resolves to it from `{vname}` is not in the model",
                    q.host
                ),
            };
        }
        return public(
            q,
            format!("no private DNS zone `{zname}` is declared, so `{vname}` gets the public answer"),
        );
    };
    if !linked(zi) {
        return Answer::Public {
            by: Some(Element::PrivateDnsZone(zi)),
            text: format!(
                "`{}` resolves to its public address: zone `{zname}` is not linked to `{vname}`",
                q.host
            ),
        };
    }
    let zone = items(zones).nth(zi);
    let record = zone.and_then(|z| {
        items(&z.records)
            .enumerate()
            .find(|(_, r)| r.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(rname)))
    });
    if let Some((ri, r)) = record
        && let Some(ip) = r.ip.as_ref().and_then(|i| ip_of(&i.value))
    {
        let by = Element::DnsRecord { zone: zi, record: ri };
        return match q.endpoints.iter().find(|pe| pe.holds(ctx, &ip)) {
            Some(pe) => Answer::Endpoint {
                pe: pe.clone(),
                ip: Some(ip),
                by,
                text: format!(
                    "`{}` resolves to private endpoint `{}` ({}) through zone `{zname}` linked to `{vname}`",
                    q.host,
                    pe.name,
                    ip.addr()
                ),
            },
            None => Answer::Address {
                ip,
                by,
                text: format!("`{}` resolves to {} (record `{rname}` in zone `{zname}`)", q.host, ip.addr()),
            },
        };
    }
    let registered = q.endpoints.iter().find(|pe| match &pe.zones {
        None => true,
        Some(z) => z.iter().any(|z| z.trim_end_matches('.').eq_ignore_ascii_case(zname)),
    });
    match registered {
        Some(pe) => Answer::Endpoint {
            pe: pe.clone(),
            ip: pe.ip,
            by: Element::PrivateDnsZone(zi),
            text: format!(
                "`{}` resolves to private endpoint `{}`{} through zone `{zname}` linked to `{vname}`",
                q.host,
                pe.name,
                pe.ip.map(|i| format!(" ({})", i.addr())).unwrap_or_default()
            ),
        },
        None => Answer::NoSuchName {
            by: Element::PrivateDnsZone(zi),
            text: format!(
                "zone `{zname}` linked to `{vname}` holds no record for `{rname}` (its endpoints register elsewhere): `{}` does not resolve",
                q.host
            ),
            fix: format!("register the private endpoint of `{rname}` in zone `{zname}` (its `dns_zone`)"),
        },
    }
}

fn server(ctx: &Ctx, si: usize, q: &Query, depth: usize) -> Answer {
    let Some(s) = ctx.net.topo().dns.as_ref().and_then(|d| items(&d.custom_servers).nth(si)) else {
        return public(q, "no DNS server answers".into());
    };
    let sip = s.ip.as_ref().map(|i| i.value.clone()).unwrap_or_else(|| "?".into());
    let alias = privatelink_host(q, ctx);
    let is_name = |f: &str| {
        let f = f.trim_end_matches('.');
        f.eq_ignore_ascii_case(&q.host) || alias.as_deref().is_some_and(|a| f.eq_ignore_ascii_case(a))
    };
    let workspace_name = |f: &str| {
        matches!(q.resource, Some((ResourceRef::Workspace, _)))
            && under(f, public_suffixes(ZoneKind::Api, ctx.cloud)[0])
            && f.contains(".workspace.")
    };
    for (ri, r) in items(&s.host_records).enumerate() {
        let Some(f) = r.fqdn.as_ref() else { continue };
        if !(is_name(&f.value) || workspace_name(&f.value)) {
            continue;
        }
        let Some(ip) = r.ip.as_ref().and_then(|i| ip_of(&i.value)) else { continue };
        let by = Element::HostRecord { server: si, record: ri };
        return match q.endpoints.iter().find(|pe| pe.holds(ctx, &ip)) {
            Some(pe) => Answer::Endpoint {
                pe: pe.clone(),
                ip: Some(ip),
                by,
                text: format!(
                    "`{}` resolves to private endpoint `{}` ({}) by a host record of DNS server {sip}",
                    q.host,
                    pe.name,
                    ip.addr()
                ),
            },
            None => Answer::Address {
                ip,
                by,
                text: format!("`{}` resolves to {} by a host record of DNS server {sip}", q.host, ip.addr()),
            },
        };
    }
    for (fi, fwd) in items(&s.conditional_forwarders).enumerate() {
        let Some(zone) = fwd.zone.as_ref() else { continue };
        let z = zone.value.trim_end_matches('.');
        if !(under(&q.host, z) || alias.as_deref().is_some_and(|a| under(a, z))) {
            continue;
        }
        let target = fwd.target.as_ref().map(|t| t.value.trim().to_string()).unwrap_or_default();
        let by = Element::Forwarder { server: si, index: fi };
        let step = format!("DNS server {sip} forwards `{z}` to {target}");
        if depth >= MAX_DEPTH {
            return Answer::Unknown { by: Some(by), reason: format!("{step}: forwarders loop") };
        }
        let next = if target == AZURE_DNS {
            match s.vnet.as_ref().and_then(|v| ctx.net.vnet_index(&v.value)) {
                Some(v) => Resolver::Azure(v),
                None => {
                    return Answer::NoSuchName {
                        by,
                        text: format!(
                            "{step}, which answers only inside Azure: `{}` does not resolve on premises",
                            q.host
                        ),
                        fix: format!(
                            "forward `{z}` from DNS server {sip} to a DNS server inside Azure (in a VNet linked to the private DNS zone)"
                        ),
                    };
                }
            }
        } else {
            let servers = ctx.net.topo().dns.as_ref().map(|d| &d.custom_servers);
            match servers
                .and_then(|l| items(l).position(|x| x.ip.as_ref().is_some_and(|i| i.value.trim() == target)))
            {
                Some(j) => Resolver::Servers(vec![j]),
                None => {
                    return Answer::Unknown {
                        by: Some(by),
                        reason: format!("{step}, which `dns.custom_servers` does not describe"),
                    };
                }
            }
        };
        return match resolve_at(ctx, &next, q, depth + 1) {
            Answer::Endpoint { pe, ip, by, text } => {
                Answer::Endpoint { pe, ip, by, text: format!("{step}; {text}") }
            }
            Answer::Address { ip, by, text } => Answer::Address { ip, by, text: format!("{step}; {text}") },
            Answer::Public { by, text } => Answer::Public { by, text: format!("{step}; {text}") },
            Answer::NoSuchName { by, text, fix } => {
                Answer::NoSuchName { by, text: format!("{step}; {text}"), fix }
            }
            Answer::Unknown { by, reason } => Answer::Unknown { by, reason: format!("{step}; {reason}") },
        };
    }
    Answer::Public {
        by: Some(Element::DnsServer(si)),
        text: format!(
            "`{}` resolves to its public address: DNS server {sip} has no host record or forwarder for it",
            q.host
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::topology::resolve::Net;

    fn net(yaml: &str) -> Net {
        Net::new(Arc::new(crate::topology::yaml::from_str(yaml).unwrap()))
    }

    #[test]
    fn who_answers_a_vnet() {
        let n = net("vnets:
  - {name: a, dns_servers: [10.0.5.4]}
  - {name: b, dns_servers: []}
  - {name: c}
  - {name: d, dns_servers: [168.63.129.16]}
  - {name: e, dns_servers: [10.9.9.9]}
dns:
  mode: custom
  custom_servers: [{ip: 10.0.5.4, vnet: a}, {ip: 192.168.1.4}]
");
        let ctx = Ctx::new(&n);
        assert_eq!(resolver_for_vnet(&ctx, 0), Resolver::Servers(vec![0]));
        assert_eq!(resolver_for_vnet(&ctx, 1), Resolver::Azure(1));
        // No `dns_servers` with `mode: custom`: the custom servers, in order.
        assert_eq!(resolver_for_vnet(&ctx, 2), Resolver::Servers(vec![0, 1]));
        assert_eq!(resolver_for_vnet(&ctx, 3), Resolver::Azure(3));
        assert!(matches!(resolver_for_vnet(&ctx, 4), Resolver::Unknown(r) if r.contains("10.9.9.9")));
        assert_eq!(resolver_onprem(&ctx), Resolver::Servers(vec![1]));
        let plain = net("vnets: [{name: a}]\n");
        let ctx = Ctx::new(&plain);
        assert_eq!(resolver_for_vnet(&ctx, 0), Resolver::Azure(0));
        assert!(matches!(resolver_onprem(&ctx), Resolver::Unknown(_)));
    }

    #[test]
    fn a_zone_record_names_the_endpoint_address() {
        let n = net("vnets:
  - {name: v, subnets: [{name: pe, prefix: 10.0.0.0/24}]}
private_dns_zones:
  - name: privatelink.vaultcore.azure.net
    linked_vnets: [v]
    records: [{name: kv, ip: 10.0.0.9}]
key_vaults:
  - {name: kv, private_endpoints: [{name: pe-kv, subresource: vault, subnet: pe}]}
");
        let ctx = Ctx::new(&n);
        let r = ResourceRef::KeyVault(0);
        let (kind, host) = resource_host(&ctx, r, None).unwrap();
        assert_eq!(host, "kv.vault.azure.net");
        let q = Query { host, resource: Some((r, kind)), endpoints: endpoints(&ctx, r, None) };
        match resolve(&ctx, &Resolver::Azure(0), &q) {
            Answer::Endpoint { pe, ip, by, .. } => {
                assert_eq!(
                    (pe.name.as_str(), ip.map(|i| i.to_string())),
                    ("pe-kv", Some("10.0.0.9/32".into()))
                );
                assert_eq!(by, Element::DnsRecord { zone: 0, record: 0 });
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(resolve(&ctx, &Resolver::Public, &q), Answer::Public { .. }));
    }
}
