//! Repeated structure drawn once, when a diagram would not fit a page.
//!
//! Subnets of a VNet that are alike (same tags, the same kinds of resources with the same
//! details, the same rules firing, the same connections to the same places) are drawn as one
//! subnet, "6 alike subnets" with their names, its resources marked "×6"
//! ([`Level::Subnets`]). If that is not enough, VNets alike in the same way (the spokes of a
//! hub, built from one template) are drawn as one too ([`Level::Vnets`]). Findings and
//! connections of the elements drawn once move onto the one drawn (a connection drawn once for
//! all, a badge counting every finding). The page's expanded view shows the whole diagram.
//!
//! Only what is drawn changes: which element each finding belongs to is decided before
//! ([`super::status::attach`]), on the scene with every element.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::scene::{Edge, Id, Kind, Scene};
use super::status::badges;
use crate::diag::Diagnostic;

/// At least this many alike elements are drawn once.
pub(crate) const MIN_RUN: usize = 3;

/// How much is summarised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    Subnets,
    Vnets,
}

/// An element and everything under it, in order.
fn subtree(s: &Scene, id: Id, out: &mut Vec<Id>) {
    out.push(id);
    for &c in &s.elems[id].children {
        subtree(s, c, out);
    }
}

/// Everything of an element and what it holds that must be equal for two of them to be drawn
/// once: not their names, nor the address ranges (the first detail line of a VNet or a
/// subnet), which the summary lists.
fn signature(s: &Scene, diags: &[Diagnostic], id: Id) -> String {
    let mut inside = Vec::new();
    subtree(s, id, &mut inside);
    let mut key = String::new();
    for (depth, &x) in inside.iter().enumerate() {
        let e = &s.elems[x];
        let _ = write!(key, "|{:?}{:?}{}×{}\u{1}", e.kind, e.icon, e.caption, e.count);
        if e.kind == Kind::Chip {
            key.push_str(&e.name);
        }
        let skip = usize::from(matches!(e.kind, Kind::Vnet | Kind::Subnet));
        for l in e.lines.iter().skip(skip) {
            let _ = write!(key, "{l}\u{1}");
        }
        for b in badges(&e.findings, diags) {
            let _ = write!(key, "{}:{:?}:{},", b.code, b.look, b.findings.len());
        }
        let _ = write!(key, "/{}/{depth}", e.children.len());
    }
    let mut ends: Vec<String> = Vec::new();
    for edge in &s.edges {
        for (mine, other, dir) in [(edge.from, edge.to, '>'), (edge.to, edge.from, '<')] {
            if let Some(pos) = inside.iter().position(|&x| x == mine) {
                let other = match inside.iter().position(|&x| x == other) {
                    Some(p) => format!("in{p}"),
                    None => other.to_string(),
                };
                ends.push(format!("{pos}{dir}{:?}{other}{}", edge.mode, edge.label));
            }
        }
    }
    ends.sort();
    key.push('|');
    key.push_str(&ends.join(","));
    key
}

/// `a … b`, or the one name.
fn span(first: &str, last: &str) -> String {
    if first == last { first.to_string() } else { format!("{first} … {last}") }
}

/// Runs of at least [`MIN_RUN`] alike elements among `ids`, each in order.
fn runs(s: &Scene, diags: &[Diagnostic], ids: &[Id]) -> Vec<Vec<Id>> {
    let mut groups: BTreeMap<String, Vec<Id>> = BTreeMap::new();
    for &c in ids {
        groups.entry(signature(s, diags, c)).or_default().push(c);
    }
    let mut runs: Vec<Vec<Id>> = groups.into_values().filter(|g| g.len() >= MIN_RUN).collect();
    runs.sort();
    runs
}

/// The scene with alike elements drawn once at `level` (alike subnets; or alike VNets, on a
/// scene whose alike subnets are drawn once already), or `None` when nothing is alike.
pub(crate) fn summarise(scene: &Scene, diags: &[Diagnostic], level: Level) -> Option<Scene> {
    let mut s = scene.clone();
    let mut changed = false;
    if level == Level::Vnets {
        let hub = super::layout::hub(&s);
        let vnets: Vec<Id> =
            s.vnets.iter().copied().filter(|&v| Some(v) != hub && !s.elems[v].external).collect();
        for run in runs(&s, diags, &vnets) {
            merge(&mut s, &run);
            s.vnets.retain(|v| !run[1..].contains(v));
            changed = true;
        }
        return changed.then_some(s);
    }
    for &v in &scene.vnets {
        let subnets: Vec<Id> = s.elems[v]
            .children
            .iter()
            .copied()
            .filter(|&c| s.elems[c].kind == Kind::Subnet && !s.elems[c].external)
            .collect();
        for run in runs(&s, diags, &subnets) {
            merge(&mut s, &run);
            changed = true;
        }
    }
    changed.then_some(s)
}

/// Draw the elements of `run` (alike VNets or alike subnets of one VNet) as the first.
fn merge(s: &mut Scene, run: &[Id]) {
    let head = run[0];
    let n = run.len();
    let kind = s.elems[head].kind;
    let members: Vec<String> = run
        .iter()
        .map(|&id| {
            let e = &s.elems[id];
            match e.lines.first() {
                Some(p) => format!("{} {p}", e.name),
                None => e.name.clone(),
            }
        })
        .collect();
    let (first, last) = (s.elems[head].name.clone(), s.elems[run[n - 1]].name.clone());
    let within = s.elems[head].parent.map(|p| s.elems[p].name.clone()).unwrap_or_default();
    {
        let e = &mut s.elems[head];
        e.count = n;
        e.members = members;
        e.name = span(&first, &last);
        e.what = match kind {
            Kind::Vnet => format!("{n} alike VNets `{first}` … `{last}`"),
            _ => format!("{n} alike subnets `{first}` … `{last}` of VNet `{within}`"),
        };
    }
    let mut mine = Vec::new();
    subtree(s, head, &mut mine);
    // The resources of alike subnets: one per subnet, so the count is the subnets'.
    if kind == Kind::Subnet {
        for (pos, &c) in s.elems[head].children.clone().iter().enumerate() {
            if s.elems[c].kind != Kind::Node {
                continue;
            }
            let names: Vec<String> = run
                .iter()
                .filter_map(|&m| s.elems[m].children.get(pos).map(|&x| s.elems[x].name.clone()))
                .collect();
            let last = names.last().cloned().unwrap_or_default();
            let e = &mut s.elems[c];
            e.what = format!("{n} × {} (`{}` … `{last}`)", super::scene::phrase_of(&e.caption), e.name);
            e.count = n;
            e.name = span(&e.name, &last);
            e.members = names;
        }
    }
    if kind == Kind::Vnet {
        for &x in &mine[1..] {
            let e = &mut s.elems[x];
            e.what = format!("{} (in each of {n} alike VNets)", e.what);
        }
    }
    // Findings and connections of the others move to the one drawn.
    let mut map: BTreeMap<Id, Id> = BTreeMap::new();
    for &m in &run[1..] {
        let mut theirs = Vec::new();
        subtree(s, m, &mut theirs);
        for (a, b) in theirs.into_iter().zip(mine.iter().copied()) {
            map.insert(a, b);
        }
    }
    for (&from, &to) in &map {
        let f = std::mem::take(&mut s.elems[from].findings);
        s.elems[to].findings.extend(f);
        s.elems[to].findings.sort_unstable();
        s.elems[to].findings.dedup();
    }
    let mut kept: Vec<Edge> = Vec::with_capacity(s.edges.len());
    let mut merged: BTreeMap<usize, usize> = BTreeMap::new();
    for mut edge in std::mem::take(&mut s.edges) {
        let moved = map.contains_key(&edge.from) || map.contains_key(&edge.to);
        edge.from = map.get(&edge.from).copied().unwrap_or(edge.from);
        edge.to = map.get(&edge.to).copied().unwrap_or(edge.to);
        let same =
            |k: &Edge| k.from == edge.from && k.to == edge.to && k.mode == edge.mode && k.label == edge.label;
        match kept.iter().position(same) {
            Some(i) if moved => *merged.entry(i).or_insert(0) += 1,
            _ => kept.push(edge),
        }
    }
    for (i, more) in merged {
        let _ = write!(kept[i].title, " (and {more} alike)");
    }
    s.edges = kept;
    // The others are no longer drawn.
    if let Some(p) = s.elems[head].parent {
        s.elems[p].children.retain(|c| !run[1..].contains(c));
    }
}
