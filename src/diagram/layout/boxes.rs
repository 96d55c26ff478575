//! The inside of boxes: where the icon, the caption, the name, the detail lines, the status
//! badges and the port rows of a card go, and the headers of VNets and subnets. Every label is
//! measured and cut or wrapped to stay inside its box.

use super::{BadgeBox, Label, Placed, Rect};
use crate::diag::Diagnostic;
use crate::diagram::scene::{Elem, Icon, Kind};
use crate::diagram::status;
use crate::diagram::text::{fit, text_width, wrap};

/// Inner padding of cards and containers.
pub(crate) const PAD: f32 = 7.0;
/// The smallest text of the diagram (captions, details, badges, tags, ports) is 10 units, so
/// that a diagram no wider than [`super::READABLE_WIDTH`] shows it at 9 px in a page.
pub(crate) const BADGE_H: f32 = 16.0;
pub(crate) const BADGE_SIZE: f32 = 10.0;
/// Room for the severity icon at the left of a badge.
pub(crate) const BADGE_ICON: f32 = 15.0;
/// Room after a badge's text.
const BADGE_END: f32 = 4.0;
pub(crate) const CAPTION_SIZE: f32 = 10.0;
pub(crate) const LINE_SIZE: f32 = 10.0;
pub(crate) const PORT_ROW: f32 = 16.0;
pub(crate) const PORT_SIZE: f32 = 10.0;
pub(crate) const CHIP_H: f32 = 19.0;
pub(crate) const CHIP_SIZE: f32 = 10.0;
/// Spacing of connector ports on a container border.
pub(crate) const BORDER_PORT: f32 = 6.0;

/// Line height for a font size; a label's baseline sits at `top + size`.
pub(crate) fn lh(size: f32) -> f32 {
    size * 1.32
}

pub(crate) fn label(x: f32, top: f32, size: f32, bold: bool, class: &'static str, text: String) -> Label {
    Label { x, y: top + size, size, bold, class, end: false, text, full: None }
}

/// A label cut to `max` px; the full text is kept for the tooltip when cut.
pub(crate) fn fitted(
    x: f32,
    top: f32,
    max: f32,
    size: f32,
    bold: bool,
    class: &'static str,
    t: &str,
) -> Label {
    let (shown, cut) = fit(t, max, size, bold);
    let mut l = label(x, top, size, bold, class, shown.into_owned());
    if cut {
        l.full = Some(t.to_string());
    }
    l
}

/// `text` in at most `max_lines` lines of `max` px, broken only after a separator `sep` (a
/// list of names, details joined by ` · `); a line still too long, and the last line when the
/// text does not fit, are cut with an ellipsis. The flag says whether anything was cut.
pub(crate) fn wrap_list(text: &str, sep: &str, max: f32, size: f32, max_lines: usize) -> (Vec<String>, bool) {
    if text_width(text, size, false) <= max || max_lines <= 1 {
        let (t, cut) = fit(text, max, size, false);
        return (vec![t.into_owned()], cut);
    }
    let parts: Vec<&str> = text.split(sep).collect();
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, part) in parts.iter().enumerate() {
        let piece = if i + 1 < parts.len() { format!("{part}{}", sep.trim_end()) } else { part.to_string() };
        let candidate = if current.is_empty() { piece.clone() } else { format!("{current} {piece}") };
        if current.is_empty() || text_width(&candidate, size, false) <= max {
            current = candidate;
        } else {
            lines.push(std::mem::take(&mut current));
            current = piece;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    let mut cut = false;
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        lines.push(rest);
    }
    for l in &mut lines {
        let (t, c) = fit(l, max, size, false);
        cut |= c;
        *l = t.into_owned();
    }
    (lines, cut)
}

/// Width of a badge for a finding.
fn badge_width(text: &str) -> f32 {
    BADGE_ICON + text_width(text, BADGE_SIZE, true) + BADGE_END
}

/// Lay the badges of `findings` (one per rule) out in rows inside `width`, from (`x`,
/// `top`). Returns the badges and the bottom of the last row (`top` when there are none).
///
/// A badge shows the whole rule ID and the count; when both do not fit, the count goes (the
/// tooltip has it), and only a box too narrow for the ID itself cuts it.
pub(crate) fn badges(
    findings: &[usize],
    diags: &[Diagnostic],
    x: f32,
    top: f32,
    width: f32,
) -> (Vec<BadgeBox>, f32) {
    let mut out = Vec::new();
    let (mut cx, mut cy) = (x, top);
    let max_text = (width - BADGE_ICON - BADGE_END).max(0.0);
    for badge in status::badges(findings, diags) {
        let full = badge.text();
        let shown = if text_width(&full, BADGE_SIZE, true) <= max_text {
            full
        } else {
            fit(badge.code, max_text, BADGE_SIZE, true).0.into_owned()
        };
        let w = badge_width(&shown).min(width);
        if cx > x && cx + w > x + width {
            cx = x;
            cy += BADGE_H + 4.0;
        }
        out.push(BadgeBox { badge, rect: Rect { x: cx, y: cy, w, h: BADGE_H }, text: shown });
        cx += w + 4.0;
    }
    let bottom = if out.is_empty() { top } else { cy + BADGE_H };
    (out, bottom)
}

/// Sizes of a card: icon, name and line fonts.
#[derive(Clone, Copy)]
pub(crate) struct CardStyle {
    pub icon: f32,
    pub name_size: f32,
}

pub(crate) const SIDE_CARD: CardStyle = CardStyle { icon: 18.0, name_size: 12.0 };
pub(crate) const NODE_CARD: CardStyle = CardStyle { icon: 16.0, name_size: 11.5 };

/// A card: icon and caption on the first line, the name (up to two lines) under them at
/// full width, detail lines, badges, then `ports` port rows (filled in when connectors are
/// routed). A private endpoint, whose kind its icon and its `→ owner` line say, has its
/// name beside the icon instead of a caption.
pub(crate) fn card(e: &Elem, diags: &[Diagnostic], w: f32, style: CardStyle, ports: usize) -> Placed {
    let mut p = Placed { icon: Some((PAD, PAD - 1.0, style.icon)), ..Placed::default() };
    let inner = w - 2.0 * PAD;
    let tx = PAD + style.icon + 5.0;
    let mut y = PAD + style.icon + 1.0;
    if e.icon == Icon::Endpoint && e.count <= 1 {
        let top = PAD - 1.0 + (style.icon - lh(style.name_size)) / 2.0;
        p.labels.push(fitted(tx, top, w - tx - PAD, style.name_size, true, "tb-name", &e.name));
    } else {
        let caption_top = PAD - 1.0 + (style.icon - lh(CAPTION_SIZE)) / 2.0;
        if e.count > 1 {
            // The count always shows, in bold after the caption; the caption gives way.
            let count = format!("×{}", e.count);
            let count_w = text_width(&count, CAPTION_SIZE, true);
            let room = w - tx - PAD - count_w - 4.0;
            let (caption, cut) = fit(&e.caption, room, CAPTION_SIZE, false);
            let caption_w = text_width(&caption, CAPTION_SIZE, false);
            let mut l = label(tx, caption_top, CAPTION_SIZE, false, "tb-caption", caption.into_owned());
            if cut {
                l.full = Some(e.caption.clone());
            }
            p.labels.push(l);
            p.labels.push(label(tx + caption_w + 4.0, caption_top, CAPTION_SIZE, true, "tb-count", count));
        } else if !e.caption.is_empty() {
            p.labels.push(fitted(
                tx,
                caption_top,
                w - tx - PAD,
                CAPTION_SIZE,
                false,
                "tb-caption",
                &e.caption,
            ));
        }
        let (lines, cut) = wrap(&e.name, inner, style.name_size, true, 2);
        for l in lines {
            let mut lab = label(PAD, y, style.name_size, true, "tb-name", l);
            if cut {
                lab.full = Some(e.name.clone());
            }
            p.labels.push(lab);
            y += lh(style.name_size);
        }
    }
    for line in &e.lines {
        // Details wrap to a second line (after a ` · `) rather than lose their end.
        let (lines, cut) = wrap_list(line, " · ", inner, LINE_SIZE, 2);
        for l in lines {
            let mut lab = label(PAD, y, LINE_SIZE, false, "tb-detail", l);
            if cut {
                lab.full = Some(line.clone());
            }
            p.labels.push(lab);
            y += lh(LINE_SIZE);
        }
    }
    if !e.findings.is_empty() {
        let (b, bottom) = badges(&e.findings, diags, PAD, y + 3.0, inner);
        p.badges = b;
        y = bottom;
    }
    if ports > 0 {
        y += 4.0;
        p.divider = Some(y);
        y += 2.0;
        p.ports_top = y;
        y += ports as f32 * PORT_ROW;
    }
    p.rect = Rect { x: 0.0, y: 0.0, w, h: y + PAD - 1.0 };
    p
}

/// The header of a VNet: icon, name, detail lines, badges; returns its height. Connector
/// ports on the VNet border go in the header band, so it is at least tall enough for them.
pub(crate) fn vnet_header(e: &Elem, diags: &[Diagnostic], p: &mut Placed, w: f32, ports: usize) -> f32 {
    let icon = 18.0;
    p.icon = Some((PAD + 1.0, PAD + 1.0, icon));
    let tx = PAD + icon + 8.0;
    let mut y = PAD;
    let name_size = 13.0;
    let shown = if e.count > 1 { format!("{} alike VNets", e.count) } else { e.name.clone() };
    let mut name = fitted(tx, y, w - tx - PAD, name_size, true, "tb-name", &shown);
    if e.external {
        name.class = "tb-name tb-external-name";
    }
    p.labels.push(name);
    y += lh(name_size) + 1.0;
    y = y.max(PAD + icon + 3.0);
    let inner = w - 2.0 * PAD - 2.0;
    if e.count > 1 {
        // The VNets it stands for, by name; their address spaces are in the tooltip.
        let names: Vec<&str> = e.members.iter().map(|m| m.split(' ').next().unwrap_or("")).collect();
        let (lines, cut) = wrap_list(&names.join(", "), ", ", inner, LINE_SIZE + 0.5, 3);
        for l in lines {
            let mut lab = label(PAD + 1.0, y, LINE_SIZE + 0.5, false, "tb-detail", l);
            if cut {
                lab.full = Some(names.join(", "));
            }
            p.labels.push(lab);
            y += lh(LINE_SIZE + 0.5);
        }
    }
    for line in e.lines.iter().skip(usize::from(e.count > 1)) {
        p.labels.push(fitted(PAD + 1.0, y, w - 2.0 * PAD - 2.0, LINE_SIZE + 0.5, false, "tb-detail", line));
        y += lh(LINE_SIZE + 0.5);
    }
    if !e.findings.is_empty() {
        let (b, bottom) = badges(&e.findings, diags, PAD + 1.0, y + 2.0, w - 2.0 * PAD - 2.0);
        p.badges = b;
        y = bottom;
    }
    let need = 8.0 + ports as f32 * BORDER_PORT;
    (y + 6.0).max(need)
}

/// The header of a subnet: name and prefix on one line, then its tags (chips), laid out in
/// rows; then its badges. Chip boxes are returned with positions relative to the subnet.
/// Returns the header height.
pub(crate) fn subnet_header(
    e: &Elem,
    chips: &mut [(usize, &Elem, &mut Placed)],
    diags: &[Diagnostic],
    p: &mut Placed,
    w: f32,
    ports: usize,
) -> f32 {
    let inner = w - 2.0 * PAD;
    let mut y = PAD - 2.0;
    if e.kind == Kind::Subnet {
        let size = 11.5;
        let prefix = if e.count > 1 { "" } else { e.lines.first().map(String::as_str).unwrap_or("") };
        let (pre, _) = fit(prefix, inner * 0.5, LINE_SIZE, false);
        let pre_w = if pre.is_empty() { 0.0 } else { text_width(&pre, LINE_SIZE, false) + 8.0 };
        let shown = if e.count > 1 { format!("{} alike subnets", e.count) } else { e.name.clone() };
        // The prefix beside the name when both fit, else under it.
        let beside = text_width(&shown, size, true) + pre_w <= inner;
        let mut name =
            fitted(PAD, y, if beside { inner - pre_w } else { inner }, size, true, "tb-name", &shown);
        if e.external {
            name.class = "tb-name tb-external-name";
        }
        p.labels.push(name);
        if !pre.is_empty() {
            let top = if beside { y + (size - LINE_SIZE) } else { y + lh(size) };
            let mut l = label(w - PAD, top, LINE_SIZE, false, "tb-detail", pre.into_owned());
            if beside {
                l.end = true;
            } else {
                l.x = PAD;
                y += lh(LINE_SIZE);
            }
            if prefix.len() > l.text.len() {
                l.full = Some(prefix.to_string());
            }
            p.labels.push(l);
        }
        y += lh(size) + 2.0;
        if e.count > 1 {
            // The subnets it stands for, by name.
            let names: Vec<&str> = e.members.iter().map(|m| m.split(' ').next().unwrap_or("")).collect();
            let (lines, cut) = wrap_list(&names.join(", "), ", ", inner, LINE_SIZE, 3);
            for l in lines {
                let mut lab = label(PAD, y, LINE_SIZE, false, "tb-detail", l);
                if cut {
                    lab.full = Some(names.join(", "));
                }
                p.labels.push(lab);
                y += lh(LINE_SIZE);
            }
        }
        for extra in e.lines.iter().skip(1) {
            p.labels.push(fitted(PAD, y, inner, LINE_SIZE, false, "tb-detail", extra));
            y += lh(LINE_SIZE);
        }
    }
    // Chips, in rows; a chip carries its own badges when they fit beside a readable name,
    // else they join the subnet's badges.
    let (mut cx, mut row_top) = (PAD, y);
    let mut any = false;
    let mut overflow: Vec<usize> = Vec::new();
    for (_, chip, cp) in chips.iter_mut() {
        let (mut cb, _) = badges(&chip.findings, diags, 0.0, 0.0, f32::MAX);
        let mut badges_w: f32 = cb.iter().map(|b| b.rect.w + 4.0).sum();
        if badges_w + 52.0 > inner {
            overflow.extend(chip.findings.iter().copied());
            cb.clear();
            badges_w = 0.0;
        }
        let (shown, cut) = fit(&chip.name, inner - 12.0 - badges_w, CHIP_SIZE, false);
        let text_w = text_width(&shown, CHIP_SIZE, false);
        let cw = (text_w + 12.0 + badges_w).min(inner);
        if cx > PAD && cx + cw > PAD + inner {
            cx = PAD;
            row_top += CHIP_H + 4.0;
        }
        let mut l =
            label(6.0, (CHIP_H - lh(CHIP_SIZE)) / 2.0, CHIP_SIZE, false, "tb-chip-text", shown.into_owned());
        if cut {
            l.full = Some(chip.name.clone());
        }
        cp.labels = vec![l];
        let mut bx = 6.0 + text_w + 4.0;
        for b in &mut cb {
            b.rect.x = bx;
            b.rect.y = (CHIP_H - BADGE_H) / 2.0;
            bx += b.rect.w + 4.0;
        }
        cp.badges = cb;
        cp.rect = Rect { x: cx, y: row_top, w: cw, h: CHIP_H };
        cx += cw + 5.0;
        any = true;
    }
    if any {
        y = row_top + CHIP_H + 3.0;
    }
    let mut own: Vec<usize> = e.findings.clone();
    own.extend(overflow);
    if !own.is_empty() {
        let (b, bottom) = badges(&own, diags, PAD, y + 1.0, inner);
        p.badges = b;
        y = bottom + 3.0;
    }
    let need = 6.0 + ports as f32 * BORDER_PORT;
    (y + 4.0).max(need)
}
