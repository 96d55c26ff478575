//! The parts of the diagram that are not elements of the topology: the internet band's text,
//! the strip of findings on the block as a whole, and the legend with the topology's row of
//! the overview's scenario table.

use super::boxes::{PAD, badges, fitted, label, lh};
use super::{Label, Placed, Rect};
use crate::diag::Diagnostic;
use crate::diagram::scene::{Elem, Mode, Scene};
use crate::diagram::status::Look;
use crate::diagram::text::text_width;

const SIZE: f32 = 10.0;
const SWATCH: f32 = 22.0;

/// A sample of a connector's line style.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Swatch {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub mode: Mode,
}

/// The legend box; everything inside is relative to `rect`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Legend {
    pub rect: Rect,
    pub labels: Vec<Label>,
    pub swatches: Vec<Swatch>,
    /// Severity icons: x, y, size, look.
    pub icons: Vec<(f32, f32, f32, Look)>,
    /// Horizontal rules (relative y).
    pub rules: Vec<f32>,
}

/// Text of the internet band.
pub(super) fn band(p: &mut Placed, e: &Elem) {
    p.icon = Some((8.0, 6.0, 18.0));
    let name = label(32.0, (p.rect.h - lh(11.5)) / 2.0, 11.5, true, "tb-name", e.name.clone());
    let x = 32.0 + text_width(&e.name, 11.5, true) + 6.0;
    let max = p.rect.w - x - PAD;
    p.labels = vec![
        name,
        fitted(x, (p.rect.h - lh(SIZE)) / 2.0 + 0.5, max, SIZE, false, "tb-detail", "public IP addresses"),
    ];
}

/// Findings on the block as a whole, in a strip at `y`.
pub(super) fn strip(scene: &Scene, diags: &[Diagnostic], w: f32, y: f32) -> Placed {
    let mut p = Placed::default();
    let title = "Whole block";
    p.labels.push(label(PAD, 5.0, 10.5, true, "tb-name", title.into()));
    let x = PAD + text_width(title, 10.5, true) + 8.0;
    let (b, bottom) = badges(&scene.block_findings, diags, x, 4.0, w - x - PAD);
    p.badges = b;
    p.rect = Rect { x: super::MARGIN, y, w, h: bottom.max(19.0) + 4.0 };
    p
}

/// The legend under the diagram, `w` wide at (`x`, `y`).
pub(super) fn legend(scene: &Scene, diags: &[Diagnostic], x: f32, y: f32, w: f32) -> Legend {
    let mut l = Legend::default();
    let inner = w - 2.0 * PAD;
    let mut cy = PAD;
    let head = "How each part is reached";
    l.labels.push(label(PAD, cy, 10.5, true, "tb-name", head.into()));
    let hx = PAD + text_width(head, 10.5, true) + 8.0;
    l.labels.push(fitted(
        hx,
        cy + 0.5,
        w - hx - PAD,
        SIZE,
        false,
        "tb-detail",
        "the overview's scenario table, for this topology",
    ));
    cy += lh(10.5) + 4.0;

    // The scenario table: four cells, two rows of two when narrow.
    let per_row = if inner >= 4.0 * 150.0 { 4 } else { 2 };
    let cw = inner / per_row as f32;
    for chunk in scene.scenario.cells.chunks(per_row) {
        let mut tallest: f32 = 0.0;
        for (i, (title, values)) in chunk.iter().enumerate() {
            let cx = PAD + i as f32 * cw;
            let mut vy = cy;
            l.labels.push(fitted(cx, vy, cw - 8.0, SIZE, true, "tb-cell-head", title));
            vy += lh(SIZE) + 1.0;
            match values {
                None => {
                    l.labels.push(fitted(cx, vy, cw - 8.0, SIZE, false, "tb-detail", "not in this block"));
                    vy += lh(SIZE);
                }
                Some(v) if v.is_empty() => {
                    l.labels.push(fitted(cx, vy, cw - 8.0, SIZE, false, "tb-detail", "no network path"));
                    vy += lh(SIZE);
                }
                Some(v) => {
                    for reach in v {
                        let mid = vy + lh(SIZE) / 2.0;
                        l.swatches.push(Swatch { x: cx, y: mid, w: SWATCH - 4.0, mode: reach.mode() });
                        let tx = cx + SWATCH;
                        l.labels.push(fitted(
                            tx,
                            vy,
                            cw - SWATCH - 8.0,
                            SIZE,
                            false,
                            "tb-cell",
                            reach.text(),
                        ));
                        vy += lh(SIZE);
                    }
                }
            }
            tallest = tallest.max(vy - cy);
        }
        cy += tallest + 4.0;
    }
    l.rules.push(cy + 2.0);
    cy += 8.0;

    // Line styles in use (the three ways of reaching a service always).
    let mut items: Vec<(Option<Mode>, Option<Look>, &str)> = Vec::new();
    for m in Mode::ALL {
        let used = scene.edges.iter().any(|e| e.mode == m);
        if used || matches!(m, Mode::Private | Mode::Service | Mode::Public) {
            items.push((Some(m), None, m.legend()));
        }
    }
    let mut looks: Vec<Look> = diags.iter().map(Look::of).collect();
    looks.sort_unstable_by(|a, b| b.cmp(a));
    looks.dedup();
    for look in looks {
        let text = match look {
            Look::Error => "error",
            Look::Warning => "warning",
            Look::Note => "note",
            Look::Expected => "expected (block has expect=)",
            Look::Suppressed => "suppressed",
        };
        items.push((None, Some(look), text));
    }
    let mut cx = PAD;
    for (mode, look, text) in items {
        let lead = if mode.is_some() { SWATCH } else { 14.0 };
        let tw = text_width(text, SIZE, false).min(inner - lead);
        if cx > PAD && cx + lead + tw > PAD + inner {
            cx = PAD;
            cy += lh(SIZE) + 3.0;
        }
        let mid = cy + lh(SIZE) / 2.0;
        if let Some(m) = mode {
            l.swatches.push(Swatch { x: cx, y: mid, w: SWATCH - 4.0, mode: m });
        }
        if let Some(look) = look {
            l.icons.push((cx, mid - 5.0, 10.0, look));
        }
        l.labels.push(fitted(cx + lead, cy, inner - lead, SIZE, false, "tb-detail", text));
        cx += lead + tw + 14.0;
    }
    cy += lh(SIZE);
    l.rect = Rect { x, y, w, h: cy + PAD };
    l
}
