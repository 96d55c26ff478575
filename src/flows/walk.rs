//! The trace being built: hops, NSG evaluation (through [`Nsg::evaluate`], the one NSG
//! evaluator), route lookups and the reply's path back.

use ipnet::IpNet;

use super::ctx::Ctx;
use super::route::{self, Choice, From, Lookup, Next, Target};
use super::types::{Element, Hop, HopKind, Step, Verdict};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::facts::{self, Flow};
use crate::topology::model::{Direction, FlowProtocol, Protocol, items};
use crate::topology::resolve::SubnetId;

/// A trace step's outcome: go on, or stop with a verdict.
pub(crate) type Go<T = ()> = Result<T, Verdict>;

/// The source of the traffic as the next device sees it.
#[derive(Clone, Debug)]
pub(crate) enum Seen {
    /// A private prefix or address (a subnet, an on-premises range, the firewall).
    Prefix(IpNet),
    /// An Azure service by its tag.
    Tag(Addr),
    /// Any internet address the model does not list.
    Internet,
    /// Known public addresses.
    Ips(Vec<IpNet>),
    /// A public address the model does not give (the reason names it).
    Public(String),
}

impl Seen {
    /// The addresses NSG rules compare with.
    pub fn peers(&self) -> Vec<Addr> {
        match self {
            Seen::Prefix(n) => vec![Addr::Net(*n)],
            Seen::Tag(t) => vec![t.clone()],
            Seen::Internet | Seen::Public(_) => vec![Addr::tag("Internet", None)],
            Seen::Ips(ips) => ips.iter().map(|i| Addr::Net(*i)).collect(),
        }
    }
    /// Where a reply goes.
    pub fn reply(&self) -> Target {
        match self {
            Seen::Prefix(n) => Target::Ip(*n),
            Seen::Tag(t) => Target::Tag(t.clone()),
            Seen::Ips(ips) if !ips.is_empty() => Target::Ip(ips[0]),
            _ => Target::Public,
        }
    }
    pub fn text(&self) -> String {
        match self {
            Seen::Prefix(n) if n.prefix_len() == n.max_prefix_len() => n.addr().to_string(),
            Seen::Prefix(n) => n.to_string(),
            Seen::Tag(Addr::Tag { tag, region: Some(r) }) => format!("{tag}.{r}"),
            Seen::Tag(Addr::Tag { tag, .. }) => tag.clone(),
            Seen::Tag(a) => format!("{a:?}"),
            Seen::Internet => "the internet".into(),
            Seen::Ips(ips) => {
                ips.iter()
                    .map(|i| {
                        if i.prefix_len() == i.max_prefix_len() {
                            i.addr().to_string()
                        } else {
                            i.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Seen::Public(_) => "a public address".into(),
        }
    }
}

/// Whether the request crossed the firewall, and whether the firewall replaced the source.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Crossing {
    pub firewall: bool,
    pub snat: bool,
}

pub(crate) struct Walk<'c, 'n> {
    pub ctx: &'c Ctx<'n>,
    pub hops: Vec<Hop>,
    pub protocol: FlowProtocol,
    pub port: Option<u32>,
    /// What to change, set by the hop that denies.
    pub fix: Option<String>,
}

impl<'c, 'n> Walk<'c, 'n> {
    pub fn new(ctx: &'c Ctx<'n>, protocol: FlowProtocol, port: Option<u32>) -> Self {
        Walk { ctx, hops: Vec::new(), protocol, port, fix: None }
    }

    pub fn hop(&mut self, kind: HopKind, element: Element, by: Option<Element>, step: Step, text: String) {
        self.hops.push(Hop { kind, element, decided_by: by, step, text });
    }

    /// Record a denying hop and stop.
    pub fn deny(
        &mut self,
        kind: HopKind,
        element: Element,
        by: Option<Element>,
        text: String,
        fix: Option<String>,
    ) -> Verdict {
        self.hop(kind, element, by, Step::Deny, text);
        if self.fix.is_none() {
            self.fix = fix;
        }
        Verdict::Deny
    }

    /// Record an undecidable hop and stop.
    pub fn unknown(
        &mut self,
        kind: HopKind,
        element: Element,
        by: Option<Element>,
        reason: String,
    ) -> Verdict {
        self.hop(kind, element, by, Step::Unknown, format!("unknown: {reason}"));
        Verdict::Unknown(reason)
    }

    pub fn port_range(&self) -> PortRange {
        match self.port {
            Some(p) => PortRange { lo: p, hi: p },
            None => PortRange::ALL,
        }
    }

    pub fn port_text(&self) -> String {
        match self.port {
            Some(p) => format!("{}/{p}", self.protocol),
            None => self.protocol.to_string(),
        }
    }

    fn nsg_protocol(&self) -> Protocol {
        match self.protocol {
            FlowProtocol::Tcp => Protocol::Tcp,
            FlowProtocol::Udp => Protocol::Udp,
            FlowProtocol::Icmp => Protocol::Icmp,
        }
    }

    /// The subnet's NSG on the flow (`peers`: the remote end; `local`: the subnet's end).
    pub fn nsg(
        &mut self,
        subnet: SubnetId,
        direction: Direction,
        peers: &[Addr],
        local: Option<IpNet>,
    ) -> Go {
        let net = self.ctx.net;
        let kind = if direction == Direction::Inbound { HopKind::NsgInbound } else { HopKind::NsgOutbound };
        let label = net.subnet_name(subnet).to_string();
        let Some((ni, nsg)) = net.subnet_nsg(subnet) else {
            self.hop(kind, Element::Subnet(subnet), None, Step::Pass, format!("`{label}` has no NSG"));
            return Ok(());
        };
        let nsg_name = nsg.name.as_ref().map(|n| n.value.as_str()).unwrap_or("?");
        let way = if direction == Direction::Inbound { "inbound" } else { "outbound" };
        for peer in peers {
            let flow = Flow {
                direction,
                protocol: self.nsg_protocol(),
                peer: peer.clone(),
                local: local.or_else(|| net.subnet_prefix(subnet)),
                ports: self.port_range(),
            };
            let verdict = nsg.evaluate(&flow);
            let (by, what) = match verdict {
                facts::Verdict::AllowedBy(i) | facts::Verdict::DeniedBy(i) => {
                    let r = items(&nsg.rules).nth(i);
                    let name = r.and_then(|r| r.name.as_ref()).map(|n| n.value.as_str()).unwrap_or("?");
                    let prio =
                        r.and_then(|r| r.priority.as_ref()).map(|p| format!(" (priority {})", p.value));
                    (
                        Element::NsgRule { nsg: ni, rule: i },
                        format!("rule `{name}`{}", prio.unwrap_or_default()),
                    )
                }
                facts::Verdict::DefaultAllow(name) | facts::Verdict::DefaultDeny(name) => {
                    (Element::NsgDefaultRule { nsg: ni, name }, format!("default rule `{name}`"))
                }
            };
            if !verdict.allowed() {
                let text = format!("`{label}` NSG `{nsg_name}` {what} denies it {way}");
                let target = match direction {
                    Direction::Inbound => format!("from {}", addr_text(peer)),
                    Direction::Outbound => format!("to {}", addr_text(peer)),
                };
                let prio = match verdict {
                    facts::Verdict::DeniedBy(i) => items(&nsg.rules)
                        .nth(i)
                        .and_then(|r| r.priority.as_ref())
                        .map(|p| format!(" with a priority number below {}", p.value))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                let fix = format!(
                    "add an {way} rule to NSG `{nsg_name}` allowing {} {target}{prio}",
                    self.port_text(),
                );
                return Err(self.deny(kind, Element::Nsg(ni), Some(by), text, Some(fix)));
            }
            if peer == peers.last().unwrap_or(peer) {
                self.hop(
                    kind,
                    Element::Nsg(ni),
                    Some(by),
                    Step::Allow,
                    format!("`{label}` NSG `{nsg_name}` {what} allows it {way}"),
                );
            }
        }
        Ok(())
    }

    /// The route from `from` to `target`, recorded as a hop (ambiguity stops the walk).
    pub fn route(&mut self, from: &From, target: &Target, what: &str) -> Go<Choice> {
        match route::lookup(self.ctx, from, target) {
            Lookup::Route(c) => Ok(c),
            Lookup::Ambiguous { chosen, other } => {
                let hint = if matches!(other.next, Next::ServiceEndpoint(_)) {
                    " (a service endpoint carries its own region's addresses: give the VNet and the resource a `region`, or name a regional tag such as `Storage.<region>`)"
                } else {
                    ""
                };
                let reason = format!(
                    "{} may carry it instead of {}: the model cannot tell whether it covers {what}{hint}",
                    other.text, chosen.text
                );
                Err(self.unknown(HopKind::Route, other.by.clone(), Some(other.by), reason))
            }
        }
    }

    /// The reply's path from `subnet` back to `seen`: a firewall that saw one direction only
    /// drops the connection. `udrs`: whether the subnet's route table applies (private
    /// endpoints ignore it unless network policies are enabled).
    pub fn reply(&mut self, subnet: SubnetId, udrs: bool, seen: &Seen, crossing: Crossing) -> Go {
        let ctx = self.ctx;
        let has_table = udrs && ctx.net.subnet_route_table(subnet).is_some();
        if ctx.fw.is_none() && !has_table {
            return Ok(());
        }
        let target = seen.reply();
        let from = From { vnet: subnet.vnet, subnet: Some(subnet), udrs };
        let choice = match route::lookup(ctx, &from, &target) {
            Lookup::Route(c) => c,
            Lookup::Ambiguous { chosen, other } => {
                let reason = format!(
                    "the reply to {} follows {} or {}: the model cannot tell which",
                    seen.text(),
                    chosen.text,
                    other.text
                );
                return Err(self.unknown(HopKind::Return, Element::Subnet(subnet), Some(other.by), reason));
            }
        };
        let fw = ctx.fw.as_ref();
        let fw_name = fw.map(|f| f.name.as_str()).unwrap_or("the firewall");
        let to_fw = matches!(&choice.next, Next::Appliance(Some(ip)) if ctx.firewall_at(ip).is_some());
        let to_fw_itself = match (&target, fw.and_then(|f| f.ip)) {
            (Target::Ip(t), Some(ip)) => {
                t.contains(&ip)
                    || fw
                        .and_then(|f| f.subnet)
                        .and_then(|s| ctx.net.subnet_prefix(s))
                        .is_some_and(|p| p.contains(t))
            }
            _ => false,
        };
        let label = ctx.net.subnet_name(subnet).to_string();
        let by = Some(choice.by.clone());
        let table_fix = |what: &str| match ctx.net.subnet_route_table(subnet) {
            Some((_, rt)) => format!(
                "{what} in route table `{}` of `{label}`",
                rt.name.as_ref().map(|n| n.value.as_str()).unwrap_or("?")
            ),
            None => format!("{what} in a route table on `{label}`"),
        };
        // The firewall saw the request with its original source: it expects the reply.
        let untranslated = crossing.firewall && !crossing.snat;
        if choice.next == Next::Drop {
            let text = format!("the reply from `{label}` to {} takes {}: dropped", seen.text(), choice.text);
            let fix = match (crossing.firewall, fw.and_then(|f| f.ip)) {
                (true, Some(ip)) => table_fix(&format!(
                    "send the reply back through `{fw_name}`: add a route for {} to VirtualAppliance {}",
                    seen.text(),
                    ip.addr()
                )),
                _ if choice.user => table_fix(&format!("route {} somewhere other than `None`", seen.text())),
                _ => format!(
                    "`{label}` has no route back to {}: peer its VNet with the source's, or add a route {}",
                    seen.text(),
                    table_fix("for it")
                ),
            };
            return Err(self.deny(HopKind::Return, Element::Subnet(subnet), by, text, Some(fix)));
        }
        if untranslated && !to_fw {
            let text = format!(
                "asymmetric routing: the reply from `{label}` to {} takes {}, bypassing `{fw_name}`, which saw only the request and drops the connection",
                seen.text(),
                choice.text
            );
            let fw_ip = fw.and_then(|f| f.ip).map(|i| i.addr().to_string()).unwrap_or_default();
            let fix = if udrs {
                table_fix(&format!(
                    "send the reply through `{fw_name}`: add a route for {} to VirtualAppliance {fw_ip}",
                    seen.text()
                ))
            } else {
                format!(
                    "a private endpoint ignores route tables while its subnet's `private_endpoint_network_policies` is `Disabled`: let `{fw_name}` translate the source (an application rule rather than a network rule), or enable the policies on `{label}` and route {} back through `{fw_name}`",
                    seen.text()
                )
            };
            return Err(self.deny(HopKind::Return, Element::Subnet(subnet), by, text, Some(fix)));
        }
        if !untranslated && to_fw && !to_fw_itself {
            let text = format!(
                "asymmetric routing: the reply from `{label}` to {} takes {} to `{fw_name}`, which never saw the request and drops it",
                seen.text(),
                choice.text
            );
            let fix = table_fix(&format!(
                "add a route for {} with next hop `Internet` (or the way the request came)",
                seen.text()
            ));
            return Err(self.deny(HopKind::Return, Element::Subnet(subnet), by, text, Some(fix)));
        }
        self.hop(
            HopKind::Return,
            Element::Subnet(subnet),
            by,
            Step::Pass,
            format!("the reply from `{label}` to {} takes {}: symmetric", seen.text(), choice.text),
        );
        Ok(())
    }
}

/// An address as the trace writes it.
pub(crate) fn addr_text(a: &Addr) -> String {
    match a {
        Addr::Any => "*".into(),
        Addr::Net(n) if n.prefix_len() == n.max_prefix_len() => n.addr().to_string(),
        Addr::Net(n) => n.to_string(),
        Addr::Tag { tag, region: Some(r) } => format!("{tag}.{r}"),
        Addr::Tag { tag, region: None } => tag.clone(),
    }
}
