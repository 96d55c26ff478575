//! Text in the diagram: a conservative width estimate, truncation with an ellipsis, wrapping of
//! long names, and XML escaping.
//!
//! The layout must know how wide a label is without a font engine. The diagram asks for a
//! sans-serif stack ([`FONT_FAMILY`]) whose widest member on common systems is DejaVu Sans;
//! the tables below are DejaVu Sans advance widths (regular and bold, in 1/1000 em), and every
//! estimate adds a safety margin, so the real text is never wider than the estimate on the
//! fonts of the stack. Characters outside ASCII count as one em, the widest common advance.

use std::borrow::Cow;

/// The `font-family` the diagram sets on its root element. Every member is at most as wide
/// as DejaVu Sans, the font the width tables are measured on.
pub const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif";

/// Safety margin on every estimate (hinting, kerning differences, fallback fonts).
const MARGIN: f32 = 1.06;

/// DejaVu Sans advance widths of ASCII 32..=126, in 1/1000 em.
const REGULAR: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
    295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
    500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
    392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];

/// DejaVu Sans Bold advance widths of ASCII 32..=126, in 1/1000 em.
const BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696,
    696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372,
    372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838,
    500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
    478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

/// The ellipsis used when a label is cut.
pub const ELLIPSIS: char = '…';

fn advance(c: char, bold: bool) -> u32 {
    let code = c as u32;
    if (32..=126).contains(&code) {
        let table = if bold { &BOLD } else { &REGULAR };
        table[(code - 32) as usize] as u32
    } else {
        match c {
            '·' => 400,
            '×' => 840,
            '→' | '←' | '↔' => 840,
            '…' => 1000,
            _ => 1000,
        }
    }
}

/// Estimated rendered width of `text` at `size` px, never less than the real width on the
/// fonts of [`FONT_FAMILY`].
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let milli: u32 = text.chars().map(|c| advance(c, bold)).sum();
    milli as f32 / 1000.0 * size * MARGIN
}

/// `text` cut to fit in `max` px, with an ellipsis when cut. The second value says whether
/// the text was cut (then the full text belongs in a `<title>`).
pub fn fit(text: &str, max: f32, size: f32, bold: bool) -> (Cow<'_, str>, bool) {
    if text_width(text, size, bold) <= max {
        return (Cow::Borrowed(text), false);
    }
    let budget = max - text_width("…", size, bold);
    let mut used = 0.0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        let w = advance(c, bold) as f32 / 1000.0 * size * MARGIN;
        if used + w > budget {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    let mut out = text[..end].trim_end().to_string();
    out.push(ELLIPSIS);
    (Cow::Owned(out), true)
}

/// Break `text` into at most `max_lines` lines of at most `max` px, preferring breaks after
/// `.`, `-`, `/`, `_`, `,` or a space (names like `privatelink.blob.core.windows.net`). The
/// last line is cut with an ellipsis when the text does not fit. The flag says whether
/// anything was cut.
pub fn wrap(text: &str, max: f32, size: f32, bold: bool, max_lines: usize) -> (Vec<String>, bool) {
    let mut lines = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if lines.len() + 1 >= max_lines.max(1) || text_width(rest, size, bold) <= max {
            let (t, cut) = fit(rest, max, size, bold);
            lines.push(t.into_owned());
            return (lines, cut);
        }
        // The longest prefix ending at a break character that fits; else a hard break.
        let mut best = None;
        let mut hard = 0;
        let mut used = 0.0;
        for (i, c) in rest.char_indices() {
            used += advance(c, bold) as f32 / 1000.0 * size * MARGIN;
            if used > max {
                break;
            }
            hard = i + c.len_utf8();
            if matches!(c, '.' | '-' | '/' | '_' | ',' | ' ') {
                best = Some(hard);
            }
        }
        // A break that leaves the line less than half full wastes it: cut the word instead.
        let best = best.filter(|&b| text_width(&rest[..b], size, bold) >= max * 0.5);
        let cut_at = best.unwrap_or(hard).max(rest.chars().next().map_or(1, char::len_utf8));
        lines.push(rest[..cut_at].trim_end().to_string());
        rest = rest[cut_at..].trim_start();
    }
    (lines, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_weight() {
        assert!(text_width("stmldemo", 12.0, true) > text_width("stmldemo", 12.0, false));
        assert!(text_width("WWW", 10.0, false) > text_width("iii", 10.0, false));
        // Non-ASCII counts one em.
        assert!((text_width("日本", 10.0, false) - 2.0 * 10.0 * MARGIN).abs() < 0.01);
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        let (t, cut) = fit("short", 200.0, 10.0, false);
        assert_eq!((t.as_ref(), cut), ("short", false));
        let long = "privatelink.blob.core.windows.net";
        let (t, cut) = fit(long, 60.0, 10.0, false);
        assert!(cut && t.ends_with(ELLIPSIS));
        assert!(text_width(&t, 10.0, false) <= 60.0);
        // Nothing fits but the ellipsis: still no panic.
        let (t, _) = fit(long, 1.0, 10.0, false);
        assert_eq!(t, "…");
    }

    #[test]
    fn wrap_prefers_dots() {
        let (lines, cut) = wrap("privatelink.blob.core.windows.net", 120.0, 10.0, false, 2);
        assert!(!cut, "{lines:?}");
        assert_eq!(lines.len(), 2);
        assert!(lines[0].ends_with('.'), "{lines:?}");
        for l in &lines {
            assert!(text_width(l, 10.0, false) <= 120.0);
        }
        let (lines, cut) = wrap(&"x".repeat(200), 50.0, 10.0, false, 2);
        assert!(cut && lines.len() == 2);
        assert!(lines.iter().all(|l| text_width(l, 10.0, false) <= 50.0));
    }
}
