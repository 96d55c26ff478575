//! Name resolution and custom DNS (AML-DNS): private endpoints only work when the names of
//! the workspace and its resources resolve to their private addresses, from every VNet that
//! uses them, through private DNS zones or a custom DNS server.

mod dns_001;
mod dns_002;
mod dns_003;
mod dns_005;
mod dns_007;
mod dns_008;
mod dns_010;
pub(crate) mod zones;

use std::ops::Range;

use ipnet::IpNet;

use super::Rule;
use crate::topology::addr::Addr;
use crate::topology::model::{DnsMode, HostRecord, PrivateDnsZone, items};
use crate::topology::node::{Loc, Node};
use crate::topology::resolve::Net;
use crate::topology::yaml::Sp;

/// The rules of this area.
pub const RULES: &[&Rule] = &[
    &dns_001::RULE,
    &dns_002::RULE,
    &dns_003::RULE,
    &dns_005::RULE,
    &dns_007::RULE,
    &dns_008::RULE,
    &dns_010::RULE,
];

/// Azure DNS's virtual server address, the target of conditional forwarders.
const AZURE_DNS: &str = "168.63.129.16";

/// `dns.mode` (default: Azure-provided DNS).
fn mode(net: &Net) -> DnsMode {
    net.topo().dns.as_ref().and_then(|d| d.mode.as_ref()).map(|m| m.value).unwrap_or(DnsMode::AzureProvided)
}

/// Does the block speak about name resolution (private DNS zones or a `dns` section)?
fn about_dns(net: &Net) -> bool {
    net.topo().private_dns_zones.is_some() || net.topo().dns.is_some()
}

/// Does the VNet use Azure-provided DNS (no `dns_servers`)?
fn azure_dns(net: &Net, vnet: usize) -> bool {
    net.vnet(vnet).is_none_or(|v| items(&v.dns_servers).len() == 0)
}

/// Is the zone linked to the VNet?
fn linked(zone: &PrivateDnsZone, vnet_name: &str) -> bool {
    items(&zone.linked_vnets).any(|v| v.value == vnet_name)
}

/// Where a "zone not linked" finding points: the zone's `linked_vnets`, else the zone.
fn link_anchor(zi: usize, zone: &Sp<PrivateDnsZone>) -> (Range<usize>, Loc) {
    match &zone.linked_vnets {
        Some(l) => (l.span.clone(), Node::DnsZone(zi).field("linked_vnets")),
        None => (zone.span.clone(), Loc::from(Node::DnsZone(zi))),
    }
}

/// Every host record of every custom DNS server: (server index, record index, record).
fn host_records(net: &Net) -> impl Iterator<Item = (usize, usize, &Sp<HostRecord>)> {
    let servers = net.topo().dns.as_ref().map(|d| &d.custom_servers);
    servers
        .into_iter()
        .flat_map(|s| items(s).enumerate())
        .flat_map(|(si, s)| items(&s.host_records).enumerate().map(move |(ri, r)| (si, ri, r)))
}

/// Where a "missing record" finding points: the first server's `host_records`, else the
/// first server, else `dns.custom_servers`, else `dns`.
fn records_anchor(net: &Net) -> Option<(Range<usize>, Loc)> {
    let dns = net.topo().dns.as_ref()?;
    let Some(list) = &dns.custom_servers else { return Some((dns.span.clone(), Node::Dns.into())) };
    Some(match list.value.first() {
        Some(s) => match &s.host_records {
            Some(r) => (r.span.clone(), Node::DnsServer(0).field("host_records")),
            None => (s.span.clone(), Node::DnsServer(0).into()),
        },
        None => (list.span.clone(), Node::Dns.field("custom_servers")),
    })
}

/// Addresses that belong to the workspace's private endpoints.
///
/// A workspace private endpoint holds several private addresses (API, notebooks, ...), all
/// in its subnet; `ip` names only one of them. So the subnet's prefix is the set of its
/// addresses when the subnet is known, else the stated `ip`.
fn workspace_pe_addresses(net: &Net) -> Vec<IpNet> {
    net.workspace_pes()
        .filter_map(|pe| {
            net.lookup_subnet(pe.vnet.as_ref(), pe.subnet.as_ref())
                .and_then(|s| net.subnet_prefix(s))
                .or_else(|| pe.ip.as_ref().and_then(|ip| Addr::parse(&ip.value).ok()?.as_net()))
        })
        .collect()
}

/// The address of a host record, when it is an IP.
fn record_ip(r: &HostRecord) -> Option<IpNet> {
    Addr::parse(&r.ip.as_ref()?.value).ok()?.as_net()
}

/// Does `ip` belong to the workspace's private endpoints (`None` when that is unknown)?
fn is_workspace_address(addrs: &[IpNet], ip: &IpNet) -> Option<bool> {
    if addrs.is_empty() {
        return None;
    }
    Some(addrs.iter().any(|a| a.contains(ip)))
}
