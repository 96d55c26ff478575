//! The scene builder and the network part of the scene: VNets, subnets with their tags, and
//! where a resource that names a VNet, a subnet or an IP is placed.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::{Claim, Edge, Elem, Icon, Id, Kind, Mode, Scene, Side};
use crate::topology::model::*;
use crate::topology::node::Node;
use crate::topology::resolve::{Net, SubnetId};
use crate::topology::yaml::Sp;

pub(super) fn text(x: &Option<Sp<String>>) -> Option<&str> {
    x.as_ref().map(|s| s.value.as_str())
}

/// A caption inside a sentence: "Storage account" → "storage account"; acronyms and product
/// names keep their capitals ("ML workspace", "Azure Firewall", "Application Insights").
pub(crate) fn phrase(caption: &str) -> String {
    const KEEP: &[&str] = &["Azure", "Application", "Insights", "Databricks", "HDInsight"];
    caption
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            let plain = c.next().is_some_and(char::is_uppercase) && c.all(|x| !x.is_uppercase());
            if plain && !KEEP.contains(&w) { w.to_lowercase() } else { w.to_string() }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `Microsoft.Storage` → `Storage`.
fn short_service(s: &str) -> &str {
    s.strip_prefix("Microsoft.").unwrap_or(s)
}

pub(super) struct Builder<'a> {
    pub net: &'a Net,
    pub s: Scene,
    /// Element of each declared VNet, by index in `vnets`.
    pub vnet_elem: Vec<Id>,
    pub subnet_elem: BTreeMap<SubnetId, Id>,
    loose: BTreeMap<Id, Id>,
    external_vnets: Vec<(String, Id)>,
    external_subnets: Vec<((Id, String), Id)>,
    pub workspace_elem: Option<Id>,
    pub storage_elem: Vec<Id>,
    pub key_vault_elem: Vec<Id>,
    pub registry_elem: Vec<Id>,
    pub firewall_elem: Option<Id>,
}

impl<'a> Builder<'a> {
    pub fn new(net: &'a Net) -> Self {
        Builder {
            net,
            s: Scene::default(),
            vnet_elem: Vec::new(),
            subnet_elem: BTreeMap::new(),
            loose: BTreeMap::new(),
            external_vnets: Vec::new(),
            external_subnets: Vec::new(),
            workspace_elem: None,
            storage_elem: Vec::new(),
            key_vault_elem: Vec::new(),
            registry_elem: Vec::new(),
            firewall_elem: None,
        }
    }

    pub fn finish(self) -> Scene {
        self.s
    }

    pub fn add(&mut self, kind: Kind, icon: Icon, parent: Option<Id>, name: &str, caption: &str) -> Id {
        let id = self.s.elems.len();
        let what =
            if caption.is_empty() { name.to_string() } else { format!("{} `{name}`", phrase(caption)) };
        self.s.elems.push(Elem {
            kind,
            icon,
            parent,
            external: false,
            claims: Vec::new(),
            caption: caption.to_string(),
            name: name.to_string(),
            lines: Vec::new(),
            what,
            findings: Vec::new(),
            children: Vec::new(),
            count: 1,
            members: Vec::new(),
        });
        if let Some(p) = parent.and_then(|p| self.s.elems.get_mut(p)) {
            p.children.push(id);
        }
        id
    }

    /// Make `id` stand for a node (or a field of one): findings about it are drawn there.
    pub fn claim(&mut self, id: Id, claim: impl Into<Claim>) {
        self.s.elems[id].claims.push(claim.into());
    }

    pub fn line(&mut self, id: Id, line: impl Into<String>) {
        let l = line.into();
        if !l.is_empty() {
            self.s.elems[id].lines.push(l);
        }
    }

    pub fn edge(&mut self, from: Id, to: Id, mode: Mode, label: impl Into<String>, title: impl Into<String>) {
        self.s.edges.push(Edge { from, to, mode, label: label.into(), title: title.into() });
    }

    /// The internet band, created on first use.
    pub fn band(&mut self) -> Id {
        if let Some(b) = self.s.band {
            return b;
        }
        let b = self.add(Kind::Band, Icon::Internet, None, "Internet", "");
        self.s.elems[b].what = "the public internet".into();
        self.s.band = Some(b);
        b
    }

    /// A box in a side column, standing for `claim`.
    pub fn side(&mut self, side: Side, icon: Icon, name: &str, caption: &str, claim: impl Into<Claim>) -> Id {
        let id = self.add(Kind::Side(side), icon, None, name, caption);
        self.claim(id, claim);
        match side {
            Side::Left => self.s.left.push(id),
            Side::Right => self.s.right.push(id),
        }
        id
    }

    pub fn vnets(&mut self) {
        let t = self.net.topo();
        for (vi, v) in items(&t.vnets).enumerate() {
            let name = text(&v.name).unwrap_or("(unnamed)");
            let id = self.add(Kind::Vnet, Icon::Vnet, None, name, "Virtual network");
            self.claim(id, Node::Vnet(vi));
            let mut first = items(&v.address_space).map(|a| a.value.as_str()).collect::<Vec<_>>().join(", ");
            if let Some(r) = text(&v.region) {
                first = if first.is_empty() { r.to_string() } else { format!("{first} · {r}") };
            }
            self.line(id, first);
            let dns: Vec<&str> = items(&v.dns_servers).map(|d| d.value.as_str()).collect();
            self.line(
                id,
                if dns.is_empty() {
                    "DNS: Azure-provided".to_string()
                } else {
                    format!("DNS: {}", dns.join(", "))
                },
            );
            // Peerings between VNets of the block are drawn; name only the others.
            let peers: Vec<&str> = items(&v.peerings)
                .map(|p| p.value.as_str())
                .filter(|p| self.net.vnet_index(p).is_none())
                .collect();
            if !peers.is_empty() {
                self.line(id, format!("peered with {} (not in this block)", peers.join(", ")));
            }
            self.vnet_elem.push(id);
            self.s.vnets.push(id);
            for (si, s) in items(&v.subnets).enumerate() {
                self.subnet(id, SubnetId { vnet: vi, subnet: si }, s);
            }
        }
    }

    fn chip(&mut self, subnet: Id, label: &str, what: String, claims: &[Claim]) {
        let c = self.add(Kind::Chip, Icon::None, Some(subnet), label, "");
        self.s.elems[c].what = what;
        for &claim in claims {
            self.claim(c, claim);
        }
    }

    fn subnet(&mut self, vnet: Id, sid: SubnetId, s: &Sp<Subnet>) {
        let net = self.net;
        let name = text(&s.name).unwrap_or("(unnamed)");
        let id = self.add(Kind::Subnet, Icon::None, Some(vnet), name, "Subnet");
        let node = Node::Subnet(sid);
        let field = |f: &'static str| Claim { node, field: Some(f) };
        self.claim(id, node);
        self.line(id, text(&s.prefix).unwrap_or(""));
        self.subnet_elem.insert(sid, id);
        if let Some(n) = &s.nsg {
            let mut paths = vec![field("nsg")];
            paths.extend(net.nsg(&n.value).map(|(i, _)| Claim::from(Node::Nsg(i))));
            self.chip(
                id,
                &format!("NSG {}", n.value),
                format!("NSG `{}` of subnet `{name}`", n.value),
                &paths,
            );
        }
        if let Some(r) = &s.route_table {
            let mut label = format!("UDR {}", r.value);
            let mut paths = vec![field("route_table")];
            if let Some((i, rt)) = net.route_table(&r.value) {
                paths.push(Node::RouteTable(i).into());
                if let Some((ri, hop)) = rt.forced_tunnel() {
                    let ip = items(&rt.routes).nth(ri).and_then(|r| text(&r.next_hop_ip));
                    let fw_ip = net.firewall().and_then(|f| text(&f.private_ip));
                    let via = match (hop, ip) {
                        (NextHop::VirtualNetworkGateway, _) => "VPN gateway",
                        (_, Some(ip)) if Some(ip) == fw_ip => "firewall",
                        (_, Some(ip)) => ip,
                        (_, None) => "appliance",
                    };
                    label = format!("{label}: 0.0.0.0/0 → {via}");
                }
            }
            self.chip(id, &label, format!("route table `{}` of subnet `{name}`", r.value), &paths);
        }
        let se: Vec<&str> = items(&s.service_endpoints).map(|x| short_service(&x.value)).collect();
        if !se.is_empty() {
            let paths = [field("service_endpoints"), field("service_endpoint_policies")];
            self.chip(
                id,
                &format!("SE {}", se.join(", ")),
                format!("service endpoints of subnet `{name}`"),
                &paths,
            );
        }
        let del: Vec<&str> =
            items(&s.delegations).map(|x| short_service(x.value.split('/').next().unwrap_or(""))).collect();
        if !del.is_empty() {
            let paths = [field("delegations")];
            let label = format!("delegated to {}", del.join(", "));
            self.chip(id, &label, format!("delegation of subnet `{name}`"), &paths);
        }
        if s.nat_gateway.as_ref().is_some_and(|n| n.value) {
            self.chip(id, "NAT gateway", format!("NAT gateway of subnet `{name}`"), &[field("nat_gateway")]);
        }
    }

    /// The area of a VNet for resources outside any subnet (created on first use, drawn first).
    fn loose_of(&mut self, vnet: Id) -> Id {
        if let Some(&l) = self.loose.get(&vnet) {
            return l;
        }
        let l = self.add(Kind::Loose, Icon::None, Some(vnet), "", "");
        self.s.elems[l].what = format!("{} (outside its subnets)", self.s.elems[vnet].what);
        let children = &mut self.s.elems[vnet].children;
        children.retain(|&c| c != l);
        children.insert(0, l);
        self.loose.insert(vnet, l);
        l
    }

    fn external_vnet(&mut self, name: Option<&str>) -> Id {
        let key = name.unwrap_or("").to_string();
        if let Some((_, id)) = self.external_vnets.iter().find(|(n, _)| *n == key) {
            return *id;
        }
        let id = self.add(Kind::Vnet, Icon::Vnet, None, name.unwrap_or("virtual network"), "Virtual network");
        self.s.elems[id].external = true;
        self.line(id, "not described in this block");
        self.external_vnets.push((key, id));
        self.s.vnets.push(id);
        id
    }

    /// The container of a resource that names `vnet` / `subnet` and may have an IP: the named
    /// subnet; else the subnet of its VNet whose prefix holds the IP (or is called `prefer`);
    /// else its VNet outside the subnets; else a VNet the block only names.
    pub fn place(
        &mut self,
        vnet: Option<&Sp<String>>,
        subnet: Option<&Sp<String>>,
        ip: Option<&str>,
        prefer: Option<&str>,
    ) -> Id {
        let net = self.net;
        if let Some(sid) = net.lookup_subnet(vnet, subnet)
            && let Some(&e) = self.subnet_elem.get(&sid)
        {
            return e;
        }
        let vi = match vnet {
            Some(v) => net.vnet_index(&v.value),
            None => net.sole_vnet(),
        };
        if let Some(vi) = vi {
            let ip = ip.and_then(|i| i.trim().parse::<IpAddr>().ok());
            let by_ip = ip.and_then(|ip| {
                net.subnet_ids()
                    .find(|s| s.vnet == vi && net.subnet_prefix(*s).is_some_and(|p| p.contains(&ip)))
            });
            let by_name = || net.subnet_ids().find(|s| s.vnet == vi && Some(net.subnet_name(*s)) == prefer);
            if subnet.is_none()
                && let Some(sid) = by_ip.or_else(by_name)
                && let Some(&e) = self.subnet_elem.get(&sid)
            {
                return e;
            }
            let v = self.vnet_elem[vi];
            return self.loose_of(v);
        }
        let v = self.external_vnet(vnet.map(|v| v.value.as_str()));
        match subnet {
            Some(s) => {
                let key = (v, s.value.clone());
                if let Some((_, id)) = self.external_subnets.iter().find(|(k, _)| *k == key) {
                    return *id;
                }
                let id = self.add(Kind::Subnet, Icon::None, Some(v), &s.value, "Subnet");
                self.s.elems[id].external = true;
                self.line(id, "not described in this block");
                self.external_subnets.push((key, id));
                id
            }
            None => self.loose_of(v),
        }
    }

    /// NSGs and route tables that no subnet uses (a partial block about one of them) get a
    /// box of their own, listing their rules.
    pub fn unattached(&mut self) {
        let net = self.net;
        let t = net.topo();
        let used = |f: &dyn Fn(&Subnet) -> Option<&str>, name: &str| {
            items(&t.vnets).any(|v| items(&v.subnets).any(|s| f(s) == Some(name)))
        };
        const MAX: usize = 6;
        for (i, n) in items(&t.nsgs).enumerate() {
            let name = text(&n.name).unwrap_or("nsg");
            if used(&|s| text(&s.nsg), name) {
                continue;
            }
            let id = self.side(Side::Left, Icon::Nsg, name, "Network security group", Node::Nsg(i));
            for r in items(&n.rules).take(MAX) {
                let prio = r.priority.as_ref().map(|p| p.value.to_string()).unwrap_or_default();
                let access = r.access.as_ref().map(|a| a.value.as_str()).unwrap_or("?");
                let (dir, peer) = match r.direction.as_ref().map(|d| d.value) {
                    Some(Direction::Outbound) => ("out to", text(&r.destination)),
                    _ => ("in from", text(&r.source)),
                };
                let ports = match r.destination_ports.as_ref().map(|p| &p.value) {
                    Some(Ports::Number(n)) => n.to_string(),
                    Some(Ports::Text(t)) => t.clone(),
                    Some(Ports::List(l)) => l
                        .iter()
                        .map(|p| match p {
                            PortItem::Number(n) => n.to_string(),
                            PortItem::Text(t) => t.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    None => "*".into(),
                };
                self.line(id, format!("{prio} {access} {dir} {} :{ports}", peer.unwrap_or("*")));
            }
            let n = items(&n.rules).len();
            if n > MAX {
                self.line(id, format!("+{} more rules", n - MAX));
            } else if n == 0 {
                self.line(id, "Azure default rules only");
            }
        }
        for (i, rt) in items(&t.route_tables).enumerate() {
            let name = text(&rt.name).unwrap_or("routes");
            if used(&|s| text(&s.route_table), name) {
                continue;
            }
            let id = self.side(Side::Left, Icon::Routes, name, "Route table", Node::RouteTable(i));
            for r in items(&rt.routes).take(MAX) {
                let hop = r.next_hop.as_ref().map(|h| h.value.as_str()).unwrap_or("?");
                let ip = text(&r.next_hop_ip).map(|ip| format!(" {ip}")).unwrap_or_default();
                self.line(id, format!("{} → {hop}{ip}", text(&r.prefix).unwrap_or("?")));
            }
            let n = items(&rt.routes).len();
            if n > MAX {
                self.line(id, format!("+{} more routes", n - MAX));
            }
        }
    }
}
