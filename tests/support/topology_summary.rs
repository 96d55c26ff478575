//! A readable dump of an imported topology for snapshots: every value with the line and
//! column its span points at (`@12:7`; `@params 3:5` in the parameters file, `@?` when the
//! span is in no file). Until the YAML emitter (`topology::emit`) lands, this is what pins
//! both the values and their locations.

use std::fmt::{Debug, Write};
use std::ops::Range;

use topobook::topology::import::Imported;
use topobook::topology::model::*;
use topobook::topology::sources::SourceSet;
use topobook::topology::yaml::Sp;

pub struct Dump<'a> {
    src: &'a SourceSet,
    out: String,
}

impl<'a> Dump<'a> {
    fn at(&self, span: &Range<usize>) -> String {
        let files = self.src.files();
        match self.src.locate(span.clone()) {
            Some(l) if files.first().is_some_and(|f| f.path == l.file) => {
                format!("@{}:{}", l.start.line, l.start.column)
            }
            Some(l) if files.get(1).is_some_and(|f| f.path == l.file) => {
                format!("@params {}:{}", l.start.line, l.start.column)
            }
            Some(l) => format!("@{} {}:{}", l.file, l.start.line, l.start.column),
            None => "@?".into(),
        }
    }

    fn line(&mut self, depth: usize, text: String) {
        let _ = writeln!(self.out, "{}{}", "  ".repeat(depth), text);
    }

    fn v<T: Debug>(&mut self, depth: usize, key: &str, v: &Option<Sp<T>>) {
        if let Some(x) = v {
            let s = format!("{key}: {:?} {}", x.value, self.at(&x.span));
            self.line(depth, s);
        }
    }

    fn l<T: Debug>(&mut self, depth: usize, key: &str, v: &Option<List<T>>) {
        if let Some(l) = v {
            let items: Vec<String> =
                l.value.iter().map(|x| format!("{:?} {}", x.value, self.at(&x.span))).collect();
            let s = format!("{key}: [{}] {}", items.join(", "), self.at(&l.span));
            self.line(depth, s);
        }
    }

    fn entry<T>(&mut self, depth: usize, what: &str, e: &Sp<T>, name: &Option<Sp<String>>) {
        let n =
            name.as_ref().map(|n| format!("{} {}", n.value, self.at(&n.span))).unwrap_or("(no name)".into());
        let s = format!("- {what} {n} {}", self.at(&e.span));
        self.line(depth, s);
    }

    fn pe(&mut self, d: usize, p: &Sp<PrivateEndpoint>) {
        self.entry(d, "private endpoint", p, &p.name);
        self.v(d + 1, "subresource", &p.subresource);
        self.v(d + 1, "vnet", &p.vnet);
        self.v(d + 1, "subnet", &p.subnet);
        self.v(d + 1, "ip", &p.ip);
        self.v(d + 1, "dns_zone", &p.dns_zone);
    }

    fn rules(&mut self, d: usize, key: &str, n: &Option<Sp<NetworkRules>>) {
        if let Some(n) = n {
            let s = format!("{key}: {}", self.at(&n.span));
            self.line(d, s);
            self.v(d + 1, "default_action", &n.default_action);
            self.l(d + 1, "bypass", &n.bypass);
            self.l(d + 1, "vnet_rules", &n.vnet_rules);
            self.l(d + 1, "ip_rules", &n.ip_rules);
            self.l(d + 1, "resource_instance_rules", &n.resource_instance_rules);
        }
    }
}

/// The topology and the problems, one value a line.
pub fn dump(imp: &Imported) -> String {
    let mut d = Dump { src: &imp.sources, out: String::new() };
    let t = &imp.topology;
    if let Some(w) = &t.workspace {
        d.entry(0, "workspace", w, &w.name);
        d.v(1, "region", &w.region);
        d.v(1, "edition", &w.edition);
        d.v(1, "identity", &w.identity);
        d.v(1, "customer_managed_key", &w.customer_managed_key);
        d.v(1, "public_network_access", &w.public_network_access);
        d.v(1, "image_build_compute", &w.image_build_compute);
        d.v(1, "default_storage", &w.default_storage);
        d.v(1, "key_vault", &w.key_vault);
        d.v(1, "container_registry", &w.container_registry);
        d.v(1, "application_insights", &w.application_insights);
        for p in items(&w.private_endpoints) {
            d.entry(1, "private endpoint", p, &p.name);
            d.v(2, "vnet", &p.vnet);
            d.v(2, "subnet", &p.subnet);
            d.v(2, "ip", &p.ip);
            d.l(2, "private_dns_zone_group", &p.private_dns_zone_group);
        }
    }
    for v in items(&t.vnets) {
        d.entry(0, "vnet", v, &v.name);
        d.v(1, "region", &v.region);
        d.l(1, "address_space", &v.address_space);
        d.l(1, "dns_servers", &v.dns_servers);
        d.l(1, "peerings", &v.peerings);
        for s in items(&v.subnets) {
            d.entry(1, "subnet", s, &s.name);
            d.v(2, "prefix", &s.prefix);
            d.v(2, "nsg", &s.nsg);
            d.v(2, "route_table", &s.route_table);
            d.l(2, "delegations", &s.delegations);
            d.l(2, "service_endpoints", &s.service_endpoints);
            d.l(2, "service_endpoint_policies", &s.service_endpoint_policies);
            d.v(2, "private_endpoint_network_policies", &s.private_endpoint_network_policies);
            d.v(2, "nat_gateway", &s.nat_gateway);
        }
    }
    for n in items(&t.nsgs) {
        d.entry(0, "nsg", n, &n.name);
        for r in items(&n.rules) {
            d.entry(1, "rule", r, &r.name);
            d.v(2, "priority", &r.priority);
            d.v(2, "direction", &r.direction);
            d.v(2, "access", &r.access);
            d.v(2, "protocol", &r.protocol);
            d.v(2, "source", &r.source);
            d.v(2, "source_ports", &r.source_ports);
            d.v(2, "destination", &r.destination);
            d.v(2, "destination_ports", &r.destination_ports);
        }
    }
    for rt in items(&t.route_tables) {
        d.entry(0, "route table", rt, &rt.name);
        for r in items(&rt.routes) {
            d.entry(1, "route", r, &r.name);
            d.v(2, "prefix", &r.prefix);
            d.v(2, "next_hop", &r.next_hop);
            d.v(2, "next_hop_ip", &r.next_hop_ip);
        }
    }
    for z in items(&t.private_dns_zones) {
        d.entry(0, "private dns zone", z, &z.name);
        d.l(1, "linked_vnets", &z.linked_vnets);
        for r in items(&z.records) {
            d.entry(1, "record", r, &r.name);
            d.v(2, "ip", &r.ip);
        }
    }
    for s in items(&t.storage_accounts) {
        d.entry(0, "storage account", s, &s.name);
        d.v(1, "region", &s.region);
        d.v(1, "public_network_access", &s.public_network_access);
        d.rules(1, "network", &s.network);
        for p in items(&s.private_endpoints) {
            d.pe(1, p);
        }
    }
    for k in items(&t.key_vaults) {
        d.entry(0, "key vault", k, &k.name);
        d.v(1, "region", &k.region);
        d.v(1, "public_network_access", &k.public_network_access);
        d.rules(1, "network", &k.network);
        for p in items(&k.private_endpoints) {
            d.pe(1, p);
        }
    }
    for r in items(&t.container_registries) {
        d.entry(0, "container registry", r, &r.name);
        d.v(1, "region", &r.region);
        d.v(1, "sku", &r.sku);
        d.v(1, "public_network_access", &r.public_network_access);
        if let Some(n) = &r.network {
            let s = format!("network: {}", d.at(&n.span));
            d.line(1, s);
            d.v(2, "default_action", &n.default_action);
            d.v(2, "trusted_services", &n.trusted_services);
            d.l(2, "vnet_rules", &n.vnet_rules);
            d.l(2, "ip_rules", &n.ip_rules);
        }
        for p in items(&r.private_endpoints) {
            d.pe(1, p);
        }
    }
    for a in items(&t.application_insights) {
        d.entry(0, "application insights", a, &a.name);
        d.v(1, "public_network_access", &a.public_network_access);
    }
    for c in items(&t.computes) {
        d.entry(0, "compute", c, &c.name);
        d.v(1, "type", &c.kind);
        d.v(1, "region", &c.region);
        d.v(1, "vnet", &c.vnet);
        d.v(1, "subnet", &c.subnet);
        d.v(1, "public_ip", &c.public_ip);
        d.v(1, "max_nodes", &c.max_nodes);
        d.v(1, "identity", &c.identity);
        d.v(1, "ssh_public_access", &c.ssh_public_access);
        d.v(1, "created_in_vnet", &c.created_in_vnet);
        if let Some(a) = &c.aks {
            let s = format!("aks: {}", d.at(&a.span));
            d.line(1, s);
            d.v(2, "attach", &a.attach);
            d.v(2, "private_cluster", &a.private_cluster);
            d.v(2, "network_plugin", &a.network_plugin);
            d.v(2, "nodes", &a.nodes);
            d.v(2, "max_pods", &a.max_pods);
            d.v(2, "load_balancer", &a.load_balancer);
            d.v(2, "load_balancer_subnet", &a.load_balancer_subnet);
            d.v(2, "service_cidr", &a.service_cidr);
            d.v(2, "dns_service_ip", &a.dns_service_ip);
            d.v(2, "docker_bridge_cidr", &a.docker_bridge_cidr);
            d.v(2, "pod_cidr", &a.pod_cidr);
            d.v(2, "created_with", &a.created_with);
        }
    }
    if let Some(f) = &t.firewall {
        d.entry(0, "firewall", f, &f.name);
        d.v(1, "kind", &f.kind);
        d.v(1, "vnet", &f.vnet);
        d.v(1, "private_ip", &f.private_ip);
        d.v(1, "dns_proxy", &f.dns_proxy);
        for r in items(&f.network_rules) {
            d.entry(1, "network rule", r, &r.name);
            d.l(2, "protocols", &r.protocols);
            d.l(2, "sources", &r.sources);
            d.l(2, "destinations", &r.destinations);
            d.l(2, "ports", &r.ports);
        }
        for r in items(&f.application_rules) {
            d.entry(1, "application rule", r, &r.name);
            d.l(2, "sources", &r.sources);
            d.l(2, "fqdns", &r.fqdns);
            d.l(2, "protocols", &r.protocols);
        }
    }
    if let Some(c) = &t.clients {
        let s = format!("clients {}", d.at(&c.span));
        d.line(0, s);
        d.l(1, "access_paths", &c.access_paths);
    }
    d.line(0, "problems:".into());
    for p in &imp.problems {
        let s = format!("{:?} {} {}: {}", p.severity, p.code, d.at(&p.span), p.message);
        d.line(1, s);
        if let Some(h) = &p.help {
            d.line(2, format!("help: {h}"));
        }
    }
    d.out
}
