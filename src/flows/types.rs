//! What a flow evaluation answers: a verdict and a trace, hop by hop. Each hop names the
//! model element it crosses and the element that decided (an NSG rule, a route, a firewall
//! rule, a DNS zone...), as typed references into the topology with their YAML paths, so
//! that a display can highlight the path and badge the deciding element.

use std::ops::Range;

use crate::topology::addr::PortRange;
use crate::topology::model::{Expect, FlowProtocol};
use crate::topology::resolve::SubnetId;

/// The answer to a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Deny,
    /// The model does not say enough to decide; the reason says what is missing.
    Unknown(String),
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Deny => "deny",
            Verdict::Unknown(_) => "unknown",
        }
    }
}

/// A resource that owns network settings or private endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourceRef {
    Storage(usize),
    KeyVault(usize),
    Registry(usize),
    Workspace,
    AppInsights(usize),
}

impl ResourceRef {
    /// YAML path of the resource (`storage_accounts[0]`).
    pub fn path(self) -> String {
        match self {
            ResourceRef::Storage(i) => format!("storage_accounts[{i}]"),
            ResourceRef::KeyVault(i) => format!("key_vaults[{i}]"),
            ResourceRef::Registry(i) => format!("container_registries[{i}]"),
            ResourceRef::Workspace => "workspace".to_string(),
            ResourceRef::AppInsights(i) => format!("application_insights[{i}]"),
        }
    }

    /// What the resource is, in words (`storage account`).
    pub fn kind_name(self) -> &'static str {
        match self {
            ResourceRef::Storage(_) => "storage account",
            ResourceRef::KeyVault(_) => "key vault",
            ResourceRef::Registry(_) => "container registry",
            ResourceRef::Workspace => "workspace",
            ResourceRef::AppInsights(_) => "Application Insights resource",
        }
    }
}

/// A model element a hop crosses or that decides a hop. Indices point into the block's
/// topology; [`Element::path`] gives the YAML path (`nsgs[0].rules[2]`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Element {
    Internet,
    OnPremises,
    /// A service tag as the flow names it (`Storage.eastus`).
    ServiceTag(String),
    /// A host name outside the model (`pypi.org`).
    Host(String),
    /// An address outside the model's subnets.
    Address(String),
    Vnet(usize),
    Subnet(SubnetId),
    Compute(usize),
    Nsg(usize),
    NsgRule {
        nsg: usize,
        rule: usize,
    },
    /// One of Azure's default NSG rules (`DenyAllInBound`).
    NsgDefaultRule {
        nsg: usize,
        name: &'static str,
    },
    RouteTable(usize),
    Route {
        table: usize,
        route: usize,
    },
    /// A system route of a VNet (`10.0.0.0/8 → None`), which the model does not list.
    SystemRoute {
        vnet: usize,
        prefix: String,
    },
    /// A peering, as declared in `vnets[vnet].peerings[index]`.
    Peering {
        vnet: usize,
        index: usize,
    },
    /// The VPN or ExpressRoute gateway: the `GatewaySubnet` of a VNet, if the model has one.
    Gateway(Option<SubnetId>),
    Firewall,
    FirewallNetworkRule(usize),
    FirewallAppRule(usize),
    FirewallNatRule(usize),
    PrivateDnsZone(usize),
    /// A record of a private DNS zone.
    DnsRecord {
        zone: usize,
        record: usize,
    },
    DnsServer(usize),
    HostRecord {
        server: usize,
        record: usize,
    },
    Forwarder {
        server: usize,
        index: usize,
    },
    Resource(ResourceRef),
    PrivateEndpoint {
        resource: ResourceRef,
        index: usize,
    },
    /// A field of a resource's network settings (`network.default_action`).
    ResourceSetting {
        resource: ResourceRef,
        field: &'static str,
    },
    VnetRule {
        resource: ResourceRef,
        index: usize,
    },
    IpRule {
        resource: ResourceRef,
        index: usize,
    },
    /// A field of `clients` (`onprem_egress_allow`, `public_ips`).
    Clients(&'static str),
}

impl Element {
    /// The YAML path of the element in the block (empty for things outside the model).
    pub fn path(&self) -> String {
        match self {
            Element::Internet | Element::ServiceTag(_) | Element::Host(_) | Element::Address(_) => {
                String::new()
            }
            Element::OnPremises => "clients".into(),
            Element::Vnet(v) => format!("vnets[{v}]"),
            Element::Subnet(s) | Element::Gateway(Some(s)) => {
                format!("vnets[{}].subnets[{}]", s.vnet, s.subnet)
            }
            Element::Gateway(None) => "clients.access_paths".into(),
            Element::Compute(c) => format!("computes[{c}]"),
            Element::Nsg(n) | Element::NsgDefaultRule { nsg: n, .. } => format!("nsgs[{n}]"),
            Element::NsgRule { nsg, rule } => format!("nsgs[{nsg}].rules[{rule}]"),
            Element::RouteTable(t) => format!("route_tables[{t}]"),
            Element::Route { table, route } => format!("route_tables[{table}].routes[{route}]"),
            Element::SystemRoute { vnet, .. } => format!("vnets[{vnet}]"),
            Element::Peering { vnet, index } => format!("vnets[{vnet}].peerings[{index}]"),
            Element::Firewall => "firewall".into(),
            Element::FirewallNetworkRule(i) => format!("firewall.network_rules[{i}]"),
            Element::FirewallAppRule(i) => format!("firewall.application_rules[{i}]"),
            Element::FirewallNatRule(i) => format!("firewall.nat_rules[{i}]"),
            Element::PrivateDnsZone(z) => format!("private_dns_zones[{z}]"),
            Element::DnsRecord { zone, record } => format!("private_dns_zones[{zone}].records[{record}]"),
            Element::DnsServer(s) => format!("dns.custom_servers[{s}]"),
            Element::HostRecord { server, record } => {
                format!("dns.custom_servers[{server}].host_records[{record}]")
            }
            Element::Forwarder { server, index } => {
                format!("dns.custom_servers[{server}].conditional_forwarders[{index}]")
            }
            Element::Resource(r) => r.path(),
            Element::PrivateEndpoint { resource, index } => {
                format!("{}.private_endpoints[{index}]", resource.path())
            }
            Element::ResourceSetting { resource, field } => match (resource, *field) {
                (_, "public_network_access" | "sku")
                | (ResourceRef::Workspace | ResourceRef::AppInsights(_), _) => {
                    format!("{}.{field}", resource.path())
                }
                _ => format!("{}.network.{field}", resource.path()),
            },
            Element::VnetRule { resource, index } => {
                format!("{}.network.vnet_rules[{index}]", resource.path())
            }
            Element::IpRule { resource, index } => format!("{}.network.ip_rules[{index}]", resource.path()),
            Element::Clients(field) => format!("clients.{field}"),
        }
    }

    /// The element this one belongs to, for "did the path cross X" (`via:`): an NSG rule
    /// belongs to its NSG, a route to its table, a firewall rule to the firewall, a subnet
    /// to its VNet.
    pub fn within(&self, other: &Element) -> bool {
        if self == other {
            return true;
        }
        match (self, other) {
            (Element::NsgRule { nsg, .. } | Element::NsgDefaultRule { nsg, .. }, Element::Nsg(n)) => nsg == n,
            (Element::Route { table, .. }, Element::RouteTable(t)) => table == t,
            (
                Element::FirewallNetworkRule(_) | Element::FirewallAppRule(_) | Element::FirewallNatRule(_),
                Element::Firewall,
            ) => true,
            (Element::Subnet(s) | Element::Gateway(Some(s)), Element::Vnet(v)) => s.vnet == *v,
            (Element::SystemRoute { vnet, .. }, Element::Vnet(v)) => vnet == v,
            (Element::DnsRecord { zone, .. }, Element::PrivateDnsZone(z)) => zone == z,
            (
                Element::HostRecord { server, .. } | Element::Forwarder { server, .. },
                Element::DnsServer(s),
            ) => server == s,
            _ => false,
        }
    }
}

/// What kind of hop this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HopKind {
    /// Where the traffic starts.
    Source,
    /// Name resolution of the destination.
    Dns,
    /// The NSG of the source subnet, outbound.
    NsgOutbound,
    /// The effective route of a subnet (user-defined or system).
    Route,
    /// The Azure Firewall (DNAT, network and application rules).
    Firewall,
    /// The VPN or ExpressRoute gateway, or the appliance behind it.
    Gateway,
    /// The NSG of the destination subnet, inbound.
    NsgInbound,
    /// What the destination host itself accepts (load balancer rules, service ports).
    Host,
    /// The destination resource's own firewall (storage, key vault, registry...).
    Resource,
    /// The reply's route back to the source (stateful firewalls must see both directions).
    Return,
    /// Where the traffic arrives.
    Destination,
}

impl HopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::Source => "source",
            HopKind::Dns => "dns",
            HopKind::NsgOutbound => "nsg out",
            HopKind::Route => "route",
            HopKind::Firewall => "firewall",
            HopKind::Gateway => "gateway",
            HopKind::NsgInbound => "nsg in",
            HopKind::Host => "host",
            HopKind::Resource => "resource",
            HopKind::Return => "return",
            HopKind::Destination => "destination",
        }
    }
}

/// What a hop did with the traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// Passed on without a decision (a source, a DNS answer, a system route).
    Pass,
    Allow,
    Deny,
    /// Could not be decided from the model.
    Unknown,
}

/// One hop of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub kind: HopKind,
    /// The element the traffic crosses (a subnet, an NSG, the firewall, a resource).
    pub element: Element,
    /// The element that decided (an NSG rule, a route, a firewall rule, a DNS zone), when
    /// one did.
    pub decided_by: Option<Element>,
    pub step: Step,
    /// The hop in words, lowercase, names in backticks.
    pub text: String,
}

/// The evaluation of one flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowResult {
    /// Position in the block's `flows:` (`None` for an ad-hoc question).
    pub index: Option<usize>,
    pub from: String,
    pub to: String,
    pub protocol: FlowProtocol,
    /// The port or range as written (`None` for `icmp`, or when missing).
    pub port: Option<PortRange>,
    pub expect: Option<Expect>,
    pub via: Option<String>,
    pub verdict: Verdict,
    /// Whether the path crossed `via` (`None` without `via`).
    pub via_crossed: Option<bool>,
    pub hops: Vec<Hop>,
    /// Index in `hops` of the hop that decided the verdict (the first deny or unknown, or
    /// the last hop of an allowed path).
    pub deciding: Option<usize>,
    /// For a flow whose expectation fails: what to change.
    pub fix: Option<String>,
    /// Byte range of the flow's entry in the block's YAML.
    pub span: Range<usize>,
    /// Its names resolved (`false`: a located error says why, and nothing was evaluated).
    pub resolved: bool,
}

impl FlowResult {
    /// `` `gpu-cluster` → `stmlcontoso` tcp/445 ``.
    pub fn label(&self) -> String {
        let port = match (&self.port, self.protocol) {
            (_, FlowProtocol::Icmp) | (None, _) => String::new(),
            (Some(p), _) if p.lo == p.hi => format!("/{}", p.lo),
            (Some(p), _) => format!("/{}-{}", p.lo, p.hi),
        };
        format!("`{}` → `{}` {}{port}", self.from, self.to, self.protocol)
    }

    /// Does the verdict agree with `expect` (and cross `via`)? `None` without `expect` or
    /// when the verdict is unknown.
    pub fn holds(&self) -> Option<bool> {
        let expect = self.expect?;
        let verdict_ok = match (&self.verdict, expect) {
            (Verdict::Unknown(_), _) => return None,
            (Verdict::Allow, Expect::Allow) | (Verdict::Deny, Expect::Deny) => true,
            _ => false,
        };
        Some(verdict_ok && self.via_crossed != Some(false))
    }

    /// The trace in one line: every hop after the source, joined by ` → `.
    pub fn chain(&self) -> String {
        let texts: Vec<&str> =
            self.hops.iter().filter(|h| h.kind != HopKind::Source).map(|h| h.text.as_str()).collect();
        texts.join(" → ")
    }

    /// The elements along the path, in order, without repeats (for drawing it).
    pub fn path(&self) -> Vec<&Element> {
        let mut out: Vec<&Element> = Vec::new();
        for h in &self.hops {
            if out.last() != Some(&&h.element) {
                out.push(&h.element);
            }
        }
        out
    }

    /// The hop that decided, if any.
    pub fn deciding_hop(&self) -> Option<&Hop> {
        self.deciding.and_then(|i| self.hops.get(i))
    }
}
