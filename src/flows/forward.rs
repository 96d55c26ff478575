//! A flow routed from a subnet or the gateway: the effective route, the firewall it may be
//! sent to, peerings, the gateway.

use ipnet::IpNet;

use super::arrive::{arrive_private, arrive_public};
use super::ctx::{Ctx, Peering};
use super::dest::Dest;
use super::firewall::{self, FwAnswer, FwQuery};
use super::resource::{Arrival, PublicSrc};
use super::route::{Choice, From, Next, Target};
use super::types::{Element, HopKind, Step};
use super::walk::{Crossing, Go, Seen, Walk};

/// The element a route hop crosses: the route table of a user route, else the VNet.
fn route_element(c: &Choice, vnet: usize) -> Element {
    match &c.by {
        Element::Route { table, .. } => Element::RouteTable(*table),
        Element::Gateway(_) => c.by.clone(),
        _ => Element::Vnet(vnet),
    }
}

/// Why a private address in another VNet is not routed: the peering is missing.
pub(super) fn peering_note(ctx: &Ctx, from: usize, ip: &IpNet) -> Option<(String, String)> {
    let other = ctx.vnet_of(ip)?;
    if other == from {
        return None;
    }
    let (a, b) = (ctx.net.vnet_name(from), ctx.net.vnet_name(other));
    match ctx.peering(from, other) {
        Peering::Connected { .. } => None,
        Peering::OneSided { vnet, other: o, .. } => Some((
            format!(
                " (the peering is declared by `{}` only, so it is not connected)",
                ctx.net.vnet_name(vnet)
            ),
            format!(
                "declare the peering on `{}` too: add `{}` to its `peerings`",
                ctx.net.vnet_name(o),
                ctx.net.vnet_name(vnet)
            ),
        )),
        Peering::None => Some((
            format!(" (`{a}` and `{b}` are not peered)"),
            format!("peer `{a}` and `{b}`: add each to the other's `peerings`"),
        )),
    }
}

pub(super) fn routed(w: &mut Walk, from: From, src: IpNet, dest: &Dest, to_text: &str) -> Go {
    let ctx = w.ctx;
    let target = dest.target();
    let choice = w.route(&from, &target, &format!("`{to_text}`"))?;
    let element = route_element(&choice, from.vnet);
    let by = Some(choice.by.clone());
    match &choice.next {
        Next::Drop => {
            let (note, fix) = match &target {
                Target::Ip(ip) => peering_note(ctx, from.vnet, ip).unwrap_or_default(),
                _ => Default::default(),
            };
            let fix = match (fix.is_empty(), choice.user) {
                (false, _) => fix,
                (true, true) => format!("change {} so that it does not drop the traffic", choice.text),
                (true, false) => format!(
                    "no route of `{}` reaches `{to_text}`: peer the VNet that holds it, or add a route to an appliance or gateway that reaches it",
                    ctx.net.vnet_name(from.vnet)
                ),
            };
            Err(w.deny(HopKind::Route, element, by, format!("{}: dropped{note}", choice.text), Some(fix)))
        }
        Next::VnetLocal | Next::Peering(_) => {
            let inside = match (&choice.next, dest) {
                (Next::VnetLocal, Dest::Private { ip, .. }) => ctx.vnet_of(ip) == Some(from.vnet),
                (Next::Peering(o), Dest::Private { ip, .. }) => ctx.vnet_of(ip) == Some(*o),
                _ => false,
            };
            if !inside {
                let text = format!("{}: nothing in that VNet holds `{to_text}`, dropped", choice.text);
                return Err(w.deny(
                    HopKind::Route,
                    element,
                    by,
                    text,
                    Some(format!("change {}", choice.text)),
                ));
            }
            w.hop(HopKind::Route, element, by, Step::Pass, choice.text.clone());
            arrive_private(w, dest, Seen::Prefix(src), Crossing::default())
        }
        Next::Internet => match dest {
            Dest::Public { .. } => {
                w.hop(HopKind::Route, element, by, Step::Pass, choice.text.clone());
                let why = format!(
                    "the outbound public address of `{}` is not in the model",
                    ctx.net.vnet_name(from.vnet)
                );
                arrive_public(w, dest, Arrival::Public(PublicSrc::Unknown(why)))
            }
            _ => {
                let text =
                    format!("{}: a private address is not reachable over the internet, dropped", choice.text);
                Err(w.deny(
                    HopKind::Route,
                    element,
                    by,
                    text,
                    Some("route the traffic to the destination's VNet (peering) or gateway".into()),
                ))
            }
        },
        Next::ServiceEndpoint(_) => {
            w.hop(HopKind::Route, element, by, Step::Pass, choice.text.clone());
            match from.subnet {
                Some(s) => arrive_public(w, dest, Arrival::ServiceEndpoint(s)),
                None => arrive_public(
                    w,
                    dest,
                    Arrival::Public(PublicSrc::Unknown("the source is not a subnet".into())),
                ),
            }
        }
        Next::Gateway => {
            w.hop(HopKind::Route, element, by, Step::Pass, choice.text.clone());
            through_gateway(w, dest)
        }
        Next::Appliance(ip) => {
            w.hop(HopKind::Route, element, by, Step::Pass, choice.text.clone());
            firewall_hop(w, &from, src, ip.as_deref(), dest, to_text)
        }
    }
}

pub(super) fn through_gateway(w: &mut Walk, dest: &Dest) -> Go {
    let ctx = w.ctx;
    let g = ctx.gateway_element();
    match dest {
        Dest::OnPrem { .. } => {
            w.hop(HopKind::Gateway, g, None, Step::Allow, "reaches on-premises through the gateway (the on-premises network's own filtering is not in the model)".into());
            Ok(())
        }
        Dest::Public { host, .. } => {
            let allow = ctx.net.topo().clients.as_ref().and_then(|c| c.onprem_egress_allow.as_ref());
            let (Some(host), Some(list)) = (host, allow) else {
                let reason = "traffic to the internet is tunnelled to on-premises, whose appliance's rules the model knows only as host names (`clients.onprem_egress_allow`)".to_string();
                return Err(w.unknown(HopKind::Gateway, g, None, reason));
            };
            if list.value.iter().any(|p| crate::topology::facts::fqdn_matches(&p.value, host)) {
                w.hop(
                    HopKind::Gateway,
                    g,
                    Some(Element::Clients("onprem_egress_allow")),
                    Step::Allow,
                    format!("the on-premises appliance lets `{host}` out (`clients.onprem_egress_allow`)"),
                );
                Ok(())
            } else {
                let text = format!(
                    "the on-premises appliance does not let `{host}` out (`clients.onprem_egress_allow`)"
                );
                Err(w.deny(
                    HopKind::Gateway,
                    g,
                    Some(Element::Clients("onprem_egress_allow")),
                    text,
                    Some(format!("add `{host}` to `clients.onprem_egress_allow`")),
                ))
            }
        }
        _ => Err(w.unknown(
            HopKind::Gateway,
            g,
            None,
            "a private Azure address sent to the gateway: the on-premises routing is not in the model".into(),
        )),
    }
}

fn firewall_hop(w: &mut Walk, from: &From, src: IpNet, ip: Option<&str>, dest: &Dest, to_text: &str) -> Go {
    let ctx = w.ctx;
    let Some(fw) = ip.and_then(|ip| ctx.firewall_at(ip)) else {
        let at = ip.unwrap_or("?");
        let reason = format!(
            "the route sends it to appliance {at}, which the model does not describe (no `firewall` with that `private_ip`)"
        );
        return Err(w.unknown(HopKind::Firewall, Element::Address(at.to_string()), None, reason));
    };
    let Some(fw_vnet) = fw.vnet else {
        return Err(w.unknown(
            HopKind::Firewall,
            Element::Firewall,
            None,
            format!("the model does not say which VNet holds `{}`", fw.name),
        ));
    };
    if !ctx.connected(from.vnet, fw_vnet) {
        let (a, b) = (ctx.net.vnet_name(from.vnet), ctx.net.vnet_name(fw_vnet));
        let text = format!("`{}` is in `{b}`, which `{a}` is not peered with: dropped", fw.name);
        return Err(w.deny(
            HopKind::Firewall,
            Element::Firewall,
            None,
            text,
            Some(format!("peer `{a}` and `{b}` in both directions")),
        ));
    }
    let Some(model) = ctx.net.firewall() else { return Ok(()) };
    let target = dest.target();
    let q = FwQuery {
        src,
        dest: &target,
        host: dest.host(),
        dest_text: to_text,
        protocol: w.protocol,
        port: w.port,
    };
    let snat = match firewall::filter(fw, model, &q) {
        FwAnswer::Denied { text, fix } => {
            return Err(w.deny(
                HopKind::Firewall,
                Element::Firewall,
                Some(Element::Firewall),
                text,
                Some(fix),
            ));
        }
        FwAnswer::Unknown { by, reason } => {
            return Err(w.unknown(HopKind::Firewall, Element::Firewall, by, reason));
        }
        FwAnswer::Allowed { by, snat, text } => {
            w.hop(HopKind::Firewall, Element::Firewall, Some(by), Step::Allow, text);
            snat
        }
    };
    let crossing = Crossing { firewall: true, snat };
    let fw_from = From { vnet: fw_vnet, subnet: fw.subnet, udrs: false };
    match dest {
        Dest::Public { .. } => {
            let choice = w.route(&fw_from, &target, &format!("`{to_text}`"))?;
            let (arrival, source) = match (&choice.next, fw.subnet) {
                (Next::ServiceEndpoint(_), Some(s)) => (Arrival::ServiceEndpoint(s), String::new()),
                _ => match fw.public_ip {
                    Some(p) => (
                        Arrival::Public(PublicSrc::Known(vec![p])),
                        format!(", the source translated to {}", p.addr()),
                    ),
                    None => (
                        Arrival::Public(PublicSrc::Unknown(format!(
                            "the public address of `{}` is not in the model (`firewall.public_ip`)",
                            fw.name
                        ))),
                        ", the source translated to the firewall's public address".to_string(),
                    ),
                },
            };
            let text = format!("from `{}`, {}{source}", fw.name, choice.text);
            w.hop(HopKind::Route, Element::Vnet(fw_vnet), Some(choice.by), Step::Pass, text);
            arrive_public(w, dest, arrival)
        }
        Dest::Private { ip, .. } => {
            let choice = w.route(&fw_from, &target, &format!("`{to_text}`"))?;
            let reached = match choice.next {
                Next::VnetLocal => ctx.vnet_of(ip) == Some(fw_vnet),
                Next::Peering(o) => ctx.vnet_of(ip) == Some(o),
                _ => false,
            };
            if !reached {
                let (note, fix) = peering_note(ctx, fw_vnet, ip)
                    .unwrap_or_else(|| (String::new(), format!("route `{to_text}` from `{}`", fw.name)));
                let text = format!("from `{}`, {}: dropped{note}", fw.name, choice.text);
                return Err(w.deny(HopKind::Route, Element::Vnet(fw_vnet), Some(choice.by), text, Some(fix)));
            }
            w.hop(
                HopKind::Route,
                Element::Vnet(fw_vnet),
                Some(choice.by),
                Step::Pass,
                format!("from `{}`, {}", fw.name, choice.text),
            );
            let seen = if snat { Seen::Prefix(fw.ip.unwrap_or(src)) } else { Seen::Prefix(src) };
            arrive_private(w, dest, seen, crossing)
        }
        Dest::OnPrem { .. } if ctx.gateway_reaches(fw_vnet) => through_gateway(w, dest),
        Dest::OnPrem { .. } => {
            let text = format!(
                "`{}` has no route to on-premises: no gateway reaches `{}`",
                fw.name,
                ctx.net.vnet_name(fw_vnet)
            );
            let fix = format!(
                "connect `{}` to the gateway's VNet (peering with gateway transit)",
                ctx.net.vnet_name(fw_vnet)
            );
            Err(w.deny(HopKind::Route, Element::Vnet(fw_vnet), None, text, Some(fix)))
        }
        Dest::NodePublic { .. } => Err(w.unknown(
            HopKind::Firewall,
            Element::Firewall,
            None,
            "public addresses of computes are not modelled".into(),
        )),
    }
}
