//! Effective routes of a subnet, as Azure computes them: the system routes (the VNet's
//! address space, peered VNets, the gateway's on-premises ranges, service endpoints, `None`
//! for the private ranges outside the VNet, `0.0.0.0/0` to the internet) overridden by the
//! route table's user-defined routes; the longest prefix wins, a user route wins a tie.
//!
//! Service tags are sets of public prefixes the model does not list: a tag route is more
//! specific than any address prefix it overlaps, a global tag covers its regional variants,
//! and where the model cannot tell whether a route covers the destination (a regional route
//! for a global tag, an address route for a tag) the answer is ambiguous, never a guess.

use ipnet::IpNet;

use super::ctx::{Ctx, Peering};
use super::types::Element;
use crate::topology::addr::{Addr, is_private, is_public_service_tag};
use crate::topology::egress::paired_region;
use crate::topology::model::{NextHop, items};
use crate::topology::resolve::SubnetId;

/// What a route lookup is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Ip(IpNet),
    /// The public addresses of a service tag.
    Tag(Addr),
    /// A public address the model does not know (a host name on the internet). Taken to lie
    /// outside the service tags and public prefixes routes name.
    Public,
}

impl Target {
    pub fn is_private(&self) -> bool {
        matches!(self, Target::Ip(n) if is_private(n))
    }
}

/// Where a route sends traffic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    VnetLocal,
    Peering(usize),
    Internet,
    Drop,
    Appliance(Option<String>),
    Gateway,
    /// A service endpoint route: straight to the service, from the subnet's private address.
    ServiceEndpoint(String),
}

impl Next {
    fn azure_name(&self) -> String {
        match self {
            Next::VnetLocal => "VnetLocal".into(),
            Next::Peering(_) => "VNetPeering".into(),
            Next::Internet => "Internet".into(),
            Next::Drop => "None".into(),
            Next::Appliance(Some(ip)) => format!("VirtualAppliance {ip}"),
            Next::Appliance(None) => "VirtualAppliance (no next hop IP)".into(),
            Next::Gateway => "VirtualNetworkGateway".into(),
            Next::ServiceEndpoint(_) => "VirtualNetworkServiceEndpoint".into(),
        }
    }
}

/// The route chosen for a target.
#[derive(Clone, Debug)]
pub(crate) struct Choice {
    pub next: Next,
    pub by: Element,
    /// Lowercase words: `route `x` 0.0.0.0/0 → VirtualAppliance 10.1.4.4 in `rt``.
    pub text: String,
    /// A user-defined route (`false`: a system route).
    pub user: bool,
}

/// The answer of a lookup: a route, or a route and a more specific one that may or may
/// not cover the target.
pub(crate) enum Lookup {
    Route(Choice),
    Ambiguous { chosen: Choice, other: Choice },
}

/// Where a lookup starts.
pub(crate) struct From {
    pub vnet: usize,
    pub subnet: Option<SubnetId>,
    /// Apply the subnet's route table (private endpoints ignore it unless their subnet
    /// enables network policies).
    pub udrs: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Rel {
    Full,
    Partial,
    None,
}

enum Prefix {
    Net(IpNet),
    Tag(Addr),
}

struct Cand {
    prefix: Prefix,
    /// The route can only partly be known to cover anything (a service endpoint whose
    /// region is unknown).
    uncertain: bool,
    choice: Choice,
}

fn specificity(p: &Prefix) -> u16 {
    match p {
        Prefix::Net(n) => u16::from(n.prefix_len()),
        Prefix::Tag(Addr::Tag { region: None, .. }) => 200,
        Prefix::Tag(_) => 201,
    }
}

fn tag_rel(route: &Addr, target: &Addr) -> Rel {
    let (Addr::Tag { tag: rt, region: rr }, Addr::Tag { tag: tt, region: tr }) = (route, target) else {
        return Rel::None;
    };
    if rt != tt && !(rt == "AzureCloud" && is_public_service_tag(tt)) {
        return Rel::None;
    }
    match (rr, tr) {
        (None, _) => Rel::Full,
        (Some(a), Some(b)) if a == b => Rel::Full,
        (Some(_), Some(_)) => Rel::None,
        (Some(_), None) => Rel::Partial,
    }
}

fn rel(p: &Prefix, target: &Target) -> Rel {
    match (p, target) {
        (Prefix::Net(n), _) if n.prefix_len() == 0 => Rel::Full,
        (Prefix::Net(n), Target::Ip(t)) if n.contains(t) => Rel::Full,
        (Prefix::Net(n), Target::Ip(t)) if t.contains(&n.network()) => Rel::Partial,
        (Prefix::Net(n), Target::Tag(_)) if !is_private(n) => Rel::Partial,
        (Prefix::Net(_), _) => Rel::None,
        (Prefix::Tag(r), Target::Tag(t)) => tag_rel(r, t),
        (Prefix::Tag(_), Target::Ip(t)) if !is_private(t) => Rel::Partial,
        (Prefix::Tag(_), _) => Rel::None,
    }
}

/// The service tag a service endpoint carries.
fn endpoint_tag(service: &str) -> Option<&'static str> {
    Some(match service.to_ascii_lowercase().as_str() {
        "microsoft.storage" => "Storage",
        "microsoft.keyvault" => "AzureKeyVault",
        "microsoft.containerregistry" => "AzureContainerRegistry",
        "microsoft.sql" => "Sql",
        "microsoft.azurecosmosdb" => "AzureCosmosDB",
        "microsoft.eventhub" => "EventHub",
        "microsoft.servicebus" => "ServiceBus",
        "microsoft.web" => "AppService",
        "microsoft.azureactivedirectory" => "AzureActiveDirectory",
        _ => return None,
    })
}

fn system(vnet: usize, prefix: String, next: Next, text: String) -> Choice {
    Choice { next, by: Element::SystemRoute { vnet, prefix }, text, user: false }
}

fn candidates(ctx: &Ctx, from: &From) -> Vec<Cand> {
    let net = ctx.net;
    let v = from.vnet;
    let mut out = Vec::new();
    let mut push_net =
        |n: IpNet, choice: Choice| out.push(Cand { prefix: Prefix::Net(n), uncertain: false, choice });
    for p in ctx.vnet_prefixes.get(v).into_iter().flatten() {
        push_net(*p, system(v, p.to_string(), Next::VnetLocal, format!("system route {p} → VnetLocal")));
    }
    for other in 0..ctx.vnet_prefixes.len() {
        if other == v {
            continue;
        }
        if let Peering::Connected { vnet, index } = ctx.peering(v, other) {
            for p in &ctx.vnet_prefixes[other] {
                let text = format!(
                    "system route {p} → VNetPeering (`{}` ↔ `{}`)",
                    net.vnet_name(v),
                    net.vnet_name(other)
                );
                push_net(
                    *p,
                    Choice {
                        next: Next::Peering(other),
                        by: Element::Peering { vnet, index },
                        text,
                        user: false,
                    },
                );
            }
        }
    }
    if ctx.gateway_reaches(v) {
        for p in &ctx.onprem {
            let text = format!("gateway route {p} → VirtualNetworkGateway");
            push_net(*p, Choice { next: Next::Gateway, by: ctx.gateway_element(), text, user: false });
        }
    }
    for p in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] {
        if let Ok(n) = p.parse::<IpNet>() {
            push_net(n, system(v, p.into(), Next::Drop, format!("system route {p} → None")));
        }
    }
    if let Ok(n) = "0.0.0.0/0".parse::<IpNet>() {
        push_net(
            n,
            system(v, "0.0.0.0/0".into(), Next::Internet, "system route 0.0.0.0/0 → Internet".into()),
        );
    }
    if let Some(sid) = from.subnet
        && let Some(subnet) = net.subnet(sid)
    {
        let region = ctx.region(v);
        for se in items(&subnet.service_endpoints) {
            let Some(tag) = endpoint_tag(&se.value) else { continue };
            let mut regions: Vec<Option<String>> = vec![region.clone()];
            if tag == "Storage"
                && let Some(pair) = region.as_deref().and_then(paired_region)
            {
                regions.push(Some(pair.to_string()));
            }
            for r in regions {
                let addr = Addr::tag(tag, r.as_deref());
                let text = format!(
                    "service endpoint route `{}` ({addr_text}) → VirtualNetworkServiceEndpoint",
                    se.value,
                    addr_text = tag_text(&addr)
                );
                out.push(Cand {
                    prefix: Prefix::Tag(addr),
                    uncertain: r.is_none(),
                    choice: system(v, se.value.clone(), Next::ServiceEndpoint(se.value.clone()), text),
                });
            }
        }
    }
    if from.udrs
        && let Some(sid) = from.subnet
        && let Some((ti, table)) = net.subnet_route_table(sid)
    {
        let tname = table.name.as_ref().map(|n| n.value.as_str()).unwrap_or("?");
        for (ri, r) in items(&table.routes).enumerate() {
            let Some(text_prefix) = r.prefix.as_ref() else { continue };
            let prefix = match Addr::parse(&text_prefix.value) {
                Ok(Addr::Net(n)) => match r.service_tag.as_ref().map(|t| Addr::parse(&t.value)) {
                    Some(Ok(label @ Addr::Tag { .. })) if !is_private(&n) => Prefix::Tag(label),
                    _ => Prefix::Net(n),
                },
                Ok(Addr::Any) => Prefix::Net("0.0.0.0/0".parse().unwrap_or(IpNet::V4(Default::default()))),
                Ok(t @ Addr::Tag { .. }) => Prefix::Tag(t),
                Err(_) => continue,
            };
            let next = match r.next_hop.as_ref().map(|h| h.value) {
                Some(NextHop::Internet) => Next::Internet,
                Some(NextHop::VirtualAppliance) => {
                    Next::Appliance(r.next_hop_ip.as_ref().map(|i| i.value.trim().to_string()))
                }
                Some(NextHop::VirtualNetworkGateway) => Next::Gateway,
                Some(NextHop::VnetLocal) => Next::VnetLocal,
                Some(NextHop::None) | None => Next::Drop,
            };
            let name = r.name.as_ref().map(|n| format!("`{}` ", n.value)).unwrap_or_default();
            let text =
                format!("route {name}{} → {} in `{tname}`", text_prefix.value.trim(), next.azure_name());
            out.push(Cand {
                prefix,
                uncertain: false,
                choice: Choice { next, by: Element::Route { table: ti, route: ri }, text, user: true },
            });
        }
    }
    out
}

fn tag_text(a: &Addr) -> String {
    match a {
        Addr::Tag { tag, region: Some(r) } => format!("{tag}.{r}"),
        Addr::Tag { tag, region: None } => tag.clone(),
        Addr::Net(n) => n.to_string(),
        Addr::Any => "*".into(),
    }
}

/// The effective route from `from` to `target`.
pub(crate) fn lookup(ctx: &Ctx, from: &From, target: &Target) -> Lookup {
    let cands = candidates(ctx, from);
    let rank = |c: &Cand| (specificity(&c.prefix), c.choice.user);
    let mut best: Option<&Cand> = None;
    for c in &cands {
        let r = rel(&c.prefix, target);
        if r == Rel::Full && !c.uncertain && best.is_none_or(|b| rank(c) > rank(b)) {
            best = Some(c);
        }
    }
    // `0.0.0.0/0` always matches, so there is a best route.
    let Some(best) = best else {
        let fallback =
            system(from.vnet, "0.0.0.0/0".into(), Next::Internet, "system route 0.0.0.0/0 → Internet".into());
        return Lookup::Route(fallback);
    };
    let other = cands.iter().filter(|c| c.choice.next != best.choice.next).find(|c| {
        let r = rel(&c.prefix, target);
        (r == Rel::Partial || (r == Rel::Full && c.uncertain)) && rank(c) > rank(best)
    });
    match other {
        Some(o) => Lookup::Ambiguous { chosen: best.choice.clone(), other: o.choice.clone() },
        None => Lookup::Route(best.choice.clone()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::topology::resolve::Net;

    fn net(yaml: &str) -> Net {
        Net::new(Arc::new(crate::topology::yaml::from_str(yaml).unwrap()))
    }

    const NET: &str = "vnets:
  - name: vnet-ml
    region: eastus
    address_space: [10.0.0.0/16]
    peerings: [vnet-hub]
    subnets:
      - {name: a, prefix: 10.0.1.0/24, route_table: rt, service_endpoints: [Microsoft.Storage]}
  - name: vnet-hub
    address_space: [10.1.0.0/16]
    peerings: [vnet-ml]
  - name: vnet-far
    address_space: [10.9.0.0/16]
route_tables:
  - name: rt
    routes:
      - {name: fw, prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}
      - {name: aml, prefix: AzureMachineLearning, next_hop: Internet}
      - {name: blackhole, prefix: 10.0.1.128/25, next_hop: None}
";

    fn route(n: &Net, t: Target) -> (Next, String) {
        let ctx = Ctx::new(n);
        let from = From { vnet: 0, subnet: Some(SubnetId { vnet: 0, subnet: 0 }), udrs: true };
        match lookup(&ctx, &from, &t) {
            Lookup::Route(c) => (c.next, c.text),
            Lookup::Ambiguous { chosen, other } => (chosen.next, format!("ambiguous: {}", other.text)),
        }
    }

    #[test]
    fn longest_prefix_with_system_routes() {
        let n = net(NET);
        let ip = |s: &str| Target::Ip(s.parse().unwrap());
        assert_eq!(route(&n, ip("10.0.2.4/32")).1, "system route 10.0.0.0/16 → VnetLocal");
        assert_eq!(route(&n, ip("10.0.1.200/32")).0, Next::Drop);
        assert_eq!(route(&n, ip("10.1.4.4/32")).0, Next::Peering(1));
        // Not peered: the private range's system route drops it.
        assert_eq!(route(&n, ip("10.9.0.4/32")).1, "system route 10.0.0.0/8 → None");
        let tag = |s: &str| Target::Tag(Addr::parse(s).unwrap());
        assert_eq!(route(&n, tag("AzureMachineLearning.eastus")).0, Next::Internet);
        assert_eq!(route(&n, tag("Storage.eastus")).0, Next::ServiceEndpoint("Microsoft.Storage".into()));
        // The paired region is covered too.
        assert_eq!(route(&n, tag("Storage.westus")).0, Next::ServiceEndpoint("Microsoft.Storage".into()));
        assert_eq!(route(&n, tag("Storage.northeurope")).0, Next::Appliance(Some("10.1.4.4".into())));
        // A global tag is only partly covered by the regional endpoint route.
        assert!(route(&n, tag("Storage")).1.starts_with("ambiguous: service endpoint route"));
        // A public address may belong to a tag route: ambiguous.
        assert!(route(&n, ip("20.1.2.3/32")).1.starts_with("ambiguous: "));
        assert_eq!(route(&n, Target::Public).0, Next::Appliance(Some("10.1.4.4".into())));
    }
}
