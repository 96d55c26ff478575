//! A geometry check of a generated diagram, on the SVG text alone: boxes (`rect.tb-box`),
//! text extents (estimated with the diagram's own conservative width table) and connectors
//! (`g.tb-edge > path.tb-line`, whose group names its two elements in `data-ends`).
//!
//! It asserts what the issue asks of the layout: no two boxes overlap unless one contains the
//! other (by document nesting, and then geometrically inside it); every label is inside its
//! box, clear of other labels and of boxes nested in its box; every connector is made of
//! horizontal and vertical segments that cross no box except those of its two elements and
//! their containers, and no label at all, and never runs along a connector it shares no end
//! with.

use std::collections::HashSet;

use roxmltree::{Document, Node, NodeId};
use topobook::diagram::text::text_width;

#[derive(Clone, Copy, Debug)]
pub struct R {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl R {
    fn right(&self) -> f32 {
        self.x + self.w
    }
    fn bottom(&self) -> f32 {
        self.y + self.h
    }
    /// Do the interiors overlap by more than `eps`?
    fn overlaps(&self, o: &R, eps: f32) -> bool {
        self.x + eps < o.right()
            && o.x + eps < self.right()
            && self.y + eps < o.bottom()
            && o.y + eps < self.bottom()
    }
    fn contains(&self, o: &R, eps: f32) -> bool {
        o.x >= self.x - eps
            && o.y >= self.y - eps
            && o.right() <= self.right() + eps
            && o.bottom() <= self.bottom() + eps
    }
}

struct BoxInfo<'a> {
    rect: R,
    /// The element (`g` or `a`) the box belongs to.
    group: Node<'a, 'a>,
}

struct TextInfo {
    rect: R,
    text: String,
    owner: usize,
}

fn attr(n: Node, name: &str) -> f32 {
    n.attribute(name).and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

fn has_class(n: Node, class: &str) -> bool {
    n.attribute("class").is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

fn is_ancestor(a: Node, b: Node) -> bool {
    b.ancestors().skip(1).any(|x| x.id() == a.id())
}

/// Everything measured in a diagram, for tests to inspect further.
pub struct Geometry {
    pub boxes: usize,
    pub texts: usize,
    pub connectors: usize,
    /// The view box's width and height.
    pub view: (f32, f32),
    /// The smallest font size of any text.
    pub min_font: f32,
    pub problems: Vec<String>,
}

fn parse_path(d: &str) -> Vec<(f32, f32)> {
    let mut pts = Vec::new();
    for part in d.split(['M', 'L']).filter(|p| !p.trim().is_empty()) {
        let mut it = part.split_whitespace().filter_map(|v| v.parse::<f32>().ok());
        if let (Some(x), Some(y)) = (it.next(), it.next()) {
            pts.push((x, y));
        }
    }
    pts
}

/// Check a diagram; `problems` lists every violation found.
pub fn check(svg: &str) -> Geometry {
    let doc = match Document::parse(svg) {
        Ok(d) => d,
        Err(e) => {
            return Geometry {
                boxes: 0,
                texts: 0,
                connectors: 0,
                view: (0.0, 0.0),
                min_font: 0.0,
                problems: vec![format!("not well-formed XML: {e}")],
            };
        }
    };
    let mut problems = Vec::new();
    let view: Vec<f32> = doc
        .root_element()
        .attribute("viewBox")
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let view = match view[..] {
        [0.0, 0.0, w, h] => (w, h),
        _ => {
            problems.push(format!("viewBox {view:?} does not start at 0 0"));
            (0.0, 0.0)
        }
    };
    let mut min_font = f32::MAX;
    let boxes: Vec<BoxInfo> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && has_class(*n, "tb-box"))
        .filter_map(|n| {
            let group = n.parent_element()?;
            Some(BoxInfo {
                rect: R { x: attr(n, "x"), y: attr(n, "y"), w: attr(n, "width"), h: attr(n, "height") },
                group,
            })
        })
        .collect();
    let box_of_group = |g: NodeId| boxes.iter().position(|b| b.group.id() == g);

    // Boxes: disjoint unless nested, and nested ones inside.
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let nested = is_ancestor(a.group, b.group) || is_ancestor(b.group, a.group);
            if nested {
                let (outer, inner) = if is_ancestor(a.group, b.group) { (a, b) } else { (b, a) };
                if !outer.rect.contains(&inner.rect, 0.01) {
                    problems
                        .push(format!("box {:?} sticks out of its container {:?}", inner.rect, outer.rect));
                }
            } else if a.rect.overlaps(&b.rect, 0.01) {
                problems.push(format!(
                    "boxes overlap: {:?} ({}) and {:?} ({})",
                    a.rect,
                    label_of(a.group),
                    b.rect,
                    label_of(b.group)
                ));
            }
        }
    }

    // Texts: inside their box, clear of each other and of boxes nested in their box.
    let mut texts: Vec<TextInfo> = Vec::new();
    for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let content: String = t.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
        let size = attr(t, "font-size");
        if size <= 0.0 {
            problems.push(format!("text `{content}` has no font-size"));
            continue;
        }
        min_font = min_font.min(size);
        let bold = t.attribute("font-weight") == Some("700");
        let w = text_width(&content, size, bold);
        let (x, y) = (attr(t, "x"), attr(t, "y"));
        let x0 = match t.attribute("text-anchor") {
            Some("end") => x - w,
            Some("middle") => x - w / 2.0,
            _ => x,
        };
        let rect = R { x: x0, y: y - 0.95 * size, w, h: 1.2 * size };
        let owner = t.ancestors().skip(1).find_map(|a| box_of_group(a.id()));
        match owner {
            None => problems.push(format!("text `{content}` is in no box")),
            Some(o) => {
                if !boxes[o].rect.contains(&rect, 0.5) {
                    problems
                        .push(format!("text `{content}` {rect:?} runs out of its box {:?}", boxes[o].rect));
                }
                texts.push(TextInfo { rect, text: content, owner: o });
            }
        }
    }
    for (i, a) in texts.iter().enumerate() {
        for b in &texts[i + 1..] {
            if a.owner == b.owner && a.rect.overlaps(&b.rect, 0.5) {
                problems.push(format!("texts `{}` and `{}` overlap", a.text, b.text));
            }
        }
        for (j, bx) in boxes.iter().enumerate() {
            if j != a.owner && is_ancestor(boxes[a.owner].group, bx.group) && bx.rect.overlaps(&a.rect, 0.5) {
                problems.push(format!(
                    "text `{}` runs under the box {:?} ({})",
                    a.text,
                    bx.rect,
                    label_of(bx.group)
                ));
            }
        }
    }

    // Connectors. The boxes a connector may cross: those of its two elements and of their
    // containers.
    let element_of: std::collections::HashMap<&str, Node> =
        doc.descendants().filter_map(|n| Some((n.attribute("data-el")?, n))).collect();
    let mut connectors = 0;
    let mut runs: Vec<(HashSet<String>, R)> = Vec::new();
    for line in doc.descendants().filter(|n| n.has_tag_name("path") && has_class(*n, "tb-line")) {
        let Some(edge) = line.ancestors().find(|a| has_class(*a, "tb-edge")) else { continue };
        connectors += 1;
        let ends: HashSet<&str> = edge.attribute("data-ends").unwrap_or("").split_whitespace().collect();
        let allowed: HashSet<usize> = ends
            .iter()
            .filter_map(|id| element_of.get(id))
            .flat_map(|n| n.ancestors())
            .filter_map(|a| box_of_group(a.id()))
            .collect();
        let pts = parse_path(line.attribute("d").unwrap_or(""));
        if pts.len() < 2 {
            problems.push(format!("connector {:?} has fewer than two points", edge.attribute("data-ends")));
        }
        for s in pts.windows(2) {
            let ((x1, y1), (x2, y2)) = (s[0], s[1]);
            if x1 != x2 && y1 != y2 {
                problems.push(format!("connector segment {:?} is not horizontal or vertical", s));
            }
            let seg = R { x: x1.min(x2), y: y1.min(y2), w: (x1 - x2).abs(), h: (y1 - y2).abs() };
            let mine: HashSet<String> = ends.iter().map(|e| e.to_string()).collect();
            for (theirs, other) in &runs {
                if theirs.is_disjoint(&mine) && runs_along(&seg, other) {
                    problems.push(format!(
                        "connectors {:?} and {theirs:?} run along each other at {seg:?}",
                        edge.attribute("data-ends")
                    ));
                }
            }
            runs.push((mine, seg));
            for (j, b) in boxes.iter().enumerate() {
                if !allowed.contains(&j) && crosses(&seg, &b.rect) {
                    problems.push(format!(
                        "connector {:?} crosses the box {:?} ({})",
                        edge.attribute("data-ends"),
                        b.rect,
                        label_of(b.group)
                    ));
                }
            }
            for t in &texts {
                if crosses(&seg, &t.rect) {
                    problems.push(format!(
                        "connector {:?} crosses the text `{}`",
                        edge.attribute("data-ends"),
                        t.text
                    ));
                }
            }
        }
    }
    // Everything inside the view box.
    for b in &boxes {
        let canvas = R { x: 0.0, y: 0.0, w: view.0, h: view.1 };
        if !canvas.contains(&b.rect, 0.5) {
            problems.push(format!("box {:?} ({}) is outside the view box", b.rect, label_of(b.group)));
        }
    }
    Geometry { boxes: boxes.len(), texts: texts.len(), connectors, view, min_font, problems }
}

/// Do two segments lie on one line and share more than a point?
fn runs_along(a: &R, b: &R) -> bool {
    let eps = 0.5;
    let horizontal = a.h == 0.0 && b.h == 0.0 && (a.y - b.y).abs() < eps;
    let vertical = a.w == 0.0 && b.w == 0.0 && (a.x - b.x).abs() < eps;
    (horizontal && a.x.max(b.x) + eps < a.right().min(b.right()))
        || (vertical && a.y.max(b.y) + eps < a.bottom().min(b.bottom()))
}

/// Does a (degenerate) segment rectangle enter the interior of `r`?
fn crosses(seg: &R, r: &R) -> bool {
    let eps = 0.5;
    seg.x < r.right() - eps && seg.right() > r.x + eps && seg.y < r.bottom() - eps && seg.bottom() > r.y + eps
}

fn label_of(g: Node) -> String {
    g.children()
        .find(|c| c.has_tag_name("title"))
        .and_then(|t| t.text())
        .map(|t| t.lines().next().unwrap_or("").to_string())
        .unwrap_or_else(|| g.attribute("class").unwrap_or("").to_string())
}
