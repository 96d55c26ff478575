//! No panic on any input: every stage that sees user text is run on many generated texts
//! made of the characters that matter to it (fences, quotes, list markers, tabs, CRLF,
//! multi-byte characters, directives, front matter delimiters).

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

const PIECES: &[&str] = &[
    "```",
    "~~~",
    "yaml topology",
    " id=a",
    " expct=x",
    "\n",
    "\r\n",
    "\t",
    "  ",
    "> ",
    "- ",
    "1. ",
    "# ",
    "## ",
    "---\n",
    "+++\n",
    "title: x\n",
    "key: \"v\"\n",
    "[a](b.md#c)",
    "![i](x.png)",
    "{{#include x.md}}",
    "\\{{#",
    "}}",
    "<a id=\"z\">",
    "é",
    "ü",
    "🙂",
    "#",
    ":",
    "'",
    "\"",
    "|",
    "[!NOTE]",
    "[^1]",
    "{#id}",
    "&amp;",
    "*",
    "_",
    "`",
    "\u{0}",
    "\u{FEFF}",
    "ANCHOR: a",
    "ANCHOR_END: a",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&x",
    "*y",
    "!tag",
    "\\",
];

fn text(rng: &mut Rng) -> String {
    let n = rng.next() % 60;
    (0..n).map(|_| PIECES[rng.next() % PIECES.len()]).collect()
}

#[test]
fn markdown_and_highlighters_never_panic_and_blocks_map_exactly() {
    let mut rng = Rng(7);
    for _ in 0..4000 {
        let t = text(&mut rng);
        let start = rng.next() % (t.len() + 1);
        let start = if t.is_char_boundary(start) { start } else { 0 };
        let page = topobook::markdown::parse(&Arc::from("content/p.md"), "p.md", &t, start);
        for b in &page.blocks {
            // Every YAML byte maps inside the page, and verbatim bytes map to themselves.
            for i in 0..b.yaml.len() {
                assert!(b.map.to_md(i) <= t.len());
            }
            let _ = topobook::render::yaml::highlight(&b.yaml);
        }
        let _ = topobook::render::yaml::highlight(&t);
        let _ = topobook::render::highlight::highlight("bash", &t);
        let _ = topobook::load::front_matter::split(&Arc::from("p.md"), &t);
        let _ = topobook::load::summary::parse(Arc::from("SUMMARY.md"), &t);
        let _ = topobook::load::config::parse(Arc::from("book.toml"), &t);
    }
}

#[test]
fn yaml_highlighting_keeps_lines_and_text() {
    let mut rng = Rng(11);
    for _ in 0..3000 {
        let t = text(&mut rng);
        let html = topobook::render::yaml::highlight(&t);
        assert_eq!(html.split('\n').count(), t.split('\n').count(), "{t:?}");
        // Removing the tags and unescaping gives back the text.
        let mut plain = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => plain.push(c),
                _ => {}
            }
        }
        let plain = plain
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        // NUL, which HTML does not allow, is shown as U+FFFD.
        assert_eq!(plain, t.replace('\0', "\u{FFFD}"));
    }
}
