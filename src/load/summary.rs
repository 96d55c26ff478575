//! `SUMMARY.md`: mdBook's table of contents grammar. An optional `# Summary` title, prefix
//! chapters (links in paragraphs), numbered chapters (nested lists), `# Part` titles, `---`
//! separators, suffix chapters, and draft chapters written `[Title]()`.

use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::diag::{Diagnostic, LineIndex, ToolCode};

/// One entry of the table of contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SummaryItem {
    Chapter(Chapter),
    Separator,
    PartTitle(String),
}

/// A chapter: a page, or a draft (no page yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chapter {
    pub title: String,
    /// Path relative to the source folder; `None` for a draft.
    pub path: Option<String>,
    /// Section number (`[2, 1]` is "2.1."); `None` for prefix and suffix chapters.
    pub number: Option<Vec<u32>>,
    pub nested: Vec<SummaryItem>,
    /// Byte range of the link in `SUMMARY.md`.
    pub span: Range<usize>,
}

/// The parsed `SUMMARY.md`, items in reading order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub title: Option<String>,
    pub items: Vec<SummaryItem>,
}

impl Summary {
    /// Every chapter, depth first, with its depth.
    pub fn chapters(&self) -> Vec<(&Chapter, usize)> {
        fn walk<'a>(items: &'a [SummaryItem], depth: usize, out: &mut Vec<(&'a Chapter, usize)>) {
            for it in items {
                if let SummaryItem::Chapter(c) = it {
                    out.push((c, depth));
                    walk(&c.nested, depth + 1, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, 0, &mut out);
        out
    }
}

/// Deepest chapter nesting accepted (deeper lists are reported and left out).
pub const MAX_NESTING: usize = 16;

struct P<'a> {
    file: Arc<str>,
    text: &'a str,
    index: LineIndex,
    events: Vec<(Event<'a>, Range<usize>)>,
    pos: usize,
    diags: Vec<Diagnostic>,
}

impl<'a> P<'a> {
    fn warn(&mut self, msg: &str, help: &str, span: Range<usize>) {
        let loc = self.index.location(self.file.clone(), self.text, span);
        self.diags.push(Diagnostic::error(ToolCode::Summary, msg).with_help(help).at(loc));
    }

    fn next(&mut self) -> Option<(Event<'a>, Range<usize>)> {
        let e = self.events.get(self.pos).cloned();
        self.pos += 1;
        e
    }

    /// Collect the plain text up to the end tag matching the current start tag.
    fn text_until_end(&mut self) -> String {
        let mut depth = 1;
        let mut s = String::new();
        while let Some((e, _)) = self.next() {
            match e {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Event::Text(t) | Event::Code(t) => s.push_str(&t),
                Event::SoftBreak | Event::HardBreak => s.push(' '),
                _ => {}
            }
        }
        s.trim().to_string()
    }

    /// Links in a paragraph (prefix or suffix chapters).
    fn paragraph(&mut self, start: Range<usize>) -> Vec<SummaryItem> {
        let mut out = Vec::new();
        let mut stray = false;
        while let Some((e, r)) = self.next() {
            match e {
                Event::End(TagEnd::Paragraph) => break,
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let title = self.text_until_end();
                    out.push(SummaryItem::Chapter(chapter(title, &dest_url, None, r)));
                }
                Event::Text(t) if t.trim().is_empty() => {}
                Event::SoftBreak | Event::HardBreak => {}
                _ => stray = true,
            }
        }
        if stray {
            self.warn(
                "text in `SUMMARY.md` that is not a chapter link",
                "write each chapter as `[Title](path.md)`, or `- [Title](path.md)` in a list",
                start,
            );
        }
        out
    }

    /// A list of numbered chapters. `prefix` is the number of the parent.
    fn list(&mut self, prefix: &[u32], next_number: &mut u32) -> Vec<SummaryItem> {
        let mut out = Vec::new();
        while let Some((e, r)) = self.next() {
            match e {
                Event::End(TagEnd::List(_)) => break,
                Event::Start(Tag::Item) => {
                    let mut chapter_found: Option<Chapter> = None;
                    let mut nested = Vec::new();
                    let mut depth = 1;
                    let mut number: Vec<u32> = prefix.to_vec();
                    number.push(*next_number);
                    while let Some((e, lr)) = self.next() {
                        match e {
                            Event::Start(Tag::Link { dest_url, .. }) if chapter_found.is_none() => {
                                let title = self.text_until_end();
                                chapter_found = Some(chapter(title, &dest_url, Some(number.clone()), lr));
                            }
                            Event::Start(Tag::List(_)) if number.len() >= MAX_NESTING => {
                                self.text_until_end();
                                self.warn(
                                    &format!(
                                        "chapters nested more than {MAX_NESTING} levels deep in `SUMMARY.md`"
                                    ),
                                    "flatten the table of contents; the deeper chapters are left out",
                                    lr,
                                );
                            }
                            Event::Start(Tag::List(_)) => {
                                let mut n = 1;
                                nested.extend(self.list(&number, &mut n));
                            }
                            Event::Rule => nested.push(SummaryItem::Separator),
                            Event::Start(_) => depth += 1,
                            Event::End(TagEnd::Item) if depth == 1 => break,
                            Event::End(_) => depth -= 1,
                            _ => {}
                        }
                    }
                    match chapter_found {
                        Some(mut c) => {
                            c.nested = nested;
                            *next_number += 1;
                            out.push(SummaryItem::Chapter(c));
                        }
                        None => {
                            self.warn(
                                "list item in `SUMMARY.md` without a chapter link",
                                "write `- [Title](path.md)`, or `- [Title]()` for a draft chapter",
                                r,
                            );
                            out.extend(nested);
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

fn chapter(title: String, dest: &str, number: Option<Vec<u32>>, span: Range<usize>) -> Chapter {
    let path = if dest.trim().is_empty() {
        None
    } else {
        let decoded = percent_encoding::percent_decode_str(dest.trim()).decode_utf8_lossy().to_string();
        Some(decoded.trim_start_matches("./").to_string())
    };
    Chapter { title, path, number, nested: Vec::new(), span }
}

/// Parse `SUMMARY.md`. Never fails; problems are diagnostics.
pub fn parse(file: Arc<str>, text: &str) -> (Summary, Vec<Diagnostic>) {
    let events: Vec<_> = Parser::new(text).into_offset_iter().collect();
    let mut p = P { file, text, index: LineIndex::new(text), events, pos: 0, diags: Vec::new() };
    let mut summary = Summary::default();
    let mut number = 1;
    let mut seen_numbered = false;
    let mut seen_suffix = false;
    while let Some((e, r)) = p.next() {
        match e {
            Event::Start(Tag::Heading { level, .. }) => {
                let title = p.text_until_end();
                if summary.items.is_empty()
                    && summary.title.is_none()
                    && level == HeadingLevel::H1
                    && !seen_numbered
                {
                    summary.title = Some(title);
                } else {
                    summary.items.push(SummaryItem::PartTitle(title));
                    seen_numbered = true;
                }
            }
            Event::Start(Tag::Paragraph) => {
                let items = p.paragraph(r);
                if seen_numbered && !items.is_empty() {
                    seen_suffix = true;
                }
                summary.items.extend(items);
            }
            Event::Start(Tag::List(_)) => {
                if seen_suffix {
                    p.warn(
                        "numbered chapters after suffix chapters in `SUMMARY.md`",
                        "move the plain links after the last list, or make them list items",
                        r.clone(),
                    );
                }
                seen_numbered = true;
                let items = p.list(&[], &mut number);
                summary.items.extend(items);
            }
            Event::Rule => summary.items.push(SummaryItem::Separator),
            Event::Html(_) | Event::InlineHtml(_) | Event::End(_) => {}
            Event::Start(_) => {
                p.text_until_end();
                p.warn(
                    "unexpected content in `SUMMARY.md`",
                    "`SUMMARY.md` holds only a title, chapter links, lists of links, part titles and `---`",
                    r,
                );
            }
            _ => {}
        }
    }
    (summary, p.diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_grammar() {
        let text = "# Summary\n\n[Intro](README.md)\n\n---\n\n# Guide\n\n- [One](one.md)\n  - [One A](one/a.md)\n  - [Draft]()\n- [Two](two%20x.md)\n\n# Reference\n\n- [Three](three.md)\n\n---\n\n[Thanks](thanks.md)\n";
        let (s, d) = parse("content/SUMMARY.md".into(), text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.title.as_deref(), Some("Summary"));
        let flat: Vec<_> = s
            .chapters()
            .iter()
            .map(|(c, depth)| (c.title.clone(), c.path.clone(), c.number.clone(), *depth))
            .collect();
        assert_eq!(
            flat,
            vec![
                ("Intro".to_string(), Some("README.md".to_string()), None, 0),
                ("One".into(), Some("one.md".into()), Some(vec![1]), 0),
                ("One A".into(), Some("one/a.md".into()), Some(vec![1, 1]), 1),
                ("Draft".into(), None, Some(vec![1, 2]), 1),
                ("Two".into(), Some("two x.md".into()), Some(vec![2]), 0),
                ("Three".into(), Some("three.md".into()), Some(vec![3]), 0),
                ("Thanks".into(), Some("thanks.md".into()), None, 0),
            ]
        );
        let kinds: Vec<_> = s
            .items
            .iter()
            .map(|i| match i {
                SummaryItem::Chapter(_) => "c",
                SummaryItem::Separator => "-",
                SummaryItem::PartTitle(_) => "p",
            })
            .collect();
        assert_eq!(kinds.join(""), "c-pccpc-c");
    }

    #[test]
    fn absurd_nesting_is_refused_not_a_stack_overflow() {
        let mut text = String::new();
        for depth in 0..5000 {
            text.push_str(&"  ".repeat(depth));
            text.push_str(&format!("- [C{depth}](c{depth}.md)\n"));
        }
        let (s, d) = parse("SUMMARY.md".into(), &text);
        assert_eq!(s.chapters().len(), MAX_NESTING);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn bad_items_are_located() {
        let (s, d) = parse("SUMMARY.md".into(), "- [A](a.md)\n- just text\n- [B](b.md)\n");
        assert_eq!(s.chapters().len(), 2);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location.as_ref().map(|l| l.start.line), Some(2));
    }
}
