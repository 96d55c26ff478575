//! Colour contrast as WCAG 2.1 measures it (relative luminance, contrast ratio), and the
//! backgrounds highlighted code sits on, so that the highlighting palettes can be made
//! readable (4.5:1, success criterion 1.4.3) on every one of them.

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// The contrast WCAG 2.1 AA asks of text (1.4.3).
pub const AA_TEXT: f64 = 4.5;

impl Rgb {
    /// `#rgb` or `#rrggbb` (case-insensitive).
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.trim().strip_prefix('#')?;
        let digit = |i: usize, len: usize| u8::from_str_radix(hex.get(i..i + len)?, 16).ok();
        match hex.len() {
            3 => Some(Rgb(digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
            6 => Some(Rgb(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2.1).
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// `self` at `share` (0–1) over `other`: what `color-mix(in srgb, self share%, other)`
    /// gives, and what a colour with alpha `share` looks like over `other`.
    pub fn over(self, share: f64, other: Rgb) -> Rgb {
        let m = |a: u8, b: u8| (a as f64 * share + b as f64 * (1.0 - share)).round() as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

/// The contrast ratio of two colours (1 to 21).
pub fn ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The lowest contrast of `fg` against `backgrounds`.
pub fn worst(fg: Rgb, backgrounds: &[Rgb]) -> f64 {
    backgrounds.iter().map(|&b| ratio(fg, b)).fold(f64::INFINITY, f64::min)
}

/// `fg`, moved towards black (on light backgrounds) or white (on dark ones) in small steps
/// until it reaches `target` against every background; the hue stays. Unchanged when it
/// already does.
pub fn readable(fg: Rgb, backgrounds: &[Rgb], target: f64) -> Rgb {
    let mean = backgrounds.iter().map(|b| b.luminance()).sum::<f64>() / backgrounds.len().max(1) as f64;
    let dark_backgrounds = mean < 0.18;
    let end = if dark_backgrounds { Rgb(255, 255, 255) } else { Rgb(0, 0, 0) };
    let mut c = fg;
    let mut step = 0.0;
    while worst(c, backgrounds) < target && step < 1.0 {
        step += 0.02;
        c = end.over(step, fg);
    }
    c
}

/// A palette's colours as the theme's stylesheet defines them.
#[derive(Clone, Copy, Debug)]
pub struct Palette {
    /// `--fg` and `--fg-soft` (line numbers).
    pub fg: Rgb,
    pub fg_soft: Rgb,
    /// `--bg-code`: code blocks and the YAML of topology blocks.
    pub code: Rgb,
    /// `--fail`, `--warn`, `--note`, `--expected`: the marks of offending YAML lines.
    pub marks: [Rgb; 4],
}

/// The share of a mark's colour in a marked line's background (`topology.css`:
/// `color-mix(in srgb, var(--m) 13%, transparent)` over the code background).
pub const MARK_SHARE: f64 = 0.13;

/// The share of a mark's colour in the colour of its words and line number (`topology.css`:
/// `color-mix(in srgb, var(--m) 75%, var(--fg))`), the rest being the text colour.
pub const MARK_TEXT_SHARE: f64 = 0.75;

/// The default theme's palettes (`theme.css`), light and dark; a test keeps them equal to
/// the stylesheet.
pub const LIGHT: Palette = Palette {
    fg: Rgb(0x1f, 0x23, 0x28),
    fg_soft: Rgb(0x59, 0x63, 0x6e),
    code: Rgb(0xf6, 0xf8, 0xfa),
    marks: [Rgb(0xcf, 0x22, 0x2e), Rgb(0x9a, 0x67, 0x00), Rgb(0x09, 0x69, 0xda), Rgb(0x57, 0x60, 0x6a)],
};
pub const DARK: Palette = Palette {
    fg: Rgb(0xe6, 0xed, 0xf3),
    fg_soft: Rgb(0x9d, 0xa7, 0xb3),
    code: Rgb(0x1b, 0x22, 0x2c),
    marks: [Rgb(0xf8, 0x51, 0x49), Rgb(0xd2, 0x99, 0x22), Rgb(0x58, 0xa6, 0xff), Rgb(0x9d, 0xa7, 0xb3)],
};

impl Palette {
    /// Every background highlighted code sits on: the plain code background and each
    /// marked line's (errors, warnings, notes, expected findings).
    pub fn code_backgrounds(&self) -> Vec<Rgb> {
        let mut v = vec![self.code];
        v.extend(self.marks.iter().map(|m| m.over(MARK_SHARE, self.code)));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of custom property `name` in the first rule of `css` whose selector is
    /// `selector`.
    fn var(css: &str, selector: &str, name: &str) -> Rgb {
        let selector_of =
            |r: &str| r.split('{').next().unwrap_or("").rsplit("*/").next().unwrap_or("").trim().to_string();
        let rule = css.split('}').find(|r| selector_of(r) == selector).expect(selector);
        let value = crate::render::highlight::declarations(&format!("{rule}}}"))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| panic!("{selector} has no {name}"));
        Rgb::parse(&value).unwrap_or_else(|| panic!("{name}: {value}"))
    }

    fn builtin(path: &str) -> String {
        let theme = crate::load::theme::builtin();
        String::from_utf8_lossy(&theme.get(path).expect(path).bytes).into_owned()
    }

    #[test]
    fn palettes_are_the_stylesheets() {
        let css = builtin("static/css/theme.css");
        for (selector, p) in [(":root", LIGHT), ("[data-theme=\"dark\"]", DARK)] {
            assert_eq!(var(&css, selector, "--bg-code"), p.code, "{selector} --bg-code");
            assert_eq!(var(&css, selector, "--fg"), p.fg, "{selector} --fg");
            assert_eq!(var(&css, selector, "--fg-soft"), p.fg_soft, "{selector} --fg-soft");
            for (name, m) in ["--fail", "--warn", "--note", "--expected"].iter().zip(p.marks) {
                assert_eq!(var(&css, selector, name), m, "{selector} {name}");
            }
        }
        let topology = builtin("static/css/topology.css");
        assert!(topology.contains("color-mix(in srgb, var(--m) 13%, transparent)"), "mark background share");
        assert!(topology.contains("color-mix(in srgb, var(--m) 75%, var(--fg))"), "mark text share");
    }

    /// Line numbers and the marks' words and numbers (CSS generated content, which axe does
    /// not see) on every background of the YAML.
    #[test]
    fn line_numbers_and_marks_are_readable() {
        for (name, p) in [("light", LIGHT), ("dark", DARK)] {
            let backgrounds = p.code_backgrounds();
            let r = worst(p.fg_soft, &backgrounds);
            eprintln!("{name}: line numbers {r:.2}:1 at worst");
            assert!(r >= AA_TEXT, "{name}: line numbers {r:.2}");
            for (m, bg) in p.marks.iter().zip(&backgrounds[1..]) {
                let text = m.over(MARK_TEXT_SHARE, p.fg);
                let r = ratio(text, *bg);
                eprintln!("{name}: mark {} on {}: {r:.2}:1", text.hex(), bg.hex());
                assert!(r >= AA_TEXT, "{name}: mark {} on {}: {r:.2}", text.hex(), bg.hex());
            }
        }
    }

    #[test]
    fn ratios_match_wcag() {
        assert!((ratio(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((ratio(Rgb(0x77, 0x77, 0x77), Rgb(255, 255, 255)) - 4.48).abs() < 0.01);
        assert_eq!(Rgb::parse("#0b63c5"), Some(Rgb(0x0b, 0x63, 0xc5)));
        assert_eq!(Rgb::parse("#fff"), Some(Rgb(255, 255, 255)));
        assert_eq!(Rgb::parse("red"), None);
        assert_eq!(Rgb(1, 2, 255).hex(), "#0102ff");
    }

    #[test]
    fn readable_darkens_on_light_and_lightens_on_dark() {
        let light = LIGHT.code_backgrounds();
        let c = readable(Rgb(0xa0, 0xa0, 0xa0), &light, AA_TEXT);
        assert!(worst(c, &light) >= AA_TEXT && c.luminance() < Rgb(0xa0, 0xa0, 0xa0).luminance());
        let dark = DARK.code_backgrounds();
        let c = readable(Rgb(0x65, 0x73, 0x7e), &dark, AA_TEXT);
        assert!(worst(c, &dark) >= AA_TEXT && c.luminance() > Rgb(0x65, 0x73, 0x7e).luminance());
        // A readable colour stays as it is.
        assert_eq!(readable(Rgb(0, 0, 0), &light, AA_TEXT), Rgb(0, 0, 0));
    }
}
