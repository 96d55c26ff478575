//! Reference and value checks of the sections of profile `2026-02` (managed network,
//! serverless compute, connections, online endpoints, service endpoint policies): unique
//! names, references by name (only into sections the block has, with "did you mean"), the
//! shape of an outbound rule's destination for its type, sub-resources, dates, addresses.
//! They run whatever the block's profile: a malformed value is malformed in any profile.

use super::managed::{split_subnet_ref, valid_subresources};
use super::model::*;
use super::node::{Loc, Node};
use super::references::Checker;
use super::resolve::{Net, Problem, Section, index_names, suggest};
use super::yaml::Sp;
use crate::diag::{ToolCode, did_you_mean};

/// Check the new sections of the topology, appending to `out`.
pub(super) fn check(net: &Net, out: &mut Vec<Problem>) {
    let t = net.topo.clone();
    unique_names(&t, out);
    let mut c = Checker { net, out };
    if let Some(w) = &t.workspace {
        for (index, pe) in items(&w.private_endpoints).enumerate() {
            let loc = Node::Pe { owner: super::node::PeOwner::Workspace, index }.field("created");
            date(&mut c, pe.created.as_ref(), loc);
        }
        if let Some(n) = &w.network {
            c.addresses(&n.ip_rules, Node::Workspace.field("network.ip_rules"), false);
        }
        for (i, conn) in items(&w.connections).enumerate() {
            let loc = Node::Connection(i).field("target");
            c.reference(
                conn.target.as_ref(),
                Section::Registries,
                "container registry",
                "container_registries",
                loc,
            );
        }
        if let Some(s) = &w.serverless_compute {
            serverless(&mut c, s);
        }
        if let Some(m) = &w.managed_network {
            for (i, r) in items(&m.outbound_rules).enumerate() {
                outbound_rule(&mut c, i, r);
            }
        }
    }
    for (e, ep) in items(&t.online_endpoints).enumerate() {
        for (d, dep) in items(&ep.deployments).enumerate() {
            let loc = Node::Deployment { endpoint: e, deployment: d }.field("model_storage");
            c.reference(
                dep.model_storage.as_ref(),
                Section::Storage,
                "storage account",
                "storage_accounts",
                loc,
            );
        }
    }
    for (i, p) in items(&t.service_endpoint_policies).enumerate() {
        for (j, r) in items(&p.resources).enumerate() {
            let loc = Node::ServiceEndpointPolicy(i).field("resources").index(j);
            c.reference(Some(r), Section::Storage, "storage account", "storage_accounts", loc);
        }
    }
    for (vi, v) in items(&t.vnets).enumerate() {
        for (si, s) in items(&v.subnets).enumerate() {
            for (j, p) in items(&s.service_endpoint_policies).enumerate() {
                let loc = Node::Subnet(super::node::SubnetId { vnet: vi, subnet: si })
                    .field("service_endpoint_policies")
                    .index(j);
                c.reference(
                    Some(p),
                    Section::ServiceEndpointPolicies,
                    "service endpoint policy",
                    "service_endpoint_policies",
                    loc,
                );
            }
        }
    }
}

/// Names that must be unique in their list.
fn unique_names(t: &Topology, out: &mut Vec<Problem>) {
    if let Some(w) = &t.workspace {
        if let Some(m) = &w.managed_network {
            index_names(
                items(&m.outbound_rules).enumerate(),
                |r| &r.name,
                Node::OutboundRule,
                "outbound rule",
                out,
            );
        }
        index_names(items(&w.connections).enumerate(), |r| &r.name, Node::Connection, "connection", out);
    }
    index_names(
        items(&t.online_endpoints).enumerate(),
        |e| &e.name,
        Node::OnlineEndpoint,
        "online endpoint",
        out,
    );
    for (e, ep) in items(&t.online_endpoints).enumerate() {
        index_names(
            items(&ep.deployments).enumerate(),
            |d| &d.name,
            |d| Node::Deployment { endpoint: e, deployment: d },
            "deployment",
            out,
        );
    }
    index_names(
        items(&t.service_endpoint_policies).enumerate(),
        |p| &p.name,
        Node::ServiceEndpointPolicy,
        "service endpoint policy",
        out,
    );
}

/// A `YYYY-MM-DD` date.
fn date(c: &mut Checker, d: Option<&Sp<String>>, loc: Loc) {
    let Some(d) = d else { return };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    if time::Date::parse(d.value.trim(), &format).is_err() {
        c.problem(
            ToolCode::InvalidValue,
            format!("`{}` is not a date", d.value),
            Some("write the date as `YYYY-MM-DD`, e.g. `2022-05-24`".to_string()),
            d,
            loc,
        );
    }
}

/// `serverless_compute`: the subnet reference and the two public-IP spellings.
fn serverless(c: &mut Checker, s: &ServerlessCompute) {
    let node = Node::ServerlessCompute;
    if let Some(cs) = &s.custom_subnet {
        match split_subnet_ref(&cs.value) {
            None => c.problem(
                ToolCode::InvalidValue,
                format!("`custom_subnet` `{}` names no subnet", cs.value),
                Some("write `vnet/subnet`, e.g. `vnet-ml/snet-training`, or the subnet's ARM ID".to_string()),
                cs,
                node.field("custom_subnet"),
            ),
            Some((v, sub)) if c.section_present(Section::Vnets) => {
                let message = match c.net.vnet_index(v) {
                    None => Some((
                        format!("vnet `{v}` of `custom_subnet` is not declared in `vnets`"),
                        suggest(v, &c.net.known_names(Section::Vnets)),
                    )),
                    Some(vi) if c.net.lookup_vnet_rule(&format!("{v}/{sub}")).is_none() => Some((
                        format!("subnet `{sub}` of `custom_subnet` is not declared in vnet `{v}`"),
                        suggest(sub, &c.net.subnet_names(vi)),
                    )),
                    Some(_) => None,
                };
                if let Some((message, help)) = message {
                    c.problem(ToolCode::DanglingReference, message, help, cs, node.field("custom_subnet"));
                }
            }
            Some(_) => {}
        }
    }
    if let (Some(p), Some(n)) = (&s.public_ip, &s.no_public_ip)
        && p.value == n.value
    {
        let at = Sp::new(n.value.to_string(), n.span.clone());
        c.problem(
            ToolCode::InvalidValue,
            format!("`no_public_ip: {}` contradicts `public_ip: {}`", n.value, p.value),
            Some("keep one of them: `public_ip: false` is the CLI's `no_public_ip: true`".to_string()),
            &at,
            node.field("no_public_ip"),
        );
    }
}

/// The keys of a mapping destination that are set, with their spans.
fn set_keys(f: &DestinationFields) -> Vec<(&'static str, std::ops::Range<usize>)> {
    let mut v = Vec::new();
    let mut add = |k: &'static str, span: Option<std::ops::Range<usize>>| {
        if let Some(s) = span {
            v.push((k, s));
        }
    };
    add("fqdn", f.fqdn.as_ref().map(|x| x.span.clone()));
    add("resource", f.resource.as_ref().map(|x| x.span.clone()));
    add("subresource", f.subresource.as_ref().map(|x| x.span.clone()));
    add("spark_enabled", f.spark_enabled.as_ref().map(|x| x.span.clone()));
    add("service_tag", f.service_tag.as_ref().map(|x| x.span.clone()));
    add("protocol", f.protocol.as_ref().map(|x| x.span.clone()));
    add("port_ranges", f.port_ranges.as_ref().map(|x| x.span.clone()));
    v
}

/// One outbound rule: the destination's shape for the rule's type, its values.
fn outbound_rule(c: &mut Checker, i: usize, r: &OutboundRule) {
    let node = Node::OutboundRule(i);
    let Some(kind) = r.kind.as_ref().map(|k| k.value) else { return };
    let (allowed, shape): (&[&str], &str) = match kind {
        OutboundRuleType::Fqdn => (&["fqdn"], "a host name (`destination: contoso.com`)"),
        OutboundRuleType::PrivateEndpoint => {
            (&["resource", "subresource", "spark_enabled"], "`{resource, subresource, spark_enabled}`")
        }
        OutboundRuleType::ServiceTag => {
            (&["service_tag", "protocol", "port_ranges"], "`{service_tag, protocol, port_ranges}`")
        }
    };
    if let Some(d) = &r.destination {
        let wrong = match &d.value {
            OutboundDestination::Host(h) if kind != OutboundRuleType::Fqdn => {
                Some((format!("host name `{h}`"), d.span.clone()))
            }
            OutboundDestination::Host(_) => None,
            OutboundDestination::Fields(f) => set_keys(f)
                .into_iter()
                .find(|(k, _)| !allowed.contains(k))
                .map(|(k, span)| (format!("`{k}`"), span)),
        };
        if let Some((what, span)) = wrong {
            let at = Sp::new(String::new(), span);
            c.problem(
                ToolCode::YamlType,
                format!("the `destination` of a `{kind}` outbound rule is {shape}, not {what}"),
                Some(format!("write `destination` as {shape}, or change the rule's `type`")),
                &at,
                node.field("destination"),
            );
        }
        if let OutboundDestination::Fields(f) = &d.value {
            if kind == OutboundRuleType::Fqdn && f.fqdn.is_none() {
                let at = Sp::new(String::new(), d.span.clone());
                c.problem(
                    ToolCode::YamlType,
                    "the `destination` of a `FQDN` outbound rule needs its host name".to_string(),
                    Some(
                        "write `destination: contoso.com` or `destination: {fqdn: contoso.com}`".to_string(),
                    ),
                    &at,
                    node.field("destination"),
                );
            }
            c.service_tag(f.service_tag.as_ref(), node.field("destination.service_tag"));
            ports(c, f.port_ranges.as_ref(), node.field("destination.port_ranges"));
            subresource(c, f, node);
        }
    }
    if let Some(p) = &r.ports {
        if kind != OutboundRuleType::Fqdn {
            let at = Sp::new(String::new(), p.span.clone());
            c.problem(
                ToolCode::YamlType,
                format!("`ports` belongs to `FQDN` outbound rules, not to a `{kind}` rule"),
                Some(match kind {
                    OutboundRuleType::ServiceTag => {
                        "write the ports as `destination.port_ranges`".to_string()
                    }
                    _ => "remove `ports`".to_string(),
                }),
                &at,
                node.field("ports"),
            );
        } else {
            ports(c, Some(p), node.field("ports"));
        }
    }
}

/// Ports that must parse.
fn ports(c: &mut Checker, p: Option<&Sp<Ports>>, loc: Loc) {
    let Some(p) = p else { return };
    if super::managed::port_ranges(&p.value).is_none() {
        let at = Sp::new(String::new(), p.span.clone());
        c.problem(
            ToolCode::InvalidValue,
            "ports must be numbers or ranges from 0 to 65535".to_string(),
            Some("write `443`, `80, 8080-8089`, `*` or a list such as `[80, 443]`".to_string()),
            &at,
            loc,
        );
    }
}

/// The sub-resource of a `PrivateEndpoint` rule whose resource is in the block.
fn subresource(c: &mut Checker, f: &DestinationFields, node: Node) {
    let (Some(res), Some(sub)) = (&f.resource, &f.subresource) else { return };
    let Some(target) = c.net.resolve_target(&res.value) else { return };
    let valid = valid_subresources(target);
    if valid.iter().any(|s| s.as_str().eq_ignore_ascii_case(sub.value.trim())) {
        return;
    }
    let names: Vec<&str> = valid.iter().map(|s| s.as_str()).collect();
    let what = match target {
        super::node::PeOwner::Workspace => "the workspace",
        super::node::PeOwner::Storage(_) => "a storage account",
        super::node::PeOwner::KeyVault(_) => "a key vault",
        super::node::PeOwner::Registry(_) => "a container registry",
    };
    let help = match did_you_mean(&sub.value, names.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            format!("use one of {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))
        }
    };
    c.problem(
        ToolCode::InvalidValue,
        format!("`{}` is not a sub-resource of {what} (`{}`)", sub.value, res.value),
        Some(help),
        sub,
        node.field("destination.subresource"),
    );
}
