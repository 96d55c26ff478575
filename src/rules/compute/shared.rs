//! Helpers shared by the training-compute rules (and the firewall rules that speak about the
//! compute subnets): which subnets hold training compute, NSG requirements on them, and the
//! internet routes a forced-tunnelled compute subnet needs.

use std::ops::Range;

use crate::rules::{Eval, Findings};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::egress::{InternetRoute, Tunnel};
use crate::topology::facts::{Flow, Verdict};
use crate::topology::model::{Compute, ComputeType, Direction, Protocol, items};
use crate::topology::node::{Loc, Node};
use crate::topology::resolve::{Net, SubnetId};
use crate::topology::yaml::Sp;

/// Compute instances and compute clusters.
pub const TRAINING: &[ComputeType] = &[ComputeType::ComputeInstance, ComputeType::ComputeCluster];

/// The value of an optional name, or `?`.
pub fn name(n: &Option<Sp<String>>) -> &str {
    n.as_ref().map(|n| n.value.as_str()).unwrap_or("?")
}

/// Where a compute's placement is written: its `subnet` value, else `vnet`, else the compute.
pub fn placement(c: &Sp<Compute>, index: usize) -> (Range<usize>, Loc) {
    match (&c.subnet, &c.vnet) {
        (Some(s), _) => (s.span.clone(), Node::Compute(index).field("subnet")),
        (None, Some(v)) => (v.span.clone(), Node::Compute(index).field("vnet")),
        (None, None) => (c.span.clone(), Loc::from(Node::Compute(index))),
    }
}

/// A subnet holding computes of some kinds, with the first such compute (its index).
#[derive(Clone, Copy, Debug)]
pub struct ComputeSubnet {
    pub subnet: SubnetId,
    pub compute: usize,
}

/// Subnets (resolved, each once) holding computes of `kinds`, in order of first appearance.
pub fn compute_subnets(net: &Net, kinds: &[ComputeType]) -> Vec<ComputeSubnet> {
    let mut out: Vec<ComputeSubnet> = Vec::new();
    for (ci, _) in net.computes_of(kinds) {
        if let Some(sid) = net.compute_subnet(ci)
            && !out.iter().any(|s| s.subnet == sid)
        {
            out.push(ComputeSubnet { subnet: sid, compute: ci });
        }
    }
    out
}

/// The name of compute `i`.
pub fn compute_name(net: &Net, i: usize) -> &str {
    items(&net.topo().computes).nth(i).map(|c| name(&c.name)).unwrap_or("?")
}

/// `29876-29877` or `44224`.
pub fn ports_label(p: PortRange) -> String {
    if p.lo == p.hi { p.lo.to_string() } else { format!("{}-{}", p.lo, p.hi) }
}

/// Require that the NSG of every subnet holding computes of `kinds` allows inbound TCP on
/// `ports` from service tag `tag`, evaluated by priority with Azure's default rules. A subnet
/// without NSG passes (Azure Batch brings its own NSG on the nodes' interfaces).
pub fn require_inbound(
    net: &Net,
    out: &mut Findings,
    kinds: &[ComputeType],
    tag: &str,
    ports: PortRange,
) -> Eval {
    let subnets = compute_subnets(net, kinds);
    let mut evaluated = false;
    for cs in subnets {
        let Some(subnet) = net.subnet(cs.subnet) else { continue };
        let Some(nsg_ref) = &subnet.nsg else {
            evaluated = true;
            continue;
        };
        let Some((ni, nsg)) = net.subnet_nsg(cs.subnet) else {
            continue; // the NSG is outside the block
        };
        evaluated = true;
        // The compute's region; in a block without any region, the NSG's own regional tag.
        let region = net.compute_region(cs.compute).or_else(|| {
            let addrs = items(&nsg.rules).filter_map(|r| r.source.as_ref()).map(|a| a.value.as_str());
            crate::topology::addr::tag_region_in(tag, addrs)
        });
        // Each port on its own: two rules may cover `29876` and `29877` separately.
        let flows = (ports.lo..=ports.hi)
            .map(|p| Flow {
                direction: Direction::Inbound,
                protocol: Protocol::Tcp,
                peer: Addr::tag(tag, region.as_deref()),
                local: None,
                ports: PortRange { lo: p, hi: p },
            })
            .collect();
        let Some((_, verdicts)) = net.subnet_flows(cs.subnet, flows) else { continue };
        let Some(v) = verdicts.into_iter().find(|v| !v.allowed()) else { continue };
        let label = net.subnet_label(cs.subnet);
        let (cname, what) = items(&net.topo().computes)
            .nth(cs.compute)
            .map(|c| (name(&c.name), kind_label(c)))
            .unwrap_or(("?", "compute"));
        let plabel = ports_label(ports);
        match v {
            Verdict::DeniedBy(ri) => {
                let rule = items(&nsg.rules).nth(ri);
                let rname = rule.map(|r| name(&r.name)).unwrap_or("?");
                let (span, path) = match rule.and_then(|r| r.access.as_ref()) {
                    Some(a) => (a.span.clone(), Node::NsgRule { nsg: ni, rule: ri }.field("access")),
                    None => (
                        rule.map(|r| r.span.clone()).unwrap_or(nsg.span.clone()),
                        Loc::from(Node::NsgRule { nsg: ni, rule: ri }),
                    ),
                };
                out.push(
                    span,
                    path,
                    format!(
                        "rule `{rname}` of NSG `{}` denies inbound TCP {plabel} from `{tag}` to subnet `{label}` ({what} `{cname}`)",
                        nsg_ref.value
                    ),
                )
                .label("denied before any rule allows it")
                .help(format!(
                    "add an `Allow` rule for TCP {plabel} from `{tag}` with a lower priority number than `{rname}`"
                ));
            }
            _ => {
                let near = near_miss(nsg, tag, ports, region.as_deref());
                let (span, path, why, help) = match near {
                    Some((ri, NearMiss::Region(span, r))) => (
                        span,
                        Node::NsgRule { nsg: ni, rule: ri }.field("source"),
                        format!("; rule `{}` allows `{tag}.{r}`, another region", rule_name(nsg, ri)),
                        Some(match &region {
                            Some(want) => format!("set the source to `{tag}` or `{tag}.{want}`"),
                            None => format!("set the source to `{tag}`"),
                        }),
                    ),
                    Some((ri, NearMiss::Protocol(span))) => (
                        span,
                        Node::NsgRule { nsg: ni, rule: ri }.field("protocol"),
                        format!("; rule `{}` is not for TCP", rule_name(nsg, ri)),
                        Some("set `protocol: Tcp` (or `*`) on this rule".to_string()),
                    ),
                    None => match &nsg.rules {
                        Some(l) => (l.span.clone(), Node::Nsg(ni).field("rules"), String::new(), None),
                        None => (nsg.span.clone(), Loc::from(Node::Nsg(ni)), String::new(), None),
                    },
                };
                let f = out.push(
                    span,
                    path,
                    format!(
                        "NSG `{}` of subnet `{label}` does not allow inbound TCP {plabel} from `{tag}` ({what} `{cname}`){why}",
                        nsg_ref.value
                    ),
                )
                .label("Azure's `DenyAllInBound` drops this traffic");
                if let Some(h) = help {
                    f.help(h);
                }
            }
        }
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no compute of this kind sits in a subnet of the block")
    }
}

/// Why an inbound `Allow` rule for the right tag and ports still does not apply.
enum NearMiss {
    /// Its source is the tag of another region (span of the source, that region).
    Region(Range<usize>, String),
    /// Its protocol is not TCP (span of the protocol).
    Protocol(Range<usize>),
}

fn rule_name(nsg: &crate::topology::model::Nsg, i: usize) -> &str {
    items(&nsg.rules).nth(i).map(|r| name(&r.name)).unwrap_or("?")
}

/// An inbound `Allow` rule that names `tag` and covers `ports` but misses by its region or
/// protocol: the finding then points at the value to change.
fn near_miss(
    nsg: &crate::topology::model::Nsg,
    tag: &str,
    ports: PortRange,
    region: Option<&str>,
) -> Option<(usize, NearMiss)> {
    use crate::topology::model::RuleAccess;
    items(&nsg.rules).enumerate().find_map(|(i, r)| {
        let inbound = r.direction.as_ref().is_some_and(|d| d.value == Direction::Inbound);
        let allow = r.access.as_ref().is_none_or(|a| a.value == RuleAccess::Allow);
        let src = r.source.as_ref()?;
        let Ok(Addr::Tag { tag: t, region: rr }) = Addr::parse(&src.value) else { return None };
        let port_ok = (ports.lo..=ports.hi).all(|p| r.covers_ports(&PortRange { lo: p, hi: p }));
        if !(inbound && allow && t == tag && port_ok) {
            return None;
        }
        match (rr, region) {
            (Some(rr), Some(want)) if rr != want => return Some((i, NearMiss::Region(src.span.clone(), rr))),
            _ => {}
        }
        match &r.protocol {
            Some(p) if p.value != Protocol::Tcp && p.value != Protocol::Any => {
                Some((i, NearMiss::Protocol(p.span.clone())))
            }
            _ => None,
        }
    })
}

/// The tags a forced-tunnelled public-IP compute subnet must send straight to the internet.
pub const UDR_TAGS: &[&str] = &["BatchNodeManagement", "AzureMachineLearning"];

/// Check that the route table behind `tunnel` sends every tag of [`UDR_TAGS`] (in `region`,
/// or the region of the table's own regional routes) to `Internet`. Reports one finding per
/// missing tag. `why` ends the message ("... sends `0.0.0.0/0` to the firewall").
pub fn require_internet_routes(
    net: &Net,
    out: &mut Findings,
    cs: ComputeSubnet,
    tunnel: Tunnel,
    region: Option<&str>,
    hop_label: &str,
    nat_ok: bool,
) {
    let Some(rt) = items(&net.topo().route_tables).nth(tunnel.route_table) else { return };
    let rt_name = name(&rt.name);
    let ti = tunnel.route_table;
    let mut missing: Vec<String> = Vec::new();
    for tag in UDR_TAGS {
        let region = match region {
            Some(r) => Some(r.to_string()),
            None => crate::topology::addr::tag_region_in(
                tag,
                items(&rt.routes)
                    .flat_map(|r| [r.prefix.as_ref(), r.service_tag.as_ref()])
                    .flatten()
                    .map(|s| s.value.as_str()),
            ),
        };
        let want = Addr::tag(tag, region.as_deref());
        let shown = match &region {
            Some(r) => format!("{tag}.{r}"),
            None => tag.to_string(),
        };
        match rt.internet_route_for(&want) {
            InternetRoute::System
            | InternetRoute::ServiceTag(_)
            | InternetRoute::Annotated(_)
            | InternetRoute::UnlabelledPrefix(_) => {}
            InternetRoute::Elsewhere { route, hop } if route != tunnel.route => {
                let r = items(&rt.routes).nth(route);
                let (span, path) = match r.and_then(|r| r.next_hop.as_ref()) {
                    Some(h) => (h.span.clone(), Node::Route { table: ti, route }.field("next_hop")),
                    None => (rt.span.clone(), Loc::from(Node::Route { table: ti, route })),
                };
                out.push(
                    span,
                    path,
                    format!(
                        "route table `{rt_name}` sends `{shown}` to `{hop}`, not `Internet`, from subnet `{}` (compute `{}`)",
                        net.subnet_label(cs.subnet),
                        compute_name(net, cs.compute)
                    ),
                )
                .help("set `next_hop: Internet` on this route");
            }
            InternetRoute::Elsewhere { .. } => missing.push(shown),
        }
    }
    if missing.is_empty() {
        return;
    }
    let (span, path) = match &rt.routes {
        Some(l) => (l.span.clone(), Node::RouteTable(ti).field("routes")),
        None => (rt.span.clone(), Loc::from(Node::RouteTable(ti))),
    };
    let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(" and ");
    let routes = missing
        .iter()
        .map(|m| format!("`{{prefix: {m}, next_hop: Internet}}`"))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(
        span,
        path,
        format!(
            "route table `{rt_name}` of subnet `{}` sends `0.0.0.0/0` to {hop_label} but has no route sending {list} to `Internet` (compute `{}`)",
            net.subnet_label(cs.subnet),
            compute_name(net, cs.compute)
        ),
    )
    .label("the compute's replies leave through the wrong path")
    .help(if nat_ok {
        format!("add the route(s) {routes}, or give the subnet a NAT gateway (`nat_gateway: true`)")
    } else {
        format!("add the route(s) {routes}")
    });
}

/// `compute instance`, `compute cluster`, `AKS cluster`... for messages.
pub fn kind_label(c: &Compute) -> &'static str {
    match c.kind.as_ref().map(|k| k.value) {
        Some(ComputeType::ComputeInstance) => "compute instance",
        Some(ComputeType::ComputeCluster) => "compute cluster",
        Some(ComputeType::Aks) => "AKS cluster",
        Some(ComputeType::Aci) => "container instance",
        Some(ComputeType::Databricks) => "Databricks workspace",
        Some(ComputeType::Vm) => "virtual machine",
        Some(ComputeType::HdInsight) => "HDInsight cluster",
        Some(ComputeType::Kubernetes) => "attached Kubernetes cluster",
        None => "compute",
    }
}
