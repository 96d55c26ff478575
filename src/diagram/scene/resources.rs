//! The resources of the scene: the workspace and its PaaS services, computes, private
//! endpoints, the firewall and DNS, clients, and the connections between them, labelled by
//! how each is reached.

use super::network::{Builder, text};
use super::{Claim, Icon, Id, Kind, Mode, Side};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{
    self, Access, AccessPath, ComputeType, FirewallKind, LoadBalancer, NetworkPlugin, items,
};
use crate::topology::node::{Node, PeOwner};
use crate::topology::resolve::Net;

/// Service-endpoint and public connections of a storage account or key vault.
fn network_line<R: NetworkDefaults>(r: &R) -> String {
    if r.public_access() == Access::Disabled {
        return "public network access disabled".into();
    }
    let mut s = format!("default {}", r.default_action());
    if r.secured() {
        s.push_str(if r.bypass_allows_azure_services() { " · trusted services" } else { " · no bypass" });
    }
    s
}

/// How the public reaches a storage account or key vault, if it does.
fn public_label<R: NetworkDefaults>(r: &R) -> Option<&'static str> {
    let ip_rules = r.network_rules().and_then(|n| n.ip_rules.as_ref()).is_some_and(|l| !l.value.is_empty());
    if !r.secured() {
        Some("public IP")
    } else if ip_rules && r.public_access() == Access::Enabled {
        Some("public IP · IP rules")
    } else {
        None
    }
}

fn compute_look(kind: Option<ComputeType>) -> (Icon, &'static str) {
    match kind {
        Some(ComputeType::ComputeInstance) => (Icon::Instance, "Compute instance"),
        Some(ComputeType::ComputeCluster) => (Icon::Cluster, "Compute cluster"),
        Some(ComputeType::Aks) => (Icon::Aks, "AKS cluster"),
        Some(ComputeType::Aci) => (Icon::Aci, "Container instance"),
        Some(ComputeType::Databricks) => (Icon::Spark, "Databricks"),
        Some(ComputeType::Vm) => (Icon::Vm, "Virtual machine"),
        Some(ComputeType::HdInsight) => (Icon::Spark, "HDInsight"),
        Some(ComputeType::Kubernetes) => (Icon::Aks, "Kubernetes (attached)"),
        None => (Icon::Cluster, "Compute"),
    }
}

pub(super) const TRAINING: &[ComputeType] = &[
    ComputeType::ComputeInstance,
    ComputeType::ComputeCluster,
    ComputeType::Vm,
    ComputeType::Databricks,
    ComputeType::HdInsight,
];
pub(super) const INFERENCING: &[ComputeType] = &[ComputeType::Aks, ComputeType::Aci];

impl Builder<'_> {
    fn public_edge(&mut self, to: Id, label: &str, what: &str) {
        let b = self.band();
        self.edge(b, to, Mode::Public, label, format!("{what} is reachable on a public IP address"));
    }

    fn service_edges(&mut self, to: Id, rules: &Option<model::List<String>>, what: &str) {
        for sid in self.net.vnet_rule_subnets(rules) {
            if let Some(&sub) = self.subnet_elem.get(&sid) {
                let subnet = self.net.subnet_name(sid).to_string();
                let title = format!(
                    "subnet `{subnet}` reaches {what} through a service endpoint (public IP, VNet identity)"
                );
                self.edge(sub, to, Mode::Service, format!("service endpoint · {subnet}"), title);
            }
        }
    }

    pub fn paas(&mut self) {
        let net: &Net = self.net;
        let t = net.topo();
        let ws = net.workspace();
        let ws_name = |f: fn(&model::Workspace) -> Option<&str>| ws.and_then(|w| f(w));
        if let Some(w) = ws {
            let name = text(&w.name).unwrap_or("workspace");
            let id = self.side(Side::Right, Icon::Workspace, name, "ML workspace", Node::Workspace);
            let first: Vec<&str> = [text(&w.region), w.edition.as_ref().map(|e| e.value.as_str())]
                .into_iter()
                .flatten()
                .collect();
            self.line(id, first.join(" · "));
            self.line(
                id,
                format!("public network access {}", net.workspace_public_access().as_str().to_lowercase()),
            );
            self.workspace_elem = Some(id);
            if net.workspace_public_access() == Access::Enabled {
                let what = format!("workspace `{name}`");
                self.public_edge(id, "public IP", &what);
            }
        }
        let default = ws_name(|w| text(&w.default_storage));
        let labeling = ws_name(|w| text(&w.labeling_storage));
        for (i, s) in items(&t.storage_accounts).enumerate() {
            let name = text(&s.name).unwrap_or("storage");
            let id = self.side(Side::Right, Icon::Storage, name, "Storage account", Node::Storage(i));
            let mut roles = Vec::new();
            if default == Some(name) || (ws.is_some() && net.default_storage().is_some_and(|(d, _)| d == i)) {
                roles.push("default storage".to_string());
            }
            if labeling == Some(name) {
                roles.push("labeling storage".to_string());
            }
            if let Some(w) = ws {
                let n = items(&w.datastores).filter(|d| text(&d.storage) == Some(name)).count();
                if n > 0 {
                    roles.push(format!("{n} datastore{}", if n == 1 { "" } else { "s" }));
                }
            }
            self.line(id, roles.join(" · "));
            self.line(id, network_line(&s.value));
            self.storage_elem.push(id);
            let what = format!("storage account `{name}`");
            self.service_edges(id, &s.network.as_ref().and_then(|n| n.vnet_rules.clone()), &what);
            if let Some(l) = public_label(&s.value) {
                self.public_edge(id, l, &what);
            }
        }
        let kv = ws_name(|w| text(&w.key_vault));
        for (i, k) in items(&t.key_vaults).enumerate() {
            let name = text(&k.name).unwrap_or("key vault");
            let id = self.side(Side::Right, Icon::KeyVault, name, "Key Vault", Node::KeyVault(i));
            if kv == Some(name) {
                self.line(id, "workspace key vault");
            }
            self.line(id, network_line(&k.value));
            self.key_vault_elem.push(id);
            let what = format!("key vault `{name}`");
            self.service_edges(id, &k.network.as_ref().and_then(|n| n.vnet_rules.clone()), &what);
            if let Some(l) = public_label(&k.value) {
                self.public_edge(id, l, &what);
            }
        }
        let acr = ws.and_then(|w| w.container_registry.as_ref()).and_then(|c| c.value.as_deref());
        for (i, r) in items(&t.container_registries).enumerate() {
            let name = text(&r.name).unwrap_or("registry");
            let id = self.side(Side::Right, Icon::Registry, name, "Container registry", Node::Registry(i));
            let mut first = Vec::new();
            if acr == Some(name) {
                first.push("workspace registry".to_string());
            }
            if let Some(sku) = r.sku() {
                first.push(sku.to_string());
            }
            self.line(id, first.join(" · "));
            if r.public_access() == Access::Disabled {
                self.line(id, "public network access disabled");
            } else {
                let trusted =
                    if r.trusted_services() { " · trusted services" } else { " · no trusted services" };
                self.line(id, format!("default {}{trusted}", r.default_action()));
            }
            self.registry_elem.push(id);
            let what = format!("container registry `{name}`");
            self.service_edges(id, &r.network.as_ref().and_then(|n| n.vnet_rules.clone()), &what);
            let ip_rules =
                r.network.as_ref().and_then(|n| n.ip_rules.as_ref()).is_some_and(|l| !l.value.is_empty());
            if !r.secured() {
                self.public_edge(id, "public IP", &what);
            } else if ip_rules && r.public_access() == Access::Enabled {
                self.public_edge(id, "public IP · IP rules", &what);
            }
        }
        let appi = ws_name(|w| text(&w.application_insights));
        for (i, a) in items(&t.application_insights).enumerate() {
            let name = text(&a.name).unwrap_or("insights");
            let id =
                self.side(Side::Right, Icon::Insights, name, "Application Insights", Node::AppInsights(i));
            if appi == Some(name) {
                self.line(id, "workspace monitoring");
            }
            let access = a.public_network_access.as_ref().map(|p| p.value).unwrap_or(Access::Enabled);
            self.line(id, format!("public network access {}", access.as_str().to_lowercase()));
            if access == Access::Enabled {
                let what = format!("Application Insights `{name}`");
                self.public_edge(id, "public IP", &what);
            }
        }
    }

    pub fn computes(&mut self) {
        let net: &Net = self.net;
        for (k, c) in items(&net.topo().computes).enumerate() {
            let kind = c.kind.as_ref().map(|k| k.value);
            let (icon, caption) = compute_look(kind);
            let name = text(&c.name).unwrap_or("compute");
            let what = format!("{} `{name}`", super::network::phrase(caption));
            if c.vnet.is_none() && c.subnet.is_none() {
                let id = self.side(Side::Right, icon, name, caption, Node::Compute(k));
                self.line(id, "not in a virtual network");
                self.public_edge(id, "public IP", &what);
                continue;
            }
            let parent = self.place(c.vnet.as_ref(), c.subnet.as_ref(), None, None);
            let id = self.add(Kind::Node, icon, Some(parent), name, caption);
            self.claim(id, Node::Compute(k));
            let public = Net::compute_public_ip(c) && TRAINING.contains(&kind.unwrap_or(ComputeType::Aci));
            self.line(id, if public { "private + public IP" } else { "private IP" });
            if let Some(n) = &c.max_nodes {
                self.line(id, format!("up to {} nodes", n.value));
            }
            if let Some(os) = &c.os {
                self.line(id, os.value.to_string());
            }
            if c.ssh_public_access.as_ref().is_some_and(|s| s.value) {
                self.line(id, "SSH from the internet");
            }
            if kind == Some(ComputeType::Aks) {
                self.aks(k, id, name, c);
            }
        }
    }

    fn aks(&mut self, k: usize, node: Id, name: &str, c: &model::Compute) {
        let aks = c.aks.as_ref();
        let mut first = Vec::new();
        if let Some(n) = aks.and_then(|a| a.nodes.as_ref()) {
            first.push(format!("{} nodes", n.value));
        }
        match aks.and_then(|a| a.network_plugin.as_ref()).map(|p| p.value) {
            Some(NetworkPlugin::Azure) => first.push("Azure CNI".into()),
            Some(NetworkPlugin::Kubenet) => first.push("kubenet".into()),
            None => {}
        }
        self.line(node, first.join(" · "));
        let lb = aks.and_then(|a| a.load_balancer.as_ref()).map(|l| l.value).unwrap_or(LoadBalancer::Public);
        let what = format!("AKS cluster `{name}`");
        if lb == LoadBalancer::Internal {
            self.line(node, "internal load balancer");
        } else {
            self.line(node, "public load balancer");
            self.public_edge(node, "public IP · scoring", &format!("the scoring endpoint of {what}"));
        }
        let private = aks.and_then(|a| a.private_cluster.as_ref()).is_some_and(|p| p.value);
        let cp = self.side(
            Side::Right,
            Icon::AksControl,
            name,
            "AKS control plane",
            Claim { node: Node::Compute(k), field: Some("aks.private_cluster") },
        );
        self.s.elems[cp].what = format!("the control plane of {what}");
        self.line(cp, if private { "private cluster" } else { "public API server" });
        let (mode, label) = if private {
            (Mode::Private, "private IP · API server")
        } else {
            (Mode::Public, "public IP · API server")
        };
        let how = if private { "a private IP" } else { "a public IP" };
        self.edge(node, cp, mode, label, format!("the nodes of {what} reach its API server on {how}"));
    }

    pub fn endpoints(&mut self) {
        let net: &Net = self.net;
        let t = net.topo();
        let mut all: Vec<(Option<Id>, Node, String, &model::PrivateEndpoint)> = Vec::new();
        let mut ws_pes = Vec::new();
        if let Some(w) = net.workspace() {
            for (i, pe) in items(&w.private_endpoints).enumerate() {
                ws_pes.push((i, pe));
            }
        }
        // Workspace endpoints have their own type; handle them first.
        for (i, pe) in ws_pes {
            let owner = self.workspace_elem;
            let parent = self.place(pe.vnet.as_ref(), pe.subnet.as_ref(), text(&pe.ip), None);
            let node = Node::Pe { owner: PeOwner::Workspace, index: i };
            self.endpoint(owner, parent, text(&pe.name), "amlworkspace", text(&pe.ip), node);
        }
        // The elements of each kind of owner, how to name an owner of that kind, its lists.
        type Group<'s, 't> =
            (&'s Vec<Id>, fn(usize) -> PeOwner, Vec<&'t Option<model::List<model::PrivateEndpoint>>>);
        let groups: [Group; 3] = [
            (
                &self.storage_elem,
                PeOwner::Storage,
                items(&t.storage_accounts).map(|s| &s.private_endpoints).collect(),
            ),
            (
                &self.key_vault_elem,
                PeOwner::KeyVault,
                items(&t.key_vaults).map(|s| &s.private_endpoints).collect(),
            ),
            (
                &self.registry_elem,
                PeOwner::Registry,
                items(&t.container_registries).map(|s| &s.private_endpoints).collect(),
            ),
        ];
        for (elems, owner, lists) in groups {
            for (ri, list) in lists.into_iter().enumerate() {
                for (i, pe) in items(list).enumerate() {
                    all.push((
                        elems.get(ri).copied(),
                        Node::Pe { owner: owner(ri), index: i },
                        pe.subresource.as_ref().map(|s| s.value.as_str()).unwrap_or("").to_string(),
                        &pe.value,
                    ));
                }
            }
        }
        for (owner, node, sub, pe) in all {
            let parent = self.place(pe.vnet.as_ref(), pe.subnet.as_ref(), text(&pe.ip), None);
            self.endpoint(owner, parent, text(&pe.name), &sub, text(&pe.ip), node);
        }
    }

    fn endpoint(
        &mut self,
        owner: Option<Id>,
        parent: Id,
        name: Option<&str>,
        sub: &str,
        ip: Option<&str>,
        node: Node,
    ) {
        let name = name.unwrap_or("private endpoint");
        let id = self.add(Kind::Node, Icon::Endpoint, Some(parent), name, "Private endpoint");
        self.claim(id, node);
        let owner_name = owner.map(|o| self.s.elems[o].name.clone()).unwrap_or_default();
        self.line(id, format!("→ {owner_name}"));
        let second: Vec<&str> = [Some(sub).filter(|s| !s.is_empty()), ip].into_iter().flatten().collect();
        self.line(id, second.join(" · "));
        if let Some(o) = owner {
            let label =
                if sub.is_empty() { "private IP".to_string() } else { format!("private IP · {sub}") };
            let title =
                format!("private endpoint `{name}` gives {} a private IP address", self.s.elems[o].what);
            self.edge(id, o, Mode::Private, label, title);
        }
    }

    pub fn firewall_and_dns(&mut self) {
        let net: &Net = self.net;
        if let Some(f) = net.firewall() {
            let caption = if f.kind() == FirewallKind::AzureFirewall { "Azure Firewall" } else { "Firewall" };
            let parent = self.place(f.vnet.as_ref(), None, text(&f.private_ip), Some("AzureFirewallSubnet"));
            let id = self.add(
                Kind::Node,
                Icon::Firewall,
                Some(parent),
                text(&f.name).unwrap_or("firewall"),
                caption,
            );
            self.claim(id, Node::Firewall);
            if let Some(ip) = text(&f.private_ip) {
                self.line(id, ip);
            }
            let n = items(&f.network_rules).len();
            let a = items(&f.application_rules).len();
            self.line(id, format!("rules: {n} net · {a} app"));
            if f.dns_proxy.as_ref().is_some_and(|d| d.value) {
                self.line(id, "DNS proxy");
            }
            self.firewall_elem = Some(id);
        }
        let Some(dns) = &net.topo().dns else { return };
        for (k, srv) in items(&dns.custom_servers).enumerate() {
            let ip = text(&srv.ip).unwrap_or("DNS server");
            let node = Node::DnsServer(k);
            let id = if srv.vnet.is_some() {
                let parent = self.place(srv.vnet.as_ref(), None, text(&srv.ip), None);
                let id = self.add(Kind::Node, Icon::DnsServer, Some(parent), ip, "Custom DNS server");
                self.claim(id, node);
                id
            } else {
                self.side(Side::Left, Icon::DnsServer, ip, "DNS server (on-premises)", node)
            };
            let f = items(&srv.conditional_forwarders).len();
            let h = items(&srv.host_records).len();
            let mut parts = Vec::new();
            if f > 0 {
                parts.push(format!("{f} forwarder{}", if f == 1 { "" } else { "s" }));
            }
            if h > 0 {
                parts.push(format!("{h} host record{}", if h == 1 { "" } else { "s" }));
            }
            self.line(id, parts.join(" · "));
        }
    }

    /// The VNet that clients come in through: the one with the gateway subnet the access path
    /// needs (`AzureBastionSubnet`, `GatewaySubnet`), else the one holding the workspace's
    /// private endpoint, else the first VNet.
    fn client_vnet(&self, subnet: Option<&str>) -> Option<Id> {
        let net = self.net;
        let by_subnet = subnet.and_then(|name| net.subnet_ids().find(|s| net.subnet_name(*s) == name));
        let by_subnet = by_subnet.and_then(|s| self.vnet_elem.get(s.vnet).copied());
        let ws = net.workspace_pe_vnets().first().and_then(|&v| self.vnet_elem.get(v).copied());
        by_subnet.or(ws).or_else(|| self.s.vnets.first().copied())
    }

    pub fn clients(&mut self) {
        let net: &Net = self.net;
        let Some(c) = &net.topo().clients else { return };
        let id = self.side(Side::Left, Icon::Clients, "Users", "Clients", Node::Clients);
        let ips: Vec<&str> = items(&c.public_ips).map(|s| s.value.as_str()).collect();
        if !ips.is_empty() {
            self.line(id, format!("public IPs: {}", ips.join(", ")));
        }
        let onprem: Vec<&str> = items(&c.onprem_ranges).map(|s| s.value.as_str()).collect();
        if !onprem.is_empty() {
            self.line(id, format!("on-premises: {}", onprem.join(", ")));
        }
        for p in items(&c.access_paths) {
            let gateway = match p.value {
                AccessPath::Bastion => Some("AzureBastionSubnet"),
                AccessPath::Vpn | AccessPath::ExpressRoute => Some("GatewaySubnet"),
                _ => None,
            };
            let target = self.client_vnet(gateway);
            let label = match p.value {
                AccessPath::VmInVnet => "VM in the VNet",
                AccessPath::Bastion => "Azure Bastion",
                AccessPath::Vpn => "VPN gateway",
                AccessPath::ExpressRoute => "ExpressRoute",
                AccessPath::PublicInternet => "public internet",
            };
            if p.value == AccessPath::PublicInternet {
                let b = self.band();
                self.edge(id, b, Mode::Public, label, "clients connect over the public internet");
            } else if let Some(v) = target {
                let title = format!("clients reach {} through {label} (private IP)", self.s.elems[v].what);
                self.edge(id, v, Mode::Private, label, title);
            } else {
                self.line(id, format!("through {label}"));
            }
        }
    }

    pub fn links(&mut self) {
        let net: &Net = self.net;
        // Zones linked to the same VNets share a box, one line per zone: a book usually has
        // one zone per private-link service, all linked alike.
        let mut groups: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
        for (k, z) in items(&net.topo().private_dns_zones).enumerate() {
            let mut links: Vec<String> = items(&z.linked_vnets).map(|l| l.value.clone()).collect();
            links.sort();
            links.dedup();
            match groups.iter_mut().find(|(l, _)| *l == links) {
                Some((_, zones)) => zones.push(k),
                None => groups.push((links, vec![k])),
            }
        }
        let zones: Vec<&crate::topology::yaml::Sp<model::PrivateDnsZone>> =
            items(&net.topo().private_dns_zones).collect();
        for (links, members) in groups {
            let names: Vec<&str> = members.iter().map(|&k| text(&zones[k].name).unwrap_or("zone")).collect();
            let id = if let [k] = members[..] {
                let id = self.side(Side::Left, Icon::DnsZone, names[0], "Private DNS zone", Node::DnsZone(k));
                let n = items(&zones[k].records).len();
                if n > 0 {
                    self.line(id, format!("{n} record{}", if n == 1 { "" } else { "s" }));
                }
                id
            } else {
                let common = names.iter().all(|n| n.starts_with("privatelink."));
                let name =
                    if common { "privatelink.*".to_string() } else { format!("{} zones", names.len()) };
                let id = self.side(
                    Side::Left,
                    Icon::DnsZone,
                    &name,
                    "Private DNS zones",
                    Node::DnsZone(members[0]),
                );
                for &k in &members[1..] {
                    self.claim(id, Node::DnsZone(k));
                }
                for n in &names {
                    let shown = if common { n.trim_start_matches("privatelink.") } else { n };
                    self.line(id, shown.to_string());
                }
                self.s.elems[id].what = format!("private DNS zones {}", names.join(", "));
                id
            };
            let what = self.s.elems[id].what.clone();
            for l in links {
                match net.vnet_index(&l).and_then(|v| self.vnet_elem.get(v).copied()) {
                    Some(v) => {
                        let title = format!("{what}: linked to VNet `{l}`");
                        self.edge(id, v, Mode::Link, format!("linked to {l}"), title);
                    }
                    None => self.line(id, format!("linked to {l} (not in this block)")),
                }
            }
        }
        let n = self.vnet_elem.len();
        for a in 0..n {
            for b in a + 1..n {
                if net.peered(a, b) {
                    let title = format!("VNets `{}` and `{}` are peered", net.vnet_name(a), net.vnet_name(b));
                    self.edge(self.vnet_elem[a], self.vnet_elem[b], Mode::Peering, "", title);
                }
            }
        }
        let (Some(fw), Some(f)) = (self.firewall_elem, net.firewall()) else { return };
        let fw_ip = text(&f.private_ip);
        let subnets: Vec<_> = net.subnet_ids().collect();
        for sid in subnets {
            let Some((rti, ri, hop)) = net.forced_tunnel(sid) else { continue };
            let Some((_, rt)) = items(&net.topo().route_tables).enumerate().nth(rti) else { continue };
            let ip = items(&rt.routes).nth(ri).and_then(|r| text(&r.next_hop_ip));
            if hop == model::NextHop::VirtualAppliance
                && ip.is_some()
                && ip == fw_ip
                && let Some(&sub) = self.subnet_elem.get(&sid)
            {
                let title = format!("subnet `{}` sends 0.0.0.0/0 to the firewall", net.subnet_name(sid));
                self.edge(sub, fw, Mode::Route, "0.0.0.0/0 → firewall", title);
            }
        }
    }
}
