//! What the names of a flow's `from`, `to` and `via` stand for in the topology.

use ipnet::IpNet;

use super::types::{Element, ResourceRef};
use crate::diag::{ToolCode, did_you_mean};
use crate::rules::dns::zones::{ZoneKind, public_suffixes};
use crate::topology::addr::Addr;
use crate::topology::model::{Subresource, items};
use crate::topology::resolve::{Net, PeOwner, SubnetId};

/// One end of a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// Any address on the internet that the model does not list.
    Internet,
    /// The on-premises networks of `clients`.
    OnPremises,
    Subnet(SubnetId),
    Compute(usize),
    Resource(ResourceRef),
    /// A resource by one of its host names (`stmlcontoso.file.core.windows.net`).
    ResourceHost {
        resource: ResourceRef,
        sub: Option<Subresource>,
        host: String,
    },
    PrivateEndpoint {
        resource: ResourceRef,
        index: usize,
    },
    /// A service tag (`Storage`, `AzureMachineLearning.westeurope`).
    Tag(Addr),
    /// A host name outside the model (`pypi.org`).
    Host(String),
    Ip(IpNet),
}

/// Why a name does not resolve: a diagnostic code, a message and a help line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameError {
    pub code: ToolCode,
    pub message: String,
    pub help: Option<String>,
}

fn error(code: ToolCode, message: String, help: Option<String>) -> NameError {
    NameError { code, message, help }
}

/// The keywords a flow may name.
pub const INTERNET: &str = "internet";
pub const ON_PREMISES: &str = "on-premises";

/// Resolve a name of `from` or `to`.
pub fn parse(net: &Net, text: &str) -> Result<Endpoint, NameError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(error(
            ToolCode::InvalidValue,
            "a flow end may not be empty".into(),
            Some(
                "name a compute, a subnet, a resource, `internet`, `on-premises`, a service tag or a host"
                    .into(),
            ),
        ));
    }
    if t.eq_ignore_ascii_case(INTERNET) {
        return Ok(Endpoint::Internet);
    }
    if t.eq_ignore_ascii_case(ON_PREMISES) || t.eq_ignore_ascii_case("onpremises") {
        return Ok(Endpoint::OnPremises);
    }
    let mut found: Vec<(Endpoint, &'static str)> = named(net, t);
    if let Some(s) = unique_subnet(net, t)? {
        found.push((Endpoint::Subnet(s), "subnet"));
    }
    match found.len() {
        1 => return Ok(found.remove(0).0),
        n if n > 1 => {
            let kinds: Vec<&str> = found.iter().map(|(_, k)| *k).collect();
            return Err(error(
                ToolCode::InvalidValue,
                format!("`{t}` names both a {} and a {}", kinds[0], kinds[1]),
                Some("rename one of them, or write `vnet/subnet` for the subnet".into()),
            ));
        }
        _ => {}
    }
    if net.vnet_index(t).is_some() {
        return Err(error(
            ToolCode::InvalidValue,
            format!("`{t}` is a VNet; a flow starts or ends in one of its subnets"),
            Some(format!("write `{t}/<subnet>`")),
        ));
    }
    match Addr::parse(t) {
        Ok(Addr::Net(n)) => return Ok(Endpoint::Ip(n)),
        Ok(Addr::Any) => {
            return Err(error(
                ToolCode::InvalidValue,
                "`*` is not one end of a flow".into(),
                Some("name `internet`, a subnet or an address".into()),
            ));
        }
        Ok(Addr::Tag { tag, .. }) if tag == "VirtualNetwork" || tag == "Internet" => {
            return Err(error(
                ToolCode::InvalidValue,
                format!("service tag `{tag}` stands for many networks, not one end of a flow"),
                Some("name a subnet, `internet` or `on-premises`".into()),
            ));
        }
        Ok(tag @ Addr::Tag { .. }) => return Ok(Endpoint::Tag(tag)),
        Err(e) if looks_numeric(t) => return Err(error(ToolCode::InvalidValue, e.0, Some(e.1))),
        Err(_) => {}
    }
    if let Some((vnet, subnet)) = t.split_once('/') {
        return match net.lookup_vnet_rule(t) {
            Some(s) => Ok(Endpoint::Subnet(s)),
            None => Err(dangling_subnet(net, vnet.trim(), subnet.trim())),
        };
    }
    if is_host_name(t) {
        return Ok(resource_host(net, t).unwrap_or_else(|| Endpoint::Host(t.to_ascii_lowercase())));
    }
    let known = known_names(net);
    let help = match did_you_mean(t, known.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "name a compute, a subnet (`vnet/subnet`), a resource, a private endpoint, `internet`, \
`on-premises`, a service tag or a host name"
            .to_string(),
    };
    Err(error(ToolCode::DanglingReference, format!("`{t}` names nothing in this block"), Some(help)))
}

/// A flow's `from`: only what starts connections.
pub fn check_source(ep: &Endpoint, text: &str) -> Result<(), NameError> {
    let what = match ep {
        Endpoint::Resource(r) | Endpoint::ResourceHost { resource: r, .. } => r.kind_name(),
        Endpoint::PrivateEndpoint { .. } => "private endpoint",
        Endpoint::Host(_) => "host name",
        _ => return Ok(()),
    };
    Err(error(
        ToolCode::InvalidValue,
        format!("`{}` is a {what}: it does not start connections", text.trim()),
        Some(
            "start the flow at a compute, a subnet, `internet`, `on-premises`, a service tag or an address"
                .into(),
        ),
    ))
}

/// Resolve a `via:`: the firewall, an NSG, a route table, a subnet, a VNet or a private
/// endpoint.
pub fn parse_via(net: &Net, text: &str) -> Result<Element, NameError> {
    let t = text.trim();
    let topo = net.topo();
    if let Some(fw) = net.firewall()
        && fw.name.as_ref().is_some_and(|n| n.value == t)
    {
        return Ok(Element::Firewall);
    }
    if let Some((i, _)) = net.nsg(t) {
        return Ok(Element::Nsg(i));
    }
    if let Some((i, _)) = net.route_table(t) {
        return Ok(Element::RouteTable(i));
    }
    if let Some(v) = net.vnet_index(t) {
        return Ok(Element::Vnet(v));
    }
    if let Some(s) = unique_subnet(net, t)? {
        return Ok(Element::Subnet(s));
    }
    if let Some(s) = net.lookup_vnet_rule(t) {
        return Ok(Element::Subnet(s));
    }
    for pe in net.private_endpoints() {
        if pe.name == Some(t) {
            return Ok(Element::PrivateEndpoint { resource: owner(pe.owner), index: pe.index });
        }
    }
    let mut known: Vec<&str> = Vec::new();
    known.extend(topo.firewall.as_ref().and_then(|f| f.name.as_ref()).map(|n| n.value.as_str()));
    known.extend(items(&topo.nsgs).filter_map(|n| n.name.as_ref().map(|s| s.value.as_str())));
    known.extend(items(&topo.route_tables).filter_map(|n| n.name.as_ref().map(|s| s.value.as_str())));
    known.extend(items(&topo.vnets).filter_map(|n| n.name.as_ref().map(|s| s.value.as_str())));
    let subnets: Vec<String> = net.subnet_ids().map(|s| net.subnet_name(s).to_string()).collect();
    known.extend(subnets.iter().map(String::as_str));
    let help = match did_you_mean(t, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            "`via` names the firewall, an NSG, a route table, a VNet, a subnet or a private endpoint".into()
        }
    };
    Err(error(
        ToolCode::DanglingReference,
        format!("`via: {t}` names nothing this block declares"),
        Some(help),
    ))
}

/// The owner of a private endpoint as a [`ResourceRef`].
pub fn owner(o: PeOwner) -> ResourceRef {
    match o {
        PeOwner::Workspace => ResourceRef::Workspace,
        PeOwner::Storage(i) => ResourceRef::Storage(i),
        PeOwner::KeyVault(i) => ResourceRef::KeyVault(i),
        PeOwner::Registry(i) => ResourceRef::Registry(i),
    }
}

/// The name of a resource.
pub fn resource_name(net: &Net, r: ResourceRef) -> &str {
    let t = net.topo();
    let name = match r {
        ResourceRef::Storage(i) => items(&t.storage_accounts).nth(i).and_then(|x| x.name.as_ref()),
        ResourceRef::KeyVault(i) => items(&t.key_vaults).nth(i).and_then(|x| x.name.as_ref()),
        ResourceRef::Registry(i) => items(&t.container_registries).nth(i).and_then(|x| x.name.as_ref()),
        ResourceRef::Workspace => t.workspace.as_ref().and_then(|w| w.name.as_ref()),
        ResourceRef::AppInsights(i) => items(&t.application_insights).nth(i).and_then(|x| x.name.as_ref()),
    };
    name.map(|n| n.value.as_str()).unwrap_or("?")
}

/// Entries named `t`: computes, resources, private endpoints.
fn named(net: &Net, t: &str) -> Vec<(Endpoint, &'static str)> {
    let mut out = Vec::new();
    if let Some((i, _)) = net.compute(t) {
        out.push((Endpoint::Compute(i), "compute"));
    }
    if let Some((i, _)) = net.storage(t) {
        out.push((Endpoint::Resource(ResourceRef::Storage(i)), "storage account"));
    }
    if let Some((i, _)) = net.key_vault(t) {
        out.push((Endpoint::Resource(ResourceRef::KeyVault(i)), "key vault"));
    }
    if let Some((i, _)) = net.registry(t) {
        out.push((Endpoint::Resource(ResourceRef::Registry(i)), "container registry"));
    }
    if let Some((i, _)) = net.app_insights(t) {
        out.push((Endpoint::Resource(ResourceRef::AppInsights(i)), "Application Insights resource"));
    }
    if net.workspace().and_then(|w| w.name.as_ref()).is_some_and(|n| n.value == t) {
        out.push((Endpoint::Resource(ResourceRef::Workspace), "workspace"));
    }
    for pe in net.private_endpoints() {
        if pe.name == Some(t) {
            out.push((
                Endpoint::PrivateEndpoint { resource: owner(pe.owner), index: pe.index },
                "private endpoint",
            ));
        }
    }
    out
}

/// A subnet named `t` in exactly one VNet; an error when several VNets have one.
fn unique_subnet(net: &Net, t: &str) -> Result<Option<SubnetId>, NameError> {
    let hits: Vec<SubnetId> = net.subnet_ids().filter(|s| net.subnet_name(*s) == t).collect();
    match hits.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        [a, b, ..] => Err(error(
            ToolCode::InvalidValue,
            format!(
                "subnet `{t}` exists in several VNets (`{}`, `{}`)",
                net.vnet_name(a.vnet),
                net.vnet_name(b.vnet)
            ),
            Some(format!("write `{}/{t}`", net.vnet_name(a.vnet))),
        )),
    }
}

fn dangling_subnet(net: &Net, vnet: &str, subnet: &str) -> NameError {
    match net.vnet_index(vnet) {
        None => {
            let vnets: Vec<&str> = (0..items(&net.topo().vnets).len()).map(|v| net.vnet_name(v)).collect();
            let help = did_you_mean(vnet, vnets.iter().copied())
                .map(|s| format!("did you mean `{s}/{subnet}`?"))
                .or_else(|| Some("name a VNet of `vnets`".into()));
            error(ToolCode::DanglingReference, format!("vnet `{vnet}` is not declared in `vnets`"), help)
        }
        Some(v) => {
            let names: Vec<&str> =
                net.subnet_ids().filter(|s| s.vnet == v).map(|s| net.subnet_name(s)).collect();
            let help = did_you_mean(subnet, names.iter().copied())
                .map(|s| format!("did you mean `{vnet}/{s}`?"))
                .or_else(|| Some(format!("add a subnet named `{subnet}` to vnet `{vnet}`")));
            error(
                ToolCode::DanglingReference,
                format!("subnet `{subnet}` is not declared in vnet `{vnet}`"),
                help,
            )
        }
    }
}

fn known_names(net: &Net) -> Vec<String> {
    let t = net.topo();
    let mut v: Vec<String> = vec![INTERNET.into(), ON_PREMISES.into()];
    let names = |list: Vec<Option<&String>>| list.into_iter().flatten().cloned().collect::<Vec<_>>();
    v.extend(names(items(&t.computes).map(|x| x.name.as_ref().map(|n| &n.value)).collect()));
    v.extend(names(items(&t.storage_accounts).map(|x| x.name.as_ref().map(|n| &n.value)).collect()));
    v.extend(names(items(&t.key_vaults).map(|x| x.name.as_ref().map(|n| &n.value)).collect()));
    v.extend(names(items(&t.container_registries).map(|x| x.name.as_ref().map(|n| &n.value)).collect()));
    v.extend(names(items(&t.application_insights).map(|x| x.name.as_ref().map(|n| &n.value)).collect()));
    v.extend(t.workspace.as_ref().and_then(|w| w.name.as_ref()).map(|n| n.value.clone()));
    v.extend(net.private_endpoints().iter().filter_map(|p| p.name.map(str::to_string)));
    v.extend(net.subnet_ids().map(|s| net.subnet_name(s).to_string()));
    v.sort();
    v.dedup();
    v
}

/// Digits, dots and slashes only: a mistyped address rather than a name.
fn looks_numeric(t: &str) -> bool {
    t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '/') && t.chars().any(|c| c.is_ascii_digit())
}

/// A DNS host name: labels of letters, digits and `-`, at least two, the last not numeric.
fn is_host_name(t: &str) -> bool {
    let labels: Vec<&str> = t.trim_end_matches('.').split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
        })
        && labels.last().is_some_and(|l| l.chars().any(|c| c.is_ascii_alphabetic()))
}

/// `stmlcontoso.file.core.windows.net`, `kv-ml.vault.azure.net`, `crml.azurecr.io`: a
/// resource of the block by one of its host names.
fn resource_host(net: &Net, host: &str) -> Option<Endpoint> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    let (first, rest) = h.split_once('.')?;
    let cloud = net.cloud();
    let storage_kinds = [
        (ZoneKind::Blob, Subresource::Blob),
        (ZoneKind::File, Subresource::File),
        (ZoneKind::Queue, Subresource::Queue),
        (ZoneKind::Table, Subresource::Table),
        (ZoneKind::Dfs, Subresource::Dfs),
        (ZoneKind::Web, Subresource::Web),
    ];
    let found = |resource: ResourceRef, sub: Subresource| Endpoint::ResourceHost {
        resource,
        sub: Some(sub),
        host: h.clone(),
    };
    for (kind, sub) in storage_kinds {
        if public_suffixes(kind, cloud)[0] == rest
            && let Some((i, _)) = items(&net.topo().storage_accounts)
                .enumerate()
                .find(|(_, s)| s.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(first)))
        {
            return Some(found(ResourceRef::Storage(i), sub));
        }
    }
    if public_suffixes(ZoneKind::Vault, cloud).contains(&rest)
        && let Some((i, _)) = items(&net.topo().key_vaults)
            .enumerate()
            .find(|(_, s)| s.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(first)))
    {
        return Some(found(ResourceRef::KeyVault(i), Subresource::Vault));
    }
    if public_suffixes(ZoneKind::Registry, cloud)[0] == rest
        && let Some((i, _)) = items(&net.topo().container_registries)
            .enumerate()
            .find(|(_, s)| s.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(first)))
    {
        return Some(found(ResourceRef::Registry(i), Subresource::Registry));
    }
    None
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn net(yaml: &str) -> Net {
        Net::new(Arc::new(crate::topology::yaml::from_str(yaml).unwrap()))
    }

    const NET: &str = "vnets:
  - name: vnet-ml
    subnets: [{name: snet-training, prefix: 10.0.1.0/24}, {name: snet-pe, prefix: 10.0.0.0/24}]
  - name: vnet-hub
    subnets: [{name: snet-pe, prefix: 10.1.0.0/24}]
storage_accounts:
  - name: stmlcontoso
    private_endpoints: [{name: pe-st-blob, subresource: blob, vnet: vnet-ml, subnet: snet-pe}]
computes: [{name: gpu-cluster, type: compute_cluster, vnet: vnet-ml, subnet: snet-training}]
";

    #[test]
    fn names_resolve_to_what_they_stand_for() {
        let n = net(NET);
        let p = |t: &str| parse(&n, t);
        assert_eq!(p("internet"), Ok(Endpoint::Internet));
        assert_eq!(p("On-Premises"), Ok(Endpoint::OnPremises));
        assert_eq!(p("gpu-cluster"), Ok(Endpoint::Compute(0)));
        assert_eq!(p("stmlcontoso"), Ok(Endpoint::Resource(ResourceRef::Storage(0))));
        assert_eq!(
            p("pe-st-blob"),
            Ok(Endpoint::PrivateEndpoint { resource: ResourceRef::Storage(0), index: 0 })
        );
        assert_eq!(p("snet-training"), Ok(Endpoint::Subnet(SubnetId { vnet: 0, subnet: 0 })));
        assert_eq!(p("vnet-hub/snet-pe"), Ok(Endpoint::Subnet(SubnetId { vnet: 1, subnet: 0 })));
        assert_eq!(p("10.0.1.4"), Ok(Endpoint::Ip("10.0.1.4/32".parse().unwrap())));
        assert_eq!(p("Storage.westeurope"), Ok(Endpoint::Tag(Addr::tag("Storage", Some("westeurope")))));
        assert_eq!(p("pypi.org"), Ok(Endpoint::Host("pypi.org".into())));
        assert_eq!(
            p("STMLCONTOSO.file.core.windows.net"),
            Ok(Endpoint::ResourceHost {
                resource: ResourceRef::Storage(0),
                sub: Some(Subresource::File),
                host: "stmlcontoso.file.core.windows.net".into()
            })
        );
    }

    #[test]
    fn bad_names_say_what_to_write() {
        let n = net(NET);
        let e = parse(&n, "snet-pe").unwrap_err();
        assert!(e.message.contains("several VNets"), "{e:?}");
        assert_eq!(e.help.as_deref(), Some("write `vnet-ml/snet-pe`"));
        let e = parse(&n, "gpu-clustr").unwrap_err();
        assert_eq!(
            (e.code, e.help.as_deref()),
            (ToolCode::DanglingReference, Some("did you mean `gpu-cluster`?"))
        );
        let e = parse(&n, "vnet-ml/snet-trainig").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `vnet-ml/snet-training`?"));
        assert!(parse(&n, "10.0.0.300").unwrap_err().message.contains("not a valid IP"));
        assert!(parse(&n, "vnet-ml").unwrap_err().message.contains("is a VNet"));
        assert!(parse(&n, "VirtualNetwork").is_err());
        let src = parse(&n, "stmlcontoso").unwrap();
        assert!(
            check_source(&src, "stmlcontoso").unwrap_err().message.contains("does not start connections")
        );
    }

    #[test]
    fn via_names() {
        let n = net(NET);
        assert_eq!(parse_via(&n, "vnet-hub"), Ok(Element::Vnet(1)));
        assert_eq!(parse_via(&n, "snet-training"), Ok(Element::Subnet(SubnetId { vnet: 0, subnet: 0 })));
        assert_eq!(parse_via(&n, "vnet-hub/snet-pe"), Ok(Element::Subnet(SubnetId { vnet: 1, subnet: 0 })));
        let e = parse_via(&n, "vnet-hb").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `vnet-hub`?"));
    }
}
