//! The one escaping module: everything that topobook writes into HTML, SVG or XML from a
//! page, a topology, a template value or a file name goes through [`html`] or [`xml`].
//!
//! # Policy
//!
//! - **Markup characters** become references in text and in attribute values alike, so one
//!   function is safe in both places (either quote): `&` → `&amp;`, `<` → `&lt;`,
//!   `>` → `&gt;`, `"` → `&quot;`, `'` → `&#39;`. Nothing else is escaped (not `/`: URLs stay
//!   readable).
//! - **Characters a document may not hold** become U+FFFD (�), one for one, so that the reader
//!   sees that something is there and columns stay aligned: NUL and the other C0 control
//!   characters except tab, line feed and carriage return, DEL and the C1 controls
//!   (U+007F–U+009F), and the noncharacters U+FFFE and U+FFFF. XML 1.0 refuses the C0 ones and
//!   the two noncharacters outright (a browser stops rendering the SVG); HTML reports all of
//!   them as parse errors and turns NUL into U+FFFD itself in some places but not others.
//! - **Tab, line feed and carriage return** stay in HTML (code blocks need them). In XML
//!   ([`xml`]) they become a space: topobook's XML values are single lines (SVG labels,
//!   titles, descriptions, sitemap URLs), SVG shows no line breaks in text, and XML turns them
//!   into spaces in attribute values anyway; writing the space says what the reader gets.
//!
//! Both functions work on bytes: every byte to look at is ASCII or starts a two-byte (C1) or
//! three-byte (U+FFFE, U+FFFF) sequence, so the runs in between are copied whole.

/// What the byte at the start of a character asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Copied as is.
    Plain,
    /// `& < > " '`.
    Markup,
    /// Tab, line feed, carriage return.
    Space,
    /// Another C0 control or DEL.
    Control,
    /// `0xC2`: starts U+0080–U+00BF (C1 controls up to U+009F).
    C2,
    /// `0xEF`: starts U+F000–U+FFFF (U+FFFE and U+FFFF among them).
    Ef,
}

const fn classes() -> [Class; 256] {
    let mut t = [Class::Plain; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = Class::Control;
        b += 1;
    }
    t[b'\t' as usize] = Class::Space;
    t[b'\n' as usize] = Class::Space;
    t[b'\r' as usize] = Class::Space;
    t[0x7f] = Class::Control;
    t[b'&' as usize] = Class::Markup;
    t[b'<' as usize] = Class::Markup;
    t[b'>' as usize] = Class::Markup;
    t[b'"' as usize] = Class::Markup;
    t[b'\'' as usize] = Class::Markup;
    t[0xc2] = Class::C2;
    t[0xef] = Class::Ef;
    t
}

static CLASSES: [Class; 256] = classes();

const REPLACEMENT: &str = "\u{FFFD}";

fn escape_to<W: std::fmt::Write + ?Sized>(out: &mut W, text: &str, xml: bool) -> std::fmt::Result {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (rep, len): (&str, usize) = match CLASSES[b as usize] {
            Class::Plain => {
                i += 1;
                continue;
            }
            Class::Markup => (
                match b {
                    b'&' => "&amp;",
                    b'<' => "&lt;",
                    b'>' => "&gt;",
                    b'"' => "&quot;",
                    _ => "&#39;",
                },
                1,
            ),
            Class::Space if xml => (" ", 1),
            Class::Space => {
                i += 1;
                continue;
            }
            Class::Control => (REPLACEMENT, 1),
            Class::C2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => (REPLACEMENT, 2),
            Class::Ef if matches!(bytes.get(i + 1..i + 3), Some([0xbf, 0xbe | 0xbf])) => (REPLACEMENT, 3),
            Class::C2 | Class::Ef => {
                i += 1;
                continue;
            }
        };
        // `i` is at an ASCII byte or at the first byte of a character: a char boundary.
        out.write_str(text.get(start..i).unwrap_or(""))?;
        out.write_str(rep)?;
        i += len;
        start = i;
    }
    out.write_str(text.get(start..).unwrap_or(""))
}

/// Append `text` escaped for HTML text or a quoted HTML attribute value.
pub fn html_into(out: &mut String, text: &str) {
    // Writing to a `String` cannot fail.
    let _ = escape_to(out, text, false);
}

/// Write `text` escaped for HTML text or a quoted HTML attribute value to `out` (a template
/// engine's output).
pub fn html_write<W: std::fmt::Write + ?Sized>(out: &mut W, text: &str) -> std::fmt::Result {
    escape_to(out, text, false)
}

/// `text` escaped for HTML text or a quoted HTML attribute value.
pub fn html(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 8);
    html_into(&mut s, text);
    s
}

/// Append `text` escaped for XML (SVG) text or a quoted attribute value, on one line.
pub fn xml_into(out: &mut String, text: &str) {
    let _ = escape_to(out, text, true);
}

/// `text` escaped for XML (SVG) text or a quoted attribute value, on one line.
pub fn xml(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 8);
    xml_into(&mut s, text);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_references() {
        let s = "<a href=\"x\" title='y'>&amp;</a>";
        let want = "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;";
        assert_eq!(html(s), want);
        assert_eq!(xml(s), want);
        // URLs keep their slashes.
        assert_eq!(html("../rules/AML-NET-001.html"), "../rules/AML-NET-001.html");
    }

    #[test]
    fn controls_become_replacement_characters_one_for_one() {
        for c in ['\0', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{1f}', '\u{7f}', '\u{80}', '\u{9f}']
        {
            let s = format!("a{c}b");
            assert_eq!(html(&s), "a\u{FFFD}b", "{:?}", c);
            assert_eq!(xml(&s), "a\u{FFFD}b", "{:?}", c);
        }
        for c in ['\u{FFFE}', '\u{FFFF}'] {
            assert_eq!(html(&format!("{c}x")), "\u{FFFD}x");
            assert_eq!(xml(&format!("x{c}")), "x\u{FFFD}");
        }
    }

    #[test]
    fn whitespace_stays_in_html_and_is_one_line_in_xml() {
        assert_eq!(html("a\tb\nc\r\nd"), "a\tb\nc\r\nd");
        assert_eq!(xml("a\tb\nc\r\nd"), "a b c  d");
    }

    #[test]
    fn other_characters_are_copied() {
        // Neighbours of the replaced sequences: U+00A0 (0xC2 0xA0), U+00BF, U+FEFF, U+FFFD,
        // U+F000, and characters of every length.
        let s = "\u{a0}\u{bf}\u{feff}\u{fffd}\u{f000}é日本🦀 \u{10ffff}";
        assert_eq!(html(s), s);
        assert_eq!(xml(s), s);
        assert_eq!(html(""), "");
        // A sequence cut by the end of the text.
        assert_eq!(html("x\u{a0}"), "x\u{a0}");
    }

    #[test]
    fn appends() {
        let mut out = String::from("<p>");
        html_into(&mut out, "1 < 2");
        xml_into(&mut out, "\n&");
        assert_eq!(out, "<p>1 &lt; 2 &amp;");
    }
}
