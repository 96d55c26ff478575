//! What keeps a hostile page cheap in the Markdown stage: a bound on nesting, NUL bytes kept
//! out of the HTML, and unclosed code fences reported.
//!
//! Nesting is bounded because its cost is not linear further down the line: pulldown-cmark
//! walks the open containers on every lazy continuation line (100,000 quotes on one line
//! and 20,000 lines after it take seconds), and the HTML sanitizer (html5ever, under
//! `sanitize = true`) scans the stack of open elements for most start tags (32,000 nested
//! quotes take 20 s, 64,000 more than 100 s). No real page nests more than a few levels.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag};

/// Deepest nesting of block containers, inline containers and raw HTML elements in a page.
pub const MAX_NESTING: usize = 128;

/// The first place where one line opens more than [`MAX_NESTING`] containers by itself
/// (`> > > - 1. ...`): the byte offset of the marker over the limit. Checked before the
/// Markdown parser runs, since its cost grows with the nesting times the lines that follow.
///
/// Lines inside a top-level fenced code block are code, not containers (a YAML block may
/// nest `- - - x` as deep as it likes: the YAML parser has limits of its own). Fences inside
/// quotes or lists are not followed; should this pass misjudge a fence, the nesting is still
/// caught by [`Depth`] while the page is parsed.
pub fn deep_line(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut pos = 0;
    let mut fence: Option<(u8, usize)> = None;
    while pos < b.len() {
        let end = memchr_line_end(b, pos);
        let line = &b[pos..end];
        match (fence_line(line), fence) {
            (Some((c, n, rest_blank)), Some((open_c, open_n)))
                if c == open_c && n >= open_n && rest_blank =>
            {
                fence = None;
                pos = end + 1;
                continue;
            }
            (_, Some(_)) => {
                pos = end + 1;
                continue;
            }
            (Some((c, n, _)), None) => {
                let info = &line[line.iter().position(|&x| x == c).unwrap_or(0) + n..];
                if c == b'~' || !info.contains(&b'`') {
                    fence = Some((c, n));
                    pos = end + 1;
                    continue;
                }
            }
            (None, None) => {}
        }
        let mut i = pos;
        let mut depth = 0usize;
        loop {
            while i < end && matches!(b[i], b' ' | b'\t') {
                i += 1;
            }
            let Some(&c) = b.get(i).filter(|_| i < end) else { break };
            let marker_len = match c {
                b'>' => 1,
                b'-' | b'*' | b'+' if matches!(b.get(i + 1), Some(b' ' | b'\t')) => 2,
                b'0'..=b'9' => {
                    let digits = b[i..end].iter().take_while(|c| c.is_ascii_digit()).count();
                    match b.get(i + digits) {
                        Some(b'.' | b')')
                            if digits <= 9 && matches!(b.get(i + digits + 1), Some(b' ' | b'\t')) =>
                        {
                            digits + 2
                        }
                        _ => break,
                    }
                }
                _ => break,
            };
            depth += 1;
            if depth > MAX_NESTING {
                return Some(i);
            }
            i += marker_len;
        }
        pos = end + 1;
    }
    None
}

/// A fence line at the top level (at most three spaces of indentation): its character, its
/// length and whether only blanks follow it.
fn fence_line(line: &[u8]) -> Option<(u8, usize, bool)> {
    let indent = line.iter().take_while(|&&c| c == b' ').count();
    if indent > 3 {
        return None;
    }
    let c = *line.get(indent).filter(|c| matches!(c, b'`' | b'~'))?;
    let n = line[indent..].iter().take_while(|&&x| x == c).count();
    if n < 3 {
        return None;
    }
    let blank = line[indent + n..].iter().all(|c| c.is_ascii_whitespace());
    Some((c, n, blank))
}

fn memchr_line_end(b: &[u8], from: usize) -> usize {
    b[from..].iter().position(|&c| c == b'\n').map(|n| from + n).unwrap_or(b.len())
}

/// Elements that never hold others open: void elements, and those the HTML parser closes by
/// itself when a sibling starts (`<li>`, `<p>`, table parts...).
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "p", "li", "dt", "dd", "tr", "td", "th", "tbody", "thead", "tfoot", "option", "optgroup", "rp", "rt",
    "colgroup", "caption",
];

/// How deep the Markdown containers and the author's raw HTML elements are, event by event.
///
/// Raw HTML is followed roughly: an end tag closes the matching element among the few
/// innermost ones and is ignored otherwise, so the count never underestimates what an HTML
/// parser keeps open.
#[derive(Default)]
pub struct Depth {
    markdown: usize,
    html: Vec<Box<str>>,
}

impl Depth {
    /// Account for one event (code blocks count as nothing: the caller consumes their end).
    pub fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {}
            Event::Start(_) => self.markdown += 1,
            Event::End(_) => self.markdown = self.markdown.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) => self.html(h),
            _ => {}
        }
    }

    pub fn current(&self) -> usize {
        self.markdown + self.html.len()
    }

    fn html(&mut self, h: &str) {
        let mut rest = h;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            if let Some(after) = rest.strip_prefix("!--") {
                rest = after.find("-->").map(|j| &after[j + 3..]).unwrap_or("");
                continue;
            }
            let (closing, name_at) = match rest.strip_prefix('/') {
                Some(r) => (true, r),
                None => (false, rest),
            };
            let len =
                name_at.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(name_at.len());
            if len == 0 || !name_at.starts_with(|c: char| c.is_ascii_alphabetic()) {
                continue;
            }
            let name = name_at[..len].to_ascii_lowercase();
            let tag_end = name_at.find('>').unwrap_or(name_at.len());
            let self_closing = name_at[..tag_end].ends_with('/');
            rest = &name_at[len..];
            if closing {
                let inner = self.html.len().saturating_sub(8);
                if let Some(k) = self.html[inner..].iter().rposition(|n| **n == *name) {
                    self.html.truncate(inner + k);
                }
            } else if !self_closing && !NOT_NESTING.contains(&name.as_str()) {
                self.html.push(name.into());
            }
        }
    }
}

fn clean(s: CowStr<'_>) -> CowStr<'_> {
    if s.contains('\0') { CowStr::from(s.replace('\0', "\u{FFFD}")) } else { s }
}

/// The event with every NUL replaced by U+FFFD, as CommonMark asks. The parser does so in
/// text, but raw HTML, code spans, link destinations and heading attributes keep them, and
/// the body would carry them to the browser (the Markdown stage also uses NUL as its own
/// marker in the rendered HTML).
pub fn scrub(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Text(t) => Event::Text(clean(t)),
        Event::Code(t) => Event::Code(clean(t)),
        Event::Html(t) => Event::Html(clean(t)),
        Event::InlineHtml(t) => Event::InlineHtml(clean(t)),
        Event::InlineMath(t) => Event::InlineMath(clean(t)),
        Event::DisplayMath(t) => Event::DisplayMath(clean(t)),
        Event::FootnoteReference(t) => Event::FootnoteReference(clean(t)),
        Event::Start(tag) => Event::Start(match tag {
            Tag::Heading { level, id, classes, attrs } => Tag::Heading {
                level,
                id: id.map(clean),
                classes: classes.into_iter().map(clean).collect(),
                attrs: attrs.into_iter().map(|(k, v)| (clean(k), v.map(clean))).collect(),
            },
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => Tag::CodeBlock(CodeBlockKind::Fenced(clean(info))),
            Tag::FootnoteDefinition(l) => Tag::FootnoteDefinition(clean(l)),
            Tag::Link { link_type, dest_url, title, id } => {
                Tag::Link { link_type, dest_url: clean(dest_url), title: clean(title), id: clean(id) }
            }
            Tag::Image { link_type, dest_url, title, id } => {
                Tag::Image { link_type, dest_url: clean(dest_url), title: clean(title), id: clean(id) }
            }
            other => other,
        }),
        other => other,
    }
}

/// Is the fenced code block at `range` of `text` closed? A fence runs to the end of its
/// container when nothing closes it, which swallows the rest of a page.
pub fn fence_is_closed(text: &str, range: &std::ops::Range<usize>) -> bool {
    let Some(block) = text.get(range.clone()) else { return true };
    let first = block.trim_start_matches([' ', '\t']);
    let Some(fence_char) = first.chars().next().filter(|c| matches!(c, '`' | '~')) else { return true };
    let open_len = first.len() - first.trim_start_matches(fence_char).len();
    let body = block.trim_end_matches(['\n', '\r']);
    // The opening line alone is never closed.
    let Some(nl) = body.find('\n') else { return false };
    let last = body[nl..].rsplit('\n').next().unwrap_or("");
    // The last line, container prefixes (`>`, spaces) aside, is a fence at least as long.
    let last = last.trim_start_matches([' ', '\t', '>']);
    let close_len = last.len() - last.trim_start_matches(fence_char).len();
    close_len >= open_len && last[close_len..].trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_lines_are_found_before_parsing() {
        assert_eq!(deep_line("> > x\n- - 1. y\n"), None);
        let deep = format!("ok\n{}x\n", "> ".repeat(MAX_NESTING + 1));
        assert_eq!(deep_line(&deep), Some(3 + 2 * MAX_NESTING));
        let list = format!("{}x", "- ".repeat(MAX_NESTING + 5));
        assert_eq!(deep_line(&list), Some(2 * MAX_NESTING));
        // Without spaces after them, `-` and `1.` are not markers.
        assert_eq!(deep_line(&"-".repeat(1000)), None);
        assert_eq!(deep_line(&"1.".repeat(1000)), None);
        // Inside a fenced code block, markers are code; after it, they count again.
        let code = format!("```yaml\n{}x\n````\n", "- ".repeat(1000));
        assert_eq!(deep_line(&code), None);
        let after = format!("{code}```\n{}", "> ".repeat(MAX_NESTING + 1));
        assert_eq!(deep_line(&after), None, "inside the next fence");
        let after = format!("{code}{}", "> ".repeat(MAX_NESTING + 1));
        assert_eq!(deep_line(&after), Some(code.len() + 2 * MAX_NESTING));
        // A backtick line whose info string has a backtick is no fence.
        let not_fence = format!("``` a`b\n{}x\n", "> ".repeat(MAX_NESTING + 1));
        assert!(deep_line(&not_fence).is_some());
    }

    #[test]
    fn html_depth_is_never_underestimated() {
        let mut d = Depth::default();
        d.event(&Event::Html("<div><div><p>a<br><img src=x/></div>".into()));
        assert_eq!(d.current(), 1);
        // A stray end tag does not close anything.
        d.event(&Event::Html("</span></x><!-- <div> --><section>".into()));
        assert_eq!(d.current(), 2);
        d.event(&Event::Start(Tag::BlockQuote(None)));
        assert_eq!(d.current(), 3);
    }

    #[test]
    fn fences() {
        let t = "```yaml\na: 1\n```\n";
        assert!(fence_is_closed(t, &(0..t.len())));
        let t = "````\na\n```\n";
        assert!(!fence_is_closed(t, &(0..t.len())));
        let t = "> ~~~\n> a\n> ~~~~\n";
        assert!(fence_is_closed(t, &(0..t.len())));
        assert!(!fence_is_closed("```", &(0..3)));
        assert!(fence_is_closed("    indented code\n", &(0..18)));
    }
}
