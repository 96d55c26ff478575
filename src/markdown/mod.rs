//! Stage 2, `markdown`: a page's text becomes a [`ParsedPage`]: body HTML in fragments
//! (code blocks and topology blocks are left for the render stage), headings with stable ids,
//! links with their byte ranges, plain text per section for the search index, and every
//! ```` ```yaml topology ```` block as a [`BlockSource`] that maps its YAML back to the page.

pub mod limits;
pub mod links;
mod slug;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd, html};

pub use links::{Link, Target};
pub use slug::slugify;

use crate::diag::{Diagnostic, LineIndex, ToolCode};
use crate::escape;
use crate::topology::block::{BlockSource, SegmentMap, is_topology_info};

/// A piece of a page body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fragment {
    Html(String),
    /// A fenced or indented code block, highlighted by the render stage.
    Code {
        lang: String,
        code: String,
    },
    /// The topology block with this index in [`ParsedPage::blocks`].
    Topology(usize),
}

/// A heading of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// Plain text.
    pub text: String,
    pub range: Range<usize>,
}

/// Plain text under one heading (or before the first), for the search index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// Index in [`ParsedPage::headings`]; `None` for the text before the first heading.
    pub heading: Option<usize>,
    /// Shared: the search index job of the preview server takes it without a copy.
    pub text: Arc<str>,
}

/// The section being collected.
#[derive(Default)]
struct OpenSection {
    heading: Option<usize>,
    text: String,
}

/// Everything later stages need from a page.
#[derive(Clone, Debug, Default)]
pub struct ParsedPage {
    pub body: Vec<Fragment>,
    pub headings: Vec<Heading>,
    /// Heading ids plus `id`/`name` attributes of raw HTML: what `#anchor` links may target.
    pub anchors: HashSet<String>,
    pub links: Vec<Link>,
    pub sections: Vec<Section>,
    pub blocks: Vec<Arc<BlockSource>>,
    /// Problems of the page's Markdown itself: nesting over the limit, unclosed fences.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedPage {
    /// Text of the first level-1 heading, the default title of the page.
    pub fn first_h1(&self) -> Option<&str> {
        self.headings.iter().find(|h| h.level == 1).map(|h| h.text.as_str())
    }
}

/// The Markdown extensions topobook enables.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_GFM
}

/// A byte that cannot occur in parsed Markdown (the parser turns NUL into U+FFFD), used to
/// mark where code and topology blocks go in the body HTML.
const MARK: char = '\0';

fn alert_title(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Collect `id="…"` and `name="…"` attribute values from raw HTML.
fn html_ids(raw: &str, into: &mut HashSet<String>) {
    for attr in [" id=", " name="] {
        let mut rest = raw;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let quote = rest.chars().next();
            if let Some(q @ ('"' | '\'')) = quote
                && let Some(end) = rest[1..].find(q)
            {
                into.insert(rest[1..1 + end].to_string());
            }
        }
    }
}

/// Byte offset of the info string on the fence line that starts at `fence_start`.
fn info_offset(text: &str, fence_start: usize) -> usize {
    let line = &text[fence_start.min(text.len())..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let after_indent = &line[indent..];
    let fence_char = after_indent.chars().next().unwrap_or('`');
    let fence_len = after_indent.len() - after_indent.trim_start_matches(fence_char).len();
    let after_fence = &after_indent[fence_len..];
    let ws = after_fence.len() - after_fence.trim_start_matches([' ', '\t']).len();
    fence_start + indent + fence_len + ws
}

/// Record a piece of code-block text in the segment map, aligning it with the source: a
/// verbatim piece maps byte for byte; a piece the parser rewrote (a tab split by a container
/// prefix) maps its common suffix exactly and the rest to the start of its source range.
fn push_segment(map: &mut SegmentMap, yaml_at: usize, piece: &str, src: &str, range: &Range<usize>) {
    let original = src.get(range.clone()).unwrap_or("");
    if original == piece {
        map.push(yaml_at, range.start, piece.len());
        return;
    }
    let common = piece.bytes().rev().zip(original.bytes().rev()).take_while(|(a, b)| a == b).count();
    let head = piece.len() - common;
    if head > 0 {
        map.push(yaml_at, range.start, head);
    }
    map.push(yaml_at + head, range.end - common, common);
}

/// A heading whose end has not been seen yet.
struct OpenHeading {
    at: usize,
    level: u8,
    id: Option<String>,
    attrs: String,
    plain: String,
    range: Range<usize>,
}

fn event_again(code: bool, t: CowStr<'_>) -> Event<'_> {
    if code { Event::Code(t) } else { Event::Text(t) }
}

struct Builder<'s> {
    path: &'s Arc<str>,
    rel: &'s str,
    src: &'s str,
    page: ParsedPage,
    used_ids: HashSet<String>,
    /// The next suffix to try for a heading id, by base id (so repeated headings stay linear).
    next_suffix: HashMap<String, usize>,
    section: OpenSection,
    code: Vec<Fragment>,
    index: Option<LineIndex>,
}

impl Builder<'_> {
    fn unique_id(&mut self, base: String) -> String {
        let base = if base.is_empty() { "section".to_string() } else { base };
        let mut id = base.clone();
        // Ids only get used, never freed: the suffixes below the last one given are taken.
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(1);
        while self.used_ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.next_suffix.insert(base, n);
        self.used_ids.insert(id.clone());
        id
    }

    fn diagnostic(&mut self, d: Diagnostic, range: Range<usize>) {
        let index = self.index.get_or_insert_with(|| LineIndex::new(self.src));
        let at = index.location(self.path.clone(), self.src, range);
        self.page.diagnostics.push(d.at(at));
    }

    fn flush_section(&mut self, heading: Option<usize>) {
        let done = std::mem::replace(&mut self.section, OpenSection { heading, text: String::new() });
        if done.heading.is_some() || !done.text.trim().is_empty() {
            self.page.sections.push(Section { heading: done.heading, text: Arc::from(done.text) });
        }
    }

    fn add_text(&mut self, t: &str) {
        if !self.section.text.is_empty() && !self.section.text.ends_with(' ') {
            self.section.text.push(' ');
        }
        self.section.text.push_str(t.trim());
    }

    fn mark(&mut self, f: Fragment) -> Event<'static> {
        let n = self.code.len();
        self.code.push(f);
        Event::Html(CowStr::from(format!("{MARK}{n}{MARK}")))
    }
}

/// Parse a page. `path` is relative to the book root, `rel` to the source folder; the
/// Markdown starts at byte `start` of `text` (after the front matter). Every range in the
/// result is a range of `text`.
pub fn parse(path: &Arc<str>, rel: &str, text: &str, start: usize) -> ParsedPage {
    let start = if text.is_char_boundary(start) { start.min(text.len()) } else { 0 };
    let mut b = Builder {
        path,
        rel,
        src: text,
        page: ParsedPage::default(),
        used_ids: HashSet::new(),
        next_suffix: HashMap::new(),
        section: OpenSection::default(),
        code: Vec::new(),
        index: None,
    };
    if let Some(at) = limits::deep_line(&text[start..]) {
        return too_deep(b, start, start + at);
    }
    let mut depth = limits::Depth::default();
    let mut deepest: Option<usize> = None;
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut heading: Option<OpenHeading> = None;
    let mut iter = Parser::new_ext(&text[start..], options()).into_offset_iter();
    while let Some((event, range)) = iter.next() {
        let range = range.start + start..range.end + start;
        let event = limits::scrub(event);
        depth.event(&event);
        if deepest.is_none() && depth.current() > limits::MAX_NESTING {
            deepest = Some(range.start);
        }
        let is_code = matches!(event, Event::Code(_));
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                // The opening tag needs the id, known only at the end: hold its place.
                let mut open = String::new();
                for (k, v) in &attrs {
                    let _ =
                        write!(open, " {}=\"{}\"", escape::html(k), escape::html(v.as_deref().unwrap_or("")));
                }
                if !classes.is_empty() {
                    let cls: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
                    let _ = write!(open, " class=\"{}\"", escape::html(&cls.join(" ")));
                }
                heading = Some(OpenHeading {
                    at: events.len(),
                    level: level as u8,
                    id: id.map(|i| i.to_string()),
                    attrs: open,
                    plain: String::new(),
                    range,
                });
                events.push(Event::Html(CowStr::Borrowed("")));
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some(h) = heading.take() else { continue };
                let plain = h.plain.trim().to_string();
                let id = match h.id {
                    Some(explicit) => {
                        b.used_ids.insert(explicit.clone());
                        explicit
                    }
                    None => b.unique_id(slugify(&plain)),
                };
                let lvl = h.level;
                let index = b.page.headings.len();
                b.page.headings.push(Heading { level: lvl, id: id.clone(), text: plain, range: h.range });
                b.page.anchors.insert(id.clone());
                b.flush_section(Some(index));
                let id = escape::html(&id);
                if let Some(slot) = events.get_mut(h.at) {
                    *slot = Event::Html(format!("<h{lvl} id=\"{id}\"{}>", h.attrs).into());
                }
                events.push(Event::Html(
                    format!("<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{lvl}>\n")
                        .into(),
                ));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match &kind {
                    CodeBlockKind::Fenced(i) => i.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                let mut map = SegmentMap::default();
                let topo = is_topology_info(&info);
                if matches!(kind, CodeBlockKind::Fenced(_)) && !limits::fence_is_closed(text, &range) {
                    let block = text.get(range.clone()).unwrap_or("");
                    let at = range.start + block.len() - block.trim_start_matches([' ', '\t']).len();
                    let fence = text.get(at..).unwrap_or("");
                    let fence = &fence[..fence.len() - fence.trim_start_matches(['`', '~']).len()];
                    let end = if range.end >= text.len() { "page" } else { "quote or list item" };
                    let d = Diagnostic::warning(
                        ToolCode::Markdown,
                        format!("code fence never closed: the block runs to the end of the {end}"),
                    )
                    .with_label("opened here")
                    .with_help(format!("close the block with a `{fence}` line"));
                    b.diagnostic(d, at..at + fence.len());
                }
                for (e, r) in iter.by_ref() {
                    let r = r.start + start..r.end + start;
                    match e {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => {
                            if topo {
                                push_segment(&mut map, code.len(), &t, text, &r);
                            }
                            code.push_str(&t);
                        }
                        _ => {}
                    }
                }
                if topo {
                    let index = b.page.blocks.len();
                    b.page.blocks.push(Arc::new(BlockSource {
                        page: path.clone(),
                        index,
                        info: info.clone(),
                        info_offset: info_offset(text, range.start),
                        fence: range,
                        yaml: code,
                        map,
                    }));
                    let ev = b.mark(Fragment::Topology(index));
                    events.push(ev);
                } else {
                    let lang = info.split([',', ' ', '\t', '{']).next().unwrap_or("").trim().to_string();
                    if code.contains('\0') {
                        code = code.replace('\0', "\u{FFFD}");
                    }
                    let ev = b.mark(Fragment::Code { lang, code });
                    events.push(ev);
                }
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = alert_title(kind);
                events.push(Event::Html(
                    format!("<div class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-title\">{title}</p>\n")
                        .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => events.push(Event::Html("</div>\n".into())),
            // A wide table scrolls sideways inside a box the keyboard can reach.
            Event::Start(Tag::Table(align)) => {
                events.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"Table\">\n".into(),
                ));
                events.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let target = links::classify(b.rel, &dest_url);
                b.page.links.push(Link { dest: dest_url.to_string(), target, range, image: false });
                let dest = links::rewrite(&dest_url).map(CowStr::from).unwrap_or(dest_url);
                events.push(Event::Start(Tag::Link { link_type, dest_url: dest, title, id }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let target = links::classify(b.rel, &dest_url);
                b.page.links.push(Link { dest: dest_url.to_string(), target, range, image: true });
                events.push(Event::Start(Tag::Image { link_type, dest_url, title, id }));
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                if let Some(h) = heading.as_mut() {
                    h.plain.push_str(&t);
                }
                events.push(event_again(is_code, t));
            }
            Event::Text(t) | Event::Code(t) => {
                b.add_text(&t);
                events.push(event_again(is_code, t));
            }
            Event::Html(h) => {
                html_ids(&h, &mut b.page.anchors);
                events.push(Event::Html(h));
            }
            Event::InlineHtml(h) => {
                html_ids(&h, &mut b.page.anchors);
                events.push(Event::InlineHtml(h));
            }
            e => events.push(e),
        }
    }
    b.flush_section(None);
    if let Some(at) = deepest {
        return too_deep(b, start, at);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    html::push_html(&mut out, events.into_iter());
    let mut code = std::mem::take(&mut b.code).into_iter().map(Some).collect::<Vec<_>>();
    let mut page = b.page;
    for (i, part) in out.split(MARK).enumerate() {
        if i % 2 == 0 {
            if !part.is_empty() {
                page.body.push(Fragment::Html(part.to_string()));
            }
        } else if let Some(f) =
            part.parse::<usize>().ok().and_then(|n| code.get_mut(n)).and_then(Option::take)
        {
            page.body.push(f);
        }
    }
    page
}

/// The page of a Markdown text nested deeper than [`limits::MAX_NESTING`]: an error at the
/// first place over the limit, and the text shown as it is (escaped, in a code block).
fn too_deep(mut b: Builder<'_>, start: usize, at: usize) -> ParsedPage {
    let d = Diagnostic::error(
        ToolCode::InputLimit,
        format!("quotes, lists or HTML elements nested more than {} levels deep", limits::MAX_NESTING),
    )
    .with_label("too deep here")
    .with_help("flatten the nesting; the page is shown as plain text until then");
    b.diagnostic(d, at..at);
    let code = b.src[start..].replace('\0', "\u{FFFD}");
    ParsedPage { body: vec![Fragment::Code { lang: String::new(), code }], ..b.page }
}

#[cfg(test)]
mod tests;
