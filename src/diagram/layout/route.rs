//! Connector routing in channels and gutters.
//!
//! Every connector runs through exactly one vertical channel: one beside its two ends (see
//! [`super::arrange`]); of two, the left one for clients, DNS zones, peerings and forced-tunnel
//! routes, the right one for PaaS services and the internet. Each end reaches the channel on a
//! horizontal "stub" at its own height: from a port row of a side box, from a port in the
//! header band of a VNet or subnet, from a gutter lane under a resource's row, or straight
//! down from the internet band or from the bottom of the hub (its peerings). Heights are unique per zone, so
//! stubs never run along each other; the vertical parts get lanes of the channel, shared when
//! their spans do not overlap, in the order (out of a few candidates) that crosses least.
//!
//! Connectors of one kind that share an end (the forced-tunnel routes into a firewall, the
//! service endpoints of a subnet, the VNet links of a DNS zone box, the public-IP drops from
//! the internet band) form a bundle: one port, one lane, a trunk with a branch per connector.

use super::arrange::{Arrangement, Place};
use super::boxes::{BORDER_PORT, PAD, PORT_ROW, PORT_SIZE, fitted, lh};
use super::{GUTTER_LANE, GUTTER_TOP, Label, Placed};
use crate::diagram::scene::{Id, Kind, Mode, Scene, Side};

/// Margin between a channel's outer lanes and the boxes beside it (room for arrowheads).
const CH_PAD: f32 = 12.0;
const LANE: f32 = 7.0;
/// Channel width when it carries nothing but separates two columns.
const CH_EMPTY: f32 = 28.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum End {
    Side(Id),
    Band,
    /// The bottom edge of the hub, for its peerings.
    Bottom(Id),
    Border(Id),
    Node(Id),
}

/// Which channel each edge takes and how many ports each element needs.
pub(crate) struct Plan {
    /// The channel of each edge: `0..=columns`, left to right.
    pub channel: Vec<usize>,
    pub channels: usize,
    /// Every edge found a channel beside both its ends (always so in one column).
    pub feasible: bool,
    /// The first edge of each edge's bundle (itself when alone).
    pub leader: Vec<usize>,
    /// The end (0: from, 1: to) a bundle shares.
    pub shared: Vec<Option<usize>>,
    pub ends: Vec<[(End, Id); 2]>,
    pub side_ports: Vec<Vec<usize>>,
    /// Per container: edges on its left and right border (by index, [`border`]).
    pub border_ports: Vec<[Vec<usize>; 2]>,
    pub node_exits: Vec<Vec<usize>>,
}

impl Plan {
    /// The element at the other end of edge `e` from `id`.
    pub fn other(&self, e: usize, id: Id) -> Id {
        let [(_, a), (_, b)] = self.ends[e];
        if a == id { b } else { a }
    }
}

/// Index of the border (0: left, 1: right) an element leaves by.
fn border(left: bool) -> usize {
    if left { 0 } else { 1 }
}

/// The channel of an edge, or `None` when its two ends share none (the arrangement does not
/// fit this scene); `true` when it is a peering of the hub going down from its bottom edge.
fn channel_of(arr: &Arrangement, from: Id, to: Id, mode: Mode) -> Option<(usize, bool)> {
    if mode == Mode::Peering && arr.columns >= 2 && arr.hub.is_some() {
        let hub = arr.hub;
        let column = |x: Id| matches!(arr.place[x], Place::Column(_));
        if (Some(from) == hub && column(to)) || (Some(to) == hub && column(from)) {
            return Some((1, true));
        }
    }
    let a = arr.channels(from);
    let b = arr.channels(to);
    let both: Vec<usize> = a.iter().copied().filter(|c| b.contains(c)).collect();
    let leftish = matches!(mode, Mode::Peering | Mode::Route | Mode::Link);
    let pick = if leftish { both.iter().min() } else { both.iter().max() };
    pick.map(|&c| (c, false))
}

pub(super) fn plan(scene: &Scene, arr: &Arrangement) -> Plan {
    let n = scene.elems.len();
    let mut p = Plan {
        channels: arr.columns + 1,
        feasible: true,
        channel: Vec::with_capacity(scene.edges.len()),
        leader: Vec::with_capacity(scene.edges.len()),
        shared: Vec::with_capacity(scene.edges.len()),
        ends: Vec::with_capacity(scene.edges.len()),
        side_ports: vec![Vec::new(); n],
        border_ports: vec![[Vec::new(), Vec::new()]; n],
        node_exits: vec![Vec::new(); n],
    };
    let peer_hub = super::arrange::hub(scene);
    for (i, e) in scene.edges.iter().enumerate() {
        let kinds = [scene.elems[e.from].kind, scene.elems[e.to].kind];
        let (channel, down) = channel_of(arr, e.from, e.to, e.mode).unwrap_or_else(|| {
            p.feasible = false;
            (0, false)
        });
        // Peerings of the hub share its port and a lane: a trunk with a branch per spoke.
        let hub = if down { arr.hub } else { peer_hub };
        let hub_slot = if hub == Some(e.from) {
            Some(0)
        } else if hub == Some(e.to) {
            Some(1)
        } else {
            None
        };
        let shared = match e.mode {
            Mode::Route => Some(1),
            Mode::Link | Mode::Service => Some(0),
            Mode::Public if kinds[0] == Kind::Band => Some(0),
            Mode::Peering => hub_slot,
            _ => None,
        };
        let end_of = |x: &crate::diagram::scene::Edge, s: usize| if s == 0 { x.from } else { x.to };
        // A bundle: edges of one kind in one channel that share an element at their shared
        // ends (the hub may be either end of its peerings).
        let leader = shared
            .and_then(|s| {
                (0..i).find(|&j| {
                    let o = &scene.edges[j];
                    p.shared[j].is_some_and(|sj| end_of(o, sj) == end_of(e, s))
                        && o.mode == e.mode
                        && p.channel[j] == channel
                })
            })
            .unwrap_or(i);
        let mut ends = [(End::Band, e.from), (End::Band, e.to)];
        for (slot, id) in [e.from, e.to].into_iter().enumerate() {
            if leader != i && shared == Some(slot) {
                // The bundle's leader holds the shared port.
                let ls = p.shared[leader].unwrap_or(slot);
                ends[slot] = (p.ends[leader][ls].0, id);
                continue;
            }
            let end = match scene.elems[id].kind {
                Kind::Vnet if down && Some(slot) == hub_slot => End::Bottom(id),
                Kind::Side(_) => {
                    p.side_ports[id].push(i);
                    End::Side(id)
                }
                Kind::Band => End::Band,
                Kind::Node => {
                    p.node_exits[id].push(i);
                    End::Node(id)
                }
                Kind::Vnet | Kind::Subnet | Kind::Loose | Kind::Chip => {
                    p.border_ports[id][border(arr.leaves_left(id, channel))].push(i);
                    End::Border(id)
                }
            };
            ends[slot] = (end, id);
        }
        p.channel.push(channel);
        p.leader.push(leader);
        p.shared.push(shared);
        p.ends.push(ends);
    }
    p
}

/// Roughly where connectors to an element start, for ordering ports and aligning boxes.
pub(super) fn anchor_y(scene: &Scene, placed: &[Placed], id: Id) -> Option<f32> {
    let r = placed[id].rect;
    match scene.elems[id].kind {
        Kind::Band => None,
        Kind::Node => Some(r.bottom() + GUTTER_TOP),
        Kind::Side(_) => Some(r.y + placed[id].ports_top + PORT_ROW / 2.0),
        _ => Some(r.y + 8.0),
    }
}

/// From which side a stub joins its channel lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Approach {
    Left,
    Right,
    Top,
}

/// How one end of an edge joins its channel: at height `y`, from `approach`; nodes first
/// drop from `x` (an offset from their left edge) on their bottom edge into the gutter lane.
#[derive(Clone, Copy, Debug)]
pub(super) struct Stub {
    pub y: f32,
    pub approach: Approach,
    pub x: f32,
}

/// How a stub from an element of the VNets joins its channel: from the right when the element
/// leaves to its left.
fn approach(leaves_left: bool) -> Approach {
    if leaves_left { Approach::Right } else { Approach::Left }
}

/// Ports: the height of every stub, and the port-row labels of the side boxes (relative to
/// their box).
pub(super) fn stubs(
    scene: &Scene,
    arr: &Arrangement,
    plan: &Plan,
    placed: &[Placed],
) -> (Vec<[Stub; 2]>, Vec<(Id, Label)>) {
    let blank = Stub { y: 0.0, approach: Approach::Top, x: 0.0 };
    let mut out = vec![[blank; 2]; scene.edges.len()];
    let mut labels = Vec::new();
    let slot = |e: usize, id: Id| if plan.ends[e][0].1 == id { 0 } else { 1 };
    let order = |placed: &[Placed], id: Id, edges: &[usize]| {
        let mut v: Vec<(f32, usize)> =
            edges.iter().map(|&e| (anchor_y(scene, placed, plan.other(e, id)).unwrap_or(-1e9), e)).collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        v.into_iter().map(|(_, e)| e).collect::<Vec<_>>()
    };
    for id in 0..scene.elems.len() {
        let kind = scene.elems[id].kind;
        if let Place::Side(side) = arr.place[id]
            && !plan.side_ports[id].is_empty()
        {
            let edges = order(placed, id, &plan.side_ports[id]);
            let p = &placed[id];
            for (i, &e) in edges.iter().enumerate() {
                let top = p.ports_top + i as f32 * PORT_ROW;
                let edge = &scene.edges[e];
                let members: Vec<usize> = (0..scene.edges.len()).filter(|&m| plan.leader[m] == e).collect();
                let joined;
                let text = if members.len() > 1 && edge.mode == Mode::Link {
                    let names: Vec<&str> =
                        members.iter().map(|&m| scene.elems[scene.edges[m].to].name.as_str()).collect();
                    joined = format!("linked to {}", names.join(", "));
                    joined.as_str()
                } else if edge.label.is_empty() {
                    edge.mode.legend()
                } else {
                    edge.label.as_str()
                };
                let x = if side == Side::Right { PAD + 3.0 } else { PAD };
                let mut l = fitted(
                    x,
                    top + (PORT_ROW - lh(PORT_SIZE)) / 2.0,
                    p.rect.w - 2.0 * PAD - 3.0,
                    PORT_SIZE,
                    false,
                    "tb-port",
                    text,
                );
                l.class = port_class(edge.mode);
                labels.push((id, l));
                let y = p.rect.y + top + PORT_ROW / 2.0;
                let approach = if side == Side::Left { Approach::Left } else { Approach::Right };
                out[e][slot(e, id)] = Stub { y, approach, x: 0.0 };
            }
        }
        for (si, ports) in plan.border_ports[id].iter().enumerate() {
            let edges = order(placed, id, ports);
            for (i, &e) in edges.iter().enumerate() {
                let y = placed[id].rect.y + 6.0 + i as f32 * BORDER_PORT;
                out[e][slot(e, id)] = Stub { y, approach: approach(si == 0), x: 0.0 };
            }
        }
        if kind == Kind::Vnet {
            for (e, ends) in plan.ends.iter().enumerate() {
                for (s, (end, _)) in ends.iter().enumerate() {
                    if *end == End::Bottom(id) {
                        out[e][s] = Stub { y: placed[id].rect.bottom(), approach: Approach::Top, x: 0.0 };
                    }
                }
            }
        }
        if kind == Kind::Band {
            for (e, ends) in plan.ends.iter().enumerate() {
                for (s, (end, _)) in ends.iter().enumerate() {
                    if *end == End::Band {
                        out[e][s] = Stub { y: placed[id].rect.bottom(), approach: Approach::Top, x: 0.0 };
                    }
                }
            }
        }
        // Gutter lanes of each row of a container.
        for row in &placed[id].rows {
            // (leaves left, x, edge, node)
            let mut exits: Vec<(bool, f32, usize, Id)> = Vec::new();
            for &node in &row.nodes {
                let r = placed[node].rect;
                let mut mine: Vec<(bool, usize)> = plan.node_exits[node]
                    .iter()
                    .map(|&e| (arr.leaves_left(node, plan.channel[e]), e))
                    .collect();
                mine.sort_by_key(|&(left, e)| (!left, e));
                let m = mine.len() as f32;
                for (i, (left, e)) in mine.into_iter().enumerate() {
                    exits.push((left, r.x + r.w * (i as f32 + 1.0) / (m + 1.0), e, node));
                }
            }
            // Rightward exits first, the rightmost on the top lane; then leftward ones.
            exits.sort_by(|a, b| match (a.0, b.0) {
                (false, false) => b.1.total_cmp(&a.1),
                (true, true) => a.1.total_cmp(&b.1),
                (false, true) => std::cmp::Ordering::Less,
                (true, false) => std::cmp::Ordering::Greater,
            });
            let base = placed[id].rect.y + row.top + row.height + GUTTER_TOP;
            for (lane, (left, x, e, node)) in exits.into_iter().enumerate() {
                let y = base + lane as f32 * GUTTER_LANE;
                // Offsets from the node's left edge: x positions are not final yet.
                let x = x - placed[node].rect.x;
                out[e][slot(e, node)] = Stub { y, approach: approach(left), x };
            }
        }
    }
    // Members of a bundle share their leader's stub at the shared end.
    for e in 0..scene.edges.len() {
        if let (Some(s), l) = (plan.shared[e], plan.leader[e])
            && l != e
        {
            out[e][s] = out[l][plan.shared[l].unwrap_or(s)];
        }
    }
    (out, labels)
}

/// Two horizontal stubs closer than this read as one line.
const NEAR: f32 = 3.0;

/// A side box to move down, and by how much, so that none of its port stubs comes within
/// [`NEAR`] of a stub joining the same channel from the other side: between the two lanes
/// the two stubs would run along each other, whichever lane lies left. Such pairs always
/// have a side box at one end (in the right channel only side boxes come from the right, in
/// the left channel only side boxes come from the left), and side boxes can move freely.
pub(super) fn near_miss(plan: &Plan, stubs: &[[Stub; 2]]) -> Option<(Id, f32)> {
    for (a, sa) in stubs.iter().enumerate() {
        for (slot, s) in sa.iter().enumerate() {
            let End::Side(id) = plan.ends[a][slot].0 else { continue };
            for (b, sb) in stubs.iter().enumerate() {
                if plan.channel[a] != plan.channel[b] || plan.leader[a] == plan.leader[b] {
                    continue;
                }
                for o in sb.iter() {
                    let opposite = matches!(
                        (s.approach, o.approach),
                        (Approach::Left, Approach::Right) | (Approach::Right, Approach::Left)
                    );
                    if opposite && (s.y - o.y).abs() < NEAR {
                        return Some((id, o.y + NEAR - s.y));
                    }
                }
            }
        }
    }
    None
}

fn port_class(mode: Mode) -> &'static str {
    match mode {
        Mode::Private => "tb-port tb-port-private",
        Mode::Service => "tb-port tb-port-service",
        Mode::Public => "tb-port tb-port-public",
        Mode::Link => "tb-port tb-port-link",
        Mode::Peering => "tb-port tb-port-peering",
        Mode::Route => "tb-port tb-port-route",
    }
}

/// The lane of every edge in its channel.
pub(super) struct Lanes {
    pub lane: Vec<usize>,
    pub count: Vec<usize>,
}

/// Width of a channel of `lanes` lanes; `needed` when it must separate two columns even if
/// empty.
pub(super) fn channel_width(lanes: usize, needed: bool) -> f32 {
    match lanes {
        0 if needed => CH_EMPTY,
        0 => 0.0,
        c => 2.0 * CH_PAD + (c - 1) as f32 * LANE,
    }
}

impl Lanes {
    pub fn width(&self, channel: usize, needed: bool) -> f32 {
        channel_width(self.count.get(channel).copied().unwrap_or(0), needed)
    }
}

/// The most lanes channel `channel` can need: one per bundle.
pub(super) fn max_lanes(plan: &Plan, channel: usize) -> usize {
    (0..plan.channel.len()).filter(|&e| plan.channel[e] == channel && plan.leader[e] == e).count()
}

fn span(s: &[Stub; 2]) -> (f32, f32) {
    (s[0].y.min(s[1].y), s[0].y.max(s[1].y))
}

/// Crossings between connectors for a lane assignment (lower lane index = further left).
fn crossings(edges: &[usize], lane: &[usize], stubs: &[[Stub; 2]]) -> usize {
    let mut n = 0;
    for (i, &a) in edges.iter().enumerate() {
        for &b in &edges[i + 1..] {
            if lane[a] == lane[b] {
                continue;
            }
            let (l, r) = if lane[a] < lane[b] { (a, b) } else { (b, a) };
            let (il, ir) = (span(&stubs[l]), span(&stubs[r]));
            let inside = |y: f32, (lo, hi): (f32, f32)| y > lo && y < hi;
            n += stubs[r].iter().filter(|s| s.approach == Approach::Left && inside(s.y, il)).count();
            n += stubs[l].iter().filter(|s| s.approach == Approach::Right && inside(s.y, ir)).count();
        }
    }
    n
}

/// Assign lanes first-fit in the given order; returns the number of lanes.
fn first_fit(order: &[usize], stubs: &[[Stub; 2]], lane: &mut [usize]) -> usize {
    let mut lanes: Vec<Vec<(f32, f32)>> = Vec::new();
    for &e in order {
        let (lo, hi) = span(&stubs[e]);
        let free = lanes.iter().position(|spans| spans.iter().all(|&(a, b)| hi + 6.0 < a || lo > b + 6.0));
        let l = match free {
            Some(l) => l,
            None => {
                lanes.push(Vec::new());
                lanes.len() - 1
            }
        };
        lanes[l].push((lo, hi));
        lane[e] = l;
    }
    lanes.len()
}

pub(super) fn lanes(scene: &Scene, plan: &Plan, stubs: &[[Stub; 2]]) -> Lanes {
    let mut lane = vec![0; scene.edges.len()];
    let mut count = vec![0; plan.channels];
    for (side, used_lanes) in count.iter_mut().enumerate() {
        let edges: Vec<usize> = (0..scene.edges.len()).filter(|&e| plan.channel[e] == side).collect();
        if edges.is_empty() {
            continue;
        }
        type Key = fn(&[Stub; 2]) -> f32;
        let keys: [Key; 5] = [
            |s| span(s).0,
            |s| -span(s).0,
            |s| span(s).1,
            |s| -span(s).1,
            |s| s.iter().filter(|x| x.approach != Approach::Left).map(|x| -x.y).sum::<f32>(),
        ];
        // A bundle takes one lane over the union of its members' spans.
        let units: Vec<usize> = edges.iter().copied().filter(|&e| plan.leader[e] == e).collect();
        let mut unit_span: Vec<[Stub; 2]> = stubs.to_vec();
        for &e in &edges {
            let l = plan.leader[e];
            let (lo, hi) = span(&stubs[e]);
            let (ulo, uhi) = span(&unit_span[l]);
            unit_span[l][0].y = lo.min(ulo);
            unit_span[l][1].y = hi.max(uhi);
        }
        let mut best: Option<(usize, usize, Vec<usize>)> = None;
        for key in keys {
            let mut order = units.clone();
            order.sort_by(|&a, &b| key(&unit_span[a]).total_cmp(&key(&unit_span[b])).then(a.cmp(&b)));
            let mut trial = lane.clone();
            let used = first_fit(&order, &unit_span, &mut trial);
            for &e in &edges {
                trial[e] = trial[plan.leader[e]];
            }
            let cost = crossings(&edges, &trial, stubs);
            if best.as_ref().is_none_or(|(c, u, _)| (cost, used) < (*c, *u)) {
                best = Some((cost, used, trial));
            }
        }
        if let Some((_, used, trial)) = best {
            for &e in &edges {
                lane[e] = trial[e];
            }
            *used_lanes = used;
        }
    }
    Lanes { lane, count }
}

/// The points from an element to its channel lane at `lane_x`.
fn stub_points(end: End, s: Stub, lane_x: f32, placed: &[Placed]) -> Vec<(f32, f32)> {
    let edge_x = |id: Id| {
        let r = placed[id].rect;
        if s.approach == Approach::Left { r.right() } else { r.x }
    };
    match end {
        End::Band | End::Bottom(_) => vec![(lane_x, s.y)],
        End::Side(id) | End::Border(id) => vec![(edge_x(id), s.y), (lane_x, s.y)],
        End::Node(id) => {
            let x = placed[id].rect.x + s.x;
            vec![(x, placed[id].rect.bottom()), (x, s.y), (lane_x, s.y)]
        }
    }
}

/// Drop repeated points and the middle of straight runs.
fn simplify(points: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    let mut out: Vec<(f32, f32)> = Vec::with_capacity(points.len());
    for p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            if (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1) {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

pub(super) fn polylines(
    scene: &Scene,
    plan: &Plan,
    placed: &[Placed],
    stubs: &[[Stub; 2]],
    lanes: &Lanes,
    channel_x: &[f32],
) -> Vec<Vec<(f32, f32)>> {
    (0..scene.edges.len())
        .map(|e| {
            let lane_x = channel_x[plan.channel[e]] + CH_PAD + lanes.lane[e] as f32 * LANE;
            let [(from, _), (to, _)] = plan.ends[e];
            let mut pts = stub_points(from, stubs[e][0], lane_x, placed);
            let mut back = stub_points(to, stubs[e][1], lane_x, placed);
            back.reverse();
            pts.extend(back);
            simplify(pts)
        })
        .collect()
}
