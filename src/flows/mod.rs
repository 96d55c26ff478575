//! Reachability: the `flows:` of a topology block ("can the training cluster reach the
//! default storage on 445?") answered from the model, with the path.
//!
//! [`evaluate`] walks each flow the way Azure would carry it (see `path.rs`): the source
//! subnet's NSG outbound, name resolution of the destination (private endpoint or public
//! address), the effective route (system routes, peerings, service endpoints, user routes),
//! the Azure Firewall (DNAT, network and application rules), the destination subnet's NSG
//! inbound, what the destination host or resource accepts (its own firewall), and the
//! reply's route back, which must cross a stateful firewall exactly when the request did.
//! The answer is a [`Verdict`] (`Unknown` with the reason where the model does not say
//! enough, never a guess) and a trace of [`Hop`]s naming the element crossed and the one
//! that decided. [`check`] turns flows whose `expect:` the topology contradicts into
//! `flow-mismatch` diagnostics.

mod arrive;
mod ctx;
mod dest;
mod dns;
pub mod endpoint;
mod findings;
mod firewall;
mod forward;
mod path;
pub(crate) mod refs;
mod resource;
mod route;
pub mod types;
mod walk;

use crate::topology::addr::{PortRange, parse_ports};
use crate::topology::model::{FlowProtocol, FlowSpec, PortItem, Ports, items};
use crate::topology::resolve::Net;
use crate::topology::yaml::Sp;
pub use endpoint::{Endpoint, NameError};
pub use findings::check;
pub use types::{Element, FlowResult, Hop, HopKind, ResourceRef, Step, Verdict};

/// Flows of one block that are evaluated; the rest are refused with an `input-limit` error
/// (each flow costs up to the size of the model, so the cost stays linear).
pub const MAX_FLOWS: usize = 1_000;
/// A port range is evaluated at most at this many ports (its boundaries with every rule).
const MAX_PORTS: usize = 256;
/// Work one block may cost: walks × the size of the model (a walk reads each NSG on the
/// path whole), so hostile blocks (many flows, wide port ranges, huge NSGs) stay bounded.
const WORK: usize = 1_000_000;

/// How many more walks the block may cost.
struct Budget(std::cell::Cell<usize>);

impl Budget {
    fn for_block(net: &Net) -> Budget {
        let t = net.topo();
        let nsg_rules: usize = items(&t.nsgs).map(|n| items(&n.rules).len()).sum();
        let routes: usize = items(&t.route_tables).map(|r| items(&r.routes).len()).sum();
        let fw = t.firewall.as_ref().map_or(0, |f| {
            items(&f.network_rules).len() + items(&f.application_rules).len() + items(&f.nat_rules).len()
        });
        let weight = 1 + nsg_rules + routes + fw + net.subnet_ids().count() + net.private_endpoints().len();
        Budget(std::cell::Cell::new((WORK / weight).clamp(64, 50_000)))
    }
    /// Take one walk; `false` when the budget is spent.
    fn take(&self) -> bool {
        let left = self.0.get();
        self.0.set(left.saturating_sub(1));
        left > 0
    }
}

/// The answer when the budget is spent.
fn spent() -> Verdict {
    Verdict::Unknown(
        "not evaluated: the block's flows exceed what one block may cost; narrow the port ranges or split the flows over several blocks"
            .into(),
    )
}

/// An ad-hoc question (`topobook flow`).
#[derive(Clone, Debug)]
pub struct Question {
    pub from: String,
    pub to: String,
    pub protocol: FlowProtocol,
    pub port: Option<PortRange>,
    pub via: Option<String>,
}

/// Evaluate every flow of the block (at most [`MAX_FLOWS`]).
pub fn evaluate(net: &Net) -> Vec<FlowResult> {
    let ctx = ctx::Ctx::new(net);
    let ports = boundaries(net);
    let budget = Budget::for_block(net);
    items(&net.topo().flows)
        .take(MAX_FLOWS)
        .enumerate()
        .map(|(i, f)| spec(&ctx, &ports, &budget, i, f))
        .collect()
}

/// Answer one question on the block. Names that resolve to nothing are an error.
pub fn ask(net: &Net, q: &Question) -> Result<FlowResult, NameError> {
    let from = endpoint::parse(net, &q.from)?;
    endpoint::check_source(&from, &q.from)?;
    let to = endpoint::parse(net, &q.to)?;
    let via = q.via.as_deref().map(|v| endpoint::parse_via(net, v)).transpose()?;
    let ctx = ctx::Ctx::new(net);
    let ports = boundaries(net);
    let mut r = blank(None, q.from.clone(), q.to.clone(), q.protocol, q.port, q.via.clone(), 0..0);
    r.resolved = true;
    answer(&ctx, &ports, &Budget::for_block(net), &mut r, &from, &to, via.as_ref());
    Ok(r)
}

/// A port as written (`445`, `"8000-8010"`).
pub fn port_of(p: &PortItem) -> Option<PortRange> {
    match p {
        PortItem::Number(n) => PortRange::parse(&n.to_string()),
        PortItem::Text(t) => PortRange::parse(t),
    }
}

fn blank(
    index: Option<usize>,
    from: String,
    to: String,
    protocol: FlowProtocol,
    port: Option<PortRange>,
    via: Option<String>,
    span: std::ops::Range<usize>,
) -> FlowResult {
    FlowResult {
        index,
        from,
        to,
        protocol,
        port,
        expect: None,
        via,
        verdict: Verdict::Unknown(String::new()),
        via_crossed: None,
        hops: Vec::new(),
        deciding: None,
        fix: None,
        span,
        resolved: false,
    }
}

fn spec(ctx: &ctx::Ctx, ports: &[u32], budget: &Budget, index: usize, f: &Sp<FlowSpec>) -> FlowResult {
    let text = |s: &Option<Sp<String>>| s.as_ref().map(|s| s.value.trim().to_string()).unwrap_or_default();
    let protocol = f.protocol.as_ref().map(|p| p.value).unwrap_or(FlowProtocol::Tcp);
    let port = f.port.as_ref().and_then(|p| port_of(&p.value));
    let via_text = f.via.as_ref().map(|v| v.value.trim().to_string());
    let mut r = blank(Some(index), text(&f.from), text(&f.to), protocol, port, via_text, f.span.clone());
    r.expect = f.expect.as_ref().map(|e| e.value);
    let net = ctx.net;
    let parsed = (|| -> Result<_, NameError> {
        let from = endpoint::parse(net, &r.from)?;
        endpoint::check_source(&from, &r.from)?;
        let to = endpoint::parse(net, &r.to)?;
        let via = r.via.as_deref().map(|v| endpoint::parse_via(net, v)).transpose()?;
        Ok((from, to, via))
    })();
    match parsed {
        Ok((from, to, via)) => {
            r.resolved = true;
            answer(ctx, ports, budget, &mut r, &from, &to, via.as_ref())
        }
        Err(e) => r.verdict = Verdict::Unknown(e.message),
    }
    r
}

/// Walk the flow (every critical port of a range) and fill the result.
fn answer(
    ctx: &ctx::Ctx,
    ports: &[u32],
    budget: &Budget,
    r: &mut FlowResult,
    from: &Endpoint,
    to: &Endpoint,
    via: Option<&Element>,
) {
    let (verdict, hops, fix) = match (r.protocol, r.port) {
        (FlowProtocol::Icmp, _) if budget.take() => path::walk(ctx, from, to, &r.to, r.protocol, None),
        (FlowProtocol::Icmp, _) => (spent(), Vec::new(), None),
        (_, None) => (Verdict::Unknown("the flow has no valid `port`".into()), Vec::new(), None),
        (_, Some(range)) => {
            let mut first = None;
            let mut outcome = None;
            for p in critical(ports, range) {
                if !budget.take() {
                    outcome = Some((spent(), Vec::new(), None));
                    break;
                }
                let (v, mut hops, fix) = path::walk(ctx, from, to, &r.to, r.protocol, Some(p));
                if v != Verdict::Allow {
                    if range.lo != range.hi
                        && let Some(h) = hops.first_mut()
                    {
                        h.text.push_str(&format!(" (port {p} of {}-{})", range.lo, range.hi));
                    }
                    outcome = Some((v, hops, fix));
                    break;
                }
                first.get_or_insert((v, hops, fix));
            }
            outcome.or(first).unwrap_or((Verdict::Unknown("empty port range".into()), Vec::new(), None))
        }
    };
    r.verdict = verdict;
    r.hops = hops;
    r.fix = fix;
    r.deciding = r
        .hops
        .iter()
        .position(|h| matches!(h.step, Step::Deny | Step::Unknown))
        .or_else(|| r.hops.iter().rposition(|h| h.step == Step::Allow))
        .or_else(|| r.hops.len().checked_sub(1));
    if let Some(v) = via {
        r.via_crossed = Some(r.hops.iter().any(|h| crosses(ctx.net, h, v)));
    }
}

/// Does a hop cross `via` (directly, or through what it belongs to)?
fn crosses(net: &Net, h: &Hop, via: &Element) -> bool {
    let holds = |e: &Element| {
        e.within(via)
            || match (e, via) {
                (Element::Compute(c), Element::Subnet(s)) => net.compute_subnet(*c) == Some(*s),
                (Element::Compute(c), Element::Vnet(v)) => net.compute_vnet(*c) == Some(*v),
                _ => false,
            }
    };
    holds(&h.element) || h.decided_by.as_ref().is_some_and(holds)
}

/// The ports at which the verdict on a range can change: its ends and the ends of every
/// rule's range inside it (NSG, firewall, DNAT), each side of each end.
fn critical(bounds: &[u32], range: PortRange) -> Vec<u32> {
    if range.lo == range.hi {
        return vec![range.lo];
    }
    let mut out = vec![range.lo, range.hi];
    out.extend(bounds.iter().copied().filter(|p| range.lo <= *p && *p <= range.hi));
    out.sort_unstable();
    out.dedup();
    out.truncate(MAX_PORTS);
    out
}

/// Every port where some rule's range starts or ends (and the ports just outside).
fn boundaries(net: &Net) -> Vec<u32> {
    let t = net.topo();
    let mut ranges: Vec<PortRange> = Vec::new();
    for nsg in items(&t.nsgs) {
        for r in items(&nsg.rules) {
            match r.destination_ports.as_ref().map(|p| &p.value) {
                Some(Ports::Number(n)) => ranges.extend(PortRange::parse(&n.to_string())),
                Some(Ports::Text(s)) => ranges.extend(parse_ports(s).unwrap_or_default()),
                Some(Ports::List(l)) => ranges.extend(l.iter().filter_map(port_of)),
                None => {}
            }
        }
    }
    if let Some(fw) = &t.firewall {
        for r in items(&fw.network_rules) {
            ranges.extend(items(&r.ports).flat_map(|p| parse_ports(&p.value).unwrap_or_default()));
        }
        for r in items(&fw.nat_rules) {
            ranges.extend(r.port.as_ref().and_then(|p| port_of(&p.value)));
            ranges.extend(r.translated_port.as_ref().and_then(|p| port_of(&p.value)));
        }
    }
    let mut out: Vec<u32> = [22, 80, 443, 445, 1433, 29876, 29877, 44224].to_vec();
    for r in ranges {
        out.extend([r.lo.saturating_sub(1), r.lo, r.hi, r.hi.saturating_add(1).min(65535)]);
    }
    out.sort_unstable();
    out.dedup();
    out
}
