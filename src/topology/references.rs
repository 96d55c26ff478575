//! Reference and value checks done while resolving: every name that points at another entry,
//! every address, every date. Problems point at the reference itself.

use super::addr::Addr;
use super::model::*;
use super::resolve::{Net, Problem, Section, suggest};
use super::yaml::Sp;
use crate::diag::codes;

struct Checker<'a> {
    net: &'a Net,
    out: &'a mut Vec<Problem>,
}

impl Checker<'_> {
    fn problem(
        &mut self,
        code: &'static str,
        message: String,
        help: Option<String>,
        at: &Sp<String>,
        path: String,
    ) {
        self.out.push(Problem { code, message, help, span: at.span.clone(), path });
    }

    fn section_present(&self, section: Section) -> bool {
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
        }
    }

    /// A reference by name into `section`; checked only when the block has that section.
    fn reference(&mut self, r: Option<&Sp<String>>, section: Section, what: &str, list: &str, path: String) {
        let Some(r) = r else { return };
        if !self.section_present(section) {
            return;
        }
        let known = self.net.known_names(section);
        if !known.contains(&r.value.as_str()) {
            let help = suggest(&r.value, &known)
                .or_else(|| Some(format!("add a {what} named `{}` to `{list}`", r.value)));
            self.problem(
                codes::DANGLING_REFERENCE,
                format!("{what} `{}` is not declared in `{list}`", r.value),
                help,
                r,
                path,
            );
        }
    }

    /// A `vnet:` + `subnet:` pair.
    fn subnet_ref(&mut self, vnet: Option<&Sp<String>>, subnet: Option<&Sp<String>>, path: &str) {
        if self.section_present(Section::Vnets) {
            self.reference(vnet, Section::Vnets, "vnet", "vnets", format!("{path}.vnet"));
        }
        self.subnet_ref_at(vnet, subnet, path, "subnet");
    }

    /// A subnet named in `field`, looked up in `vnet` (the owner's `vnet:`, checked by the
    /// caller: a second subnet field of the same object must not report it again).
    fn subnet_ref_at(
        &mut self,
        vnet: Option<&Sp<String>>,
        subnet: Option<&Sp<String>>,
        path: &str,
        field: &str,
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
                        codes::DANGLING_REFERENCE,
                        format!("subnet `{}` is not declared in vnet `{vname}`", s.value),
                        help,
                        s,
                        format!("{path}.{field}"),
                    );
                }
            }
            None if vnet.is_none() => self.problem(
                codes::DANGLING_REFERENCE,
                format!("subnet `{}` needs a `vnet:` because the topology has several vnets", s.value),
                Some("add `vnet: <name>` next to `subnet:`".to_string()),
                s,
                format!("{path}.{field}"),
            ),
            None => {}
        }
    }

    /// `vnet/subnet` strings of service-endpoint rules.
    fn vnet_rules(&mut self, rules: &Option<List<String>>, path: &str) {
        for (i, r) in items(rules).enumerate() {
            let p = format!("{path}[{i}]");
            match r.value.split_once('/') {
                None => self.problem(
                    codes::INVALID_VALUE,
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
                        self.problem(codes::DANGLING_REFERENCE, msg, None, r, p);
                    }
                }
            }
        }
    }

    fn address(&mut self, a: Option<&Sp<String>>, path: String, allow_tags: bool) {
        let Some(a) = a else { return };
        match Addr::parse(&a.value) {
            Ok(Addr::Tag { .. } | Addr::Any) if !allow_tags => self.problem(
                codes::INVALID_VALUE,
                format!("`{}` must be an IP address or CIDR prefix here", a.value),
                Some("service tags are not allowed in this field".to_string()),
                a,
                path,
            ),
            Ok(_) => {}
            Err((msg, help)) => self.problem(codes::INVALID_VALUE, msg, Some(help), a, path),
        }
    }

    /// A field that must name a service tag (optionally regional), not an address.
    fn service_tag(&mut self, a: Option<&Sp<String>>, path: String) {
        let Some(a) = a else { return };
        match Addr::parse(&a.value) {
            Ok(Addr::Tag { .. }) => {}
            Ok(_) => self.problem(
                codes::INVALID_VALUE,
                format!("`{}` must be a service tag here", a.value),
                Some("name the tag the prefix belongs to, e.g. `AzureMachineLearning.eastus`".to_string()),
                a,
                path,
            ),
            Err((msg, help)) => self.problem(codes::INVALID_VALUE, msg, Some(help), a, path),
        }
    }

    fn addresses(&mut self, list: &Option<List<String>>, path: &str, allow_tags: bool) {
        for (i, a) in items(list).enumerate() {
            self.address(Some(a), format!("{path}[{i}]"), allow_tags);
        }
    }

    fn endpoints(&mut self, list: &Option<List<PrivateEndpoint>>, path: &str) {
        for (i, pe) in items(list).enumerate() {
            let p = format!("{path}.private_endpoints[{i}]");
            self.subnet_ref(pe.vnet.as_ref(), pe.subnet.as_ref(), &p);
            self.reference(
                pe.dns_zone.as_ref(),
                Section::Zones,
                "private DNS zone",
                "private_dns_zones",
                format!("{p}.dns_zone"),
            );
            self.address(pe.ip.as_ref(), format!("{p}.ip"), false);
        }
    }
}

/// Check every reference and value of the topology, appending to `out`.
pub(super) fn check(net: &Net, out: &mut Vec<Problem>) {
    let t = net.topo.clone();
    let mut c = Checker { net, out };
    if let Some(w) = &t.workspace {
        c.reference(
            w.default_storage.as_ref(),
            Section::Storage,
            "storage account",
            "storage_accounts",
            "workspace.default_storage".into(),
        );
        c.reference(
            w.labeling_storage.as_ref(),
            Section::Storage,
            "storage account",
            "storage_accounts",
            "workspace.labeling_storage".into(),
        );
        c.reference(
            w.key_vault.as_ref(),
            Section::KeyVaults,
            "key vault",
            "key_vaults",
            "workspace.key_vault".into(),
        );
        if let Some(Sp { value: Some(n), span }) = &w.container_registry {
            let r = Sp::new(n.clone(), span.clone());
            c.reference(
                Some(&r),
                Section::Registries,
                "container registry",
                "container_registries",
                "workspace.container_registry".into(),
            );
        }
        if let Some(Sp { value: Some(n), span }) = &w.image_build_compute {
            let r = Sp::new(n.clone(), span.clone());
            c.reference(
                Some(&r),
                Section::Computes,
                "compute",
                "computes",
                "workspace.image_build_compute".into(),
            );
        }
        c.reference(
            w.application_insights.as_ref(),
            Section::AppInsights,
            "Application Insights resource",
            "application_insights",
            "workspace.application_insights".into(),
        );
        for (i, pe) in items(&w.private_endpoints).enumerate() {
            let p = format!("workspace.private_endpoints[{i}]");
            c.subnet_ref(pe.vnet.as_ref(), pe.subnet.as_ref(), &p);
            c.address(pe.ip.as_ref(), format!("{p}.ip"), false);
            for (j, z) in items(&pe.private_dns_zone_group).enumerate() {
                c.reference(
                    Some(z),
                    Section::Zones,
                    "private DNS zone",
                    "private_dns_zones",
                    format!("{p}.private_dns_zone_group[{j}]"),
                );
            }
        }
        for (i, d) in items(&w.datastores).enumerate() {
            c.reference(
                d.storage.as_ref(),
                Section::Storage,
                "storage account",
                "storage_accounts",
                format!("workspace.datastores[{i}].storage"),
            );
        }
    }
    for (vi, v) in items(&t.vnets).enumerate() {
        let vp = format!("vnets[{vi}]");
        c.addresses(&v.address_space, &format!("{vp}.address_space"), false);
        c.addresses(&v.dns_servers, &format!("{vp}.dns_servers"), false);
        for (i, p) in items(&v.peerings).enumerate() {
            c.reference(Some(p), Section::Vnets, "vnet", "vnets", format!("{vp}.peerings[{i}]"));
        }
        for (si, s) in items(&v.subnets).enumerate() {
            let sp = format!("{vp}.subnets[{si}]");
            c.address(s.prefix.as_ref(), format!("{sp}.prefix"), false);
            c.reference(s.nsg.as_ref(), Section::Nsgs, "NSG", "nsgs", format!("{sp}.nsg"));
            c.reference(
                s.route_table.as_ref(),
                Section::RouteTables,
                "route table",
                "route_tables",
                format!("{sp}.route_table"),
            );
        }
    }
    for (ni, n) in items(&t.nsgs).enumerate() {
        for (ri, r) in items(&n.rules).enumerate() {
            let rp = format!("nsgs[{ni}].rules[{ri}]");
            c.address(r.source.as_ref(), format!("{rp}.source"), true);
            c.address(r.destination.as_ref(), format!("{rp}.destination"), true);
            if let Some(p) = &r.priority
                && !(100..=4096).contains(&p.value)
            {
                let at = Sp::new(p.value.to_string(), p.span.clone());
                c.problem(
                    codes::INVALID_VALUE,
                    format!("NSG rule priority {} is outside 100..4096", p.value),
                    Some("use a priority between 100 and 4096".into()),
                    &at,
                    format!("{rp}.priority"),
                );
            }
        }
    }
    for (ti, rt) in items(&t.route_tables).enumerate() {
        for (ri, r) in items(&rt.routes).enumerate() {
            let rp = format!("route_tables[{ti}].routes[{ri}]");
            c.address(r.prefix.as_ref(), format!("{rp}.prefix"), true);
            c.address(r.next_hop_ip.as_ref(), format!("{rp}.next_hop_ip"), false);
            c.service_tag(r.service_tag.as_ref(), format!("{rp}.service_tag"));
        }
    }
    for (zi, z) in items(&t.private_dns_zones).enumerate() {
        for (i, v) in items(&z.linked_vnets).enumerate() {
            c.reference(
                Some(v),
                Section::Vnets,
                "vnet",
                "vnets",
                format!("private_dns_zones[{zi}].linked_vnets[{i}]"),
            );
        }
    }
    for (i, s) in items(&t.storage_accounts).enumerate() {
        let p = format!("storage_accounts[{i}]");
        if let Some(n) = &s.network {
            c.vnet_rules(&n.vnet_rules, &format!("{p}.network.vnet_rules"));
            c.addresses(&n.ip_rules, &format!("{p}.network.ip_rules"), false);
        }
        c.endpoints(&s.private_endpoints, &p);
    }
    for (i, k) in items(&t.key_vaults).enumerate() {
        let p = format!("key_vaults[{i}]");
        if let Some(n) = &k.network {
            c.vnet_rules(&n.vnet_rules, &format!("{p}.network.vnet_rules"));
            c.addresses(&n.ip_rules, &format!("{p}.network.ip_rules"), false);
        }
        c.endpoints(&k.private_endpoints, &p);
    }
    for (i, r) in items(&t.container_registries).enumerate() {
        let p = format!("container_registries[{i}]");
        if let Some(n) = &r.network {
            c.vnet_rules(&n.vnet_rules, &format!("{p}.network.vnet_rules"));
            c.addresses(&n.ip_rules, &format!("{p}.network.ip_rules"), false);
        }
        c.endpoints(&r.private_endpoints, &p);
    }
    for (i, comp) in items(&t.computes).enumerate() {
        let p = format!("computes[{i}]");
        c.subnet_ref(comp.vnet.as_ref(), comp.subnet.as_ref(), &p);
        if let Some(a) = &comp.aks {
            let ap = format!("{p}.aks");
            if let Some(lb) = &a.load_balancer_subnet {
                c.subnet_ref_at(comp.vnet.as_ref(), Some(lb), &ap, "load_balancer_subnet");
            }
            c.address(a.service_cidr.as_ref(), format!("{ap}.service_cidr"), false);
            c.address(a.dns_service_ip.as_ref(), format!("{ap}.dns_service_ip"), false);
            c.address(a.docker_bridge_cidr.as_ref(), format!("{ap}.docker_bridge_cidr"), false);
            c.address(a.pod_cidr.as_ref(), format!("{ap}.pod_cidr"), false);
            c.address(a.scoring_ip.as_ref(), format!("{ap}.scoring_ip"), false);
        }
    }
    if let Some(f) = &t.firewall {
        c.reference(f.vnet.as_ref(), Section::Vnets, "vnet", "vnets", "firewall.vnet".into());
        c.address(f.private_ip.as_ref(), "firewall.private_ip".into(), false);
        for (i, r) in items(&f.network_rules).enumerate() {
            c.addresses(&r.sources, &format!("firewall.network_rules[{i}].sources"), true);
            c.addresses(&r.destinations, &format!("firewall.network_rules[{i}].destinations"), true);
        }
    }
    if let Some(d) = &t.dns {
        for (i, s) in items(&d.custom_servers).enumerate() {
            c.reference(
                s.vnet.as_ref(),
                Section::Vnets,
                "vnet",
                "vnets",
                format!("dns.custom_servers[{i}].vnet"),
            );
            c.address(s.ip.as_ref(), format!("dns.custom_servers[{i}].ip"), false);
        }
    }
    if let Some(cl) = &t.clients {
        c.subnet_ref(cl.vnet.as_ref(), cl.subnet.as_ref(), "clients");
        c.addresses(&cl.public_ips, "clients.public_ips", false);
        c.addresses(&cl.onprem_ranges, "clients.onprem_ranges", false);
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
        let paths: Vec<&str> = net.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["computes[0].vnet"]);
    }
}
