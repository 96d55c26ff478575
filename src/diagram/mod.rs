//! The architecture diagram of a topology block, drawn from the YAML itself, with the rule
//! engine's verdict on it.
//!
//! [`render`] turns a [`BlockReport`] into an inline `<svg>`: VNets as containers, their
//! subnets inside, every resource where it lives, the PaaS services, DNS, clients and the
//! internet outside, every connection labelled by how it is reached (private IP, service
//! endpoint, public IP) with its own line style, and each finding as a badge on the element it
//! concerns, linking to `#{block-id}-finding-{n}` in the page's findings list.
//!
//! The stages: [`scene`] decides what is drawn and where it belongs, [`status`] puts the
//! findings on elements, [`layout`] computes the geometry (containment first; connectors in
//! gutters and channels), and [`svg`] writes it. The stylesheet is [`DIAGRAM_CSS`]; a page
//! includes it once.

mod icons;
mod layout;
mod scene;
mod status;
mod svg;
pub mod text;

use crate::check::{BlockReport, Outcome};
use crate::diag::Disposition;

/// The diagram's stylesheet: colours as CSS variables for light, dark and print. A page
/// includes it once; a standalone SVG embeds it (see [`DiagramOptions::standalone`]).
///
/// Dark mode follows `prefers-color-scheme` unless the root element has
/// `data-theme="light"`; `data-theme="dark"` on the root element or a `dark` class on an
/// ancestor forces it. Print always uses the light palette.
pub const DIAGRAM_CSS: &str = include_str!("diagram.css");

/// How to render a diagram.
#[derive(Clone, Debug)]
pub struct DiagramOptions {
    /// Embed [`DIAGRAM_CSS`] in the SVG, for a file viewed outside a topobook page.
    pub standalone: bool,
    /// Draw the legend and the topology's row of the overview's scenario table.
    pub legend: bool,
    /// Make badges links to `#{block-id}-finding-{n}`; turn off when the page has no
    /// findings list to link to.
    pub link_findings: bool,
}

impl Default for DiagramOptions {
    fn default() -> Self {
        DiagramOptions { standalone: false, legend: true, link_findings: true }
    }
}

/// The SVG of a block, or `None` when there is nothing to draw (the YAML did not parse, the
/// block is `ignore`d, or it describes no network element).
pub fn render(report: &BlockReport, opts: &DiagramOptions) -> Option<String> {
    draw(report, opts).map(|d| d.svg)
}

/// A diagram and, for each diagnostic of the block, what it is drawn on.
#[derive(Clone, Debug)]
pub struct Drawn {
    pub svg: String,
    /// As [`finding_targets`] gives them.
    pub targets: Vec<Option<String>>,
}

/// [`render`] and [`finding_targets`] at once, building the scene once (what a page needs).
pub fn draw(report: &BlockReport, opts: &DiagramOptions) -> Option<Drawn> {
    let net = report.net.as_ref()?;
    let mut scene = scene::build(net)?;
    status::attach(&mut scene, &report.diagnostics);
    let targets = targets_in(&scene, report);
    let layout = layout::layout(&scene, &report.diagnostics, opts.legend);
    Some(Drawn { svg: svg::write(report, &scene, &layout, opts), targets })
}

/// The id of the `n`th finding of a block in the page, which the diagram's badges link to:
/// `{block-id}-finding-{n}`, `n` being the index in `report.diagnostics`.
pub fn finding_anchor(block_id: &str, n: usize) -> String {
    format!("{}-finding-{n}", svg::safe_id(block_id))
}

/// For each diagnostic of the report, what it is drawn on ("key vault `kv-ml`"), or `None`
/// when the diagram shows it on the block as a whole (or there is no diagram).
pub fn finding_targets(report: &BlockReport) -> Vec<Option<String>> {
    match report.net.as_ref().and_then(|n| scene::build(n)) {
        Some(scene) => targets_in(&scene, report),
        None => vec![None; report.diagnostics.len()],
    }
}

fn targets_in(scene: &scene::Scene, report: &BlockReport) -> Vec<Option<String>> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            let ids = d.subject.as_ref().map(|s| status::targets(scene, s)).unwrap_or_default();
            let names: Vec<&str> = ids.iter().map(|&i| scene.elems[i].what.as_str()).collect();
            (!names.is_empty()).then(|| names.join(", "))
        })
        .collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The verdict line of a block: "2 errors, 1 warning · 41 passed · 12 not evaluated".
pub fn verdict(report: &BlockReport) -> String {
    let t = report.tally();
    let mut head = Vec::new();
    if t.errors > 0 {
        head.push(plural(t.errors, "error", "errors"));
    }
    if t.warnings > 0 {
        head.push(plural(t.warnings, "warning", "warnings"));
    }
    if t.notes > 0 {
        head.push(plural(t.notes, "note", "notes"));
    }
    // Known findings of the baseline: not failing, never hidden.
    let baselined =
        report.diagnostics.iter().filter(|d| d.disposition == crate::diag::Disposition::Baselined).count();
    if baselined > 0 {
        head.push(format!("{baselined} baselined"));
    }
    let first = match report.outcome {
        Outcome::Ignored => return "not checked (`ignore`)".to_string(),
        Outcome::Invalid => {
            return format!(
                "invalid topology: {}",
                if head.is_empty() { "no rule ran".into() } else { head.join(", ") }
            );
        }
        Outcome::ExpectedFail => "fails as expected".to_string(),
        Outcome::Passed if head.is_empty() => "no findings".to_string(),
        _ => head.join(", "),
    };
    let mut parts = vec![first, format!("{} passed", t.passed)];
    if t.expected > 0 {
        parts.push(format!("{} expected", t.expected));
    }
    if t.suppressed > 0 {
        parts.push(format!("{} suppressed", t.suppressed));
    }
    parts.push(format!("{} not evaluated", t.not_evaluated));
    parts.join(" · ")
}

/// The text alternative of the diagram (`<desc>`): what is where, how each part is reached,
/// and the verdict.
fn describe(report: &BlockReport, s: &scene::Scene) -> String {
    use scene::Kind;
    let mut out = String::new();
    let what = |id: scene::Id| s.elems[id].what.clone();
    let sentence = |t: String| {
        let mut c = t.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    };
    for &v in &s.vnets {
        let e = &s.elems[v];
        out.push_str(&format!("Virtual network {}", e.name));
        if let Some(first) = e.lines.first() {
            out.push_str(&format!(" ({first})"));
        }
        let mut parts = Vec::new();
        for &c in &e.children {
            let ce = &s.elems[c];
            let nodes: Vec<String> =
                ce.children.iter().filter(|&&n| s.elems[n].kind == Kind::Node).map(|&n| what(n)).collect();
            let tags: Vec<&str> = ce
                .children
                .iter()
                .filter(|&&n| s.elems[n].kind == Kind::Chip)
                .map(|&n| s.elems[n].name.as_str())
                .collect();
            let mut p = if ce.kind == Kind::Subnet {
                format!("subnet {} {}", ce.name, ce.lines.first().map(String::as_str).unwrap_or(""))
            } else {
                "outside its subnets".to_string()
            };
            if !tags.is_empty() {
                p.push_str(&format!(" [{}]", tags.join("; ")));
            }
            if !nodes.is_empty() {
                p.push_str(&format!(" holds {}", nodes.join(", ")));
            }
            parts.push(p.trim_end().to_string());
        }
        if !parts.is_empty() {
            out.push_str(": ");
            out.push_str(&parts.join("; "));
        }
        out.push_str(". ");
    }
    for &id in s.left.iter().chain(&s.right) {
        let reach: Vec<String> = s
            .edges
            .iter()
            .filter(|e| e.to == id || e.from == id)
            .map(|e| if e.label.is_empty() { e.mode.legend().to_string() } else { e.label.clone() })
            .collect();
        out.push_str(&sentence(what(id)));
        if !reach.is_empty() {
            out.push_str(&format!(" ({})", reach.join("; ")));
        }
        out.push_str(". ");
    }
    let cells: Vec<String> = s
        .scenario
        .cells
        .iter()
        .filter_map(|(t, v)| {
            v.as_ref().map(|v| {
                let r: Vec<&str> = v.iter().map(|r| r.text()).collect();
                format!(
                    "{}: {}",
                    t.to_lowercase(),
                    if r.is_empty() { "no network path".into() } else { r.join(" or ") }
                )
            })
        })
        .collect();
    if !cells.is_empty() {
        out.push_str(&format!("Reached by: {}. ", cells.join("; ")));
    }
    out.push_str(&format!("Verdict: {}.", verdict(report)));
    let findings: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.disposition == Disposition::Active)
        .map(|d| format!("{} {}: {}", d.severity, d.code, d.message))
        .collect();
    if !findings.is_empty() {
        out.push_str(&format!(" Findings: {}.", findings.join("; ")));
    }
    out
}
