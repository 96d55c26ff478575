//! The destination of a flow as the source reaches it: a private address in a subnet (a
//! compute, a private endpoint the name resolved to, an internal load balancer), a public
//! endpoint (a resource, a service tag, a host), a public address on a compute, on-premises.

use ipnet::IpNet;

use super::ctx::Ctx;
use super::dns::{self, Answer, PeInfo, Query, Resolver};
use super::endpoint::{Endpoint, resource_name};
use super::path::net_of;
use super::route::Target;
use super::types::{Element, HopKind, ResourceRef, Step};
use super::walk::{Go, Walk, addr_text};
use crate::topology::addr::{Addr, is_private};
use crate::topology::model::{ComputeType, LoadBalancer, Subresource, items};
use crate::topology::resolve::{Net, SubnetId};

/// What the destination is, as the source reaches it.
pub(super) enum Dest {
    /// A private address in a subnet (or in no subnet the model knows).
    Private {
        ip: IpNet,
        subnet: Option<SubnetId>,
        element: Element,
        kind: PrivKind,
    },
    /// A public endpoint: a resource, a service tag, a host on the internet.
    Public {
        target: Target,
        element: Element,
        resource: Option<(ResourceRef, Option<Subresource>)>,
        host: Option<String>,
    },
    /// A public address on the nodes or the load balancer of a compute.
    NodePublic {
        compute: usize,
        subnet: Option<SubnetId>,
        scoring: bool,
    },
    OnPrem {
        ranges: Vec<IpNet>,
    },
}

pub(super) enum PrivKind {
    Plain,
    Endpoint(PeInfo),
    Scoring(usize),
}

impl Dest {
    pub(super) fn target(&self) -> Target {
        match self {
            Dest::Private { ip, .. } => Target::Ip(*ip),
            Dest::Public { target, .. } => target.clone(),
            Dest::NodePublic { .. } => Target::Public,
            Dest::OnPrem { ranges } => ranges.first().map(|r| Target::Ip(*r)).unwrap_or(Target::Public),
        }
    }
    pub(super) fn peer(&self) -> Addr {
        match self.target() {
            Target::Ip(n) => Addr::Net(n),
            Target::Tag(t) => t,
            Target::Public => Addr::tag("Internet", None),
        }
    }
    pub(super) fn host(&self) -> Option<&str> {
        match self {
            Dest::Public { host, .. } => host.as_deref(),
            _ => None,
        }
    }
}

/// The public service tag of a resource, regional when its region is known.
fn resource_tag(net: &Net, r: ResourceRef) -> Addr {
    let t = net.topo();
    let region = match r {
        ResourceRef::Storage(i) => items(&t.storage_accounts).nth(i).and_then(|x| x.region.clone()),
        ResourceRef::KeyVault(i) => items(&t.key_vaults).nth(i).and_then(|x| x.region.clone()),
        ResourceRef::Registry(i) => items(&t.container_registries).nth(i).and_then(|x| x.region.clone()),
        _ => None,
    }
    .or_else(|| net.workspace().and_then(|w| w.region.clone()))
    .map(|r| crate::topology::egress::normalize_region(&r));
    let tag = match r {
        ResourceRef::Storage(_) => "Storage",
        ResourceRef::KeyVault(_) => "AzureKeyVault",
        ResourceRef::Registry(_) => "AzureContainerRegistry",
        ResourceRef::Workspace => "AzureMachineLearning",
        ResourceRef::AppInsights(_) => "AzureMonitor",
    };
    Addr::tag(tag, region.as_deref())
}

pub(super) fn destination(
    w: &mut Walk,
    to: &Endpoint,
    to_text: &str,
    resolver: &Resolver,
    outside: bool,
) -> Go<Dest> {
    let ctx = w.ctx;
    let net = ctx.net;
    match to {
        Endpoint::Internet => Ok(Dest::Public {
            target: Target::Public,
            element: Element::Internet,
            resource: None,
            host: None,
        }),
        Endpoint::Tag(t) => Ok(Dest::Public {
            target: Target::Tag(t.clone()),
            element: Element::ServiceTag(addr_text(t)),
            resource: None,
            host: None,
        }),
        Endpoint::OnPremises => {
            if ctx.onprem.is_empty() {
                let reason = "`clients.onprem_ranges` lists no range".to_string();
                return Err(w.unknown(HopKind::Destination, Element::OnPremises, None, reason));
            }
            Ok(Dest::OnPrem { ranges: ctx.onprem.clone() })
        }
        Endpoint::Subnet(s) => match net.subnet_prefix(*s) {
            Some(p) => Ok(Dest::Private {
                ip: p,
                subnet: Some(*s),
                element: Element::Subnet(*s),
                kind: PrivKind::Plain,
            }),
            None => Err(w.unknown(
                HopKind::Destination,
                Element::Subnet(*s),
                None,
                format!("subnet `{}` has no `prefix`", ctx.subnet_label(*s)),
            )),
        },
        Endpoint::Ip(ip) => Ok(ip_dest(ctx, *ip, Element::Address(ip.addr().to_string()))),
        Endpoint::PrivateEndpoint { resource, index } => {
            let pe = dns::endpoints(ctx, *resource, None).into_iter().find(|p| p.index == *index);
            match pe.as_ref().and_then(|p| p.address(ctx).map(|a| (p, a))) {
                Some((p, ip)) => Ok(Dest::Private {
                    ip,
                    subnet: p.subnet,
                    element: Element::PrivateEndpoint { resource: *resource, index: *index },
                    kind: PrivKind::Endpoint(p.clone()),
                }),
                None => Err(w.unknown(
                    HopKind::Destination,
                    Element::PrivateEndpoint { resource: *resource, index: *index },
                    None,
                    format!("private endpoint `{to_text}` has no `ip` and no subnet"),
                )),
            }
        }
        Endpoint::Compute(c) => compute_dest(w, *c, outside),
        Endpoint::Resource(r) => paas(w, *r, None, resolver),
        Endpoint::ResourceHost { resource, sub, .. } => paas(w, *resource, *sub, resolver),
        Endpoint::Host(h) => host_dest(w, h, resolver),
    }
}

pub(super) fn ip_dest(ctx: &Ctx, ip: IpNet, element: Element) -> Dest {
    if ctx.is_onprem(&ip) {
        return Dest::OnPrem { ranges: vec![ip] };
    }
    if is_private(&ip) {
        return Dest::Private { ip, subnet: ctx.subnet_of(&ip), element, kind: PrivKind::Plain };
    }
    Dest::Public { target: Target::Ip(ip), element, resource: None, host: None }
}

fn compute_dest(w: &mut Walk, c: usize, outside: bool) -> Go<Dest> {
    let net = w.ctx.net;
    let Some(comp) = items(&net.topo().computes).nth(c) else {
        return Err(w.unknown(HopKind::Destination, Element::Compute(c), None, "unknown compute".into()));
    };
    let name = comp.name.as_ref().map(|n| n.value.as_str()).unwrap_or("?");
    let subnet = net.compute_subnet(c);
    if comp.kind.as_ref().is_some_and(|k| k.value == ComputeType::Aks) {
        let aks = comp.aks.as_ref();
        let internal =
            aks.and_then(|a| a.load_balancer.as_ref()).is_some_and(|l| l.value == LoadBalancer::Internal);
        if internal {
            let lb_subnet = aks
                .and_then(|a| a.load_balancer_subnet.as_ref())
                .and_then(|s| net.lookup_subnet(comp.vnet.as_ref(), Some(s)))
                .or(subnet);
            let ip = aks
                .and_then(|a| a.scoring_ip.as_ref())
                .and_then(|i| net_of(&i.value))
                .or_else(|| lb_subnet.and_then(|s| net.subnet_prefix(s)));
            return match ip {
                Some(ip) => Ok(Dest::Private {
                    ip,
                    subnet: lb_subnet,
                    element: Element::Compute(c),
                    kind: PrivKind::Scoring(c),
                }),
                None => Err(w.unknown(
                    HopKind::Destination,
                    Element::Compute(c),
                    None,
                    format!("`{name}` has no `scoring_ip` and no load balancer subnet"),
                )),
            };
        }
        if outside {
            return Ok(Dest::NodePublic { compute: c, subnet, scoring: true });
        }
        let reason = format!(
            "`{name}` publishes its scoring endpoint on a public load balancer; traffic from inside Azure to it is not modelled"
        );
        return Err(w.unknown(HopKind::Destination, Element::Compute(c), None, reason));
    }
    match (subnet, outside) {
        (_, true) => Ok(Dest::NodePublic { compute: c, subnet, scoring: false }),
        (Some(s), false) => match net.subnet_prefix(s) {
            Some(p) => Ok(Dest::Private {
                ip: p,
                subnet: Some(s),
                element: Element::Compute(c),
                kind: PrivKind::Plain,
            }),
            None => Err(w.unknown(
                HopKind::Destination,
                Element::Subnet(s),
                None,
                format!("subnet `{}` has no `prefix`", w.ctx.subnet_label(s)),
            )),
        },
        (None, false) => {
            let reason = format!("`{name}` is not in a VNet: its network is not in the model");
            Err(w.unknown(HopKind::Destination, Element::Compute(c), None, reason))
        }
    }
}

fn paas(w: &mut Walk, r: ResourceRef, sub: Option<Subresource>, resolver: &Resolver) -> Go<Dest> {
    let ctx = w.ctx;
    let sub = match (r, sub, w.port) {
        (ResourceRef::Storage(_), None, Some(445)) => Some(Subresource::File),
        (ResourceRef::Storage(_), None, _) => Some(Subresource::Blob),
        (_, s, _) => s,
    };
    let tag = resource_tag(ctx.net, r);
    let host = dns::resource_host(ctx, r, sub);
    let public = |host: Option<String>| Dest::Public {
        target: Target::Tag(tag.clone()),
        element: Element::Resource(r),
        resource: Some((r, sub)),
        host,
    };
    let Some((kind, host)) = host else { return Ok(public(None)) };
    let endpoints = dns::endpoints(ctx, r, if matches!(r, ResourceRef::Storage(_)) { sub } else { None });
    if endpoints.is_empty() {
        let text = format!(
            "`{host}` resolves to its public address ({}): `{}` has no private endpoint for it",
            addr_text(&tag),
            resource_name(ctx.net, r)
        );
        w.hop(HopKind::Dns, Element::Resource(r), None, Step::Pass, text);
        return Ok(public(Some(host)));
    }
    let q = Query { host: host.clone(), resource: Some((r, kind)), endpoints };
    match dns::resolve(ctx, resolver, &q) {
        Answer::Endpoint { pe, ip, by, text } => {
            w.hop(HopKind::Dns, Element::Resource(r), Some(by), Step::Pass, text);
            let element = Element::PrivateEndpoint { resource: r, index: pe.index };
            match ip.or_else(|| pe.address(ctx)) {
                Some(ip) => Ok(Dest::Private {
                    ip,
                    subnet: pe.subnet.or_else(|| ctx.subnet_of(&ip)),
                    element,
                    kind: PrivKind::Endpoint(pe),
                }),
                None => Err(w.unknown(
                    HopKind::Dns,
                    element,
                    None,
                    format!("private endpoint `{}` has no `ip` and no subnet", pe.name),
                )),
            }
        }
        Answer::Address { ip, by, text } => {
            w.hop(HopKind::Dns, Element::Resource(r), Some(by), Step::Pass, text);
            Ok(ip_dest(ctx, ip, Element::Resource(r)))
        }
        Answer::Public { by, text } => {
            w.hop(
                HopKind::Dns,
                Element::Resource(r),
                by,
                Step::Pass,
                text.replacen("its public address", &format!("its public address ({})", addr_text(&tag)), 1),
            );
            Ok(public(Some(host)))
        }
        Answer::NoSuchName { by, text, fix } => {
            Err(w.deny(HopKind::Dns, Element::Resource(r), Some(by), text, Some(fix)))
        }
        Answer::Unknown { by, reason } => Err(w.unknown(HopKind::Dns, Element::Resource(r), by, reason)),
    }
}

fn host_dest(w: &mut Walk, h: &str, resolver: &Resolver) -> Go<Dest> {
    let ctx = w.ctx;
    let q = Query { host: h.to_string(), resource: None, endpoints: Vec::new() };
    let element = Element::Host(h.to_string());
    let public = |w: &mut Walk, by: Option<Element>, text: String| {
        w.hop(HopKind::Dns, Element::Host(h.to_string()), by, Step::Pass, text);
        Ok(Dest::Public {
            target: Target::Public,
            element: Element::Host(h.to_string()),
            resource: None,
            host: Some(h.to_string()),
        })
    };
    match resolver {
        Resolver::Public | Resolver::Unknown(_) => {
            return public(w, None, format!("`{h}` resolves to a public address"));
        }
        _ => {}
    }
    match dns::resolve(ctx, resolver, &q) {
        Answer::Address { ip, by, text } | Answer::Endpoint { ip: Some(ip), by, text, .. } => {
            w.hop(HopKind::Dns, element.clone(), Some(by), Step::Pass, text);
            Ok(match ip_dest(ctx, ip, element) {
                Dest::Public { target, element, .. } => {
                    Dest::Public { target, element, resource: None, host: Some(h.to_string()) }
                }
                d => d,
            })
        }
        Answer::Public { by, text } => public(w, by, text),
        Answer::Endpoint { .. } => public(w, None, format!("`{h}` resolves to a public address")),
        Answer::NoSuchName { by, text, fix } => Err(w.deny(HopKind::Dns, element, Some(by), text, Some(fix))),
        Answer::Unknown { by, reason } => Err(w.unknown(HopKind::Dns, element, by, reason)),
    }
}
