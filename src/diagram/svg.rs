//! Writing the SVG. Everything that comes from the topology or the report is XML-escaped and
//! only ever written as text content or as the value of a fixed attribute; element names,
//! attribute names, URLs (`#block-finding-n` fragments), classes and styles are all ours.
//! Colours come from the stylesheet ([`super::DIAGRAM_CSS`]) through classes, never from
//! attributes, so the page's light, dark and print themes apply.

use std::fmt::Write as _;

use super::DiagramOptions;
use super::icons::{LOOKS, status_symbol};
use super::layout::{BADGE_H, BADGE_ICON, BADGE_SIZE, Label, Layout, Placed};
use super::scene::{Icon, Kind, Mode, Scene, Side};
use super::status::{Look, badge_summary, badge_title, badges, element_look};
use super::text::FONT_FAMILY;
use crate::check::BlockReport;
use crate::diag::Diagnostic;
use crate::escape;

/// Append a coordinate, rounded to 0.1 px, without a trailing `.0` (by hand: float
/// formatting was the largest cost of writing a diagram).
fn num(out: &mut String, v: f32) {
    let tenths = if v.is_finite() { (v * 10.0).round() as i64 } else { 0 };
    if tenths < 0 {
        out.push('-');
    }
    let t = tenths.unsigned_abs();
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = t / 10;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
    if t % 10 != 0 {
        out.push('.');
        out.push(char::from(b'0' + (t % 10) as u8));
    }
}

/// A block id restricted to characters that are safe in an XML id and a URL fragment.
pub(crate) fn safe_id(id: &str) -> String {
    let s: String =
        id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    if s.is_empty() { "block".into() } else { s }
}

struct Writer<'a> {
    out: String,
    /// Prefix of the SVG's own ids.
    id: String,
    /// The block's id, which finding anchors start with.
    anchor: String,
    diags: &'a [Diagnostic],
    scene: &'a Scene,
    layout: &'a Layout,
    link: bool,
}

impl Writer<'_> {
    fn s(&mut self, s: &str) {
        self.out.push_str(s);
    }
    fn n(&mut self, v: f32) {
        num(&mut self.out, v);
    }
    fn esc(&mut self, s: &str) {
        escape::xml_into(&mut self.out, s);
    }
    /// Escaped text that keeps its line breaks (a tooltip of several findings).
    fn esc_lines(&mut self, s: &str) {
        for (i, line) in s.split('\n').enumerate() {
            if i > 0 {
                self.out.push('\n');
            }
            escape::xml_into(&mut self.out, line);
        }
    }

    fn rect(&mut self, class: &str, x: f32, y: f32, w: f32, h: f32, rx: f32) {
        self.s("<rect class=\"");
        self.s(class);
        self.s("\" x=\"");
        self.n(x);
        self.s("\" y=\"");
        self.n(y);
        self.s("\" width=\"");
        self.n(w);
        self.s("\" height=\"");
        self.n(h);
        self.s("\" rx=\"");
        self.n(rx);
        self.s("\"/>");
    }

    fn text(&mut self, l: &Label, ox: f32, oy: f32) {
        self.s("<text class=\"");
        self.s(l.class);
        self.s("\" x=\"");
        self.n(ox + l.x);
        self.s("\" y=\"");
        self.n(oy + l.y);
        self.s("\" font-size=\"");
        self.n(l.size);
        self.s("\"");
        if l.bold {
            self.s(" font-weight=\"700\"");
        }
        if l.end {
            self.s(" text-anchor=\"end\"");
        }
        self.s(">");
        self.esc(&l.text);
        self.s("</text>\n");
    }

    /// `<use>` of the symbol `{prefix}{slug}`, with the class `{class}{slug}`.
    fn use_symbol(&mut self, class: &str, prefix: &str, slug: &str, x: f32, y: f32, size: f32) {
        let _ = write!(self.out, "<use class=\"{class}{slug}\" href=\"#{}-{prefix}{slug}\" x=\"", self.id);
        self.n(x);
        self.s("\" y=\"");
        self.n(y);
        self.s("\" width=\"");
        self.n(size);
        self.s("\" height=\"");
        self.n(size);
        self.s("\"/>");
    }

    /// Labels, icon and badges of a placed box.
    fn contents(&mut self, p: &Placed, icon: Icon) {
        let r = p.rect;
        if let Some(y) = p.divider {
            self.s("<path class=\"tb-divider\" d=\"M");
            self.n(r.x + 1.0);
            self.s(" ");
            self.n(r.y + y);
            self.s("H");
            self.n(r.right() - 1.0);
            self.s("\"/>");
        }
        if let (Some((x, y, size)), false) = (p.icon, icon == Icon::None) {
            self.use_symbol("tb-icon tb-icon-", "i-", icon.slug(), r.x + x, r.y + y, size);
        }
        for l in &p.labels {
            self.text(l, r.x, r.y);
        }
        for b in &p.badges {
            let Some(&first) = b.badge.findings.first() else { continue };
            let look = b.badge.look;
            let (x, y) = (r.x + b.rect.x, r.y + b.rect.y);
            if self.link {
                let _ = write!(
                    self.out,
                    "<a class=\"tb-badge tb-look-{}\" href=\"#{}-finding-{first}\" data-findings=\"{}\">",
                    look.class(),
                    self.anchor,
                    b.badge.findings.len()
                );
            } else {
                let _ = write!(self.out, "<g class=\"tb-badge tb-look-{}\">", look.class());
            }
            self.s("<title>");
            self.esc_lines(&badge_title(&b.badge, self.diags));
            self.s("</title>");
            self.rect("tb-box tb-badge-box", x, y, b.rect.w, BADGE_H, BADGE_H / 2.0);
            self.use_symbol("tb-status tb-status-", "s-", look.class(), x + 3.0, y + 2.0, 10.0);
            let l = Label {
                x: BADGE_ICON - 1.0,
                y: (BADGE_H + BADGE_SIZE * 0.72) / 2.0,
                size: BADGE_SIZE,
                bold: true,
                class: "tb-badge-text",
                end: false,
                text: b.text.clone(),
                full: None,
            };
            self.text(&l, x, y);
            self.s(if self.link { "</a>\n" } else { "</g>\n" });
        }
    }

    fn tooltip(&mut self, what: &str, lines: &[String], findings: &[usize]) {
        self.s("<title>");
        self.esc(what);
        for l in lines {
            self.s("\n");
            self.esc(l);
        }
        for b in badges(findings, self.diags) {
            self.s("\n");
            self.esc(&badge_summary(&b, self.diags));
        }
        self.s("</title>\n");
    }

    fn element(&mut self, id: usize) {
        let (scene, layout) = (self.scene, self.layout);
        let e = &scene.elems[id];
        let p = &layout.placed[id];
        let (class, rx) = match e.kind {
            Kind::Band => ("tb-band", 15.0),
            Kind::Vnet => ("tb-vnet", 10.0),
            Kind::Subnet => ("tb-subnet", 6.0),
            Kind::Loose => ("tb-loose", 0.0),
            Kind::Node => ("tb-node", 5.0),
            Kind::Chip => ("tb-chip", 9.0),
            Kind::Side(Side::Left) => ("tb-side tb-side-left", 6.0),
            Kind::Side(Side::Right) => ("tb-side tb-side-right", 6.0),
        };
        let _ = write!(self.out, "<g class=\"tb-el {class}");
        if e.external {
            self.s(" tb-external");
        }
        if let Some(look) = element_look(&e.findings, self.diags) {
            let _ = write!(self.out, " tb-st tb-st-{}", look.class());
        }
        let _ = write!(self.out, "\" data-el=\"{id}\">");
        let lines = if e.members.is_empty() { &e.lines } else { &e.members };
        self.tooltip(&e.what, lines, &e.findings);
        if e.kind != Kind::Loose {
            let r = p.rect;
            self.rect("tb-box", r.x, r.y, r.w, r.h, rx);
        }
        self.contents(p, e.icon);
        for &c in &e.children {
            self.element(c);
        }
        self.s("</g>\n");
    }

    fn edge(&mut self, i: usize) {
        let e = &self.scene.edges[i];
        let pts = &self.layout.routes[i];
        if pts.len() < 2 {
            return;
        }
        let m = e.mode.class();
        let _ = write!(self.out, "<g class=\"tb-edge tb-mode-{m}\" data-ends=\"{} {}\">", e.from, e.to);
        self.s("<title>");
        self.esc(&e.title);
        self.s("</title><path class=\"tb-line tb-line-");
        self.s(m);
        self.s("\" d=\"");
        for (k, &(x, y)) in pts.iter().enumerate() {
            self.s(if k == 0 { "M" } else { "L" });
            self.n(x);
            self.s(" ");
            self.n(y);
        }
        self.s("\"");
        if e.mode.arrow() {
            let _ = write!(self.out, " marker-end=\"url(#{}-arrow-{m})\"", self.id);
        } else {
            let _ = write!(
                self.out,
                " marker-start=\"url(#{0}-dot-{m})\" marker-end=\"url(#{0}-dot-{m})\"",
                self.id
            );
        }
        self.s("/></g>\n");
    }

    fn defs(&mut self) {
        self.s("<defs>\n");
        for m in Mode::ALL {
            let c = m.class();
            if !self.scene.edges.iter().any(|e| e.mode == m) {
                continue;
            }
            if m.arrow() {
                let _ = writeln!(
                    self.out,
                    "<marker id=\"{}-arrow-{c}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path class=\"tb-arrowhead tb-arrowhead-{c}\" d=\"M0 0L10 5L0 10z\"/></marker>",
                    self.id
                );
            } else {
                let _ = writeln!(
                    self.out,
                    "<marker id=\"{}-dot-{c}\" viewBox=\"0 0 10 10\" refX=\"5\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" markerUnits=\"userSpaceOnUse\"><circle class=\"tb-arrowhead tb-arrowhead-{c}\" cx=\"5\" cy=\"5\" r=\"4\"/></marker>",
                    self.id
                );
            }
        }
        for icon in Icon::ALL {
            if self.scene.elems.iter().any(|e| e.icon == icon) {
                let _ = writeln!(
                    self.out,
                    "<symbol id=\"{}-i-{}\" viewBox=\"0 0 24 24\"><g fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.7\" stroke-linecap=\"round\" stroke-linejoin=\"round\">{}</g></symbol>",
                    self.id,
                    icon.slug(),
                    icon.body()
                );
            }
        }
        for look in LOOKS {
            if self.diags.iter().any(|d| Look::of(d) == look) {
                let _ = writeln!(
                    self.out,
                    "<symbol id=\"{}-s-{}\" viewBox=\"0 0 12 12\"><g stroke-width=\"1.6\" stroke-linecap=\"round\" stroke-linejoin=\"round\">{}</g></symbol>",
                    self.id,
                    look.class(),
                    status_symbol(look)
                );
            }
        }
        self.s("</defs>\n");
    }

    fn legend(&mut self) {
        let Some(l) = &self.layout.legend else { return };
        let r = l.rect;
        self.s("<g class=\"tb-legend\">\n");
        self.rect("tb-box tb-legend-box", r.x, r.y, r.w, r.h, 6.0);
        for &y in &l.rules {
            self.s("<path class=\"tb-divider\" d=\"M");
            self.n(r.x + 1.0);
            self.s(" ");
            self.n(r.y + y);
            self.s("H");
            self.n(r.right() - 1.0);
            self.s("\"/>\n");
        }
        for sw in &l.swatches {
            let c = sw.mode.class();
            let _ = write!(self.out, "<path class=\"tb-line tb-line-{c}\" d=\"M");
            self.n(r.x + sw.x);
            self.s(" ");
            self.n(r.y + sw.y);
            self.s("H");
            self.n(r.x + sw.x + sw.w);
            self.s("\"/>\n");
        }
        for &(x, y, size, look) in &l.icons {
            self.use_symbol("tb-status tb-look-", "s-", look.class(), r.x + x, r.y + y, size);
        }
        for lab in &l.labels {
            self.text(lab, r.x, r.y);
        }
        self.s("</g>\n");
    }
}

/// Write the SVG of a laid-out scene; `id` prefixes its element ids (`{id}-diagram`,
/// `{id}-title`, markers and symbols), badges link to the block's findings.
///
/// An SVG with links (the badges) is a `group` labelled by its title and described by its
/// description, so that the links inside stay reachable; without links it is an `img`.
pub(crate) fn write(
    report: &BlockReport,
    scene: &Scene,
    layout: &Layout,
    opts: &DiagramOptions,
    id: &str,
    description: &super::Description,
) -> String {
    let mut w = Writer {
        out: String::with_capacity(16 * 1024 + scene.elems.len() * 700),
        id: id.to_string(),
        anchor: safe_id(&report.id),
        diags: &report.diagnostics,
        scene,
        layout,
        link: opts.link_findings,
    };
    let id = w.id.clone();
    let links = opts.link_findings
        && (layout.placed.iter().any(|p| !p.badges.is_empty())
            || layout.strip.as_ref().is_some_and(|s| !s.badges.is_empty()));
    let aria = if links {
        format!("role=\"group\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\"")
    } else {
        format!("role=\"img\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\"")
    };
    let _ = writeln!(
        w.out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tb-diagram\" id=\"{id}-diagram\" viewBox=\"0 0 {} {}\" width=\"100%\" {aria} font-family=\"{FONT_FAMILY}\">",
        layout.width, layout.height
    );
    w.s("<title id=\"");
    w.s(&id);
    w.s("-title\">");
    let title = match &report.options.title {
        Some(t) => t.clone(),
        None => "Network topology diagram".to_string(),
    };
    w.esc(&title);
    w.s("</title>\n<desc id=\"");
    w.s(&id);
    w.s("-desc\">");
    // In a page the description's list stands beside the diagram: the SVG says what it
    // shows in a sentence. A standalone SVG carries the whole description.
    if opts.standalone {
        w.esc(&description.text());
    } else {
        w.esc(&description.title);
    }
    w.s("</desc>\n");
    if opts.standalone {
        w.s("<style><![CDATA[");
        w.s(super::DIAGRAM_CSS);
        w.s("]]></style>\n");
    }
    w.defs();
    w.rect("tb-canvas", 0.0, 0.0, layout.width, layout.height, 0.0);
    w.s("\n");
    if let Some(s) = &layout.strip {
        w.s("<g class=\"tb-el tb-strip");
        if let Some(look) = element_look(&scene.block_findings, &report.diagnostics) {
            let _ = write!(w.out, " tb-st tb-st-{}", look.class());
        }
        w.s("\">");
        w.tooltip("findings on the block as a whole", &[], &scene.block_findings);
        w.rect("tb-box", s.rect.x, s.rect.y, s.rect.w, s.rect.h, 6.0);
        w.contents(s, Icon::None);
        w.s("</g>\n");
    }
    for (id, e) in scene.elems.iter().enumerate() {
        if e.parent.is_none() {
            w.element(id);
        }
    }
    w.s("<g class=\"tb-edges\">\n");
    for i in 0..scene.edges.len() {
        w.edge(i);
    }
    w.s("</g>\n");
    w.legend();
    w.s("</svg>");
    w.out
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_are_short_and_rounded() {
        let f = |v: f32| {
            let mut s = String::new();
            num(&mut s, v);
            s
        };
        assert_eq!(f(12.0), "12");
        assert_eq!(f(12.34), "12.3");
        assert_eq!(f(0.04), "0");
        assert_eq!(f(-0.04), "0");
        assert_eq!(f(-3.25), "-3.3");
        assert_eq!(f(1234.96), "1235");
        assert_eq!(f(f32::NAN), "0");
    }
}
