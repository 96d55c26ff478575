//! Azure defaults and derived facts: what an absent field means, whether a resource is
//! secured, how an NSG, a route table and the firewall treat a flow.

use ipnet::IpNet;

use super::addr::{Addr, PortRange, covers, is_private, is_public_service_tag, parse_ports};
use super::model::*;
use super::resolve::{Net, SubnetId};
use super::yaml::Sp;

/// Network rules of storage or key vault, with ARM defaults for absent fields.
pub trait NetworkDefaults {
    fn network_rules(&self) -> Option<&Sp<NetworkRules>>;
    fn public_access(&self) -> Access;
    fn endpoints(&self) -> &Option<List<PrivateEndpoint>>;

    /// `network.default_action` (default `Allow`).
    fn default_action(&self) -> DefaultAction {
        self.network_rules()
            .and_then(|n| n.default_action.as_ref())
            .map(|d| d.value)
            .unwrap_or(DefaultAction::Allow)
    }
    /// `network.bypass` (default `[AzureServices]`).
    fn bypass_allows_azure_services(&self) -> bool {
        match self.network_rules().and_then(|n| n.bypass.as_ref()) {
            None => true,
            Some(list) => list.value.iter().any(|b| b.value == Bypass::AzureServices),
        }
    }
    /// Secured: `default_action: Deny` or `public_network_access: Disabled`.
    fn secured(&self) -> bool {
        self.default_action() == DefaultAction::Deny || self.public_access() == Access::Disabled
    }
    /// Has service-endpoint VNet rules.
    fn has_vnet_rules(&self) -> bool {
        self.network_rules().and_then(|n| n.vnet_rules.as_ref()).is_some_and(|l| !l.value.is_empty())
    }
    fn has_private_endpoints(&self) -> bool {
        self.endpoints().as_ref().is_some_and(|l| !l.value.is_empty())
    }
    /// `uses_vnet(r)` of the catalog: secured and attached by a service endpoint or a
    /// private endpoint.
    fn uses_vnet(&self) -> bool {
        self.secured() && (self.has_vnet_rules() || self.has_private_endpoints())
    }
    /// Private endpoint sub-resources present.
    fn subresources(&self) -> Vec<Subresource> {
        items(self.endpoints()).filter_map(|p| p.subresource.as_ref().map(|s| s.value)).collect()
    }
}

impl NetworkDefaults for StorageAccount {
    fn network_rules(&self) -> Option<&Sp<NetworkRules>> {
        self.network.as_ref()
    }
    fn public_access(&self) -> Access {
        self.public_network_access.as_ref().map(|a| a.value).unwrap_or(Access::Enabled)
    }
    fn endpoints(&self) -> &Option<List<PrivateEndpoint>> {
        &self.private_endpoints
    }
}

impl NetworkDefaults for KeyVault {
    fn network_rules(&self) -> Option<&Sp<NetworkRules>> {
        self.network.as_ref()
    }
    fn public_access(&self) -> Access {
        self.public_network_access.as_ref().map(|a| a.value).unwrap_or(Access::Enabled)
    }
    fn endpoints(&self) -> &Option<List<PrivateEndpoint>> {
        &self.private_endpoints
    }
}

impl ContainerRegistry {
    pub fn default_action(&self) -> DefaultAction {
        self.network
            .as_ref()
            .and_then(|n| n.default_action.as_ref())
            .map(|d| d.value)
            .unwrap_or(DefaultAction::Allow)
    }
    pub fn public_access(&self) -> Access {
        self.public_network_access.as_ref().map(|a| a.value).unwrap_or(Access::Enabled)
    }
    /// "Allow trusted Microsoft services" (ARM default true).
    pub fn trusted_services(&self) -> bool {
        self.network.as_ref().and_then(|n| n.trusted_services.as_ref()).map(|t| t.value).unwrap_or(true)
    }
    pub fn secured(&self) -> bool {
        self.default_action() == DefaultAction::Deny || self.public_access() == Access::Disabled
    }
    pub fn has_vnet_rules(&self) -> bool {
        self.network.as_ref().and_then(|n| n.vnet_rules.as_ref()).is_some_and(|l| !l.value.is_empty())
    }
    pub fn has_private_endpoints(&self) -> bool {
        self.private_endpoints.as_ref().is_some_and(|l| !l.value.is_empty())
    }
    pub fn uses_vnet(&self) -> bool {
        self.secured() && (self.has_vnet_rules() || self.has_private_endpoints())
    }
    /// SKU (ARM default for a new registry in the portal is Standard; absent = unknown).
    pub fn sku(&self) -> Option<Sku> {
        self.sku.as_ref().map(|s| s.value)
    }
}

impl Subnet {
    /// `private_endpoint_network_policies` (default `Disabled`).
    pub fn pe_network_policies(&self) -> Toggle {
        self.private_endpoint_network_policies.as_ref().map(|t| t.value).unwrap_or(Toggle::Disabled)
    }
    pub fn has_service_endpoint(&self, service: &str) -> bool {
        items(&self.service_endpoints).any(|s| s.value.eq_ignore_ascii_case(service))
    }
    pub fn is_delegated(&self) -> bool {
        items(&self.delegations).len() > 0
    }
    pub fn delegated_to(&self, service: &str) -> bool {
        items(&self.delegations).any(|s| s.value.eq_ignore_ascii_case(service))
    }
}

/// The verdict of an NSG on one flow, with the rule that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed by a user rule (its index in `rules`).
    AllowedBy(usize),
    /// Denied by a user rule.
    DeniedBy(usize),
    /// Allowed by one of Azure's default rules (`AllowVnetInBound`, `AllowInternetOutBound`...).
    DefaultAllow(&'static str),
    /// Denied by Azure's default deny-all rule.
    DefaultDeny(&'static str),
}

impl Verdict {
    pub fn allowed(&self) -> bool {
        matches!(self, Verdict::AllowedBy(_) | Verdict::DefaultAllow(_))
    }
}

/// A flow to evaluate: direction, protocol, the remote end (`peer`: source when inbound,
/// destination when outbound), the local end, and the port.
#[derive(Clone, Debug)]
pub struct Flow {
    pub direction: Direction,
    pub protocol: Protocol,
    pub peer: Addr,
    /// The subnet's own prefix, when known (`None`: matches only `*` / `VirtualNetwork`).
    pub local: Option<ipnet::IpNet>,
    pub ports: PortRange,
}

fn ports_of(p: &Option<Sp<Ports>>) -> Option<Vec<PortRange>> {
    match p.as_ref().map(|p| &p.value) {
        None => Some(vec![PortRange::ALL]),
        Some(Ports::Number(n)) => PortRange::parse(&n.to_string()).map(|r| vec![r]),
        Some(Ports::Text(t)) => parse_ports(t),
        Some(Ports::List(items)) => {
            let mut out = Vec::new();
            for i in items {
                match i {
                    PortItem::Number(n) => out.push(PortRange::parse(&n.to_string())?),
                    PortItem::Text(t) => out.extend(parse_ports(t)?),
                }
            }
            Some(out)
        }
    }
}

fn addr_of(s: &Option<Sp<String>>) -> Addr {
    s.as_ref().and_then(|s| Addr::parse(&s.value).ok()).unwrap_or(Addr::Any)
}

fn local_matches(rule: &Addr, local: Option<ipnet::IpNet>) -> bool {
    match rule {
        Addr::Any => true,
        Addr::Tag { tag, .. } => tag == "VirtualNetwork",
        Addr::Net(n) => n.prefix_len() == 0 || local.is_some_and(|l| super::addr::overlaps(n, &l)),
    }
}

/// An NSG rule with its addresses and ports parsed once, for evaluating many flows.
struct ParsedRule<'a> {
    index: usize,
    rule: &'a NsgRule,
    source: Addr,
    destination: Addr,
    ports: Option<Vec<PortRange>>,
}

impl ParsedRule<'_> {
    fn matches(&self, flow: &Flow) -> bool {
        rule_matches(self.rule, &self.source, &self.destination, self.ports.as_deref(), flow)
    }
}

/// The matching logic of [`NsgRule::matches`], on already-parsed addresses and ports.
fn rule_matches(
    rule: &NsgRule,
    source: &Addr,
    destination: &Addr,
    ports: Option<&[PortRange]>,
    flow: &Flow,
) -> bool {
    if rule.direction.as_ref().map(|d| d.value) != Some(flow.direction) {
        return false;
    }
    let proto = rule.protocol.as_ref().map(|p| p.value).unwrap_or(Protocol::Any);
    if proto != Protocol::Any && flow.protocol != Protocol::Any && proto != flow.protocol {
        return false;
    }
    if proto != Protocol::Any && flow.protocol == Protocol::Any {
        return false;
    }
    let (remote, local) = match flow.direction {
        Direction::Inbound => (source, destination),
        Direction::Outbound => (destination, source),
    };
    if !covers(remote, &flow.peer) || !local_matches(local, flow.local) {
        return false;
    }
    ports.is_some_and(|rs| rs.iter().any(|r| r.covers(&flow.ports)))
}

impl NsgRule {
    /// Does this rule match the flow? Ports must be fully covered by one of the rule's ranges.
    pub fn matches(&self, flow: &Flow) -> bool {
        let ports = ports_of(&self.destination_ports);
        rule_matches(self, &addr_of(&self.source), &addr_of(&self.destination), ports.as_deref(), flow)
    }

    /// Does one of the rule's destination port ranges cover all of `ports` (absent: any)?
    pub fn covers_ports(&self, ports: &PortRange) -> bool {
        ports_of(&self.destination_ports).is_some_and(|rs| rs.iter().any(|r| r.covers(ports)))
    }
}

impl Nsg {
    /// Evaluate a flow the way Azure does: user rules by ascending priority, then the
    /// default rules (`AllowVnetInBound`/`AllowAzureLoadBalancerInBound`/`DenyAllInBound`,
    /// `AllowVnetOutBound`/`AllowInternetOutBound`/`DenyAllOutBound`).
    pub fn evaluate(&self, flow: &Flow) -> Verdict {
        self.evaluate_all(std::slice::from_ref(flow)).pop().unwrap_or_else(|| default_verdict(flow))
    }

    /// Evaluate several flows, parsing and ordering the rules once: one verdict per flow, in
    /// order. Cheaper than calling [`Nsg::evaluate`] for each.
    pub fn evaluate_all(&self, flows: &[Flow]) -> Vec<Verdict> {
        let mut rules: Vec<(u32, ParsedRule<'_>)> = items(&self.rules)
            .enumerate()
            .map(|(index, r)| {
                let parsed = ParsedRule {
                    index,
                    rule: &r.value,
                    source: addr_of(&r.source),
                    destination: addr_of(&r.destination),
                    ports: ports_of(&r.destination_ports),
                };
                (r.priority.as_ref().map(|p| p.value).unwrap_or(u32::MAX), parsed)
            })
            .collect();
        rules.sort_by_key(|(p, r)| (*p, r.index));
        flows
            .iter()
            .map(|flow| {
                rules
                    .iter()
                    .find(|(_, r)| r.matches(flow))
                    .map(|(_, r)| match r.rule.access.as_ref().map(|a| a.value) {
                        Some(RuleAccess::Deny) => Verdict::DeniedBy(r.index),
                        _ => Verdict::AllowedBy(r.index),
                    })
                    .unwrap_or_else(|| default_verdict(flow))
            })
            .collect()
    }

    /// Does the NSG deny outbound traffic to the internet (restricted outbound)?
    pub fn restricts_outbound(&self) -> bool {
        let flow = Flow {
            direction: Direction::Outbound,
            protocol: Protocol::Tcp,
            peer: Addr::Tag { tag: "Internet".into(), region: None },
            local: None,
            ports: PortRange { lo: 443, hi: 443 },
        };
        !self.evaluate(&flow).allowed()
    }
}

/// The verdict of Azure's default NSG rules on a flow no user rule matched.
fn default_verdict(flow: &Flow) -> Verdict {
    let is = |tag: &str| matches!(&flow.peer, Addr::Tag { tag: t, .. } if t == tag);
    let vnet = is("VirtualNetwork");
    match flow.direction {
        Direction::Inbound if vnet => Verdict::DefaultAllow("AllowVnetInBound"),
        Direction::Inbound if is("AzureLoadBalancer") => {
            Verdict::DefaultAllow("AllowAzureLoadBalancerInBound")
        }
        Direction::Inbound => Verdict::DefaultDeny("DenyAllInBound"),
        Direction::Outbound if vnet => Verdict::DefaultAllow("AllowVnetOutBound"),
        Direction::Outbound => {
            let internet = match &flow.peer {
                Addr::Tag { tag, .. } => tag == "Internet" || is_public_service_tag(tag),
                Addr::Net(n) => n.prefix_len() == 0 || !is_private(n),
                Addr::Any => false,
            };
            if internet {
                Verdict::DefaultAllow("AllowInternetOutBound")
            } else {
                Verdict::DefaultDeny("DenyAllOutBound")
            }
        }
    }
}

/// Where a route table sends traffic for a destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub next_hop: NextHop,
    pub next_hop_ip: Option<String>,
    /// Index of the deciding route, `None` for Azure's system route.
    pub route: Option<usize>,
}

impl RouteTable {
    /// The effective next hop for traffic to `dest`: the most specific matching route (a
    /// service-tag route is more specific than `0.0.0.0/0`), else the system route (Internet).
    pub fn next_hop(&self, dest: &Addr) -> Hop {
        let mut best: Option<(u8, usize)> = None;
        for (i, r) in items(&self.routes).enumerate() {
            let Some(prefix) = r.prefix.as_ref().and_then(|p| Addr::parse(&p.value).ok()) else { continue };
            if !covers(&prefix, dest) {
                continue;
            }
            let specificity = match &prefix {
                Addr::Any => 0,
                Addr::Net(n) => n.prefix_len(),
                Addr::Tag { region: None, .. } => 64,
                Addr::Tag { region: Some(_), .. } => 65,
            };
            if best.is_none_or(|(s, _)| specificity > s) {
                best = Some((specificity, i));
            }
        }
        match best.and_then(|(_, i)| items(&self.routes).nth(i).map(|r| (i, r))) {
            Some((i, r)) => Hop {
                next_hop: r.next_hop.as_ref().map(|h| h.value).unwrap_or(NextHop::None),
                next_hop_ip: r.next_hop_ip.as_ref().map(|s| s.value.clone()),
                route: Some(i),
            },
            None => Hop { next_hop: NextHop::Internet, next_hop_ip: None, route: None },
        }
    }

    /// Does `0.0.0.0/0` go to an appliance or a gateway (forced tunneling)?
    pub fn forced_tunnel(&self) -> Option<(usize, NextHop)> {
        items(&self.routes).enumerate().find_map(|(i, r)| {
            let p = r.prefix.as_ref()?;
            let hop = r.next_hop.as_ref()?.value;
            (p.value.trim() == "0.0.0.0/0"
                && matches!(hop, NextHop::VirtualAppliance | NextHop::VirtualNetworkGateway))
            .then_some((i, hop))
        })
    }
}

/// How a route table carries traffic for one service tag to the internet, when the subnet's
/// default route goes elsewhere (forced tunneling).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InternetRoute {
    /// No user route applies: Azure's system route sends it to the internet.
    System,
    /// A route whose prefix is the tag (global, or the tag's region) with next hop `Internet`.
    ServiceTag(usize),
    /// An IP-prefix route to `Internet` whose `service_tag` covers the tag.
    Annotated(usize),
    /// An IP-prefix route to `Internet` that says nothing about what it carries: it may hold
    /// the tag's published prefixes, the model cannot tell.
    UnlabelledPrefix(usize),
    /// The tag follows `route` (the default route or a tag route) to another next hop.
    Elsewhere { route: usize, hop: NextHop },
}

impl RouteTable {
    /// How traffic for `tag` (e.g. `BatchNodeManagement.eastus`) reaches the internet.
    pub fn internet_route_for(&self, tag: &Addr) -> InternetRoute {
        let hop = self.next_hop(tag);
        match (hop.route, hop.next_hop) {
            (None, _) => return InternetRoute::System,
            (Some(i), NextHop::Internet) => return InternetRoute::ServiceTag(i),
            _ => {}
        }
        let mut unlabelled = None;
        for (i, r) in items(&self.routes).enumerate() {
            let to_internet = r.next_hop.as_ref().is_some_and(|h| h.value == NextHop::Internet);
            let public = r
                .prefix
                .as_ref()
                .and_then(|p| Addr::parse(&p.value).ok())
                .is_some_and(|a| a.is_public_prefix());
            if !to_internet || !public {
                continue;
            }
            match r.service_tag.as_ref().map(|t| Addr::parse(&t.value)) {
                Some(Ok(label)) if covers(&label, tag) => return InternetRoute::Annotated(i),
                Some(_) => {}
                None => unlabelled = unlabelled.or(Some(i)),
            }
        }
        match (unlabelled, hop.route) {
            (Some(i), _) => InternetRoute::UnlabelledPrefix(i),
            (None, Some(route)) => InternetRoute::Elsewhere { route, hop: hop.next_hop },
            (None, None) => InternetRoute::System,
        }
    }
}

impl Firewall {
    pub fn kind(&self) -> FirewallKind {
        self.kind.as_ref().map(|k| k.value).unwrap_or(FirewallKind::AzureFirewall)
    }

    /// Index of a network rule allowing traffic to `dest` with `protocol` on `port`.
    pub fn network_rule_allowing(&self, dest: &Addr, protocol: &str, port: u32) -> Option<usize> {
        self.network_rule_allowing_from(None, dest, protocol, Some(PortRange { lo: port, hi: port }))
    }

    /// Index of a network rule allowing traffic from `src` (a subnet prefix; `None`: any
    /// source) to `dest` with `protocol` on every port of `ports` (`None`: on some port).
    /// A rule's port ranges are not merged: one range must cover `ports`.
    pub fn network_rule_allowing_from(
        &self,
        src: Option<IpNet>,
        dest: &Addr,
        protocol: &str,
        ports: Option<PortRange>,
    ) -> Option<usize> {
        items(&self.network_rules).position(|r| {
            let proto_ok = match &r.protocols {
                None => true,
                Some(l) => l.value.iter().any(|p| {
                    p.value.eq_ignore_ascii_case(protocol)
                        || p.value.eq_ignore_ascii_case("any")
                        || p.value == "*"
                }),
            };
            let dest_ok =
                items(&r.destinations).any(|d| Addr::parse(&d.value).is_ok_and(|a| covers(&a, dest)));
            let port_ok = match (&r.ports, ports) {
                (None, _) | (Some(_), None) => true,
                (Some(l), Some(want)) => l
                    .value
                    .iter()
                    .any(|p| parse_ports(&p.value).is_some_and(|rs| rs.iter().any(|r| r.covers(&want)))),
            };
            proto_ok && dest_ok && port_ok && sources_cover(&r.sources, src)
        })
    }

    /// Index of an application rule allowing `fqdn` (exact, or by a `*.` wildcard).
    pub fn app_rule_allowing(&self, fqdn: &str) -> Option<usize> {
        self.app_rule_allowing_from(None, fqdn, None)
    }

    /// Index of an application rule allowing `fqdn` from `src` (`None`: any source) over
    /// `protocol` (`("Https", 443)`; `None`: any). A rule without `protocols` allows any.
    pub fn app_rule_allowing_from(
        &self,
        src: Option<IpNet>,
        fqdn: &str,
        protocol: Option<(&str, u32)>,
    ) -> Option<usize> {
        items(&self.application_rules).position(|r| {
            let proto_ok = match (&r.protocols, protocol) {
                (None, _) | (_, None) => true,
                (Some(l), Some(want)) => l.value.iter().any(|p| app_protocol_matches(&p.value, want)),
            };
            proto_ok
                && sources_cover(&r.sources, src)
                && items(&r.fqdns).any(|f| fqdn_matches(&f.value, fqdn))
        })
    }
}

/// How the firewall's network rules cover one wanted destination (see
/// [`Firewall::network_coverage`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cover {
    /// A rule (index) allows the destination on every wanted port.
    Full(usize),
    /// A rule allows the destination with the protocol, but not on every wanted port.
    Partial(usize),
    /// No rule allows it.
    None,
}

impl Firewall {
    /// For each of `wanted`, how the network rules allow it from `src` (`None`: any source)
    /// with `protocol` on `ports`. One pass over the rules, each parsed once: use it rather
    /// than [`Firewall::network_rule_allowing_from`] in a loop.
    pub fn network_coverage(
        &self,
        src: Option<IpNet>,
        wanted: &[Addr],
        protocol: &str,
        ports: PortRange,
    ) -> Vec<Cover> {
        let mut out = vec![Cover::None; wanted.len()];
        for (ri, r) in items(&self.network_rules).enumerate() {
            let proto_ok = match &r.protocols {
                None => true,
                Some(l) => l.value.iter().any(|p| {
                    p.value.eq_ignore_ascii_case(protocol)
                        || p.value.eq_ignore_ascii_case("any")
                        || p.value == "*"
                }),
            };
            if !proto_ok || !sources_cover(&r.sources, src) {
                continue;
            }
            let full = match &r.ports {
                None => true,
                Some(l) => l
                    .value
                    .iter()
                    .any(|p| parse_ports(&p.value).is_some_and(|rs| rs.iter().any(|x| x.covers(&ports)))),
            };
            for d in items(&r.destinations) {
                let Ok(dest) = Addr::parse(&d.value) else { continue };
                for (w, cover) in wanted.iter().zip(out.iter_mut()) {
                    if !covers(&dest, w) {
                        continue;
                    }
                    match (*cover, full) {
                        (Cover::Full(_), _) => {}
                        (_, true) => *cover = Cover::Full(ri),
                        (Cover::None, false) => *cover = Cover::Partial(ri),
                        (Cover::Partial(_), false) => {}
                    }
                }
            }
        }
        out
    }

    /// For each of `hosts`, the first application rule allowing it from `src` over
    /// `protocol` (`("Https", 443)`). One pass over the rules.
    pub fn app_coverage(
        &self,
        src: Option<IpNet>,
        hosts: &[&str],
        protocol: (&str, u32),
    ) -> Vec<Option<usize>> {
        let mut out = vec![None; hosts.len()];
        for (ri, r) in items(&self.application_rules).enumerate() {
            let proto_ok = match &r.protocols {
                None => true,
                Some(l) => l.value.iter().any(|p| app_protocol_matches(&p.value, protocol)),
            };
            if !proto_ok || !sources_cover(&r.sources, src) {
                continue;
            }
            for (h, slot) in hosts.iter().zip(out.iter_mut()) {
                if slot.is_none() && items(&r.fqdns).any(|f| fqdn_matches(&f.value, h)) {
                    *slot = Some(ri);
                }
            }
        }
        out
    }
}

/// Does an application-rule protocol (`Https:443`, `Http`) allow `(scheme, port)`? A bare
/// scheme takes its usual port.
fn app_protocol_matches(text: &str, (scheme, port): (&str, u32)) -> bool {
    let (s, p) = match text.split_once(':') {
        Some((s, p)) => (s.trim(), p.trim().parse::<u32>().ok()),
        None => (text.trim(), None),
    };
    let default_port = if s.eq_ignore_ascii_case("https") { 443 } else { 80 };
    s.eq_ignore_ascii_case(scheme) && p.unwrap_or(default_port) == port
}

/// Do a firewall rule's `sources` include `src`? Absent or empty sources, `*` and
/// `0.0.0.0/0` include everything; a prefix must contain the whole subnet.
fn sources_cover(sources: &Option<List<String>>, src: Option<IpNet>) -> bool {
    let Some(src) = src else { return true };
    if items(sources).len() == 0 {
        return true;
    }
    items(sources).any(|s| match Addr::parse(&s.value) {
        Ok(Addr::Any) => true,
        Ok(Addr::Net(n)) => n.prefix_len() == 0 || n.contains(&src),
        _ => false,
    })
}

/// Does a firewall FQDN pattern (`*.anaconda.com`, `anaconda.com`, `*`) cover `fqdn`?
/// A required wildcard (`*.anaconda.org`) is covered by the same wildcard or a broader one.
pub fn fqdn_matches(pattern: &str, fqdn: &str) -> bool {
    let p = pattern.trim();
    let f = fqdn.trim();
    if p == "*" || p.eq_ignore_ascii_case(f) {
        return true;
    }
    let Some(suffix) = p.strip_prefix("*.") else { return false };
    let base = f.strip_prefix("*.").unwrap_or(f);
    if f.starts_with("*.") && base.eq_ignore_ascii_case(suffix) {
        return true;
    }
    // `base` ends with `.` + suffix (compared without regard to case, without allocating).
    let (b, n) = (base.as_bytes(), suffix.len());
    b.len() > n && b[b.len() - n - 1] == b'.' && b[b.len() - n..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// A subnet whose default route (`0.0.0.0/0`) goes to an appliance or a gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tunnel {
    /// Index of the subnet's route table in `route_tables`.
    pub route_table: usize,
    /// Index of the `0.0.0.0/0` route in that table.
    pub route: usize,
    pub hop: NextHop,
    /// The appliance is the topology's `firewall` (its `private_ip`, or either IP unknown).
    pub to_firewall: bool,
}

/// Normalise a region as written (`East US`, `eastus`) to ARM's spelling (`eastus`).
pub fn normalize_region(region: &str) -> String {
    region.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// Azure's paired region (business-continuity pairs as published in 2020), for regions that
/// have one. Some pairs are one-way (Brazil South, West India).
pub fn paired_region(region: &str) -> Option<&'static str> {
    const PAIRS: &[(&str, &str)] = &[
        ("eastus", "westus"),
        ("eastus2", "centralus"),
        ("northcentralus", "southcentralus"),
        ("westus2", "westcentralus"),
        ("canadacentral", "canadaeast"),
        ("northeurope", "westeurope"),
        ("uksouth", "ukwest"),
        ("francecentral", "francesouth"),
        ("germanywestcentral", "germanynorth"),
        ("switzerlandnorth", "switzerlandwest"),
        ("norwayeast", "norwaywest"),
        ("eastasia", "southeastasia"),
        ("australiaeast", "australiasoutheast"),
        ("australiacentral", "australiacentral2"),
        ("japaneast", "japanwest"),
        ("koreacentral", "koreasouth"),
        ("centralindia", "southindia"),
        ("southafricanorth", "southafricawest"),
        ("uaenorth", "uaecentral"),
        ("chinanorth", "chinaeast"),
        ("chinanorth2", "chinaeast2"),
        ("usgovarizona", "usgovtexas"),
        ("usdodeast", "usdodcentral"),
    ];
    const ONE_WAY: &[(&str, &str)] =
        &[("brazilsouth", "southcentralus"), ("westindia", "southindia"), ("usgovvirginia", "usgovtexas")];
    let r = region.trim();
    PAIRS
        .iter()
        .find_map(|(a, b)| {
            if a.eq_ignore_ascii_case(r) {
                Some(*b)
            } else if b.eq_ignore_ascii_case(r) {
                Some(*a)
            } else {
                None
            }
        })
        .or_else(|| ONE_WAY.iter().find(|(a, _)| a.eq_ignore_ascii_case(r)).map(|(_, b)| *b))
}

impl Net {
    /// The subnet's forced tunnel, if its route table sends `0.0.0.0/0` to an appliance or a
    /// gateway, and whether that appliance is the topology's firewall.
    pub fn tunnel(&self, id: SubnetId) -> Option<Tunnel> {
        let (route_table, rt) = self.subnet_route_table(id)?;
        let (route, hop) = rt.forced_tunnel()?;
        let to_firewall = hop == NextHop::VirtualAppliance
            && self.firewall().is_some_and(|fw| {
                let hop_ip = items(&rt.routes).nth(route).and_then(|r| r.next_hop_ip.as_ref());
                match (hop_ip, fw.private_ip.as_ref()) {
                    (Some(a), Some(b)) => a.value.trim() == b.value.trim(),
                    _ => true,
                }
            });
        Some(Tunnel { route_table, route, hop, to_firewall })
    }

    /// The NSG flow verdict for a subnet, or `None` when the subnet has no NSG.
    pub fn subnet_flow(&self, id: SubnetId, mut flow: Flow) -> Option<(usize, Verdict)> {
        let (i, nsg) = self.subnet_nsg(id)?;
        flow.local = self.subnet_prefix(id);
        Some((i, nsg.evaluate(&flow)))
    }

    /// The NSG verdicts of several flows for a subnet (each flow's `local` is set to the
    /// subnet's prefix), or `None` when the subnet has no NSG. See [`Nsg::evaluate_all`].
    pub fn subnet_flows(&self, id: SubnetId, mut flows: Vec<Flow>) -> Option<(usize, Vec<Verdict>)> {
        let (i, nsg) = self.subnet_nsg(id)?;
        let local = self.subnet_prefix(id);
        for f in &mut flows {
            f.local = local;
        }
        Some((i, nsg.evaluate_all(&flows)))
    }

    /// The NSG verdict for a flow between a subnet and a service tag (`direction` Inbound:
    /// from the tag; Outbound: to it) on one port range. The tag is regional when `region`
    /// is given; when the block names no region, the region of the NSG's own regional
    /// variant of the tag is used (see [`super::addr::tag_region_in`]). `None` without NSG.
    pub fn subnet_tag_flow(
        &self,
        id: SubnetId,
        direction: Direction,
        protocol: Protocol,
        tag: &str,
        region: Option<&str>,
        ports: PortRange,
    ) -> Option<(usize, Verdict)> {
        let (_, nsg) = self.subnet_nsg(id)?;
        let region = match region {
            Some(r) => Some(r.to_string()),
            None => super::addr::tag_region_in(
                tag,
                items(&nsg.rules)
                    .flat_map(|r| [r.source.as_ref(), r.destination.as_ref()])
                    .flatten()
                    .map(|a| a.value.as_str()),
            ),
        };
        let flow = Flow { direction, protocol, peer: Addr::tag(tag, region.as_deref()), local: None, ports };
        self.subnet_flow(id, flow)
    }

    /// The firewall, when the topology has one (`kind` other than `none`).
    pub fn firewall(&self) -> Option<&Sp<Firewall>> {
        self.topo.firewall.as_ref().filter(|f| f.kind() != FirewallKind::None)
    }

    /// Does the subnet send `0.0.0.0/0` through an appliance or gateway?
    pub fn forced_tunnel(&self, id: SubnetId) -> Option<(usize, usize, NextHop)> {
        let (rti, rt) = self.subnet_route_table(id)?;
        rt.forced_tunnel().map(|(ri, hop)| (rti, ri, hop))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nsg(yaml: &str) -> Nsg {
        crate::topology::yaml::from_str(yaml).unwrap()
    }

    fn inbound(peer: &str, port: u32) -> Flow {
        Flow {
            direction: Direction::Inbound,
            protocol: Protocol::Tcp,
            peer: Addr::parse(peer).unwrap(),
            local: Some("10.0.1.0/24".parse().unwrap()),
            ports: PortRange { lo: port, hi: port },
        }
    }

    #[test]
    fn nsg_rules_apply_by_priority_then_defaults() {
        let n = nsg(
            "name: n\nrules:\n  - {name: deny, priority: 200, direction: Inbound, access: Deny, protocol: '*', source: Internet, destination: '*', destination_ports: '*'}\n  - {name: batch, priority: 300, direction: Inbound, access: Allow, protocol: Tcp, source: BatchNodeManagement, destination: '*', destination_ports: 29876-29877}\n",
        );
        assert_eq!(n.evaluate(&inbound("BatchNodeManagement", 29876)), Verdict::DeniedBy(0));
        let n = nsg(
            "name: n\nrules:\n  - {name: batch, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, source: BatchNodeManagement.eastus, destination: VirtualNetwork, destination_ports: [29876, '29877']}\n",
        );
        assert_eq!(n.evaluate(&inbound("BatchNodeManagement.eastus", 29877)), Verdict::AllowedBy(0));
        assert_eq!(
            n.evaluate(&inbound("AzureMachineLearning", 44224)),
            Verdict::DefaultDeny("DenyAllInBound")
        );
        assert!(n.evaluate(&inbound("VirtualNetwork", 22)).allowed());
        assert!(!n.restricts_outbound());
    }

    #[test]
    fn routes_pick_the_most_specific() {
        let rt: RouteTable = crate::topology::yaml::from_str(
            "name: rt\nroutes:\n  - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}\n  - {prefix: AzureMachineLearning, next_hop: Internet}\n",
        )
        .unwrap();
        assert_eq!(
            rt.next_hop(&Addr::parse("AzureMachineLearning.eastus").unwrap()).next_hop,
            NextHop::Internet
        );
        assert_eq!(
            rt.next_hop(&Addr::parse("BatchNodeManagement").unwrap()).next_hop,
            NextHop::VirtualAppliance
        );
        assert!(rt.forced_tunnel().is_some());
    }

    fn route_table(yaml: &str) -> RouteTable {
        crate::topology::yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn internet_routes_for_tags() {
        let tag = |t: &str| Addr::parse(t).unwrap();
        let rt = route_table(
            "name: rt\nroutes:\n  - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}\n  - {prefix: BatchNodeManagement.eastus, next_hop: Internet}\n  - {prefix: AzureMachineLearning, next_hop: VirtualAppliance}\n",
        );
        assert_eq!(rt.internet_route_for(&tag("BatchNodeManagement.eastus")), InternetRoute::ServiceTag(1));
        assert_eq!(
            rt.internet_route_for(&tag("BatchNodeManagement.westus")),
            InternetRoute::Elsewhere { route: 0, hop: NextHop::VirtualAppliance }
        );
        assert_eq!(
            rt.internet_route_for(&tag("AzureMachineLearning.eastus")),
            InternetRoute::Elsewhere { route: 2, hop: NextHop::VirtualAppliance }
        );
        let rt = route_table(
            "name: rt\nroutes:\n  - {prefix: 0.0.0.0/0, next_hop: VirtualNetworkGateway}\n  - {prefix: 13.82.0.0/16, next_hop: Internet, service_tag: AzureMachineLearning.eastus}\n  - {prefix: 40.0.0.0/16, next_hop: Internet}\n",
        );
        assert_eq!(rt.internet_route_for(&tag("AzureMachineLearning.eastus")), InternetRoute::Annotated(1));
        assert_eq!(
            rt.internet_route_for(&tag("AzureMachineLearning.westus")),
            InternetRoute::UnlabelledPrefix(2)
        );
        assert_eq!(
            rt.internet_route_for(&tag("BatchNodeManagement.eastus")),
            InternetRoute::UnlabelledPrefix(2)
        );
        let rt = route_table("name: rt\nroutes: []\n");
        assert_eq!(rt.internet_route_for(&tag("Storage")), InternetRoute::System);
    }

    #[test]
    fn firewall_rules_respect_sources_ports_and_protocols() {
        let fw: Firewall = crate::topology::yaml::from_str(
            "kind: azure_firewall\nnetwork_rules:\n  - {name: a, protocols: [TCP], sources: [10.0.0.0/16], destinations: [Storage.eastus], ports: ['443']}\n  - {name: b, protocols: [Any], destinations: [AzureActiveDirectory], ports: ['*']}\napplication_rules:\n  - {name: c, sources: ['*'], fqdns: ['*.anaconda.org'], protocols: ['Https:443']}\n",
        )
        .unwrap();
        let src: IpNet = "10.0.1.0/24".parse().unwrap();
        let other: IpNet = "10.9.0.0/24".parse().unwrap();
        let st = Addr::parse("Storage.eastus").unwrap();
        assert_eq!(
            fw.network_rule_allowing_from(Some(src), &st, "TCP", Some(PortRange { lo: 443, hi: 443 })),
            Some(0)
        );
        assert_eq!(fw.network_rule_allowing_from(Some(other), &st, "TCP", None), None);
        assert_eq!(fw.network_rule_allowing_from(Some(src), &st, "TCP", Some(PortRange::ALL)), None);
        assert_eq!(fw.network_rule_allowing_from(Some(src), &st, "TCP", None), Some(0));
        assert_eq!(fw.network_rule_allowing(&st, "UDP", 443), None);
        let aad = Addr::parse("AzureActiveDirectory").unwrap();
        assert_eq!(fw.network_rule_allowing_from(Some(other), &aad, "TCP", Some(PortRange::ALL)), Some(1));
        assert_eq!(
            fw.app_rule_allowing_from(Some(other), "conda.anaconda.org", Some(("Https", 443))),
            Some(0)
        );
        assert_eq!(fw.app_rule_allowing_from(None, "*.anaconda.org", Some(("Http", 80))), None);
        assert!(
            app_protocol_matches("https", ("Https", 443))
                && !app_protocol_matches("Https:8443", ("Https", 443))
        );
    }

    fn net(yaml: &str) -> Net {
        Net::new(std::sync::Arc::new(crate::topology::yaml::from_str(yaml).unwrap()))
    }

    #[test]
    fn tag_flows_and_tunnels_of_a_subnet() {
        let n = net(
            "vnets:\n  - name: v\n    subnets: [{name: s, prefix: 10.0.1.0/24, nsg: n, route_table: rt}]\nnsgs:\n  - name: n\n    rules:\n      - {name: b, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, source: BatchNodeManagement.westus, destination: '*', destination_ports: '29876-29877'}\nroute_tables:\n  - name: rt\n    routes: [{prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}]\nfirewall: {kind: azure_firewall, private_ip: 10.1.4.5}\n",
        );
        let id = SubnetId { vnet: 0, subnet: 0 };
        let p = PortRange { lo: 29876, hi: 29876 };
        let flow = |region| {
            n.subnet_tag_flow(id, Direction::Inbound, Protocol::Tcp, "BatchNodeManagement", region, p)
        };
        assert_eq!(flow(None), Some((0, Verdict::AllowedBy(0))));
        assert_eq!(flow(Some("westus")), Some((0, Verdict::AllowedBy(0))));
        assert_eq!(flow(Some("eastus")), Some((0, Verdict::DefaultDeny("DenyAllInBound"))));
        let t = n.tunnel(id).unwrap();
        assert_eq!((t.route_table, t.route, t.hop, t.to_firewall), (0, 0, NextHop::VirtualAppliance, false));
        let n = net(
            "vnets:\n  - name: v\n    subnets: [{name: s, prefix: 10.0.1.0/24, route_table: rt}]\nroute_tables:\n  - name: rt\n    routes: [{prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}]\nfirewall: {kind: azure_firewall, private_ip: 10.1.4.4}\n",
        );
        assert!(n.tunnel(id).is_some_and(|t| t.to_firewall));
        assert_eq!(n.subnet_tag_flow(id, Direction::Inbound, Protocol::Tcp, "Storage", None, p), None);
    }

    #[test]
    fn many_flows_match_single_evaluations() {
        let n = nsg(
            "name: n\nrules:\n  - {name: st, priority: 300, direction: Outbound, access: Allow, protocol: Tcp, source: '*', destination: Storage.eastus, destination_ports: '443'}\n  - {name: deny, priority: 200, direction: Outbound, access: Deny, protocol: '*', source: '*', destination: Internet, destination_ports: '*'}\n  - {name: aml, priority: 100, direction: Outbound, access: Allow, protocol: Tcp, source: '*', destination: AzureMachineLearning, destination_ports: '443'}\n",
        );
        let out = |peer: &str| Flow {
            direction: Direction::Outbound,
            protocol: Protocol::Tcp,
            peer: Addr::parse(peer).unwrap(),
            local: None,
            ports: PortRange { lo: 443, hi: 443 },
        };
        let flows =
            [out("AzureMachineLearning"), out("Storage.eastus"), out("VirtualNetwork"), out("10.9.0.0/16")];
        let all = n.evaluate_all(&flows);
        assert_eq!(
            all,
            vec![
                Verdict::AllowedBy(2),
                Verdict::DeniedBy(1),
                Verdict::DefaultAllow("AllowVnetOutBound"),
                Verdict::DefaultDeny("DenyAllOutBound")
            ]
        );
        for (f, v) in flows.iter().zip(&all) {
            assert_eq!(&n.evaluate(f), v);
        }
        assert!(n.restricts_outbound());
    }

    #[test]
    fn coverage_in_one_pass() {
        let fw: Firewall = crate::topology::yaml::from_str(
            "network_rules:\n  - {name: a, protocols: [TCP], destinations: [Storage.eastus, AzureMachineLearning], ports: ['443']}\n  - {name: b, protocols: [TCP], destinations: [Storage], ports: ['*']}\napplication_rules:\n  - {name: c, fqdns: ['*.anaconda.com'], protocols: ['Https:443']}\n  - {name: d, fqdns: ['*.com'], protocols: ['Http:80', 'Https:443']}\n",
        )
        .unwrap();
        let w = [
            Addr::parse("Storage.eastus").unwrap(),
            Addr::parse("AzureMachineLearning").unwrap(),
            Addr::parse("AzureKeyVault").unwrap(),
        ];
        assert_eq!(
            fw.network_coverage(None, &w, "TCP", PortRange::ALL),
            vec![Cover::Full(1), Cover::Partial(0), Cover::None]
        );
        assert_eq!(
            fw.app_coverage(None, &["repo.anaconda.com", "graph.windows.net"], ("Https", 443)),
            vec![Some(0), None]
        );
        assert_eq!(fw.app_coverage(None, &["repo.anaconda.com"], ("Http", 80)), vec![Some(1)]);
    }

    #[test]
    fn regions() {
        assert_eq!(normalize_region("East US 2"), "eastus2");
        assert_eq!(paired_region("eastus"), Some("westus"));
        assert_eq!(paired_region("westus"), Some("eastus"));
        assert_eq!(paired_region("brazilsouth"), Some("southcentralus"));
        assert_eq!(paired_region("mars"), None);
    }

    #[test]
    fn fqdn_patterns() {
        assert!(fqdn_matches("*.anaconda.com", "repo.anaconda.com"));
        assert!(fqdn_matches("*.anaconda.com", "*.anaconda.com"));
        assert!(!fqdn_matches("*.anaconda.com", "anaconda.com"));
        assert!(fqdn_matches("anaconda.com", "anaconda.com"));
        assert!(
            fqdn_matches("*.Anaconda.COM", "repo.anaconda.com")
                && !fqdn_matches("*.anaconda.com", "xanaconda.com")
        );
        assert!(fqdn_matches("*.core.windows.net", "*.blob.core.windows.net"));
        assert!(!fqdn_matches("*.com", "*.anaconda.org") && fqdn_matches("*.org", "*.anaconda.org"));
    }
}
