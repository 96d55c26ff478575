//! A flow from its source to its destination, hop by hop: where it starts, what the
//! destination's name resolves to, the source subnet's NSG, the route, the firewall, the
//! destination subnet's NSG, what the destination host or resource accepts, and the reply's
//! way back.
use ipnet::IpNet;

use super::arrive::outside_in;
use super::ctx::Ctx;
use super::dest::{Dest, destination};
use super::dns::{self, Resolver};
use super::endpoint::Endpoint;
use super::forward::routed;
use super::route::From;
use super::types::{Element, HopKind, Step, Verdict};
use super::walk::{Go, Seen, Walk, addr_text};
use crate::topology::addr::{Addr, is_private};
use crate::topology::model::{Direction, FlowProtocol, items};
use crate::topology::resolve::SubnetId;

/// Where the traffic starts.
enum Origin {
    Subnet {
        subnet: SubnetId,
        addr: IpNet,
    },
    /// On-premises, entering through the gateway of a VNet.
    Gateway {
        vnet: usize,
        addr: IpNet,
    },
    /// Outside every VNet.
    Outside(Seen),
}

/// Walk one flow on one port (`None`: ICMP). Returns the verdict, the hops and the fix.
pub(crate) fn walk(
    ctx: &Ctx,
    from: &Endpoint,
    to: &Endpoint,
    to_text: &str,
    protocol: FlowProtocol,
    port: Option<u32>,
) -> (Verdict, Vec<super::types::Hop>, Option<String>) {
    let mut w = Walk::new(ctx, protocol, port);
    let verdict = match run(&mut w, from, to, to_text) {
        Ok(()) => Verdict::Allow,
        Err(v) => v,
    };
    (verdict, w.hops, w.fix)
}

fn run(w: &mut Walk, from: &Endpoint, to: &Endpoint, to_text: &str) -> Go {
    let origin = origin(w, from)?;
    let resolver = match &origin {
        Origin::Subnet { subnet, .. } => dns::resolver_for_vnet(w.ctx, subnet.vnet),
        Origin::Gateway { .. } => dns::resolver_onprem(w.ctx),
        Origin::Outside(_) => Resolver::Public,
    };
    let outside = matches!(origin, Origin::Outside(_));
    let dest = destination(w, to, to_text, &resolver, outside)?;
    match origin {
        Origin::Subnet { subnet, addr } => {
            w.nsg(subnet, Direction::Outbound, &[dest.peer()], Some(addr))?;
            routed(w, From { vnet: subnet.vnet, subnet: Some(subnet), udrs: true }, addr, &dest, to_text)
        }
        // Public destinations are reached over the on-premises network's own internet
        // connection, not through Azure.
        Origin::Gateway { addr, .. } if matches!(dest, Dest::Public { .. }) => {
            if let Some(h) = w.hops.first_mut() {
                h.text = format!("`on-premises` ({addr})");
                h.decided_by = None;
            }
            let ips: Vec<IpNet> = w
                .ctx
                .net
                .topo()
                .clients
                .as_ref()
                .map(|c| items(&c.public_ips).filter_map(|i| net_of(&i.value)).collect())
                .unwrap_or_default();
            let seen = if ips.is_empty() {
                Seen::Public("the public addresses of the on-premises network are not in the model (`clients.public_ips`)".into())
            } else {
                Seen::Ips(ips)
            };
            let text = format!(
                "`on-premises` reaches public addresses over its own internet connection, from {}",
                seen.text()
            );
            w.hop(
                HopKind::Route,
                Element::OnPremises,
                Some(Element::Clients("public_ips")),
                Step::Pass,
                text,
            );
            outside_in(w, seen, &dest, to_text)
        }
        Origin::Gateway { vnet, addr } => {
            let from = From { vnet, subnet: w.ctx.gateway_subnet, udrs: true };
            routed(w, from, addr, &dest, to_text)
        }
        Origin::Outside(seen) => outside_in(w, seen, &dest, to_text),
    }
}

pub(super) fn net_of(text: &str) -> Option<IpNet> {
    Addr::parse(text).ok()?.as_net()
}

fn origin(w: &mut Walk, from: &Endpoint) -> Go<Origin> {
    let ctx = w.ctx;
    let net = ctx.net;
    let in_subnet =
        |w: &mut Walk, subnet: SubnetId, addr: Option<IpNet>, element: Element, what: String| -> Go<Origin> {
            let Some(addr) = addr.or_else(|| net.subnet_prefix(subnet)) else {
                let reason = format!("subnet `{}` has no `prefix`", ctx.subnet_label(subnet));
                return Err(w.unknown(HopKind::Source, Element::Subnet(subnet), None, reason));
            };
            w.hop(
                HopKind::Source,
                element,
                None,
                Step::Pass,
                format!("{what} in `{}` ({addr})", ctx.subnet_label(subnet)),
            );
            Ok(Origin::Subnet { subnet, addr })
        };
    match from {
        Endpoint::Subnet(s) => {
            in_subnet(w, *s, None, Element::Subnet(*s), format!("`{}`", net.subnet_name(*s)))
        }
        Endpoint::Compute(c) => {
            let name = items(&net.topo().computes)
                .nth(*c)
                .and_then(|x| x.name.as_ref())
                .map(|n| n.value.clone())
                .unwrap_or_default();
            match net.compute_subnet(*c) {
                Some(s) => in_subnet(w, s, None, Element::Compute(*c), format!("`{name}`")),
                None => {
                    let why = format!(
                        "`{name}` is not in a VNet: Azure gives it a public address the model does not list"
                    );
                    w.hop(HopKind::Source, Element::Compute(*c), None, Step::Pass, why.clone());
                    Ok(Origin::Outside(Seen::Public(why)))
                }
            }
        }
        Endpoint::Ip(ip) => {
            if let Some(s) = ctx.subnet_of(ip) {
                return in_subnet(
                    w,
                    s,
                    Some(*ip),
                    Element::Address(ip.addr().to_string()),
                    ip.addr().to_string(),
                );
            }
            if ctx.is_onprem(ip) {
                return onprem(w, Some(*ip));
            }
            if is_private(ip) {
                let reason = format!("{ip} is in no subnet of the block nor in `clients.onprem_ranges`");
                return Err(w.unknown(
                    HopKind::Source,
                    Element::Address(ip.addr().to_string()),
                    None,
                    reason,
                ));
            }
            w.hop(
                HopKind::Source,
                Element::Address(ip.addr().to_string()),
                None,
                Step::Pass,
                format!("{ip}, a public address"),
            );
            Ok(Origin::Outside(Seen::Ips(vec![*ip])))
        }
        Endpoint::Internet => {
            w.hop(
                HopKind::Source,
                Element::Internet,
                None,
                Step::Pass,
                "`internet`: any public address the model does not list".into(),
            );
            Ok(Origin::Outside(Seen::Internet))
        }
        Endpoint::Tag(t) => {
            w.hop(
                HopKind::Source,
                Element::ServiceTag(addr_text(t)),
                None,
                Step::Pass,
                format!("service tag `{}`", addr_text(t)),
            );
            Ok(Origin::Outside(Seen::Tag(t.clone())))
        }
        Endpoint::OnPremises => onprem(w, None),
        // Refused by the reference checks; kept total.
        _ => Err(w.unknown(
            HopKind::Source,
            Element::Internet,
            None,
            "this end does not start connections".into(),
        )),
    }
}

fn onprem(w: &mut Walk, ip: Option<IpNet>) -> Go<Origin> {
    let ctx = w.ctx;
    let Some(clients) = ctx.net.topo().clients.as_ref() else {
        let reason =
            "the block has no `clients` section: the on-premises network is not in the model".to_string();
        return Err(w.unknown(HopKind::Source, Element::OnPremises, None, reason));
    };
    if ctx.hybrid {
        let Some(addr) = ip.or_else(|| ctx.onprem.first().copied()) else {
            let reason = "`clients.onprem_ranges` lists no range".to_string();
            return Err(w.unknown(HopKind::Source, Element::Clients("onprem_ranges"), None, reason));
        };
        let Some(vnet) = ctx.gateway_vnet else {
            let reason = "the model does not say which VNet holds the VPN or ExpressRoute gateway: add its `GatewaySubnet`".to_string();
            return Err(w.unknown(HopKind::Source, Element::OnPremises, None, reason));
        };
        let text =
            format!("`on-premises` ({addr}) enters through the gateway of `{}`", ctx.net.vnet_name(vnet));
        w.hop(HopKind::Source, Element::OnPremises, Some(ctx.gateway_element()), Step::Pass, text);
        return Ok(Origin::Gateway { vnet, addr });
    }
    let ips: Vec<IpNet> = items(&clients.public_ips).filter_map(|i| net_of(&i.value)).collect();
    if ips.is_empty() {
        let why =
            "the public addresses of the on-premises network are not in the model (`clients.public_ips`)"
                .to_string();
        w.hop(
            HopKind::Source,
            Element::OnPremises,
            None,
            Step::Pass,
            "`on-premises` over the internet: no VPN or ExpressRoute".into(),
        );
        return Ok(Origin::Outside(Seen::Public(why)));
    }
    let text = format!(
        "`on-premises` over the internet from {}",
        ips.iter().map(|i| i.addr().to_string()).collect::<Vec<_>>().join(", ")
    );
    w.hop(HopKind::Source, Element::OnPremises, Some(Element::Clients("public_ips")), Step::Pass, text);
    Ok(Origin::Outside(Seen::Ips(ips)))
}
