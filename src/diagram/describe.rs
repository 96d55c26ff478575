//! The text alternative of a diagram, for readers who cannot see it: a sentence saying what
//! the figure shows and its verdict, then a nested list: each VNet with its subnets and their
//! resources, the services and clients outside the VNets with how each is reached, the
//! connections between the networks, the topology's row of the overview's scenario table, and
//! the findings drawn on each element.
//!
//! It is written from the scene before any summary, so it names every subnet the diagram
//! may draw once with "×6". Text is plain: names stay in backticks, as in the findings list
//! (the page's `code` filter turns them into `<code>`).

use serde::Serialize;

use super::scene::{Id, Kind, Scene};
use super::status::badges;
use crate::check::BlockReport;

/// A diagram's text alternative.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Description {
    /// One sentence: what the figure shows and its verdict.
    pub title: String,
    pub items: Vec<Item>,
}

/// One entry of the description's list, with the entries under it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Item {
    pub text: String,
    pub children: Vec<Item>,
}

impl Item {
    fn new(text: impl Into<String>) -> Item {
        Item { text: text.into(), children: Vec::new() }
    }

    fn write_text(&self, out: &mut String) {
        out.push(' ');
        out.push_str(&self.text);
        if self.children.is_empty() {
            if !self.text.ends_with('.') {
                out.push('.');
            }
            return;
        }
        out.push(':');
        for c in &self.children {
            c.write_text(out);
        }
    }
}

impl Description {
    /// The whole description as running text (the SVG's `<desc>`).
    pub fn text(&self) -> String {
        let mut out = self.title.clone();
        for i in &self.items {
            i.write_text(&mut out);
        }
        out
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn capitalised(t: &str) -> String {
    let mut c = t.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// `what (line · line)`.
fn with_lines(what: &str, lines: &[String]) -> String {
    if lines.is_empty() { what.to_string() } else { format!("{what} ({})", lines.join(" · ")) }
}

/// The findings drawn on element `id`: one entry per rule.
fn findings_of(s: &Scene, report: &BlockReport, id: Id) -> Vec<Item> {
    badges(&s.elems[id].findings, &report.diagnostics)
        .into_iter()
        .map(|b| {
            let n = b.findings.len();
            let word = match b.look {
                super::status::Look::Error => "error",
                super::status::Look::Warning => "warning",
                super::status::Look::Note => "note",
                super::status::Look::Expected => "expected",
                super::status::Look::Suppressed => "suppressed",
            };
            let first = b.findings.first().and_then(|&f| report.diagnostics.get(f));
            let message = first.map(|d| d.message.as_str()).unwrap_or("");
            if n == 1 {
                Item::new(format!("{} ({word}): {message}", b.code))
            } else {
                Item::new(format!("{} ×{n} ({word}), e.g. {message}", b.code))
            }
        })
        .collect()
}

fn element(s: &Scene, report: &BlockReport, id: Id) -> Item {
    let e = &s.elems[id];
    let mut item = match e.kind {
        Kind::Vnet => Item::new(with_lines(&format!("Virtual network `{}`", e.name), &e.lines)),
        Kind::Subnet => {
            let mut t = format!("Subnet `{}`", e.name);
            if let Some(p) = e.lines.first() {
                t.push(' ');
                t.push_str(p);
            }
            let tags: Vec<&str> = e
                .children
                .iter()
                .filter(|&&c| s.elems[c].kind == Kind::Chip)
                .map(|&c| s.elems[c].name.as_str())
                .collect();
            if !tags.is_empty() {
                t.push_str(&format!(" [{}]", tags.join("; ")));
            }
            Item::new(t)
        }
        Kind::Loose => Item::new("Outside its subnets"),
        _ => Item::new(with_lines(&capitalised(&e.what), &e.lines)),
    };
    for &c in &e.children {
        match s.elems[c].kind {
            Kind::Chip => {
                for f in findings_of(s, report, c) {
                    item.children.push(Item::new(format!("On {}: {}", s.elems[c].what, f.text)));
                }
            }
            _ => item.children.push(element(s, report, c)),
        }
    }
    let own = findings_of(s, report, id);
    if !own.is_empty() {
        let mut f = Item::new("Findings shown here");
        f.children = own;
        item.children.push(f);
    }
    item
}

/// The description of a block's diagram, or `None` when there is no diagram.
pub fn describe(report: &BlockReport) -> Option<Description> {
    let net = report.net.as_ref()?;
    let mut scene = super::scene::build(net)?;
    let _ = super::status::attach(&mut scene, &report.diagnostics);
    Some(of_scene(report, &scene))
}

pub(crate) fn of_scene(report: &BlockReport, s: &Scene) -> Description {
    let count = |k: Kind| s.elems.iter().filter(|e| e.kind == k).count();
    let sides = s.left.len() + s.right.len();
    let mut parts = Vec::new();
    if !s.vnets.is_empty() {
        let vnets = plural(s.vnets.len(), "virtual network", "virtual networks");
        match count(Kind::Subnet) {
            0 => parts.push(format!("{vnets} with no subnets")),
            n => {
                parts.push(vnets);
                parts.push(plural(n, "subnet", "subnets"));
            }
        }
        if count(Kind::Node) > 0 {
            parts.push(plural(count(Kind::Node), "resource in them", "resources in them"));
        }
    }
    if sides > 0 {
        parts.push(plural(sides, "service or client outside", "services and clients outside"));
    }
    let name = report.options.title.as_deref().unwrap_or("the topology");
    let title = format!(
        "Network diagram of {name}: {}. Verdict: {}.",
        if parts.is_empty() { "no network element".to_string() } else { parts.join(", ") },
        super::verdict(report)
    );

    let mut items = Vec::new();
    for &v in &s.vnets {
        items.push(element(s, report, v));
    }
    // Services, clients and DNS, each with how it is reached.
    let mut outside = Item::new("Outside the virtual networks");
    let mut listed = vec![false; s.edges.len()];
    for &id in s.right.iter().chain(&s.left) {
        let mut item = element(s, report, id);
        for (k, edge) in s.edges.iter().enumerate() {
            if edge.to == id || edge.from == id {
                listed[k] = true;
                item.children.insert(0, Item::new(capitalised(&edge.title)));
            }
        }
        outside.children.push(item);
    }
    if !outside.children.is_empty() {
        items.push(outside);
    }
    let mut between = Item::new("Connections");
    for (k, edge) in s.edges.iter().enumerate() {
        if !listed[k] {
            between.children.push(Item::new(capitalised(&edge.title)));
        }
    }
    if !between.children.is_empty() {
        items.push(between);
    }
    let cells: Vec<Item> = s
        .scenario
        .cells
        .iter()
        .filter_map(|(t, v)| {
            v.as_ref().map(|v| {
                let r: Vec<&str> = v.iter().map(|r| r.text()).collect();
                Item::new(format!(
                    "{t}: {}",
                    if r.is_empty() { "no network path".into() } else { r.join(" or ") }
                ))
            })
        })
        .collect();
    if !cells.is_empty() {
        items.push(Item { text: "How each part is reached".into(), children: cells });
    }
    if !s.block_findings.is_empty() {
        let mut f = Item::new("Findings on the block as a whole");
        f.children = badges(&s.block_findings, &report.diagnostics)
            .into_iter()
            .map(|b| {
                let d = b.findings.first().and_then(|&n| report.diagnostics.get(n));
                Item::new(format!("{}: {}", b.text(), d.map(|d| d.message.as_str()).unwrap_or("")))
            })
            .collect();
        items.push(f);
    }
    Description { title, items }
}
