//! Azure defaults and derived facts: what an absent field means, whether a resource is
//! secured, how an NSG, a route table and the firewall treat a flow.

use super::addr::{Addr, PortRange, covers, is_private, is_public_service_tag};
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
        Some(p) => super::managed::port_ranges(p),
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
    // The `VirtualNetwork` tag covers the VNet's own (private) address space too.
    let vnet = covers(&Addr::Tag { tag: "VirtualNetwork".into(), region: None }, &flow.peer);
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

impl Firewall {
    pub fn kind(&self) -> FirewallKind {
        self.kind.as_ref().map(|k| k.value).unwrap_or(FirewallKind::AzureFirewall)
    }

    /// Index of a network rule allowing traffic to `dest` with `protocol` on `port`.
    pub fn network_rule_allowing(&self, dest: &Addr, protocol: &str, port: u32) -> Option<usize> {
        self.network_rule_allowing_from(None, dest, protocol, Some(PortRange { lo: port, hi: port }))
    }

    /// Index of an application rule allowing `fqdn` (exact, or by a `*.` wildcard).
    pub fn app_rule_allowing(&self, fqdn: &str) -> Option<usize> {
        self.app_rule_allowing_from(None, fqdn, None)
    }
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

impl Net {
    /// The NSG flow verdict for a subnet, or `None` when the subnet has no NSG.
    pub fn subnet_flow(&self, id: SubnetId, mut flow: Flow) -> Option<(usize, Verdict)> {
        let (i, nsg) = self.subnet_nsg(id)?;
        flow.local = self.subnet_prefix(id);
        Some((i, nsg.evaluate(&flow)))
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
    fn virtual_network_tag_matches_private_destinations() {
        let out = |peer: &str, port: u32| Flow {
            direction: Direction::Outbound,
            protocol: Protocol::Tcp,
            peer: Addr::parse(peer).unwrap(),
            local: Some("10.0.1.0/24".parse().unwrap()),
            ports: PortRange { lo: port, hi: port },
        };
        let n = nsg(
            "name: n\nrules:\n  - {name: vnet, priority: 100, direction: Outbound, access: Allow, protocol: '*', source: '*', destination: VirtualNetwork, destination_ports: '*'}\n  - {name: deny, priority: 4000, direction: Outbound, access: Deny, protocol: '*', source: '*', destination: '*', destination_ports: '*'}\n",
        );
        assert_eq!(n.evaluate(&out("10.0.2.5", 443)), Verdict::AllowedBy(0));
        assert_eq!(n.evaluate(&out("Storage.eastus", 443)), Verdict::DeniedBy(1));
        let open = nsg("name: open\n");
        assert_eq!(open.evaluate(&out("10.0.2.5", 445)), Verdict::DefaultAllow("AllowVnetOutBound"));
        assert_eq!(open.evaluate(&out("20.60.0.4", 443)), Verdict::DefaultAllow("AllowInternetOutBound"));
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
                // A private prefix counts as `VirtualNetwork` (the NSG alone cannot tell which
                // private ranges the VNet, its peers and on-premises hold).
                Verdict::DefaultAllow("AllowVnetOutBound")
            ]
        );
        for (f, v) in flows.iter().zip(&all) {
            assert_eq!(&n.evaluate(f), v);
        }
        assert!(n.restricts_outbound());
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
