//! Compute instances and clusters, AKS attached as inference clusters, Azure Firewall with
//! its policy and rule collections (policy groups and the classic collections), how people
//! reach the network (Bastion, VPN and ExpressRoute gateways), and the networking resources
//! the model does not describe.

use super::network::subnet_ref;
use super::services::identity;
use super::{Ctx, Module, Obj, Res, Tgt, list};
use crate::diag::ToolCode;
use crate::topology::model::*;
use crate::topology::yaml::Sp;

pub fn map(m: &Module, cx: &mut Ctx<'_>) {
    let workspace = m.of_kind("azurerm_machine_learning_workspace").next().map(|r| r.address.clone());
    for r in &m.res {
        let kind = match r.kind.as_str() {
            "azurerm_machine_learning_compute_instance" => ComputeType::ComputeInstance,
            "azurerm_machine_learning_compute_cluster" => ComputeType::ComputeCluster,
            "azurerm_machine_learning_inference_cluster" => ComputeType::Aks,
            _ => continue,
        };
        if !of_workspace(m, cx, r, workspace.as_deref()) {
            continue;
        }
        compute(m, cx, r, kind);
    }
    firewall(m, cx);
    clients(m, cx);
    unmapped(m, cx);
}

/// Is the compute attached to the workspace the topology describes?
fn of_workspace(m: &Module, cx: &mut Ctx<'_>, r: &Res, workspace: Option<&str>) -> bool {
    let Some(a) = r.obj.attrs.get("machine_learning_workspace_id") else { return true };
    match (m.target(&a.val), workspace) {
        (Some(Tgt::Res(w)), Some(ws)) if w.address != ws => {
            cx.note(
                ToolCode::NotInModel,
                format!(
                    "`{}` belongs to workspace `{}`, not to the one the topology describes",
                    r.address, w.address
                ),
                Some("it is left out of the topology"),
                a.span.clone(),
            );
            false
        }
        _ => true,
    }
}

fn compute(m: &Module, cx: &mut Ctx<'_>, r: &Res, kind: ComputeType) {
    let (a, o) = (&r.address, &r.obj);
    let mut c = Compute {
        name: Some(r.label.clone()),
        kind: Some(Sp::new(kind, o.header.clone())),
        region: cx.text(a, o, "location"),
        identity: identity(cx, a, o),
        ..Compute::default()
    };
    match kind {
        ComputeType::Aks => {
            let Some((t, span)) = cx.target(m, a, o, "kubernetes_cluster_id") else {
                cx.out.computes.push(Sp::new(c, o.header.clone()));
                return;
            };
            match &t {
                Tgt::Res(k) if k.kind == "azurerm_kubernetes_cluster" => aks(m, cx, k, &mut c),
                _ => cx.not_a(a, "kubernetes_cluster_id", &t, "an AKS cluster", span),
            }
        }
        _ => {
            if let Some((vnet, subnet, span)) = subnet_ref(m, cx, a, o, "subnet_resource_id") {
                c.vnet = Some(Sp::new(vnet, span.clone()));
                c.subnet = Some(Sp::new(subnet, span.clone()));
                if kind == ComputeType::ComputeInstance {
                    // The subnet is chosen when Terraform creates the instance.
                    c.created_in_vnet = Some(Sp::new(true, span));
                }
            }
            c.public_ip = cx.boolean(a, o, "node_public_ip_enabled");
            c.ssh_public_access = cx.boolean(a, o, "ssh_public_access_enabled");
            c.max_nodes = Ctx::block(o, "scale_settings").and_then(|s| cx.number(a, s, "max_node_count"));
        }
    }
    cx.out.computes.push(Sp::new(c, o.header.clone()));
}

fn aks(m: &Module, cx: &mut Ctx<'_>, k: &Res, c: &mut Compute) {
    let (a, o) = (&k.address, &k.obj);
    let pool = Ctx::block(o, "default_node_pool");
    if let Some((vnet, subnet, span)) = pool.and_then(|p| subnet_ref(m, cx, a, p, "vnet_subnet_id")) {
        c.vnet = Some(Sp::new(vnet, span.clone()));
        c.subnet = Some(Sp::new(subnet, span));
    }
    if c.region.is_none() {
        c.region = cx.text(a, o, "location");
    }
    let net = Ctx::block(o, "network_profile");
    let settings = Aks {
        // An inference cluster attaches a cluster created on its own.
        attach: Some(Sp::new(true, o.header.clone())),
        private_cluster: cx.boolean(a, o, "private_cluster_enabled"),
        network_plugin: net.and_then(|n| cx.choice(a, n, "network_plugin")),
        nodes: pool.and_then(|p| cx.number(a, p, "node_count")),
        max_pods: pool.and_then(|p| cx.number(a, p, "max_pods")),
        service_cidr: net.and_then(|n| cx.text(a, n, "service_cidr")),
        dns_service_ip: net.and_then(|n| cx.text(a, n, "dns_service_ip")),
        docker_bridge_cidr: net.and_then(|n| cx.text(a, n, "docker_bridge_cidr")),
        pod_cidr: net.and_then(|n| cx.text(a, n, "pod_cidr")),
        created_with: Some(Sp::new(CreatedWith::Template, o.header.clone())),
        ..Aks::default()
    };
    c.aks = Some(Sp::new(settings, o.header.clone()));
}

fn firewall(m: &Module, cx: &mut Ctx<'_>) {
    let mut all = m.of_kind("azurerm_firewall");
    let Some(r) = all.next() else { return };
    for other in all {
        cx.note(
            ToolCode::NotInModel,
            format!(
                "the topology holds one firewall: `{}` is left out (`{}` is the one described)",
                other.address, r.address
            ),
            None,
            other.obj.header.clone(),
        );
    }
    let (a, o) = (&r.address, &r.obj);
    let vnet = Ctx::block(o, "ip_configuration")
        .and_then(|ip| subnet_ref(m, cx, a, ip, "subnet_id"))
        .map(|(v, _, span)| Sp::new(v, span));
    let mut fw = Firewall {
        kind: Some(Sp::new(FirewallKind::AzureFirewall, o.header.clone())),
        name: Some(r.label.clone()),
        vnet,
        ..Firewall::default()
    };
    let (mut network, mut application) = (Vec::new(), Vec::new());
    // The policy, its parents, and every rule collection group of them.
    let mut policy = cx.target(m, a, o, "firewall_policy_id").and_then(|(t, _)| match t {
        Tgt::Res(p) if p.kind == "azurerm_firewall_policy" => Some(p),
        _ => None,
    });
    let mut seen = Vec::new();
    while let Some(p) = policy.filter(|p| !seen.contains(&p.address)) {
        seen.push(p.address.clone());
        if fw.dns_proxy.is_none() {
            fw.dns_proxy = Ctx::block(&p.obj, "dns").and_then(|d| cx.boolean(&p.address, d, "proxy_enabled"));
        }
        for g in m.of_kind("azurerm_firewall_policy_rule_collection_group") {
            let belongs = g.obj.attrs.get("firewall_policy_id").and_then(|v| m.target(&v.val));
            if !matches!(belongs, Some(Tgt::Res(x)) if x.address == p.address) {
                continue;
            }
            for col in Ctx::blocks(&g.obj, "network_rule_collection") {
                if allows(cx, &g.address, col) {
                    network.extend(Ctx::blocks(col, "rule").map(|rule| network_rule(cx, &g.address, rule)));
                }
            }
            for col in Ctx::blocks(&g.obj, "application_rule_collection") {
                if allows(cx, &g.address, col) {
                    application.extend(Ctx::blocks(col, "rule").map(|rule| app_rule(cx, &g.address, rule)));
                }
            }
            for col in Ctx::blocks(&g.obj, "nat_rule_collection") {
                cx.note(
                    ToolCode::NotInModel,
                    format!("the NAT rule collection of `{}` is not in the topology model", g.address),
                    Some("inbound NAT through the firewall is not checked"),
                    col.header.clone(),
                );
            }
        }
        policy = cx.target(m, &p.address, &p.obj, "base_policy_id").and_then(|(t, _)| match t {
            Tgt::Res(b) if b.kind == "azurerm_firewall_policy" => Some(b),
            _ => None,
        });
    }
    // Classic rule collections, attached by firewall name.
    for (kind, is_network) in [
        ("azurerm_firewall_network_rule_collection", true),
        ("azurerm_firewall_application_rule_collection", false),
    ] {
        for col in m.of_kind(kind) {
            let Some(owner) = cx.text(&col.address, &col.obj, "azure_firewall_name") else { continue };
            if owner.value != r.label.value || !allows(cx, &col.address, &col.obj) {
                continue;
            }
            for rule in Ctx::blocks(&col.obj, "rule") {
                if is_network {
                    network.push(network_rule(cx, &col.address, rule));
                } else {
                    application.push(app_rule(cx, &col.address, rule));
                }
            }
        }
    }
    fw.network_rules = list(network, o.header.clone());
    fw.application_rules = list(application, o.header.clone());
    cx.out.firewall = Some(Sp::new(fw, o.header.clone()));
}

/// Is a rule collection an `Allow` one? Deny collections are not in the model.
fn allows(cx: &mut Ctx<'_>, a: &str, col: &Obj) -> bool {
    match cx.text(a, col, "action") {
        Some(t) if t.value.eq_ignore_ascii_case("Deny") => {
            cx.note(
                ToolCode::NotInModel,
                format!("a `Deny` rule collection of `{a}` is not in the topology model"),
                Some("the topology holds the rules that allow traffic; this collection is not checked"),
                t.span,
            );
            false
        }
        _ => true,
    }
}

fn unsupported(cx: &mut Ctx<'_>, a: &str, o: &Obj, keys: &[&str]) {
    for key in keys {
        if let Some(at) = o.attrs.get(*key) {
            cx.note(
                ToolCode::NotInModel,
                format!("`{key}` of a firewall rule of `{a}` is not in the topology model"),
                Some("those destinations or sources are not checked"),
                at.span.clone(),
            );
        }
    }
}

fn network_rule(cx: &mut Ctx<'_>, a: &str, o: &Obj) -> Sp<FirewallNetworkRule> {
    unsupported(cx, a, o, &["source_ip_groups", "destination_ip_groups", "destination_fqdns"]);
    let r = FirewallNetworkRule {
        name: cx.text(a, o, "name"),
        protocols: cx.texts(a, o, "protocols"),
        sources: cx.texts(a, o, "source_addresses"),
        destinations: cx.texts(a, o, "destination_addresses"),
        ports: cx.texts(a, o, "destination_ports"),
    };
    Sp::new(r, o.header.clone())
}

fn app_rule(cx: &mut Ctx<'_>, a: &str, o: &Obj) -> Sp<FirewallAppRule> {
    unsupported(cx, a, o, &["source_ip_groups", "destination_urls", "web_categories"]);
    // Policy rules have `protocols { type, port }`; classic ones `protocol { type, port }`.
    let mut protocols = Vec::new();
    for p in o.blocks.iter().filter(|b| b.kind == "protocols" || b.kind == "protocol") {
        let (Some(t), Some(port)) = (cx.text(a, p, "type"), cx.text(a, p, "port")) else { continue };
        protocols.push(Sp::new(format!("{}:{}", t.value, port.value), p.header.clone()));
    }
    let r = FirewallAppRule {
        name: cx.text(a, o, "name"),
        sources: cx.texts(a, o, "source_addresses"),
        fqdns: cx.texts(a, o, "destination_fqdns").or_else(|| cx.texts(a, o, "target_fqdns")),
        // Policy rules say `destination_fqdn_tags`, classic collections `fqdn_tags`.
        fqdn_tags: cx.texts(a, o, "destination_fqdn_tags").or_else(|| cx.texts(a, o, "fqdn_tags")),
        protocols: list(protocols, o.header.clone()),
    };
    Sp::new(r, o.header.clone())
}

/// Bastion and gateways are access paths; with Bastion, the subnet of the module's VMs is
/// where people work from.
fn clients(m: &Module, cx: &mut Ctx<'_>) {
    let mut paths: Vec<Sp<AccessPath>> = Vec::new();
    for r in m.of_kind("azurerm_bastion_host") {
        paths.push(Sp::new(AccessPath::Bastion, r.obj.header.clone()));
    }
    for r in m.of_kind("azurerm_virtual_network_gateway") {
        let path = match cx.text(&r.address, &r.obj, "type") {
            Some(t) if t.value.eq_ignore_ascii_case("ExpressRoute") => Some(AccessPath::ExpressRoute),
            Some(t) if t.value.eq_ignore_ascii_case("Vpn") => Some(AccessPath::Vpn),
            _ => None,
        };
        if let Some(p) = path {
            paths.push(Sp::new(p, r.obj.header.clone()));
        }
    }
    paths.dedup_by(|x, y| x.value == y.value);
    if paths.is_empty() {
        return;
    }
    let span = paths[0].span.clone();
    let mut clients =
        Clients { access_paths: Some(Sp::new(paths.clone(), span.clone())), ..Clients::default() };
    if paths.iter().any(|p| p.value == AccessPath::Bastion)
        && let Some((vnet, subnet, at)) = jump_box_subnet(m, cx)
    {
        clients.vnet = Some(Sp::new(vnet, at.clone()));
        clients.subnet = Some(Sp::new(subnet, at));
    }
    cx.out.clients = Some(Sp::new(clients, span));
}

/// The subnet of the first VM's first network interface.
fn jump_box_subnet(m: &Module, cx: &mut Ctx<'_>) -> Option<(String, String, std::ops::Range<usize>)> {
    let vms = ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine"];
    for vm in m.res.iter().filter(|r| vms.contains(&r.kind.as_str())) {
        let Some((nics, _)) = cx.targets(m, &vm.address, &vm.obj, "network_interface_ids") else { continue };
        for (nic, _) in nics {
            let Tgt::Res(nic) = nic else { continue };
            if nic.kind != "azurerm_network_interface" {
                continue;
            }
            let Some(ip) = Ctx::block(&nic.obj, "ip_configuration") else { continue };
            if let Some(found) = subnet_ref(m, cx, &nic.address, ip, "subnet_id") {
                return Some(found);
            }
        }
    }
    None
}

/// Networking resources the model has no place for: a note each, so nobody believes they
/// were checked.
fn unmapped(m: &Module, cx: &mut Ctx<'_>) {
    const PREFIXES: &[(&str, &str)] = &[
        (
            "azurerm_machine_learning_workspace_network_outbound_rule",
            "a managed network outbound rule (not in the topology model yet)",
        ),
        ("azurerm_application_gateway", "an application gateway"),
        ("azurerm_lb", "a load balancer"),
        ("azurerm_private_link_service", "a private link service"),
        ("azurerm_application_security_group", "an application security group"),
        ("azurerm_ip_group", "an IP group"),
        ("azurerm_private_dns_resolver", "a private DNS resolver"),
        ("azurerm_dns_zone", "a public DNS zone"),
        ("azurerm_virtual_hub", "a virtual WAN hub"),
        ("azurerm_virtual_wan", "a virtual WAN"),
        ("azurerm_vpn_", "a virtual WAN VPN resource"),
        ("azurerm_express_route_", "an ExpressRoute resource"),
        ("azurerm_network_ddos_protection_plan", "a DDoS protection plan"),
        ("azurerm_web_application_firewall_policy", "a web application firewall policy"),
        ("azurerm_route_filter", "a route filter"),
        ("azurerm_route_server", "a route server"),
        ("azurerm_network_manager", "a network manager resource"),
        ("azurerm_private_dns_cname_record", "a private DNS CNAME record"),
        ("azurerm_kubernetes_cluster_node_pool", "an AKS node pool"),
        ("azurerm_container_group", "a container group"),
    ];
    for r in &m.res {
        let Some((_, what)) = PREFIXES.iter().find(|(p, _)| r.kind.starts_with(p)) else { continue };
        cx.note(
            ToolCode::NotInModel,
            format!(
                "`{}` is {what}, which the topology model does not describe; it is not checked",
                r.address
            ),
            None,
            r.obj.header.clone(),
        );
    }
    // AKS clusters the workspace does not use.
    let attached: Vec<String> = m
        .of_kind("azurerm_machine_learning_inference_cluster")
        .filter_map(|r| r.obj.attrs.get("kubernetes_cluster_id"))
        .filter_map(|a| match m.target(&a.val) {
            Some(Tgt::Res(k)) => Some(k.address.clone()),
            _ => None,
        })
        .collect();
    for k in m.of_kind("azurerm_kubernetes_cluster").filter(|k| !attached.contains(&k.address)) {
        cx.note(
            ToolCode::NotInModel,
            format!("AKS cluster `{}` is not attached to the workspace (no `azurerm_machine_learning_inference_cluster`); it is not checked", k.address),
            None,
            k.obj.header.clone(),
        );
    }
}
