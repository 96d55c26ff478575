//! Geometry of the diagram, written for this domain: containment first.
//!
//! Columns, left to right: clients and DNS (side boxes) · a routing channel · the VNets, each
//! holding its subnets, each subnet its tags and its resources in rows · a routing channel ·
//! the Azure PaaS services (side boxes). The VNets stand in one column, or, when that would be
//! too tall to read, the hub across the top and the other VNets in two columns under it with
//! a channel between them ([`arrange`]). In a wide VNet, subnets whose connectors all leave on
//! one side sit two to a row when that makes the VNet shorter. The public internet is a band
//! across the top; the legend and the scenario table sit under everything.
//!
//! Connectors never cross a box they do not belong to: a resource's connector drops into the
//! gutter under its row, runs along it to the edge of its subnet and VNet, turns into a lane
//! of the channel, and enters its target through a port row (side boxes) or a port in the
//! header band of a container. Heights do not depend on x, so the layout is computed in that
//! order: sizes, y positions, ports and channel lanes, x positions, polylines.

mod arrange;
mod boxes;
mod legend;
mod route;

pub(crate) use boxes::{BADGE_H, BADGE_ICON, BADGE_SIZE};
pub(crate) use legend::Legend;

use super::scene::{Id, Kind, Scene};
use crate::diag::Diagnostic;
use crate::diagram::status::Badge;
use arrange::Arrangement;
pub(crate) use arrange::hub;
use boxes::{NODE_CARD, PAD, SIDE_CARD, card, subnet_header, vnet_header};

pub(crate) const MARGIN: f32 = 12.0;
/// The narrowest diagram: small topologies are centred in it, so every diagram of a page is
/// drawn at the same scale.
pub(crate) const MIN_WIDTH: f32 = 760.0;
/// The widest diagram that is still readable in a page's content column: 702 px wide in the
/// default theme, where the smallest labels (10 units) then show at 9 px or more.
pub(crate) const READABLE_WIDTH: f32 = 780.0;
/// The tallest shape that still fits a 16:10 screen at that scale: width / height.
pub(crate) const MIN_ASPECT: f32 = 0.6;
const LEFT_W: f32 = 180.0;
/// The narrowest left column: boxes of short texts take no more room than they need.
const LEFT_MIN_W: f32 = 100.0;
/// The left column when there is no VNet column: the room is free.
const LEFT_W_ALONE: f32 = 240.0;
const RIGHT_W: f32 = 190.0;
pub(crate) const NODE_W: f32 = 144.0;
const NODE_GAP: f32 = 10.0;
const VPAD: f32 = 10.0;
const CHILD_GAP: f32 = 10.0;
const VNET_GAP: f32 = 18.0;
const SIDE_GAP: f32 = 12.0;
const ROW_GAP: f32 = 8.0;
const GUTTER_LANE: f32 = 5.0;
/// First gutter lane below a row: room for an arrowhead.
const GUTTER_TOP: f32 = 9.0;
pub(crate) const BAND_H: f32 = 30.0;
const BAND_GAP: f32 = 22.0;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
}

/// A line of text; `x`/`y` (baseline) relative to its element's box.
#[derive(Clone, Debug)]
pub(crate) struct Label {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub bold: bool,
    pub class: &'static str,
    /// Anchored at its end (`text-anchor="end"`).
    pub end: bool,
    pub text: String,
    /// The whole text, when the shown one was cut.
    pub full: Option<String>,
}

/// A status badge (the findings of one rule on one element); its rect is relative to its
/// element's box.
#[derive(Clone, Debug)]
pub(crate) struct BadgeBox {
    pub badge: Badge,
    pub rect: Rect,
    pub text: String,
}

/// A row of resources in a subnet, with its gutter.
#[derive(Clone, Debug, Default)]
pub(crate) struct Row {
    /// Relative to the container.
    pub top: f32,
    pub height: f32,
    pub nodes: Vec<Id>,
}

/// The geometry of one element.
#[derive(Clone, Debug, Default)]
pub(crate) struct Placed {
    /// Absolute once the layout is done (relative to the parent while it is computed).
    pub rect: Rect,
    pub labels: Vec<Label>,
    pub badges: Vec<BadgeBox>,
    /// Icon position and size, relative.
    pub icon: Option<(f32, f32, f32)>,
    /// A rule above the port rows, relative y.
    pub divider: Option<f32>,
    pub ports_top: f32,
    pub rows: Vec<Row>,
}

/// The finished geometry.
#[derive(Clone, Debug, Default)]
pub(crate) struct Layout {
    pub width: f32,
    pub height: f32,
    pub placed: Vec<Placed>,
    /// One polyline per edge of the scene.
    pub routes: Vec<Vec<(f32, f32)>>,
    /// Findings on the block as a whole, at the top.
    pub strip: Option<Placed>,
    pub legend: Option<Legend>,
}

impl Layout {
    /// Readable in a page's content column and not taller than a screen allows.
    pub fn fits(&self) -> bool {
        self.width <= READABLE_WIDTH && self.width >= MIN_ASPECT * self.height
    }

    /// How far from fitting, lower is better: 1 when it fits; else how much too tall (a
    /// diagram that scrolls is still read); anything too wide to read is worse than that.
    pub fn misfit(&self) -> f32 {
        let tall = (MIN_ASPECT * self.height / self.width.max(1.0)).max(1.0);
        if self.width <= READABLE_WIDTH { tall } else { 1000.0 * self.width / READABLE_WIDTH + tall }
    }
}

fn node_children(scene: &Scene, id: Id) -> impl Iterator<Item = Id> + '_ {
    scene.elems[id].children.iter().copied().filter(|&c| scene.elems[c].kind == Kind::Node)
}

/// The width a side box needs for its texts on one line each (its name may wrap).
fn natural_width(scene: &Scene, plan: &route::Plan, id: Id) -> f32 {
    use crate::diagram::text::text_width;
    let e = &scene.elems[id];
    let mut w = SIDE_CARD.icon + 5.0 + text_width(&e.caption, boxes::CAPTION_SIZE, false);
    w = w.max(text_width(&e.name, SIDE_CARD.name_size, true) * 0.6);
    for l in &e.lines {
        w = w.max(text_width(l, boxes::LINE_SIZE, false));
    }
    for &edge in &plan.side_ports[id] {
        let edge = &scene.edges[edge];
        let label = if edge.label.is_empty() { edge.mode.legend() } else { edge.label.as_str() };
        w = w.max(text_width(label, boxes::PORT_SIZE, false) + 3.0);
    }
    (w + 2.0 * PAD).ceil()
}

/// Width of a VNet holding `k` resources side by side.
fn vnet_width(k: usize) -> f32 {
    2.0 * VPAD + 2.0 * PAD + k as f32 * NODE_W + k.saturating_sub(1) as f32 * NODE_GAP
}

/// What sizing needs besides the scene.
struct Ctx<'a> {
    scene: &'a Scene,
    diags: &'a [Diagnostic],
    arr: &'a Arrangement,
    plan: &'a route::Plan,
}

/// Lay out a container (subnet or loose area) of width `w`: header, chips, rows of nodes
/// with their gutters. Children get positions relative to it.
fn size_container(cx: &Ctx, placed: &mut [Placed], id: Id, w: f32) {
    let (scene, plan) = (cx.scene, cx.plan);
    let e = &scene.elems[id];
    let mut chips: Vec<(usize, &super::scene::Elem, Placed)> = e
        .children
        .iter()
        .filter(|&&c| scene.elems[c].kind == Kind::Chip)
        .map(|&c| (c, &scene.elems[c], Placed::default()))
        .collect();
    let mut p = Placed::default();
    let ports = plan.border_ports[id].iter().map(Vec::len).max().unwrap_or(0);
    let mut y = if e.kind == Kind::Subnet {
        let mut refs: Vec<(usize, &super::scene::Elem, &mut Placed)> =
            chips.iter_mut().map(|(c, e, p)| (*c, *e, p)).collect();
        subnet_header(e, &mut refs, cx.diags, &mut p, w, ports)
    } else {
        4.0
    };
    for (c, _, cp) in chips {
        placed[c] = cp;
    }
    let mut node_w = NODE_W.min(w - 2.0 * PAD);
    let k = (((w - 2.0 * PAD + NODE_GAP) / (node_w + NODE_GAP)).floor() as usize).max(1);
    let nodes: Vec<Id> = node_children(scene, id).collect();
    for &n in &nodes {
        placed[n] = card(&scene.elems[n], cx.diags, node_w, NODE_CARD, 0);
    }
    // Fewer resources than fit in a row: wider cards, when that makes them shorter (badges
    // side by side, names on one line).
    if !nodes.is_empty() && nodes.len() < k {
        let count = nodes.len() as f32;
        let wide = ((w - 2.0 * PAD - (count - 1.0) * NODE_GAP) / count).min(2.0 * NODE_W).floor();
        let tallest = |cards: &mut dyn Iterator<Item = f32>| cards.fold(0.0, f32::max);
        let before = tallest(&mut nodes.iter().map(|&n| placed[n].rect.h));
        let cards: Vec<Placed> =
            nodes.iter().map(|&n| card(&scene.elems[n], cx.diags, wide, NODE_CARD, 0)).collect();
        if tallest(&mut cards.iter().map(|c| c.rect.h)) < before {
            node_w = wide;
            for (&n, c) in nodes.iter().zip(cards) {
                placed[n] = c;
            }
        }
    }
    for chunk in nodes.chunks(k) {
        let height = chunk.iter().map(|&n| placed[n].rect.h).fold(0.0, f32::max);
        for (col, &n) in chunk.iter().enumerate() {
            placed[n].rect.x = PAD + col as f32 * (node_w + NODE_GAP);
            placed[n].rect.y = y;
        }
        let lanes: usize = chunk.iter().map(|&n| plan.node_exits[n].len()).sum();
        p.rows.push(Row { top: y, height, nodes: chunk.to_vec() });
        y += height + if lanes == 0 { ROW_GAP } else { GUTTER_TOP + (lanes - 1) as f32 * GUTTER_LANE + 7.0 };
    }
    if nodes.is_empty() && e.kind == Kind::Subnet {
        y += 2.0;
    }
    p.rect = Rect { x: VPAD, y: 0.0, w, h: y.max(8.0) };
    placed[id] = p;
}

/// The borders (left, right) by which connectors leave a container and what it holds.
fn sides_needed(cx: &Ctx, id: Id) -> [bool; 2] {
    let (scene, plan) = (cx.scene, cx.plan);
    let mut need = [false; 2];
    let mut mark = |c: Id| {
        need[0] |= !plan.border_ports[c][0].is_empty();
        need[1] |= !plan.border_ports[c][1].is_empty();
        for &e in &plan.node_exits[c] {
            need[usize::from(!cx.arr.leaves_left(c, plan.channel[e]))] = true;
        }
    };
    mark(id);
    for &c in &scene.elems[id].children {
        mark(c);
    }
    need
}

/// One row of a VNet's children: one across, or two side by side (slots left and right).
#[derive(Clone, Copy, Debug)]
enum ChildRow {
    Full(Id),
    Half([Option<Id>; 2]),
}

/// Rows of two subnets where their connectors allow (a subnet on the left half may only
/// leave to the left, one on the right half only to the right), in order; `None` when no
/// two subnets pair up.
fn pair_children(cx: &Ctx, id: Id) -> Option<Vec<ChildRow>> {
    let scene = cx.scene;
    let children = &scene.elems[id].children;
    if children.len() < 3 {
        return None;
    }
    let mut rows: Vec<ChildRow> = Vec::new();
    for &c in children {
        let need = sides_needed(cx, c);
        let allowed = [!need[1], !need[0]];
        if scene.elems[c].kind != Kind::Subnet || !(allowed[0] || allowed[1]) {
            rows.push(ChildRow::Full(c));
            continue;
        }
        if let Some(ChildRow::Half(slots)) = rows.last_mut()
            && let Some(s) = (0..2).find(|&s| slots[s].is_none() && allowed[s])
        {
            slots[s] = Some(c);
            continue;
        }
        let s = if allowed[0] { 0 } else { 1 };
        let mut slots = [None, None];
        slots[s] = Some(c);
        rows.push(ChildRow::Half(slots));
    }
    let mut paired = false;
    for r in &mut rows {
        if let ChildRow::Half(slots) = *r {
            match slots {
                [Some(a), None] | [None, Some(a)] => *r = ChildRow::Full(a),
                _ => paired = true,
            }
        }
    }
    paired.then_some(rows)
}

/// Lay out a VNet and everything in it at width `w`; positions relative to the VNet.
fn size_vnet(cx: &Ctx, placed: &mut [Placed], id: Id, w: f32) {
    let inner = w - 2.0 * VPAD;
    let children = cx.scene.elems[id].children.clone();
    for &c in &children {
        size_container(cx, placed, c, inner);
    }
    let stacked: f32 = children.iter().map(|&c| placed[c].rect.h + CHILD_GAP).sum();
    let half = (inner - CHILD_GAP) / 2.0;
    let mut rows: Vec<ChildRow> = children.iter().map(|&c| ChildRow::Full(c)).collect();
    if half >= NODE_W * 0.9 + 2.0 * PAD
        && let Some(paired) = pair_children(cx, id)
    {
        let mut height = 0.0;
        for r in &paired {
            height += CHILD_GAP
                + match *r {
                    ChildRow::Full(c) => placed[c].rect.h,
                    ChildRow::Half(slots) => {
                        let mut h: f32 = 0.0;
                        for c in slots.into_iter().flatten() {
                            size_container(cx, placed, c, half);
                            h = h.max(placed[c].rect.h);
                        }
                        h
                    }
                };
        }
        if height < stacked * 0.9 {
            rows = paired;
        } else {
            for &c in &children {
                size_container(cx, placed, c, inner);
            }
        }
    }
    let mut p = Placed::default();
    let ports = cx.plan.border_ports[id].iter().map(Vec::len).max().unwrap_or(0);
    let mut y = vnet_header(&cx.scene.elems[id], cx.diags, &mut p, w, ports);
    for r in rows {
        match r {
            ChildRow::Full(c) => {
                placed[c].rect.y = y;
                y += placed[c].rect.h + CHILD_GAP;
            }
            ChildRow::Half(slots) => {
                let mut h: f32 = 0.0;
                for (s, c) in slots.into_iter().enumerate() {
                    if let Some(c) = c {
                        placed[c].rect.x = VPAD + s as f32 * (half + CHILD_GAP);
                        placed[c].rect.y = y;
                        h = h.max(placed[c].rect.h);
                    }
                }
                y += h + CHILD_GAP;
            }
        }
    }
    p.rect = Rect { x: 0.0, y: 0.0, w, h: y - CHILD_GAP + VPAD };
    placed[id] = p;
}

/// Tops for boxes of heights `h` stacked in order at least `gap` apart and not above `top`,
/// as close as possible (least squares, pool-adjacent-violators) to their desired tops.
fn stack(top: f32, gap: f32, boxes: &[(f32, Option<f32>)]) -> Vec<f32> {
    let mut offset = 0.0;
    // Blocks of (weighted mean of z, weight, count), z = desired - offset.
    let mut blocks: Vec<(f32, f32, usize)> = Vec::new();
    let mut offsets = Vec::with_capacity(boxes.len());
    for &(h, want) in boxes {
        let (z, wt) = match want {
            Some(d) => (d - offset, 1.0),
            None => (top, 0.001),
        };
        offsets.push(offset);
        offset += h + gap;
        blocks.push((z, wt, 1));
        while blocks.len() > 1 {
            let (z2, w2, n2) = blocks[blocks.len() - 1];
            let (z1, w1, n1) = blocks[blocks.len() - 2];
            if z1 <= z2 {
                break;
            }
            blocks.truncate(blocks.len() - 2);
            blocks.push(((z1 * w1 + z2 * w2) / (w1 + w2), w1 + w2, n1 + n2));
        }
    }
    let mut out = Vec::with_capacity(boxes.len());
    for (z, _, n) in blocks {
        for _ in 0..n {
            let i = out.len();
            out.push(z.max(top) + offsets[i]);
        }
    }
    out
}

/// Compute the whole layout: the VNets in one column when that is readable, else in two
/// under the hub, whichever fits a page best.
pub(crate) fn layout(scene: &Scene, diags: &[Diagnostic], with_legend: bool) -> Layout {
    let single = Arrangement::single(scene, false);
    let (mut best, _) = arranged(scene, diags, &single, with_legend);
    if best.fits() {
        return best;
    }
    if best.width > READABLE_WIDTH {
        // Too wide: the side boxes all on the right, two resources side by side.
        let (l, _) = arranged(scene, diags, &Arrangement::single(scene, true), with_legend);
        if l.misfit() < best.misfit() {
            best = l;
        }
    }
    if best.fits() || scene.vnets.len() < 2 {
        return best;
    }
    // Heights of the VNets at the width of a column, to balance the two columns; measured
    // only when some side boxes let the VNets be shared between columns.
    let heights = std::cell::OnceCell::new();
    let height = |v: Id| {
        let h = heights.get_or_init(|| {
            let plan = route::plan(scene, &single);
            let cx = Ctx { scene, diags, arr: &single, plan: &plan };
            let mut placed = vec![Placed::default(); scene.elems.len()];
            let mut h = vec![0.0; scene.elems.len()];
            for &v in &scene.vnets {
                size_vnet(&cx, &mut placed, v, vnet_width(1));
                h[v] = placed[v].rect.h;
            }
            h
        });
        h.get(v).copied().unwrap_or(0.0)
    };
    let variants: &[(bool, bool)] = if arrange::hub(scene).is_some() {
        &[(true, false), (true, true), (false, false)]
    } else {
        &[(false, false), (false, true)]
    };
    for &(wide_hub, right_only) in variants {
        let Some(arr) = Arrangement::split(scene, &height, wide_hub, right_only) else { continue };
        let (l, feasible) = arranged(scene, diags, &arr, with_legend);
        if feasible && l.misfit() < best.misfit() {
            best = l;
            if best.fits() {
                break;
            }
        }
    }
    best
}

/// The layout of one arrangement, and whether every connector found a channel (an empty
/// layout when not).
fn arranged(scene: &Scene, diags: &[Diagnostic], arr: &Arrangement, with_legend: bool) -> (Layout, bool) {
    let n = scene.elems.len();
    let plan = route::plan(scene, arr);
    if !plan.feasible {
        return (Layout::default(), false);
    }
    let cx = Ctx { scene, diags, arr, plan: &plan };
    let mut placed = vec![Placed::default(); n];
    let has_left = !arr.left.is_empty();
    let has_vnets = !scene.vnets.is_empty();
    let m = arr.columns;
    let left_w = if has_vnets {
        arr.left.iter().map(|&id| natural_width(scene, &plan, id)).fold(LEFT_MIN_W, f32::max).min(LEFT_W)
    } else {
        LEFT_W_ALONE
    };
    let col_w = if !has_vnets {
        0.0
    } else if m == 1 {
        let max_nodes = (0..n).map(|i| node_children(scene, i).count()).max().unwrap_or(0);
        vnet_width((if has_left || arr.narrow { 2 } else { 3 }).min(max_nodes.max(2)))
    } else {
        vnet_width(1)
    };
    // Channels between columns: as wide as they may need, known before the wide VNets are
    // sized across them.
    let inner: Vec<f32> = (1..m).map(|c| route::channel_width(route::max_lanes(&plan, c), true)).collect();
    let wide_w = col_w * m as f32 + inner.iter().sum::<f32>();

    // Sizes.
    for &id in &arr.left {
        placed[id] = card(&scene.elems[id], diags, left_w, SIDE_CARD, plan.side_ports[id].len());
    }
    for &id in &arr.right {
        placed[id] = card(&scene.elems[id], diags, RIGHT_W, SIDE_CARD, plan.side_ports[id].len());
    }
    for &v in &arr.wide {
        size_vnet(&cx, &mut placed, v, wide_w);
    }
    for &v in arr.stacks.iter().flatten() {
        size_vnet(&cx, &mut placed, v, col_w);
    }

    // Vertical positions.
    let mut y = MARGIN;
    let strip = (!scene.block_findings.is_empty()).then(|| {
        let s = legend::strip(scene, diags, MIN_WIDTH - 2.0 * MARGIN, y);
        y += s.rect.h + 10.0;
        s
    });
    if let Some(b) = scene.band {
        placed[b].rect = Rect { x: 0.0, y, w: 0.0, h: BAND_H };
        y += BAND_H + BAND_GAP;
    }
    let top = y;
    for &v in &arr.wide {
        placed[v].rect.y = y;
        y += placed[v].rect.h + VNET_GAP;
    }
    let columns_top = y;
    let mut bottom = if arr.wide.is_empty() { top } else { y - VNET_GAP };
    for stack in &arr.stacks {
        let mut y = columns_top;
        for &v in stack {
            placed[v].rect.y = y;
            y += placed[v].rect.h + VNET_GAP;
            bottom = bottom.max(y - VNET_GAP);
        }
    }
    for id in 0..n {
        if let Some(p) = scene.elems[id].parent {
            placed[id].rect.y += placed[p].rect.y;
        }
    }
    // Side boxes go next to what they connect to. The left column (clients, DNS) is ordered
    // by that height; the right one keeps its order (workspace, then its resources).
    let mut left = arr.left.clone();
    let mut right = arr.right.clone();
    for (ci, column) in [&mut left, &mut right].into_iter().enumerate() {
        let mut want: Vec<(Id, f32, Option<f32>)> = column
            .iter()
            .map(|&id| {
                let ports = &plan.side_ports[id];
                let ys: Vec<f32> = ports
                    .iter()
                    .filter_map(|&e| route::anchor_y(scene, &placed, plan.other(e, id)))
                    .collect();
                let mid = placed[id].ports_top + ports.len() as f32 * boxes::PORT_ROW / 2.0;
                let want = (!ys.is_empty()).then(|| ys.iter().sum::<f32>() / ys.len() as f32 - mid);
                (id, placed[id].rect.h, want)
            })
            .collect();
        if ci == 0 {
            want.sort_by(|a, b| a.2.unwrap_or(f32::MAX).total_cmp(&b.2.unwrap_or(f32::MAX)));
            *column = want.iter().map(|w| w.0).collect();
        }
        let boxes: Vec<(f32, Option<f32>)> = want.iter().map(|w| (w.1, w.2)).collect();
        for (&(id, _, _), t) in want.iter().zip(stack(top, SIDE_GAP, &boxes)) {
            placed[id].rect.y = t;
            bottom = bottom.max(t + placed[id].rect.h);
        }
    }

    // Ports, lanes, channel widths. A side box whose port would meet a stub from the other
    // side of its channel moves down a little; boxes only move down, so this ends.
    let limit = 4 * (scene.edges.len() + 1) * (scene.left.len() + scene.right.len() + 1);
    let (stubs, ports) = {
        let mut tries = 0;
        loop {
            let (stubs, ports) = route::stubs(scene, arr, &plan, &placed);
            match route::near_miss(&plan, &stubs) {
                Some((id, dy)) if tries < limit => {
                    tries += 1;
                    let column = if left.contains(&id) { &left } else { &right };
                    let at = column.iter().position(|&c| c == id).unwrap_or(0);
                    placed[id].rect.y += dy;
                    for pair in column[at..].windows(2) {
                        let floor = placed[pair[0]].rect.bottom() + SIDE_GAP;
                        let r = &mut placed[pair[1]].rect;
                        r.y = r.y.max(floor);
                    }
                }
                _ => break (stubs, ports),
            }
        }
    };
    for (id, label) in ports {
        placed[id].labels.push(label);
    }
    for &id in left.iter().chain(&right) {
        bottom = bottom.max(placed[id].rect.bottom());
    }
    let lanes = route::lanes(scene, &plan, &stubs);
    let mut ch: Vec<f32> = Vec::with_capacity(m + 1);
    ch.push(lanes.width(0, has_left && has_vnets));
    ch.extend(inner.iter().copied());
    ch.push(lanes.width(m, !right.is_empty() && (has_left || has_vnets)));

    // Horizontal positions.
    let content = (if has_left { left_w } else { 0.0 })
        + ch.iter().sum::<f32>()
        + col_w * m as f32
        + if right.is_empty() { 0.0 } else { RIGHT_W };
    let width = (content + 2.0 * MARGIN).max(MIN_WIDTH).ceil();
    let mut x = ((width - content) / 2.0).floor();
    for &id in &left {
        placed[id].rect.x = x;
    }
    if has_left {
        x += left_w;
    }
    let mut channel_x = Vec::with_capacity(m + 1);
    for (c, stack) in arr.stacks.iter().enumerate() {
        channel_x.push(x);
        x += ch[c];
        if c == 0 {
            for &v in &arr.wide {
                placed[v].rect.x = x;
            }
        }
        for &v in stack {
            placed[v].rect.x = x;
        }
        x += col_w;
    }
    channel_x.push(x);
    x += ch[m];
    for &id in &right {
        placed[id].rect.x = x;
    }
    for id in 0..n {
        if let Some(p) = scene.elems[id].parent {
            placed[id].rect.x += placed[p].rect.x;
        }
    }
    if let Some(b) = scene.band {
        placed[b].rect.x = MARGIN;
        placed[b].rect.w = width - 2.0 * MARGIN;
        legend::band(&mut placed[b], &scene.elems[b]);
    }

    let routes = route::polylines(scene, &plan, &placed, &stubs, &lanes, &channel_x);
    let mut height = bottom;
    let legend = with_legend.then(|| {
        let l = legend::legend(scene, diags, MARGIN, bottom + 18.0, width - 2.0 * MARGIN);
        height = l.rect.bottom();
        l
    });
    let layout = Layout { width, height: (height + MARGIN).ceil(), placed, routes, strip, legend };
    (layout, plan.feasible)
}

#[cfg(test)]
mod tests {
    use super::stack;

    #[test]
    fn stacking_keeps_order_and_gaps() {
        let tops = stack(0.0, 10.0, &[(50.0, Some(100.0)), (50.0, Some(90.0)), (20.0, None)]);
        assert!(tops[0] >= 0.0);
        assert!(tops[1] >= tops[0] + 60.0);
        assert!(tops[2] >= tops[1] + 60.0);
        // Alone, a box goes where it is wanted.
        assert_eq!(stack(0.0, 10.0, &[(50.0, Some(40.0))]), vec![40.0]);
        // Never above the top.
        assert_eq!(stack(5.0, 10.0, &[(50.0, Some(-40.0))]), vec![5.0]);
    }
}
