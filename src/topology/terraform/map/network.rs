//! VNets with their subnets (inline and separate), NSGs and rules, route tables and routes,
//! the association resources, peerings, private DNS zones with their links and A records.

use std::ops::Range;

use super::{Ctx, Module, Out, Res, Tgt, list};
use crate::diag::ToolCode;
use crate::topology::model::*;
use crate::topology::yaml::Sp;

const ARM_VNET: &str = "microsoft.network/virtualnetworks";
const ARM_NSG: &str = "microsoft.network/networksecuritygroups";
const ARM_ROUTE_TABLE: &str = "microsoft.network/routetables";
const ARM_ZONE: &str = "microsoft.network/privatednszones";

pub fn map(m: &Module, cx: &mut Ctx<'_>) {
    for r in m.of_kind("azurerm_virtual_network") {
        vnet(m, cx, r);
    }
    for r in m.of_kind("azurerm_subnet") {
        subnet(m, cx, r);
    }
    for r in m.of_kind("azurerm_network_security_group") {
        let rules =
            super::Ctx::blocks(&r.obj, "security_rule").flat_map(|b| nsg_rules(cx, &r.address, b)).collect();
        let nsg = Nsg { name: Some(r.label.clone()), rules: Some(Sp::new(rules, r.obj.header.clone())) };
        cx.out.nsgs.push(Sp::new(nsg, r.obj.header.clone()));
    }
    for r in m.of_kind("azurerm_network_security_rule") {
        let Some(owner) = cx.text(&r.address, &r.obj, "network_security_group_name") else { continue };
        let rules = nsg_rules(cx, &r.address, &r.obj);
        let nsg = match cx.out.nsgs.iter_mut().find(|n| is(&n.name, &owner.value)) {
            Some(n) => n,
            None => {
                cx.out.nsgs.push(Sp::new(Nsg { name: Some(owner.clone()), rules: None }, owner.span.clone()));
                cx.out.nsgs.last_mut().expect("just pushed")
            }
        };
        nsg.value.rules.get_or_insert_with(|| Sp::new(Vec::new(), owner.span.clone())).value.extend(rules);
    }
    for r in m.of_kind("azurerm_route_table") {
        let routes = super::Ctx::blocks(&r.obj, "route").map(|b| route(cx, &r.address, b)).collect();
        let rt =
            RouteTable { name: Some(r.label.clone()), routes: Some(Sp::new(routes, r.obj.header.clone())) };
        cx.out.route_tables.push(Sp::new(rt, r.obj.header.clone()));
    }
    for r in m.of_kind("azurerm_route") {
        let Some(owner) = cx.text(&r.address, &r.obj, "route_table_name") else { continue };
        let route = route(cx, &r.address, &r.obj);
        let rt = match cx.out.route_tables.iter_mut().find(|t| is(&t.name, &owner.value)) {
            Some(t) => t,
            None => {
                let stub = RouteTable { name: Some(owner.clone()), routes: None };
                cx.out.route_tables.push(Sp::new(stub, owner.span.clone()));
                cx.out.route_tables.last_mut().expect("just pushed")
            }
        };
        rt.value.routes.get_or_insert_with(|| Sp::new(Vec::new(), owner.span.clone())).value.push(route);
    }
    associations(m, cx);
    peerings(m, cx);
    dns(m, cx);
}

/// Does an optional name equal `name`?
pub fn is(n: &Option<Sp<String>>, name: &str) -> bool {
    n.as_ref().is_some_and(|n| n.value == name)
}

/// The name of a resource of kind `tf_kind` (or of ARM type `arm`) a target points at.
pub fn name_of(t: &Tgt<'_>, tf_kind: &str, arm: &str) -> Option<String> {
    match t {
        Tgt::Res(r) if r.kind == tf_kind => Some(r.label.value.clone()),
        Tgt::Arm(p) if p.len() == 1 && p[0].0 == arm => Some(p[0].1.clone()),
        _ => None,
    }
}

/// The `(vnet, subnet)` a target points at.
pub fn subnet_of(cx: &mut Ctx<'_>, t: &Tgt<'_>) -> Option<(String, String)> {
    match t {
        Tgt::Res(r) if r.kind == "azurerm_subnet" => {
            let vnet = cx.text(&r.address, &r.obj, "virtual_network_name")?;
            Some((vnet.value, r.label.value.clone()))
        }
        Tgt::Block(r, b) if r.kind == "azurerm_virtual_network" && b.kind == "subnet" => {
            let name = cx.text(&r.address, b, "name")?;
            Some((r.label.value.clone(), name.value))
        }
        Tgt::Arm(p) if p.len() == 2 && p[0].0 == ARM_VNET && p[1].0 == "subnets" => {
            Some((p[0].1.clone(), p[1].1.clone()))
        }
        _ => None,
    }
}

/// The `(vnet, subnet)` the ID in attribute `key` points at, with the attribute's span.
pub fn subnet_ref(
    m: &Module,
    cx: &mut Ctx<'_>,
    addr: &str,
    obj: &super::Obj,
    key: &str,
) -> Option<(String, String, Range<usize>)> {
    let (t, span) = cx.target(m, addr, obj, key)?;
    match subnet_of(cx, &t) {
        Some((v, s)) => Some((v, s, span)),
        None => {
            cx.not_a(addr, key, &t, "a subnet", span);
            None
        }
    }
}

/// The VNet the ID in attribute `key` points at.
pub fn vnet_ref(m: &Module, cx: &mut Ctx<'_>, addr: &str, obj: &super::Obj, key: &str) -> Option<Sp<String>> {
    let (t, span) = cx.target(m, addr, obj, key)?;
    match name_of(&t, "azurerm_virtual_network", ARM_VNET) {
        Some(n) => Some(Sp::new(n, span)),
        None => {
            cx.not_a(addr, key, &t, "a VNet", span);
            None
        }
    }
}

/// A subnet of the topology, by VNet and name.
pub fn subnet_mut<'o>(out: &'o mut Out, vnet: &str, subnet: &str) -> Option<&'o mut Subnet> {
    out.vnets
        .iter_mut()
        .filter(|v| is(&v.name, vnet))
        .flat_map(|v| v.value.subnets.iter_mut().flat_map(|l| l.value.iter_mut()))
        .find(|s| is(&s.name, subnet))
        .map(|s| &mut s.value)
}

fn vnet(m: &Module, cx: &mut Ctx<'_>, r: &Res) {
    let (a, o) = (&r.address, &r.obj);
    let mut subnets = Vec::new();
    for b in super::Ctx::blocks(o, "subnet") {
        let mut s = Subnet { name: cx.text(a, b, "name"), ..Subnet::default() };
        s.prefix = cx.text(a, b, "address_prefix").or_else(|| first_prefix(cx, a, b));
        if let Some((t, span)) = cx.target(m, a, b, "security_group") {
            match name_of(&t, "azurerm_network_security_group", ARM_NSG) {
                Some(n) => s.nsg = Some(Sp::new(n, span)),
                None => cx.not_a(a, "security_group", &t, "an NSG", span),
            }
        }
        if let Some((t, span)) = cx.target(m, a, b, "route_table_id") {
            match name_of(&t, "azurerm_route_table", ARM_ROUTE_TABLE) {
                Some(n) => s.route_table = Some(Sp::new(n, span)),
                None => cx.not_a(a, "route_table_id", &t, "a route table", span),
            }
        }
        subnet_settings(m, cx, a, b, &mut s);
        subnets.push(Sp::new(s, b.header.clone()));
    }
    let v = Vnet {
        name: Some(r.label.clone()),
        resource_group: cx.text(a, o, "resource_group_name"),
        region: cx.text(a, o, "location"),
        address_space: cx.texts(a, o, "address_space"),
        dns_servers: cx.texts(a, o, "dns_servers"),
        subnets: list(subnets, o.header.clone()),
        ..Vnet::default()
    };
    cx.out.vnets.push(Sp::new(v, o.header.clone()));
}

/// The first of `address_prefixes` (the model holds one prefix a subnet).
fn first_prefix(cx: &mut Ctx<'_>, a: &str, o: &super::Obj) -> Option<Sp<String>> {
    let list = cx.texts(a, o, "address_prefixes")?;
    if list.value.len() > 1 {
        cx.note(
            ToolCode::NotInModel,
            format!(
                "`{a}` has {} address prefixes; the topology model holds the first one",
                list.value.len()
            ),
            Some("the other prefixes are not checked"),
            list.span.clone(),
        );
    }
    list.value.into_iter().next()
}

/// Delegations, service endpoints and their policies, private endpoint network policies.
fn subnet_settings(m: &Module, cx: &mut Ctx<'_>, a: &str, o: &super::Obj, s: &mut Subnet) {
    let delegations: Vec<Sp<String>> = super::Ctx::blocks(o, "delegation")
        .filter_map(|d| super::Ctx::block(d, "service_delegation").and_then(|sd| cx.text(a, sd, "name")))
        .collect();
    s.delegations = list(delegations, o.header.clone());
    s.service_endpoints = cx.texts(a, o, "service_endpoints");
    if let Some((targets, span)) = cx.targets(m, a, o, "service_endpoint_policy_ids") {
        let names = targets
            .into_iter()
            .filter_map(|(t, sp)| {
                name_of(
                    &t,
                    "azurerm_subnet_service_endpoint_storage_policy",
                    "microsoft.network/serviceendpointpolicies",
                )
                .map(|n| Sp::new(n, sp))
            })
            .collect();
        s.service_endpoint_policies = Some(Sp::new(names, span));
    }
    s.private_endpoint_network_policies = if let Some(t) = cx.text(a, o, "private_endpoint_network_policies")
    {
        let v = if t.value.eq_ignore_ascii_case("Disabled") { Toggle::Disabled } else { Toggle::Enabled };
        Some(Sp::new(v, t.span))
    } else if let Some(b) = cx.boolean(a, o, "private_endpoint_network_policies_enabled") {
        Some(Sp::new(if b.value { Toggle::Enabled } else { Toggle::Disabled }, b.span))
    } else {
        // azurerm 2.x: `true` *disables* the policies.
        cx.boolean(a, o, "enforce_private_link_endpoint_network_policies")
            .map(|b| Sp::new(if b.value { Toggle::Disabled } else { Toggle::Enabled }, b.span))
    };
}

fn subnet(m: &Module, cx: &mut Ctx<'_>, r: &Res) {
    let (a, o) = (&r.address, &r.obj);
    let Some(vnet) = cx.text(a, o, "virtual_network_name") else {
        cx.note(
            ToolCode::CannotEvaluate,
            format!("`{a}` is left out of the topology: its VNet is unknown"),
            Some("give `virtual_network_name` a value topobook can evaluate"),
            o.header.clone(),
        );
        return;
    };
    let mut s = Subnet { name: Some(r.label.clone()), ..Subnet::default() };
    s.prefix = first_prefix(cx, a, o).or_else(|| cx.text(a, o, "address_prefix"));
    subnet_settings(m, cx, a, o, &mut s);
    // azurerm 1.x kept the associations on the subnet.
    if let Some((t, span)) = cx.target(m, a, o, "network_security_group_id") {
        s.nsg = name_of(&t, "azurerm_network_security_group", ARM_NSG).map(|n| Sp::new(n, span));
    }
    if let Some((t, span)) = cx.target(m, a, o, "route_table_id") {
        s.route_table = name_of(&t, "azurerm_route_table", ARM_ROUTE_TABLE).map(|n| Sp::new(n, span));
    }
    let entry = Sp::new(s, o.header.clone());
    match cx.out.vnets.iter_mut().find(|v| is(&v.name, &vnet.value)) {
        Some(v) => {
            v.value.subnets.get_or_insert_with(|| Sp::new(Vec::new(), v.span.clone())).value.push(entry)
        }
        None => {
            // The VNet is declared elsewhere: the topology holds what this module says of it.
            let stub = Vnet {
                name: Some(vnet.clone()),
                subnets: Some(Sp::new(vec![entry], vnet.span.clone())),
                ..Vnet::default()
            };
            cx.out.vnets.push(Sp::new(stub, vnet.span.clone()));
        }
    }
}

/// Every rule of an NSG rule block. The model holds one source and one destination a rule,
/// so a rule with several prefixes becomes one rule a combination, named `name [2]`...
fn nsg_rules(cx: &mut Ctx<'_>, a: &str, o: &super::Obj) -> Vec<Sp<NsgRule>> {
    let name = cx.text(a, o, "name");
    let side = |cx: &mut Ctx<'_>, one: &str, many: &str, asg: &str| -> Vec<Option<Sp<String>>> {
        if let Some(p) = cx.text(a, o, one) {
            return vec![Some(p)];
        }
        if let Some(l) = cx.texts(a, o, many).filter(|l| !l.value.is_empty()) {
            return l.value.into_iter().map(Some).collect();
        }
        if let Some(g) = o.attrs.get(asg) {
            cx.note(
                ToolCode::NotInModel,
                format!("`{asg}` of `{a}`: application security groups are not in the topology model"),
                Some("the rule's address is left unknown"),
                g.span.clone(),
            );
        }
        vec![None]
    };
    let sources =
        side(cx, "source_address_prefix", "source_address_prefixes", "source_application_security_group_ids");
    let destinations = side(
        cx,
        "destination_address_prefix",
        "destination_address_prefixes",
        "destination_application_security_group_ids",
    );
    let base = NsgRule {
        name: name.clone(),
        priority: cx.number(a, o, "priority"),
        direction: cx.choice(a, o, "direction"),
        access: cx.choice(a, o, "access"),
        protocol: cx.choice(a, o, "protocol"),
        source_ports: ports(cx, a, o, "source_port_range", "source_port_ranges"),
        destination_ports: ports(cx, a, o, "destination_port_range", "destination_port_ranges"),
        ..NsgRule::default()
    };
    let split = sources.len() * destinations.len() > 1;
    if split {
        cx.note(
            ToolCode::NotInModel,
            format!(
                "rule `{}` of `{a}` has several source or destination prefixes; the topology holds one rule for each",
                name.as_ref().map_or("?", |n| n.value.as_str())
            ),
            Some("they are named `name [2]`, `name [3]`... in the topology"),
            o.header.clone(),
        );
    }
    let mut out = Vec::new();
    for s in &sources {
        for d in &destinations {
            let mut r = base.clone();
            let n = out.len() + 1;
            if n > 1 {
                r.name = name.as_ref().map(|x| Sp::new(format!("{} [{n}]", x.value), x.span.clone()));
            }
            r.source = s.clone();
            r.destination = d.clone();
            out.push(Sp::new(r, o.header.clone()));
        }
    }
    out
}

fn ports(cx: &mut Ctx<'_>, a: &str, o: &super::Obj, one: &str, many: &str) -> Option<Sp<Ports>> {
    if let Some(p) = cx.text(a, o, one) {
        return Some(Sp::new(Ports::Text(p.value), p.span));
    }
    let l = cx.texts(a, o, many)?;
    let items = l.value.into_iter().map(|p| PortItem::Text(p.value)).collect();
    Some(Sp::new(Ports::List(items), l.span))
}

fn route(cx: &mut Ctx<'_>, a: &str, o: &super::Obj) -> Sp<Route> {
    let r = Route {
        name: cx.text(a, o, "name"),
        prefix: cx.text(a, o, "address_prefix"),
        next_hop: cx.choice(a, o, "next_hop_type"),
        next_hop_ip: cx.text(a, o, "next_hop_in_ip_address"),
        service_tag: None,
    };
    Sp::new(r, o.header.clone())
}

fn associations(m: &Module, cx: &mut Ctx<'_>) {
    let kinds = [
        ("azurerm_subnet_network_security_group_association", "network_security_group_id"),
        ("azurerm_subnet_route_table_association", "route_table_id"),
        ("azurerm_subnet_nat_gateway_association", "nat_gateway_id"),
    ];
    for (kind, key) in kinds {
        for r in m.of_kind(kind) {
            let (a, o) = (&r.address, &r.obj);
            let Some((vnet, subnet, _)) = subnet_ref(m, cx, a, o, "subnet_id") else { continue };
            let Some((t, span)) = cx.target(m, a, o, key) else { continue };
            let value = match key {
                "network_security_group_id" => name_of(&t, "azurerm_network_security_group", ARM_NSG),
                "route_table_id" => name_of(&t, "azurerm_route_table", ARM_ROUTE_TABLE),
                _ => Some(String::new()),
            };
            let Some(value) = value else {
                cx.not_a(a, key, &t, "the kind it should be", span);
                continue;
            };
            match subnet_mut(&mut cx.out, &vnet, &subnet) {
                Some(s) => match key {
                    "network_security_group_id" => s.nsg = Some(Sp::new(value, span)),
                    "route_table_id" => s.route_table = Some(Sp::new(value, span)),
                    _ => s.nat_gateway = Some(Sp::new(true, span)),
                },
                None => cx.note(
                    ToolCode::NotInModel,
                    format!("`{a}` associates subnet `{vnet}/{subnet}`, which this module does not declare"),
                    Some("the association is left out of the topology"),
                    o.header.clone(),
                ),
            }
        }
    }
}

fn peerings(m: &Module, cx: &mut Ctx<'_>) {
    for r in m.of_kind("azurerm_virtual_network_peering") {
        let (a, o) = (&r.address, &r.obj);
        let Some(local) = cx.text(a, o, "virtual_network_name") else { continue };
        let Some(remote) = vnet_ref(m, cx, a, o, "remote_virtual_network_id") else { continue };
        match cx.out.vnets.iter_mut().find(|v| is(&v.name, &local.value)) {
            Some(v) => {
                let span = v.span.clone();
                let list = v.value.peerings.get_or_insert_with(|| Sp::new(Vec::new(), span));
                if !list.value.iter().any(|p| p.value == remote.value) {
                    list.value.push(remote);
                }
            }
            None => cx.note(
                ToolCode::NotInModel,
                format!("`{a}` peers VNet `{}`, which this module does not declare", local.value),
                Some("the peering is left out of the topology"),
                o.header.clone(),
            ),
        }
    }
    for r in m.of_kind("azurerm_virtual_network_dns_servers") {
        let (a, o) = (&r.address, &r.obj);
        let Some(vnet) = vnet_ref(m, cx, a, o, "virtual_network_id") else { continue };
        let servers = cx.texts(a, o, "dns_servers");
        if let Some(v) = cx.out.vnets.iter_mut().find(|v| is(&v.name, &vnet.value)) {
            v.value.dns_servers = servers;
        }
    }
}

fn dns(m: &Module, cx: &mut Ctx<'_>) {
    for r in m.of_kind("azurerm_private_dns_zone") {
        let z = PrivateDnsZone { name: Some(r.label.clone()), ..PrivateDnsZone::default() };
        cx.out.zones.push(Sp::new(z, r.obj.header.clone()));
    }
    let zone_of = |cx: &mut Ctx<'_>, r: &Res, key: &str| -> Option<usize> {
        let name = cx.text(&r.address, &r.obj, key)?;
        let found = cx.out.zones.iter().position(|z| is(&z.name, &name.value));
        if found.is_none() {
            cx.note(
                ToolCode::NotInModel,
                format!(
                    "`{}` belongs to private DNS zone `{}`, which this module does not declare",
                    r.address, name.value
                ),
                Some("it is left out of the topology"),
                name.span,
            );
        }
        found
    };
    for r in m.of_kind("azurerm_private_dns_zone_virtual_network_link") {
        let Some(z) = zone_of(cx, r, "private_dns_zone_name") else { continue };
        let Some(vnet) = vnet_ref(m, cx, &r.address, &r.obj, "virtual_network_id") else { continue };
        let zone = &mut cx.out.zones[z];
        let span = zone.span.clone();
        zone.value.linked_vnets.get_or_insert_with(|| Sp::new(Vec::new(), span)).value.push(vnet);
    }
    for r in m.of_kind("azurerm_private_dns_a_record") {
        let Some(z) = zone_of(cx, r, "zone_name") else { continue };
        let name = cx.text(&r.address, &r.obj, "name");
        let Some(ips) = cx.texts(&r.address, &r.obj, "records") else { continue };
        let zone = &mut cx.out.zones[z];
        let span = zone.span.clone();
        let records = zone.value.records.get_or_insert_with(|| Sp::new(Vec::new(), span));
        for ip in ips.value {
            let rec = DnsRecord { name: name.clone(), ip: Some(ip) };
            records.value.push(Sp::new(rec, r.obj.header.clone()));
        }
    }
}

/// The zone of a private DNS zone ID.
pub fn zone_name(t: &Tgt<'_>) -> Option<String> {
    name_of(t, "azurerm_private_dns_zone", ARM_ZONE)
}
