//! Where a flow arrives: the destination subnet's NSG, what the host or resource accepts,
//! the reply's way back; and flows from outside every VNet (the internet, Azure services),
//! which reach private addresses only through a DNAT rule.

use ipnet::IpNet;

use super::dest::{Dest, PrivKind};
use super::endpoint::resource_name;
use super::firewall::{self};
use super::forward::peering_note;
use super::resource::{self, Arrival, PublicSrc};
use super::route::{From, Next, Target};
use super::types::{Element, HopKind, Step};
use super::walk::{Crossing, Go, Seen, Walk, addr_text};
use crate::topology::addr::Addr;
use crate::topology::model::{Direction, FlowProtocol, Toggle, items};
use crate::topology::resolve::{Net, SubnetId};

pub(super) fn arrive_private(w: &mut Walk, dest: &Dest, seen: Seen, crossing: Crossing) -> Go {
    let ctx = w.ctx;
    let Dest::Private { ip, subnet, element, kind } = dest else { return Ok(()) };
    let Some(subnet) = *subnet else {
        let reason = format!("no subnet of the block holds {}", ip.addr());
        return Err(w.unknown(HopKind::Destination, element.clone(), None, reason));
    };
    let mut udrs = true;
    match kind {
        PrivKind::Endpoint(pe) => {
            let policies = ctx.net.subnet(subnet).is_some_and(|s| s.pe_network_policies() == Toggle::Enabled);
            if policies {
                w.nsg(subnet, Direction::Inbound, &seen.peers(), Some(*ip))?;
            } else {
                udrs = false;
                if let Some((ni, nsg)) = ctx.net.subnet_nsg(subnet) {
                    let text = format!(
                        "NSG `{}` of `{}` does not apply to private endpoints (`private_endpoint_network_policies: Disabled`)",
                        nsg.name.as_ref().map(|n| n.value.as_str()).unwrap_or("?"),
                        ctx.net.subnet_name(subnet)
                    );
                    w.hop(HopKind::NsgInbound, Element::Nsg(ni), None, Step::Pass, text);
                }
            }
            if let Err(msg) = resource::listens(pe.resource, pe.sub, w.port) {
                let text = format!("`{}` {msg}", resource_name(ctx.net, pe.resource));
                let fix = format!("connect on a port the service {msg}");
                return Err(w.deny(HopKind::Resource, element.clone(), None, text, Some(fix)));
            }
            let a = resource::admit(ctx, pe.resource, &Arrival::Endpoint(pe.clone()));
            w.hop(HopKind::Resource, element.clone(), a.by, a.step, a.text);
        }
        PrivKind::Scoring(c) => {
            w.nsg(subnet, Direction::Inbound, &seen.peers(), Some(*ip))?;
            scoring_port(w, *c)?;
        }
        PrivKind::Plain => w.nsg(subnet, Direction::Inbound, &seen.peers(), Some(*ip))?,
    }
    w.reply(subnet, udrs, &seen, crossing)?;
    let label = ctx.subnet_label(subnet);
    let text = match (kind, element) {
        (PrivKind::Endpoint(pe), _) if pe.ip.is_some() => {
            format!("reaches private endpoint `{}` ({})", pe.name, ip_text(ip))
        }
        (PrivKind::Endpoint(pe), _) => format!("reaches private endpoint `{}` in `{label}`", pe.name),
        (PrivKind::Scoring(c), _) => {
            format!("reaches the scoring endpoint of `{}` ({})", compute_name(ctx.net, *c), ip_text(ip))
        }
        (_, Element::Compute(c)) => format!("reaches `{}` in `{label}`", compute_name(ctx.net, *c)),
        (_, Element::Subnet(_)) => format!("reaches `{}` ({})", ctx.net.subnet_name(subnet), ip_text(ip)),
        _ => format!("reaches {} in `{label}`", ip_text(ip)),
    };
    w.hop(HopKind::Destination, element.clone(), None, Step::Pass, text);
    Ok(())
}

fn compute_name(net: &Net, c: usize) -> String {
    items(&net.topo().computes)
        .nth(c)
        .and_then(|x| x.name.as_ref())
        .map(|n| n.value.clone())
        .unwrap_or_default()
}

fn ip_text(ip: &IpNet) -> String {
    if ip.prefix_len() == ip.max_prefix_len() { ip.addr().to_string() } else { ip.to_string() }
}

/// The scoring endpoint of AKS answers on 80 and 443.
fn scoring_port(w: &mut Walk, c: usize) -> Go {
    let name = compute_name(w.ctx.net, c);
    match (w.protocol, w.port) {
        (FlowProtocol::Tcp, Some(80 | 443)) => {
            w.hop(
                HopKind::Host,
                Element::Compute(c),
                None,
                Step::Allow,
                format!("the scoring endpoint of `{name}` answers on {}", w.port_text()),
            );
            Ok(())
        }
        _ => {
            let reason = format!(
                "the scoring endpoint of `{name}` answers on tcp/80 and tcp/443; its other ports are not in the model"
            );
            Err(w.unknown(HopKind::Host, Element::Compute(c), None, reason))
        }
    }
}

pub(super) fn arrive_public(w: &mut Walk, dest: &Dest, arrival: Arrival) -> Go {
    let ctx = w.ctx;
    let Dest::Public { element, resource, host, target } = dest else { return Ok(()) };
    let Some((r, sub)) = resource else {
        let what = host.clone().unwrap_or_else(|| match target {
            Target::Tag(t) => addr_text(t),
            Target::Ip(n) => ip_text(n),
            Target::Public => "the internet".into(),
        });
        w.hop(
            HopKind::Destination,
            element.clone(),
            None,
            Step::Pass,
            format!("reaches `{what}` (outside the model: its own access rules are not checked)"),
        );
        return Ok(());
    };
    let name = resource_name(ctx.net, *r);
    if let Err(msg) = resource::listens(*r, *sub, w.port) {
        let fix = format!("connect on a port the service {msg}");
        return Err(w.deny(HopKind::Resource, element.clone(), None, format!("`{name}` {msg}"), Some(fix)));
    }
    let a = resource::admit(ctx, *r, &arrival);
    match a.step {
        Step::Deny => return Err(w.deny(HopKind::Resource, element.clone(), a.by, a.text, a.fix)),
        Step::Unknown => {
            let reason = a.reason.unwrap_or(a.text);
            return Err(w.unknown(HopKind::Resource, element.clone(), a.by, reason));
        }
        _ => w.hop(HopKind::Resource, element.clone(), a.by, a.step, a.text),
    }
    let what = host.clone().unwrap_or_else(|| name.to_string());
    w.hop(HopKind::Destination, element.clone(), None, Step::Pass, format!("reaches `{what}`"));
    Ok(())
}

/// From outside every VNet (the internet, an Azure service, public addresses).
pub(super) fn outside_in(w: &mut Walk, seen: Seen, dest: &Dest, to_text: &str) -> Go {
    let ctx = w.ctx;
    match dest {
        Dest::Public { .. } => {
            let arrival = match &seen {
                Seen::Internet => Arrival::Public(PublicSrc::Any),
                Seen::Tag(Addr::Tag { tag, .. }) => Arrival::Service(tag.clone()),
                Seen::Ips(ips) => Arrival::Public(PublicSrc::Known(ips.clone())),
                Seen::Public(why) => Arrival::Public(PublicSrc::Unknown(why.clone())),
                _ => Arrival::Public(PublicSrc::Any),
            };
            arrive_public(w, dest, arrival)
        }
        Dest::Private { ip, element, .. } => {
            let src = match &seen {
                Seen::Ips(ips) => Some(ips.as_slice()),
                _ => None,
            };
            let dnat =
                ctx.fw.as_ref().and_then(|fw| Some((fw, firewall::dnat(ctx, ip, w.protocol, w.port, src)?)));
            let Some((fw, (rule, text))) = dnat else {
                let text = format!("{} is a private address: {} cannot reach it", ip_text(ip), seen.text());
                let fix =
                    "publish it through a DNAT rule of the firewall or a public load balancer".to_string();
                return Err(w.deny(HopKind::Route, element.clone(), None, text, Some(fix)));
            };
            w.hop(
                HopKind::Firewall,
                Element::Firewall,
                Some(Element::FirewallNatRule(rule)),
                Step::Allow,
                text,
            );
            let Some(fw_vnet) = fw.vnet else {
                return Err(w.unknown(
                    HopKind::Firewall,
                    Element::Firewall,
                    None,
                    format!("the model does not say which VNet holds `{}`", fw.name),
                ));
            };
            let from = From { vnet: fw_vnet, subnet: fw.subnet, udrs: false };
            let choice = w.route(&from, &Target::Ip(*ip), &format!("`{to_text}`"))?;
            let reached = match choice.next {
                Next::VnetLocal => ctx.vnet_of(ip) == Some(fw_vnet),
                Next::Peering(o) => ctx.vnet_of(ip) == Some(o),
                _ => false,
            };
            if !reached {
                let (note, fix) = peering_note(ctx, fw_vnet, ip).unwrap_or_default();
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
            let fw_addr = fw.ip.or_else(|| fw.subnet.and_then(|s| ctx.net.subnet_prefix(s)));
            let seen = fw_addr.map(Seen::Prefix).unwrap_or(seen);
            arrive_private(w, dest, seen, Crossing { firewall: true, snat: true })
        }
        Dest::NodePublic { compute, subnet, scoring } => node_public(w, seen, *compute, *subnet, *scoring),
        Dest::OnPrem { .. } => {
            let text = format!("the on-premises ranges are private: {} cannot reach them", seen.text());
            let fix = "reach the on-premises network over the VPN or ExpressRoute gateway".to_string();
            Err(w.deny(HopKind::Route, Element::OnPremises, None, text, Some(fix)))
        }
    }
}

/// Inbound to the public address of a compute's nodes or of an AKS scoring load balancer.
fn node_public(w: &mut Walk, seen: Seen, c: usize, subnet: Option<SubnetId>, scoring: bool) -> Go {
    let ctx = w.ctx;
    let Some(comp) = items(&ctx.net.topo().computes).nth(c) else { return Ok(()) };
    let name = comp.name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
    if !scoring && !Net::compute_public_ip(comp) {
        let text = format!("`{name}` has no public IP: nothing outside the VNet reaches it");
        return Err(w.deny(
            HopKind::Destination,
            Element::Compute(c),
            None,
            text,
            Some(format!("reach `{name}` from inside the VNet")),
        ));
    }
    // Azure services reach a compute from the compute's region.
    let seen = match seen {
        Seen::Tag(Addr::Tag { tag, region: None })
            if matches!(tag.as_str(), "BatchNodeManagement" | "AzureMachineLearning") =>
        {
            match ctx.net.compute_region(c) {
                Some(r) => Seen::Tag(Addr::tag(&tag, Some(&r))),
                None => Seen::Tag(Addr::tag(&tag, None)),
            }
        }
        s => s,
    };
    if let Some(s) = subnet {
        w.nsg(s, Direction::Inbound, &seen.peers(), None)?;
    }
    if scoring {
        scoring_port(w, c)?;
    } else {
        let tag = match &seen {
            Seen::Tag(Addr::Tag { tag, .. }) => tag.as_str(),
            _ => "",
        };
        let opened = match (w.protocol, w.port) {
            (FlowProtocol::Tcp, Some(29876 | 29877)) => tag == "BatchNodeManagement",
            (FlowProtocol::Tcp, Some(44224)) => tag == "AzureMachineLearning",
            (FlowProtocol::Tcp, Some(22)) => comp.ssh_public_access.as_ref().is_some_and(|s| s.value),
            _ => false,
        };
        if opened {
            w.hop(
                HopKind::Host,
                Element::Compute(c),
                None,
                Step::Allow,
                format!("the NSG Azure Batch puts on the nodes of `{name}` allows {}", w.port_text()),
            );
        } else {
            let reason = format!(
                "the nodes of `{name}` also have an NSG on their network interfaces, managed by Azure Batch, which the model does not describe beyond its service ports"
            );
            return Err(w.unknown(HopKind::Host, Element::Compute(c), None, reason));
        }
    }
    if let Some(s) = subnet {
        w.reply(s, true, &seen, Crossing::default())?;
    }
    w.hop(HopKind::Destination, Element::Compute(c), None, Step::Pass, format!("reaches `{name}`"));
    Ok(())
}
