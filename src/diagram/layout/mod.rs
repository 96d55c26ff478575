//! Geometry of the diagram, written for this domain: containment first.
//!
//! Columns, left to right: clients and DNS (side boxes) · a routing channel · the VNets, one
//! under the other, each holding its subnets, each subnet its tags and its resources in rows ·
//! a routing channel · the Azure PaaS services (side boxes). The public internet is a band
//! across the top; the legend and the scenario table sit under everything.
//!
//! Connectors never cross a box they do not belong to: a resource's connector drops into the
//! gutter under its row, runs along it to the edge of its subnet and VNet, turns into a lane
//! of the channel, and enters its target through a port row (side boxes) or a port in the
//! header band of a container. Heights do not depend on x, so the layout is computed in that
//! order: sizes, y positions, ports and channel lanes, x positions, polylines.

mod boxes;
mod legend;
mod route;

pub(crate) use boxes::{BADGE_H, BADGE_ICON, BADGE_SIZE};
pub(crate) use legend::Legend;

use super::scene::{Id, Kind, Scene, Side};
use crate::diag::Diagnostic;
use boxes::{NODE_CARD, PAD, SIDE_CARD, card, subnet_header, vnet_header};

pub(crate) const MARGIN: f32 = 12.0;
/// The narrowest diagram: small topologies are centred in it, so every diagram of a page is
/// drawn at the same scale.
pub(crate) const MIN_WIDTH: f32 = 760.0;
const LEFT_W: f32 = 176.0;
/// The left column when there is no VNet column: the room is free.
const LEFT_W_ALONE: f32 = 240.0;
const RIGHT_W: f32 = 196.0;
const NODE_W: f32 = 144.0;
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

/// A status badge; its rect is relative to its element's box.
#[derive(Clone, Debug)]
pub(crate) struct BadgeBox {
    pub finding: usize,
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

fn node_children(scene: &Scene, id: Id) -> impl Iterator<Item = Id> + '_ {
    scene.elems[id].children.iter().copied().filter(|&c| scene.elems[c].kind == Kind::Node)
}

/// Lay out a container (subnet or loose area) of width `w`: header, chips, rows of nodes
/// with their gutters. Children get positions relative to it.
fn size_container(
    scene: &Scene,
    diags: &[Diagnostic],
    plan: &route::Plan,
    placed: &mut [Placed],
    id: Id,
    w: f32,
    k: usize,
) {
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
        subnet_header(e, &mut refs, diags, &mut p, w, ports)
    } else {
        4.0
    };
    for (c, _, cp) in chips {
        placed[c] = cp;
    }
    let nodes: Vec<Id> = node_children(scene, id).collect();
    for chunk in nodes.chunks(k.max(1)) {
        let height = chunk.iter().map(|&n| placed[n].rect.h).fold(0.0, f32::max);
        for (col, &n) in chunk.iter().enumerate() {
            placed[n].rect.x = PAD + col as f32 * (NODE_W + NODE_GAP);
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

/// Lay out a VNet and everything in it; positions relative to the VNet.
fn size_vnet(
    scene: &Scene,
    diags: &[Diagnostic],
    plan: &route::Plan,
    placed: &mut [Placed],
    id: Id,
    w: f32,
    k: usize,
) {
    let inner = w - 2.0 * VPAD;
    for &c in &scene.elems[id].children {
        size_container(scene, diags, plan, placed, c, inner, k);
    }
    let mut p = Placed::default();
    let ports = plan.border_ports[id].iter().map(Vec::len).max().unwrap_or(0);
    let mut y = vnet_header(&scene.elems[id], diags, &mut p, w, ports);
    for &c in &scene.elems[id].children {
        placed[c].rect.y = y;
        y += placed[c].rect.h + CHILD_GAP;
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

/// Compute the whole layout.
pub(crate) fn layout(scene: &Scene, diags: &[Diagnostic], with_legend: bool) -> Layout {
    let n = scene.elems.len();
    let plan = route::plan(scene);
    let mut placed = vec![Placed::default(); n];
    let has_left = !scene.left.is_empty();
    let left_w = if scene.vnets.is_empty() { LEFT_W_ALONE } else { LEFT_W };
    let max_nodes =
        scene.elems.iter().enumerate().map(|(i, _)| node_children(scene, i).count()).max().unwrap_or(0);
    let k = (if has_left { 2 } else { 3 }).min(max_nodes.max(2));
    let vnet_w = 2.0 * VPAD + 2.0 * PAD + k as f32 * NODE_W + (k - 1) as f32 * NODE_GAP;

    // Sizes.
    for (id, e) in scene.elems.iter().enumerate() {
        match e.kind {
            Kind::Node => placed[id] = card(e, diags, NODE_W, NODE_CARD, 0),
            Kind::Side(side) => {
                let w = if side == Side::Left { left_w } else { RIGHT_W };
                placed[id] = card(e, diags, w, SIDE_CARD, plan.side_ports[id].len());
            }
            _ => {}
        }
    }
    for &v in &scene.vnets {
        size_vnet(scene, diags, &plan, &mut placed, v, vnet_w, k);
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
    for &v in &scene.vnets {
        placed[v].rect.y = y;
        y += placed[v].rect.h + VNET_GAP;
    }
    let mut bottom = if scene.vnets.is_empty() { top } else { y - VNET_GAP };
    for id in 0..n {
        if let Some(p) = scene.elems[id].parent {
            placed[id].rect.y += placed[p].rect.y;
        }
    }
    // Side boxes go next to what they connect to. The left column (clients, DNS) is ordered
    // by that height; the right one keeps its order (workspace, then its resources).
    let mut left = scene.left.clone();
    let mut right = scene.right.clone();
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
            let (stubs, ports) = route::stubs(scene, &plan, &placed);
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
    let ch_left = lanes.width(Side::Left, has_left && !scene.vnets.is_empty());
    let ch_right = lanes.width(Side::Right, !scene.right.is_empty() && (has_left || !scene.vnets.is_empty()));

    // Horizontal positions.
    let mid_w = if scene.vnets.is_empty() { 0.0 } else { vnet_w };
    let content = (if has_left { left_w } else { 0.0 })
        + ch_left
        + mid_w
        + ch_right
        + if scene.right.is_empty() { 0.0 } else { RIGHT_W };
    let width = (content + 2.0 * MARGIN).max(MIN_WIDTH).ceil();
    let mut x = ((width - content) / 2.0).floor();
    for &id in &left {
        placed[id].rect.x = x;
    }
    if has_left {
        x += left_w;
    }
    let left_channel = x;
    x += ch_left;
    for &v in &scene.vnets {
        placed[v].rect.x = x;
    }
    x += mid_w;
    let right_channel = x;
    x += ch_right;
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

    let routes = route::polylines(scene, &plan, &placed, &stubs, &lanes, [left_channel, right_channel]);
    let mut height = bottom;
    let legend = with_legend.then(|| {
        let l = legend::legend(scene, diags, MARGIN, bottom + 18.0, width - 2.0 * MARGIN);
        height = l.rect.bottom();
        l
    });
    Layout { width, height: (height + MARGIN).ceil(), placed, routes, strip, legend }
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
