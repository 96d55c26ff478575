//! Reference and value checks done while resolving: every name that points at another entry,
//! every address, every date. Problems point at the reference itself.

use super::addr::Addr;
use super::model::*;
use super::node::{Loc, Node, PeOwner, SubnetId};
use super::resolve::{Net, Problem, Section, suggest};
use super::yaml::Sp;
use crate::diag::ToolCode;

pub(super) struct Checker<'a> {
    pub(super) net: &'a Net,
    pub(super) out: &'a mut Vec<Problem>,
}

impl Checker<'_> {
    pub(super) fn problem(
        &mut self,
        code: ToolCode,
        message: String,
        help: Option<String>,
        at: &Sp<String>,
        loc: Loc,
    ) {
        self.out.push(Problem { code, message, help, span: at.span.clone(), loc });
    }

    pub(super) fn section_present(&self, section: Section) -> bool {
        let t = self.net.topo();
        match section {
            Section::Vnets => t.vnets.is_some(),
            Section::Nsgs => t.nsgs.is_some(),
            Section::RouteTables => t.route_tables.is_some(),
            Section::Zones => t.private_dns_zones.is_some(),
            Section::Storage => t.storage_accounts.is_some(),
            Section::KeyVaults => t.key_vaults.is_some(),
            Section::Registries => t.container_registries.is_some(),
            Section::AppInsights => t.application_insights.is_some(),
            Section::Computes => t.computes.is_some(),
            Section::ServiceEndpointPolicies => t.service_endpoint_policies.is_some(),
        }
    }

    /// A reference by name into `section`; checked only when the block has that section.
    pub(super) fn reference(
        &mut self,
        r: Option<&Sp<String>>,
        section: Section,
        what: &str,
        list: &str,
        loc: Loc,
    ) {
        let Some(r) = r else { return };
        if !self.section_present(section) {
            return;
        }
        let known = self.net.known_names(section);
        if !known.contains(&r.value.as_str()) {
            let help = suggest(&r.value, &known)
                .or_else(|| Some(format!("add a {what} named `{}` to `{list}`", r.value)));
            self.problem(
                ToolCode::DanglingReference,
                format!("{what} `{}` is not declared in `{list}`", r.value),
                help,
                r,
                loc,
            );
        }
    }

    /// A `vnet:` + `subnet:` pair of the object at `at`.
    pub(super) fn subnet_ref(&mut self, vnet: Option<&Sp<String>>, subnet: Option<&Sp<String>>, at: &Loc) {
        if self.section_present(Section::Vnets) {
            self.reference(vnet, Section::Vnets, "vnet", "vnets", at.clone().field("vnet"));
        }
        self.subnet_ref_at(vnet, subnet, at, "subnet");
    }

    /// A subnet named in `field`, looked up in `vnet` (the owner's `vnet:`, checked by the
    /// caller: a second subnet field of the same object must not report it again).
    pub(super) fn subnet_ref_at(
        &mut self,
        vnet: Option<&Sp<String>>,
        subnet: Option<&Sp<String>>,
        at: &Loc,
        field: &'static str,
    ) {
        if !self.section_present(Section::Vnets) {
            return;
        }
        let vi = match vnet {
            Some(v) => self.net.vnet_index(&v.value),
            None => self.net.sole_vnet(),
        };
        let Some(s) = subnet else { return };
        match vi {
            Some(vi) => {
                let names = self.net.subnet_names(vi);
                if !names.contains(&s.value.as_str()) {
                    let vname = self.net.vnet_name(vi).to_string();
                    let help = suggest(&s.value, &names)
                        .or_else(|| Some(format!("add a subnet named `{}` to vnet `{vname}`", s.value)));
                    self.problem(
                        ToolCode::DanglingReference,
                        format!("subnet `{}` is not declared in vnet `{vname}`", s.value),
                        help,
                        s,
                        at.clone().field(field),
                    );
                }
            }
            None if vnet.is_none() => self.problem(
                ToolCode::DanglingReference,
                format!("subnet `{}` needs a `vnet:` because the topology has several vnets", s.value),
                Some("add `vnet: <name>` next to `subnet:`".to_string()),
                s,
                at.clone().field(field),
            ),
            None => {}
        }
    }

    /// `vnet/subnet` strings of service-endpoint rules.
    pub(super) fn vnet_rules(&mut self, rules: &Option<List<String>>, at: &Loc) {
        for (i, r) in items(rules).enumerate() {
            let p = at.clone().index(i);
            match r.value.split_once('/') {
                None => self.problem(
                    ToolCode::InvalidValue,
                    format!("vnet rule `{}` is not of the form `vnet/subnet`", r.value),
                    Some("write the VNet and subnet names, e.g. `vnet-ml/snet-training`".to_string()),
                    r,
                    p,
                ),
                Some((v, s)) => {
                    if self.section_present(Section::Vnets) && self.net.lookup_vnet_rule(&r.value).is_none() {
                        let msg = match self.net.vnet_index(v.trim()) {
                            None => format!(
                                "vnet `{}` of vnet rule `{}` is not declared in `vnets`",
                                v.trim(),
                                r.value
                            ),
                            Some(vi) => format!(
                                "subnet `{}` of vnet rule `{}` is not declared in vnet `{}`",
                                s.trim(),
                                r.value,
                                self.net.vnet_name(vi)
                            ),
                        };
                        self.problem(ToolCode::DanglingReference, msg, None, r, p);
                    }
                }
            }
        }
    }

    pub(super) fn address(&mut self, a: Option<&Sp<String>>, loc: Loc, allow_tags: bool) {
        let Some(a) = a else { return };
        match Addr::parse(&a.value) {
            Ok(Addr::Tag { .. } | Addr::Any) if !allow_tags => self.problem(
                ToolCode::InvalidValue,
                format!("`{}` must be an IP address or CIDR prefix here", a.value),
                Some("service tags are not allowed in this field".to_string()),
                a,
                loc,
            ),
            Ok(_) => {}
            Err((msg, help)) => self.problem(ToolCode::InvalidValue, msg, Some(help), a, loc),
        }
    }

    /// A field that must name a service tag (optionally regional), not an address.
    pub(super) fn service_tag(&mut self, a: Option<&Sp<String>>, loc: Loc) {
        let Some(a) = a else { return };
        match Addr::parse(&a.value) {
            Ok(Addr::Tag { .. }) => {}
            Ok(_) => self.problem(
                ToolCode::InvalidValue,
                format!("`{}` must be a service tag here", a.value),
                Some("name the tag the prefix belongs to, e.g. `AzureMachineLearning.eastus`".to_string()),
                a,
                loc,
            ),
            Err((msg, help)) => self.problem(ToolCode::InvalidValue, msg, Some(help), a, loc),
        }
    }

    pub(super) fn addresses(&mut self, list: &Option<List<String>>, at: Loc, allow_tags: bool) {
        for (i, a) in items(list).enumerate() {
            self.address(Some(a), at.clone().index(i), allow_tags);
        }
    }

    fn endpoints(&mut self, list: &Option<List<PrivateEndpoint>>, owner: PeOwner) {
        for (index, pe) in items(list).enumerate() {
            let p = Loc::from(Node::Pe { owner, index });
            self.subnet_ref(pe.vnet.as_ref(), pe.subnet.as_ref(), &p);
            self.reference(
                pe.dns_zone.as_ref(),
                Section::Zones,
                "private DNS zone",
                "private_dns_zones",
                p.clone().field("dns_zone"),
            );
            self.address(pe.ip.as_ref(), p.field("ip"), false);
        }
    }
}

/// Check every reference and value of the topology, appending to `out`.
pub(super) fn check(net: &Net, out: &mut Vec<Problem>) {
    let t = net.topo.clone();
    let mut c = Checker { net, out };
    let ws = || Node::Workspace;
    if let Some(w) = &t.workspace {
        let storage = |name| (Section::Storage, "storage account", "storage_accounts", ws().field(name));
        for (r, (section, what, list, loc)) in [
            (w.default_storage.as_ref(), storage("default_storage")),
            (w.labeling_storage.as_ref(), storage("labeling_storage")),
            (w.key_vault.as_ref(), (Section::KeyVaults, "key vault", "key_vaults", ws().field("key_vault"))),
            (
                w.application_insights.as_ref(),
                (
                    Section::AppInsights,
                    "Application Insights resource",
                    "application_insights",
                    ws().field("application_insights"),
                ),
            ),
        ] {
            c.reference(r, section, what, list, loc);
        }
        if let Some(Sp { value: Some(n), span }) = &w.container_registry {
            let r = Sp::new(n.clone(), span.clone());
            let loc = ws().field("container_registry");
            c.reference(Some(&r), Section::Registries, "container registry", "container_registries", loc);
        }
        if let Some(Sp { value: Some(n), span }) = &w.image_build_compute {
            let r = Sp::new(n.clone(), span.clone());
            c.reference(
                Some(&r),
                Section::Computes,
                "compute",
                "computes",
                ws().field("image_build_compute"),
            );
        }
        for (index, pe) in items(&w.private_endpoints).enumerate() {
            let p = Loc::from(Node::Pe { owner: PeOwner::Workspace, index });
            c.subnet_ref(pe.vnet.as_ref(), pe.subnet.as_ref(), &p);
            c.address(pe.ip.as_ref(), p.clone().field("ip"), false);
            for (j, z) in items(&pe.private_dns_zone_group).enumerate() {
                let loc = p.clone().field("private_dns_zone_group").index(j);
                c.reference(Some(z), Section::Zones, "private DNS zone", "private_dns_zones", loc);
            }
        }
        for (i, d) in items(&w.datastores).enumerate() {
            let loc = Node::Datastore(i).field("storage");
            c.reference(d.storage.as_ref(), Section::Storage, "storage account", "storage_accounts", loc);
        }
    }
    for (vi, v) in items(&t.vnets).enumerate() {
        let vn = Node::Vnet(vi);
        c.addresses(&v.address_space, vn.field("address_space"), false);
        c.addresses(&v.dns_servers, vn.field("dns_servers"), false);
        for (i, p) in items(&v.peerings).enumerate() {
            c.reference(Some(p), Section::Vnets, "vnet", "vnets", vn.field("peerings").index(i));
        }
        for (si, s) in items(&v.subnets).enumerate() {
            let sn = Node::Subnet(SubnetId { vnet: vi, subnet: si });
            c.address(s.prefix.as_ref(), sn.field("prefix"), false);
            c.reference(s.nsg.as_ref(), Section::Nsgs, "NSG", "nsgs", sn.field("nsg"));
            let loc = sn.field("route_table");
            c.reference(s.route_table.as_ref(), Section::RouteTables, "route table", "route_tables", loc);
        }
    }
    for (ni, n) in items(&t.nsgs).enumerate() {
        for (ri, r) in items(&n.rules).enumerate() {
            let rn = Node::NsgRule { nsg: ni, rule: ri };
            c.address(r.source.as_ref(), rn.field("source"), true);
            c.address(r.destination.as_ref(), rn.field("destination"), true);
            if let Some(p) = &r.priority
                && !(100..=4096).contains(&p.value)
            {
                let at = Sp::new(p.value.to_string(), p.span.clone());
                c.problem(
                    ToolCode::InvalidValue,
                    format!("NSG rule priority {} is outside 100..4096", p.value),
                    Some("use a priority between 100 and 4096".into()),
                    &at,
                    rn.field("priority"),
                );
            }
        }
    }
    for (ti, rt) in items(&t.route_tables).enumerate() {
        for (ri, r) in items(&rt.routes).enumerate() {
            let rn = Node::Route { table: ti, route: ri };
            c.address(r.prefix.as_ref(), rn.field("prefix"), true);
            c.address(r.next_hop_ip.as_ref(), rn.field("next_hop_ip"), false);
            c.service_tag(r.service_tag.as_ref(), rn.field("service_tag"));
        }
    }
    for (zi, z) in items(&t.private_dns_zones).enumerate() {
        for (i, v) in items(&z.linked_vnets).enumerate() {
            let loc = Node::DnsZone(zi).field("linked_vnets").index(i);
            c.reference(Some(v), Section::Vnets, "vnet", "vnets", loc);
        }
    }
    let network = |c: &mut Checker, node: Node, rules: &Option<List<String>>, ips: &Option<List<String>>| {
        c.vnet_rules(rules, &node.field("network.vnet_rules"));
        c.addresses(ips, node.field("network.ip_rules"), false);
    };
    for (i, s) in items(&t.storage_accounts).enumerate() {
        if let Some(n) = &s.network {
            network(&mut c, Node::Storage(i), &n.vnet_rules, &n.ip_rules);
        }
        c.endpoints(&s.private_endpoints, PeOwner::Storage(i));
    }
    for (i, k) in items(&t.key_vaults).enumerate() {
        if let Some(n) = &k.network {
            network(&mut c, Node::KeyVault(i), &n.vnet_rules, &n.ip_rules);
        }
        c.endpoints(&k.private_endpoints, PeOwner::KeyVault(i));
    }
    for (i, r) in items(&t.container_registries).enumerate() {
        if let Some(n) = &r.network {
            network(&mut c, Node::Registry(i), &n.vnet_rules, &n.ip_rules);
        }
        c.endpoints(&r.private_endpoints, PeOwner::Registry(i));
    }
    for (i, comp) in items(&t.computes).enumerate() {
        let p = Loc::from(Node::Compute(i));
        c.subnet_ref(comp.vnet.as_ref(), comp.subnet.as_ref(), &p);
        if let Some(a) = &comp.aks {
            let ap = p.field("aks");
            if let Some(lb) = &a.load_balancer_subnet {
                c.subnet_ref_at(comp.vnet.as_ref(), Some(lb), &ap, "load_balancer_subnet");
            }
            for (value, field) in [
                (&a.service_cidr, "service_cidr"),
                (&a.dns_service_ip, "dns_service_ip"),
                (&a.docker_bridge_cidr, "docker_bridge_cidr"),
                (&a.pod_cidr, "pod_cidr"),
                (&a.scoring_ip, "scoring_ip"),
            ] {
                c.address(value.as_ref(), ap.clone().field(field), false);
            }
        }
    }
    if let Some(f) = &t.firewall {
        c.reference(f.vnet.as_ref(), Section::Vnets, "vnet", "vnets", Node::Firewall.field("vnet"));
        c.address(f.private_ip.as_ref(), Node::Firewall.field("private_ip"), false);
        for (i, r) in items(&f.network_rules).enumerate() {
            let rn = Node::FirewallNetworkRule(i);
            c.addresses(&r.sources, rn.field("sources"), true);
            c.addresses(&r.destinations, rn.field("destinations"), true);
        }
    }
    if let Some(d) = &t.dns {
        for (i, s) in items(&d.custom_servers).enumerate() {
            let sn = Node::DnsServer(i);
            c.reference(s.vnet.as_ref(), Section::Vnets, "vnet", "vnets", sn.field("vnet"));
            c.address(s.ip.as_ref(), sn.field("ip"), false);
        }
    }
    if let Some(cl) = &t.clients {
        c.subnet_ref(cl.vnet.as_ref(), cl.subnet.as_ref(), &Node::Clients.into());
        c.addresses(&cl.public_ips, Node::Clients.field("public_ips"), false);
        c.addresses(&cl.onprem_ranges, Node::Clients.field("onprem_ranges"), false);
    }
    // `flows:` and the firewall's DNAT rules (the flow engine knows what their names mean).
    crate::flows::refs::check(net, c.out);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::topology::model::Topology;
    use crate::topology::resolve::Net;

    #[test]
    fn a_dangling_compute_vnet_is_reported_once() {
        // The AKS load balancer subnet is looked up in the compute's `vnet`: a dangling `vnet`
        // is one problem, at `computes[0].vnet`, not a second one under `aks`.
        let topo: Topology = crate::topology::yaml::from_str(
            "vnets:\n  - name: vnet-ml\n    subnets: [{name: snet-aks, prefix: 10.0.8.0/22}]\ncomputes:\n  - name: aks-inf\n    type: aks\n    vnet: vnet-mll\n    subnet: snet-aks\n    aks: {load_balancer: internal, load_balancer_subnet: snet-aks}\n",
        )
        .unwrap();
        let net = Net::new(Arc::new(topo));
        let paths: Vec<String> = net.problems.iter().map(|p| p.loc.path()).collect();
        assert_eq!(paths, ["computes[0].vnet"]);
    }
}
