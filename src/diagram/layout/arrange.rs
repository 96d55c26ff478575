//! Where the VNets and the side boxes go: one column of VNets (small topologies), or a hub
//! across the top with its spokes in two columns under it.
//!
//! Every connector runs through one vertical channel, and an element can only reach the
//! channels beside it: a VNet of column `c` (and everything in it) the channels `c` and
//! `c + 1`, a VNet across all columns the two outer ones, a side box the channel of its side,
//! the internet band the two outer ones. A side box therefore connects to VNets of one column
//! only; the arrangement keeps such VNets together and puts the box on their side, so every
//! connector has a channel (see [`Arrangement::channels`]).

use super::super::scene::{Id, Kind, Mode, Scene, Side};

/// Where an element sits, for routing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// In (or being) a VNet of a column.
    Column(usize),
    /// In (or being) a VNet across all columns.
    Wide,
    Side(Side),
    Band,
}

/// The arrangement of a scene's VNets and side boxes.
#[derive(Clone, Debug)]
pub(crate) struct Arrangement {
    /// Number of VNet columns (1 or 2); channels are `0..=columns`.
    pub columns: usize,
    /// VNets across all columns, on top (the hub).
    pub wide: Vec<Id>,
    /// The VNets of each column, top to bottom.
    pub stacks: Vec<Vec<Id>>,
    pub left: Vec<Id>,
    pub right: Vec<Id>,
    /// The hub: a wide VNet whose peerings run down the channel between the columns.
    pub hub: Option<Id>,
    /// At most two resources side by side in a VNet (else three when there is room).
    pub narrow: bool,
    /// Per element.
    pub place: Vec<Place>,
}

/// The VNet each element is in (itself for a VNet).
pub(crate) fn vnet_of(scene: &Scene) -> Vec<Option<Id>> {
    // Parents come before their children, so one pass in order is enough.
    let mut out: Vec<Option<Id>> = vec![None; scene.elems.len()];
    for (id, e) in scene.elems.iter().enumerate() {
        out[id] = if e.kind == Kind::Vnet {
            Some(id)
        } else {
            e.parent.and_then(|p| out.get(p).copied().flatten())
        };
    }
    out
}

/// The hub of a hub-and-spoke network: the VNet peered with the most others (at least two);
/// on a tie, the one holding a firewall, then the first.
pub(crate) fn hub(scene: &Scene) -> Option<Id> {
    let mut peers = vec![0usize; scene.elems.len()];
    for e in scene.edges.iter().filter(|e| e.mode == Mode::Peering) {
        peers[e.from] += 1;
        peers[e.to] += 1;
    }
    let vnet = vnet_of(scene);
    let has_firewall = |v: Id| {
        scene.elems.iter().enumerate().any(|(i, e)| {
            e.kind == Kind::Node && e.icon == super::super::scene::Icon::Firewall && vnet[i] == Some(v)
        })
    };
    scene
        .vnets
        .iter()
        .copied()
        .filter(|&v| peers[v] >= 2)
        .max_by(|&a, &b| (peers[a], has_firewall(a)).cmp(&(peers[b], has_firewall(b))).then(b.cmp(&a)))
}

impl Arrangement {
    fn places(scene: &Scene, wide: &[Id], stacks: &[Vec<Id>], left: &[Id], right: &[Id]) -> Vec<Place> {
        let vnet = vnet_of(scene);
        let mut column = vec![None; scene.elems.len()];
        for (c, stack) in stacks.iter().enumerate() {
            for &v in stack {
                column[v] = Some(c);
            }
        }
        (0..scene.elems.len())
            .map(|id| match scene.elems[id].kind {
                Kind::Band => Place::Band,
                Kind::Side(_) if left.contains(&id) => Place::Side(Side::Left),
                Kind::Side(_) if right.contains(&id) => Place::Side(Side::Right),
                Kind::Side(s) => Place::Side(s),
                _ => match vnet[id] {
                    Some(v) if wide.contains(&v) => Place::Wide,
                    Some(v) => Place::Column(column[v].unwrap_or(0)),
                    None => Place::Column(0),
                },
            })
            .collect()
    }

    /// All VNets in one column (the hub first), side boxes on their own side; or, `narrow`,
    /// all on the right and at most two resources side by side (a narrower diagram).
    pub fn single(scene: &Scene, narrow: bool) -> Arrangement {
        let mut vnets = scene.vnets.clone();
        if let Some(h) = hub(scene) {
            vnets.retain(|&v| v != h);
            vnets.insert(0, h);
        }
        let stacks = vec![vnets];
        let (left, right) = if narrow && !scene.vnets.is_empty() {
            (Vec::new(), scene.right.iter().chain(&scene.left).copied().collect())
        } else {
            (scene.left.clone(), scene.right.clone())
        };
        let place = Self::places(scene, &[], &stacks, &left, &right);
        Arrangement { columns: 1, wide: Vec::new(), stacks, left, right, hub: None, narrow, place }
    }

    /// Two columns of VNets, under the hub when `wide_hub` and there is one, balanced by
    /// `height` (of a VNet at the width of a column). A side box connected to VNets of a column stands on
    /// that column's side; the others stay on their own side, or all go right when
    /// `right_only` (no left column: a narrower diagram). `None` when there are fewer than two
    /// VNets to share.
    pub fn split(
        scene: &Scene,
        height: &dyn Fn(Id) -> f32,
        wide_hub: bool,
        right_only: bool,
    ) -> Option<Arrangement> {
        let hub = if wide_hub { hub(scene) } else { None };
        let wide: Vec<Id> = hub.into_iter().collect();
        let rest: Vec<Id> = scene.vnets.iter().copied().filter(|v| Some(*v) != hub).collect();
        if rest.len() < 2 {
            return None;
        }
        let vnet = vnet_of(scene);
        // VNets a side box connects to must share a column: group them.
        let mut group: Vec<usize> = (0..rest.len()).collect();
        fn find(g: &mut [usize], i: usize) -> usize {
            let mut r = i;
            while g[r] != r {
                r = g[r];
            }
            let mut i = i;
            while g[i] != r {
                let n = g[i];
                g[i] = r;
                i = n;
            }
            r
        }
        let index = |v: Id| rest.iter().position(|&r| r == v);
        let side_ids: Vec<Id> = scene.left.iter().chain(&scene.right).copied().collect();
        // Per side box: the column-VNets (indices into `rest`) it connects to.
        let touched: Vec<(Id, Vec<usize>)> = side_ids
            .iter()
            .map(|&s| {
                let mut t: Vec<usize> = scene
                    .edges
                    .iter()
                    .filter_map(|e| {
                        let other = if e.from == s {
                            e.to
                        } else if e.to == s {
                            e.from
                        } else {
                            return None;
                        };
                        vnet[other].and_then(index)
                    })
                    .collect();
                t.sort_unstable();
                t.dedup();
                (s, t)
            })
            .collect();
        for (_, t) in &touched {
            for w in t.windows(2) {
                let (a, b) = (find(&mut group, w[0]), find(&mut group, w[1]));
                if a != b {
                    group[a.max(b)] = a.min(b);
                }
            }
        }
        let roots: Vec<usize> = {
            let mut r: Vec<usize> = (0..rest.len()).map(|i| find(&mut group, i)).collect();
            r.sort_unstable();
            r.dedup();
            r
        };
        if roots.len() < 2 {
            return None;
        }
        let members = |root: usize, g: &mut [usize]| -> Vec<usize> {
            (0..rest.len()).filter(|&i| find(g, i) == root).collect()
        };
        let groups: Vec<Vec<usize>> = roots.iter().map(|&r| members(r, &mut group)).collect();
        let heights: Vec<f32> =
            groups.iter().map(|m| m.iter().map(|&i| height(rest[i]) + 18.0).sum()).collect();
        // Which side each group's boxes would rather be on: right for PaaS services.
        let pull: Vec<i32> = groups
            .iter()
            .map(|m| {
                touched
                    .iter()
                    .filter(|(_, t)| t.iter().any(|i| m.contains(i)))
                    .map(|(s, _)| if scene.right.contains(s) { 1 } else { -1 })
                    .sum()
            })
            .collect();
        // Best split: the taller column as short as possible; boxes away from their side cost.
        let g = groups.len();
        let cost = |mask: u64| -> (f32, u64) {
            let mut h = [0.0f32; 2];
            let mut moved = 0.0;
            for i in 0..g {
                let c = ((mask >> i) & 1) as usize;
                h[c] += heights[i];
                if (c == 0 && pull[i] > 0) || (c == 1 && pull[i] < 0) {
                    moved += pull[i].unsigned_abs() as f32 * 120.0;
                }
            }
            // The heavier column on the right, where the services are: a deterministic order.
            (h[0].max(h[1]) + moved + if h[1] < h[0] { 1.0 } else { 0.0 }, mask)
        };
        let best = if g <= 14 {
            (1..(1u64 << g) - 1).map(cost).min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))?.1
        } else {
            // Longest first, each to the shorter column.
            let mut order: Vec<usize> = (0..g).collect();
            order.sort_by(|&a, &b| heights[b].total_cmp(&heights[a]).then(a.cmp(&b)));
            let (mut h, mut mask) = ([0.0f32; 2], 0u64);
            for i in order {
                let c = if h[1] <= h[0] { 1 } else { 0 };
                h[c] += heights[i];
                if c == 1 && i < 64 {
                    mask |= 1 << i;
                }
            }
            mask
        };
        let mut stacks = vec![Vec::new(), Vec::new()];
        for (gi, m) in groups.iter().enumerate() {
            let c = if gi < 64 { ((best >> gi) & 1) as usize } else { 0 };
            stacks[c].extend(m.iter().map(|&i| rest[i]));
        }
        // The hub leads its column; the others keep their order.
        let leader = self::hub(scene);
        for s in &mut stacks {
            s.sort_by_key(|&v| (Some(v) != leader, scene.vnets.iter().position(|&x| x == v)));
        }
        let column_of = |i: usize| stacks.iter().position(|s| s.contains(&rest[i])).unwrap_or(0);
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for (s, t) in &touched {
            let side = match t.first() {
                Some(&i) if column_of(i) == 0 => Side::Left,
                Some(_) => Side::Right,
                None if right_only => Side::Right,
                None if scene.left.contains(s) => Side::Left,
                None => Side::Right,
            };
            match side {
                Side::Left => left.push(*s),
                Side::Right => right.push(*s),
            }
        }
        let place = Self::places(scene, &wide, &stacks, &left, &right);
        Some(Arrangement { columns: 2, wide, stacks, left, right, hub, narrow: true, place })
    }

    /// The channels an element can reach.
    pub fn channels(&self, id: Id) -> Vec<usize> {
        let m = self.columns;
        match self.place[id] {
            Place::Column(c) => vec![c, c + 1],
            Place::Wide | Place::Band => vec![0, m],
            Place::Side(Side::Left) => vec![0],
            Place::Side(Side::Right) => vec![m],
        }
    }

    /// Does an element leave towards channel `ch` on its left (`true`) or its right?
    pub fn leaves_left(&self, id: Id, ch: usize) -> bool {
        match self.place[id] {
            Place::Column(c) => ch <= c,
            Place::Wide | Place::Band => ch == 0,
            Place::Side(Side::Left) => false,
            Place::Side(Side::Right) => true,
        }
    }
}
