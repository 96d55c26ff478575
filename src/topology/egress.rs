//! Egress facts: how traffic leaves a subnet. Forced tunnels and their target, the internet
//! route a route table gives each service tag, how a firewall's rules cover the destinations
//! and host names a workspace needs (from which sources, on which ports), NSG verdicts for
//! several flows at once, and Azure regions with their pairs.

use ipnet::IpNet;

use super::addr::{Addr, PortRange, covers, parse_ports};
use super::facts::{Flow, Verdict, fqdn_matches};
use super::model::*;
use super::resolve::{Net, SubnetId};

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
pub(crate) fn app_protocol_matches(text: &str, (scheme, port): (&str, u32)) -> bool {
    let (s, p) = match text.split_once(':') {
        Some((s, p)) => (s.trim(), p.trim().parse::<u32>().ok()),
        None => (text.trim(), None),
    };
    let default_port = if s.eq_ignore_ascii_case("https") { 443 } else { 80 };
    s.eq_ignore_ascii_case(scheme) && p.unwrap_or(default_port) == port
}

/// Do a firewall rule's `sources` include `src`? Absent or empty sources, `*` and
/// `0.0.0.0/0` include everything; a prefix must contain the whole subnet.
pub(crate) fn sources_cover(sources: &Option<List<String>>, src: Option<IpNet>) -> bool {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
