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

mod describe;
mod icons;
mod layout;
mod scene;
mod status;
pub(crate) mod summary;
mod svg;
pub mod text;

pub use describe::{Description, Item, describe};

use crate::check::{BlockReport, Outcome};

/// The diagram's stylesheet: colours as CSS variables for light, dark and print, and the
/// page's expanded view of a diagram. A page includes it once; a standalone SVG embeds it
/// (see [`DiagramOptions::standalone`]).
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

/// A diagram, its text alternative, and for each diagnostic of the block what it is drawn on.
#[derive(Clone, Debug)]
pub struct Drawn {
    /// The SVG for the page (`id="{block-id}-diagram"`). Its `<title>` and `<desc>` are
    /// `{block-id}-title` and `{block-id}-desc`; it is `role="img"`, or `role="group"` when
    /// it holds links (the finding badges), which must stay reachable.
    pub svg: String,
    /// The diagram with every element, when `svg` draws alike subnets once ("×6") to fit
    /// the page: for the expanded view. Its ids are `{block-id}-full-…`.
    pub full: Option<String>,
    /// What the diagram shows, for a text alternative beside it.
    pub description: Description,
    /// As [`finding_targets`] gives them.
    pub targets: Vec<Option<String>>,
}

/// [`render`], [`describe`] and [`finding_targets`] at once, building the scene once (what a
/// page needs).
///
/// The diagram is laid out with every element; when that does not fit a page (wider than
/// a content column can show at a readable size, or taller than a screen's shape allows),
/// alike subnets are drawn once and the whole diagram goes to [`Drawn::full`].
pub fn draw(report: &BlockReport, opts: &DiagramOptions) -> Option<Drawn> {
    let net = report.net.as_ref()?;
    let mut scene = scene::build(net)?;
    let drawn_on = status::attach(&mut scene, &report.diagnostics);
    let targets = names(&scene, &drawn_on);
    let description = describe::of_scene(report, &scene);
    let layout = layout::layout(&scene, &report.diagnostics, opts.legend);
    let id = svg::safe_id(&report.id);
    let mut small: Option<(scene::Scene, layout::Layout)> = None;
    if !layout.fits() {
        let mut from: Option<scene::Scene> = None;
        for level in [summary::Level::Subnets, summary::Level::Vnets] {
            // Each level goes on from the one before.
            let base = from.as_ref().unwrap_or(&scene);
            let Some(summed) = summary::summarise(base, &report.diagnostics, level) else { continue };
            from = Some(summed.clone());
            let l = layout::layout(&summed, &report.diagnostics, opts.legend);
            let best = small.as_ref().map_or(layout.misfit(), |(_, b)| b.misfit());
            let fits = l.fits();
            if l.misfit() < best {
                small = Some((summed, l));
            }
            if fits {
                break;
            }
        }
    }
    if let Some((summed, l)) = small {
        let svg = svg::write(report, &summed, &l, opts, &id, &description);
        let full = svg::write(report, &scene, &layout, opts, &format!("{id}-full"), &description);
        return Some(Drawn { svg, full: Some(full), description, targets });
    }
    let svg = svg::write(report, &scene, &layout, opts, &id, &description);
    Some(Drawn { svg, full: None, description, targets })
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
        Some(mut scene) => {
            let drawn_on = status::attach(&mut scene, &report.diagnostics);
            names(&scene, &drawn_on)
        }
        None => vec![None; report.diagnostics.len()],
    }
}

/// What each diagnostic is drawn on, by name.
fn names(scene: &scene::Scene, drawn_on: &[Vec<scene::Id>]) -> Vec<Option<String>> {
    drawn_on
        .iter()
        .map(|ids| {
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
