//! VNets, subnets, peerings, NSGs and their rules, route tables and routes, private DNS zones.

use super::{Mapper, find, push, push_to, strings};
use crate::topology::arm::cursor::Cur;
use crate::topology::arm::scope::Declared;
use crate::topology::model::*;
use crate::topology::yaml::Sp;

/// Most rules one security rule with several prefixes is split into.
const MAX_SPLIT: usize = 64;

impl<'e, 'a> Mapper<'e, 'a> {
    pub(super) fn vnet(&mut self, d: &Declared<'a>) {
        let c = self.cur(d);
        let p = c.get("properties");
        let prop = |k: &[&str]| p.as_ref().and_then(|p| p.path(k));
        let mut v = Vnet {
            name: self.name(d),
            region: c.get("location").and_then(|l| l.str()),
            address_space: strings(prop(&["addressSpace", "addressPrefixes"])),
            dns_servers: strings(prop(&["dhcpOptions", "dnsServers"])),
            ..Default::default()
        };
        if let Some(peers) = prop(&["virtualNetworkPeerings"]) {
            v.peerings = peers.list(&["properties", "remoteVirtualNetwork", "id"], Cur::id_name);
        }
        for s in prop(&["subnets"]).map(|x| x.items()).unwrap_or_default() {
            let subnet = self.subnet(s.get("name").and_then(|n| n.str()), s.get("properties"));
            push(&mut v.subnets, Sp::new(subnet, s.head()));
        }
        if v.subnets.is_none() && prop(&["subnets"]).is_some() {
            v.subnets = Some(Sp::new(Vec::new(), prop(&["subnets"]).map(|s| s.head()).unwrap_or_default()));
        }
        push(&mut self.t.vnets, Sp::new(v, d.node.head()));
    }

    fn subnet(&self, name: Option<Sp<String>>, props: Option<Cur>) -> Subnet {
        let Some(p) = props else { return Subnet { name, ..Default::default() } };
        let prefix = p.get("addressPrefix").and_then(|a| a.str()).or_else(|| {
            let all = p.get("addressPrefixes")?;
            let items = all.items();
            if items.len() > 1 {
                self.not_in_model(
                    all.span.clone(),
                    "a subnet with several address prefixes is not in the model yet: the first one is read"
                        .into(),
                );
            }
            items.first().and_then(Cur::str)
        });
        let list = |key: &str, inner: &[&str]| -> Option<List<String>> { p.get(key)?.list(inner, Cur::str) };
        let policies = p.get("serviceEndpointPolicies").and_then(|c| c.list(&["id"], Cur::id_name));
        Subnet {
            name,
            prefix,
            nsg: p.get("networkSecurityGroup").and_then(|n| n.id_name()),
            route_table: p.get("routeTable").and_then(|n| n.id_name()),
            delegations: list("delegations", &["properties", "serviceName"]),
            service_endpoints: list("serviceEndpoints", &["service"]),
            service_endpoint_policies: policies,
            private_endpoint_network_policies: p.get("privateEndpointNetworkPolicies").and_then(|x| {
                x.choice(&[
                    ("Enabled", Toggle::Enabled),
                    ("Disabled", Toggle::Disabled),
                    ("NetworkSecurityGroupEnabled", Toggle::Enabled),
                    ("RouteTableEnabled", Toggle::Enabled),
                ])
            }),
            nat_gateway: p.get("natGateway").and_then(|n| n.id()).map(|i| Sp::new(true, i.span)),
        }
    }

    /// The VNet named `name`, created (name only) when the template does not declare it: child
    /// resources may add subnets or peerings to an existing VNet.
    fn vnet_index(&mut self, name: &Sp<String>) -> usize {
        if let Some(i) = find(&self.t.vnets, &name.value, |v| v.name.as_deref().map(String::as_str)) {
            return i;
        }
        self.not_in_model(
            name.span.clone(),
            format!("VNet `{}` is not declared in this template (an existing VNet?): only what is added to it here is known", name.value),
        );
        let v = Vnet { name: Some(name.clone()), ..Default::default() };
        push(&mut self.t.vnets, Sp::new(v, name.span.clone()));
        self.t.vnets.as_ref().map(|l| l.value.len() - 1).unwrap_or(0)
    }

    pub(super) fn child_subnet(&mut self, d: &Declared<'a>) {
        let Some(parent) = self.parent(d) else { return };
        let name = self.name(d);
        let subnet = self.subnet(name.clone(), self.cur(d).get("properties"));
        let i = self.vnet_index(&parent);
        let Some(vnets) = self.t.vnets.as_mut() else { return };
        let owner = vnets.value[i].span.clone();
        let v = &mut vnets.value[i].value;
        if let Some(n) = &name
            && find(&v.subnets, &n.value, |s| s.name.as_deref().map(String::as_str)).is_some()
        {
            self.not_in_model(
                d.node.head(),
                format!(
                    "subnet `{}` is declared both inside VNet `{}` and as a resource: the first is read",
                    n.value, parent.value
                ),
            );
            return;
        }
        push_to(&mut v.subnets, Sp::new(subnet, d.node.head()), owner);
    }

    pub(super) fn peering(&mut self, d: &Declared<'a>) {
        let Some(parent) = self.parent(d) else { return };
        let remote = self.cur(d).path(&["properties", "remoteVirtualNetwork"]).and_then(|r| r.id_name());
        let i = self.vnet_index(&parent);
        if let (Some(r), Some(vnets)) = (remote, self.t.vnets.as_mut()) {
            let v = &mut vnets.value[i];
            push_to(&mut v.value.peerings, r, v.span.clone());
        }
    }

    pub(super) fn nsg(&mut self, d: &Declared<'a>) {
        let c = self.cur(d);
        let mut n = Nsg { name: self.name(d), rules: None };
        if let Some(rules) = c.path(&["properties", "securityRules"]) {
            let mut list = Vec::new();
            for r in rules.items() {
                list.extend(self.rules(r.get("name").and_then(|x| x.str()), r.get("properties"), r.head()));
            }
            n.rules = Some(Sp::new(list, rules.head()));
        }
        push(&mut self.t.nsgs, Sp::new(n, d.node.head()));
    }

    pub(super) fn child_rule(&mut self, d: &Declared<'a>) {
        let Some(parent) = self.parent(d) else { return };
        let rules = self.rules(self.name(d), self.cur(d).get("properties"), d.node.head());
        let i = match find(&self.t.nsgs, &parent.value, |n| n.name.as_deref().map(String::as_str)) {
            Some(i) => i,
            None => {
                push(
                    &mut self.t.nsgs,
                    Sp::new(Nsg { name: Some(parent.clone()), rules: None }, parent.span.clone()),
                );
                self.t.nsgs.as_ref().map(|l| l.value.len() - 1).unwrap_or(0)
            }
        };
        if let Some(nsgs) = self.t.nsgs.as_mut() {
            for r in rules {
                let n = &mut nsgs.value[i];
                push_to(&mut n.value.rules, r, n.span.clone());
            }
        }
    }

    /// One security rule; a rule with several source or destination prefixes becomes one
    /// model rule per pair (same name, priority and action: Azure evaluates it the same way).
    fn rules(
        &self,
        name: Option<Sp<String>>,
        props: Option<Cur>,
        at: std::ops::Range<usize>,
    ) -> Vec<Sp<NsgRule>> {
        let Some(p) = props else { return vec![Sp::new(NsgRule { name, ..Default::default() }, at)] };
        let base = NsgRule {
            name,
            priority: p.get("priority").and_then(|x| x.u32()),
            direction: p.get("direction").and_then(|x| {
                x.choice(&[("Inbound", Direction::Inbound), ("Outbound", Direction::Outbound)])
            }),
            access: p
                .get("access")
                .and_then(|x| x.choice(&[("Allow", RuleAccess::Allow), ("Deny", RuleAccess::Deny)])),
            protocol: p.get("protocol").and_then(|x| {
                x.choice(&[
                    ("Tcp", Protocol::Tcp),
                    ("Udp", Protocol::Udp),
                    ("Icmp", Protocol::Icmp),
                    ("*", Protocol::Any),
                ])
            }),
            source_ports: ports(&p, "sourcePortRange", "sourcePortRanges"),
            destination_ports: ports(&p, "destinationPortRange", "destinationPortRanges"),
            ..Default::default()
        };
        for key in ["sourceApplicationSecurityGroups", "destinationApplicationSecurityGroups"] {
            if let Some(asg) = p.get(key).filter(|a| !a.items().is_empty()) {
                self.not_in_model(asg.span.clone(), format!("application security groups (`{key}`) are not in the model yet: the rule is read without them"));
            }
        }
        let sources = prefixes(&p, "sourceAddressPrefix", "sourceAddressPrefixes");
        let destinations = prefixes(&p, "destinationAddressPrefix", "destinationAddressPrefixes");
        let mut out = Vec::new();
        for s in &sources {
            for d in &destinations {
                if out.len() == MAX_SPLIT {
                    self.not_in_model(
                        at.clone(),
                        format!("this rule has more than {MAX_SPLIT} prefix pairs: the rest are left out"),
                    );
                    return out;
                }
                out.push(Sp::new(
                    NsgRule { source: s.clone(), destination: d.clone(), ..base.clone() },
                    at.clone(),
                ));
            }
        }
        out
    }

    pub(super) fn route_table(&mut self, d: &Declared<'a>) {
        let c = self.cur(d);
        let mut t = RouteTable { name: self.name(d), routes: None };
        if let Some(routes) = c.path(&["properties", "routes"]) {
            let list = routes
                .items()
                .iter()
                .map(|r| Sp::new(route(r.get("name").and_then(|x| x.str()), r.get("properties")), r.head()))
                .collect();
            t.routes = Some(Sp::new(list, routes.head()));
        }
        push(&mut self.t.route_tables, Sp::new(t, d.node.head()));
    }

    pub(super) fn child_route(&mut self, d: &Declared<'a>) {
        let Some(parent) = self.parent(d) else { return };
        let r = Sp::new(route(self.name(d), self.cur(d).get("properties")), d.node.head());
        let i = match find(&self.t.route_tables, &parent.value, |n| n.name.as_deref().map(String::as_str)) {
            Some(i) => i,
            None => {
                push(
                    &mut self.t.route_tables,
                    Sp::new(RouteTable { name: Some(parent.clone()), routes: None }, parent.span.clone()),
                );
                self.t.route_tables.as_ref().map(|l| l.value.len() - 1).unwrap_or(0)
            }
        };
        if let Some(tables) = self.t.route_tables.as_mut() {
            let t = &mut tables.value[i];
            push_to(&mut t.value.routes, r, t.span.clone());
        }
    }

    pub(super) fn zone(&mut self, d: &Declared<'a>) {
        self.zone_index(self.name(d), d.node.head());
    }

    fn zone_index(&mut self, name: Option<Sp<String>>, span: std::ops::Range<usize>) -> usize {
        if let Some(n) = &name
            && let Some(i) =
                find(&self.t.private_dns_zones, &n.value, |z| z.name.as_deref().map(String::as_str))
        {
            return i;
        }
        push(&mut self.t.private_dns_zones, Sp::new(PrivateDnsZone { name, ..Default::default() }, span));
        self.t.private_dns_zones.as_ref().map(|l| l.value.len() - 1).unwrap_or(0)
    }

    pub(super) fn zone_link(&mut self, d: &Declared<'a>) {
        let Some(parent) = self.parent(d) else { return };
        let vnet = self.cur(d).path(&["properties", "virtualNetwork"]).and_then(|v| v.id_name());
        let i = self.zone_index(Some(parent.clone()), parent.span.clone());
        if let (Some(v), Some(zones)) = (vnet, self.t.private_dns_zones.as_mut()) {
            let z = &mut zones.value[i];
            push_to(&mut z.value.linked_vnets, v, z.span.clone());
        }
    }

    pub(super) fn zone_record(&mut self, d: &Declared<'a>) {
        let Some(parent) = self.parent(d) else { return };
        let ip = self
            .cur(d)
            .path(&["properties", "aRecords"])
            .and_then(|a| a.items().into_iter().next())
            .and_then(|r| r.get("ipv4Address"))
            .and_then(|x| x.str());
        let record = DnsRecord { name: self.name(d), ip };
        let i = self.zone_index(Some(parent.clone()), parent.span.clone());
        if let Some(zones) = self.t.private_dns_zones.as_mut() {
            let z = &mut zones.value[i];
            push_to(&mut z.value.records, Sp::new(record, d.node.head()), z.span.clone());
        }
    }
}

fn route(name: Option<Sp<String>>, props: Option<Cur>) -> Route {
    let Some(p) = props else { return Route { name, ..Default::default() } };
    Route {
        name,
        prefix: p.get("addressPrefix").and_then(|x| x.str()),
        next_hop: p.get("nextHopType").and_then(|x| {
            x.choice(&[
                ("Internet", NextHop::Internet),
                ("VirtualAppliance", NextHop::VirtualAppliance),
                ("VirtualNetworkGateway", NextHop::VirtualNetworkGateway),
                ("VnetLocal", NextHop::VnetLocal),
                ("None", NextHop::None),
            ])
        }),
        next_hop_ip: p.get("nextHopIpAddress").and_then(|x| x.str()),
        service_tag: None,
    }
}

/// `sourcePortRange: "443"` or `sourcePortRanges: ["80", "443"]`.
fn ports(p: &Cur, one: &str, many: &str) -> Option<Sp<Ports>> {
    if let Some(t) = p.get(one).and_then(|x| x.text()) {
        return Some(Sp::new(Ports::Text(t.value), t.span));
    }
    let c = p.get(many)?;
    let items: Vec<PortItem> =
        c.list(&[], Cur::text)?.value.into_iter().map(|t| PortItem::Text(t.value)).collect();
    (!items.is_empty()).then(|| Sp::new(Ports::List(items), c.span.clone()))
}

/// The prefixes of one side of a rule (one `None` when neither property is there).
fn prefixes(p: &Cur, one: &str, many: &str) -> Vec<Option<Sp<String>>> {
    if let Some(s) = p.get(one).and_then(|x| x.str()) {
        return vec![Some(s)];
    }
    let list: Vec<Option<Sp<String>>> = p
        .get(many)
        .and_then(|c| c.list(&[], Cur::str))
        .map(|l| l.value.into_iter().map(Some).collect())
        .unwrap_or_default();
    if list.is_empty() { vec![None] } else { list }
}
