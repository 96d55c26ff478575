//! `print.html`: every chapter of the book on one page, in reading order, for printing and
//! for a PDF (`[output.html.print]`, on by default, as in mdBook).
//!
//! Each page contributes a *part*: its body as the page shows it (diagrams, status panels,
//! the YAML unfolded) in a `<section>` that starts a printed page, with its attributes
//! rewritten ([`rewrite`]) so that the parts live together in one document: ids get the
//! chapter's prefix (`guide-a--setup`) except those of topology blocks, which are unique in
//! the book already (and which the diagrams' own references use); links to a chapter or to
//! an anchor in one become links inside the page; every other relative URL (images, the
//! rules reference) becomes relative to the site root, where `print.html` is.
//!
//! The page is written in pieces ([`crate::output::Output::create`]): the frame from the
//! theme's `print.html` template, split around its content, then the parts as the pages are
//! rendered. A one-shot build never holds the whole page in memory; the preview keeps each
//! page's part and writes the page again when the saves stop.

mod rewrite;

use std::collections::HashMap;

use minijinja::{Value, context};
use serde::Serialize;

use super::Site;
use super::build::PageCtx;
use super::nav::NavItem;
use crate::diag::Diagnostic;
use crate::escape;
use crate::render::value;

/// The site path of the print page.
pub const PRINT_PATH: &str = "print.html";

/// Stands for the chapters when the frame is rendered; the frame is split around it.
const MARKER: &str = "\u{1}topobook-print-chapters\u{1}";

/// What the parts need to know about every chapter.
#[derive(Default)]
pub(super) struct PrintMap {
    /// Site path of each page → its chapter slug and its block ids.
    chapters: HashMap<String, (String, Vec<String>)>,
}

impl PrintMap {
    fn slug(&self, path: &str) -> Option<&str> {
        self.chapters.get(path).map(|(s, _)| s.as_str())
    }

    /// The id `id` of the page at `path` takes in `print.html`.
    fn id(&self, path: &str, id: &str) -> String {
        match self.chapters.get(path) {
            Some((_, blocks)) if blocks.iter().any(|b| is_block_id(id, b)) => id.to_string(),
            Some((slug, _)) => format!("{slug}--{id}"),
            None => id.to_string(),
        }
    }
}

/// Is `id` the block `block` or one of its parts (`block-diagram`, `block-L3`...)?
fn is_block_id(id: &str, block: &str) -> bool {
    id.strip_prefix(block).is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
}

/// `guide/a.html` → `guide-a`.
fn chapter_slug(path: &str) -> String {
    let stem = path.strip_suffix(".html").unwrap_or(path);
    stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// The id of a chapter's section.
fn chapter_id(slug: &str) -> String {
    format!("chapter-{slug}")
}

/// Does `url` have a scheme (`https:`, `mailto:`, `data:`)?
fn has_scheme(url: &str) -> bool {
    let head = url.split(['/', '?', '#']).next().unwrap_or("");
    head.split_once(':').is_some_and(|(s, _)| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// `url` (relative to the folder `dir` of the site, `""` or `guide/`) as a path from the site
/// root; `None` when it climbs out of the site.
fn resolve(dir: &str, url: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let trailing = url.ends_with('/') || url.is_empty();
    for seg in url.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if trailing && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

#[derive(Serialize)]
struct ContentsEntry {
    /// `chapter`, `part` or `separator`.
    kind: &'static str,
    title: String,
    number: String,
    depth: usize,
    id: String,
}

impl Site {
    /// The chapters of `print.html`: pages in reading order.
    pub(super) fn print_map(&self) -> PrintMap {
        let chapters = self
            .pages
            .iter()
            .map(|p| {
                let blocks = p.reports.iter().map(|r| r.id.clone()).collect();
                (p.out_path.clone(), (chapter_slug(&p.out_path), blocks))
            })
            .collect();
        PrintMap { chapters }
    }

    /// The part of `print.html` of page `i`, from the body its page shows.
    pub(super) fn print_part(&self, i: usize, body: &str, map: &PrintMap) -> String {
        let Some(p) = self.pages.get(i) else { return String::new() };
        let here = p.out_path.as_str();
        let dir = here.rfind('/').map_or("", |k| &here[..=k]);
        let slug = map.slug(here).unwrap_or("page").to_string();
        let link = |url: &str| -> Option<String> {
            if url.is_empty() || has_scheme(url) || url.starts_with('/') {
                return None;
            }
            if let Some(frag) = url.strip_prefix('#') {
                return Some(if frag.is_empty() {
                    format!("#{}", chapter_id(&slug))
                } else {
                    format!("#{}", map.id(here, frag))
                });
            }
            let (path, frag) = match url.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (url, None),
            };
            let (path, query) = match path.split_once('?') {
                Some((p, q)) => (p, format!("?{q}")),
                None => (path, String::new()),
            };
            let mut target = resolve(dir, path)?;
            if target.is_empty() || target.ends_with('/') {
                target.push_str("index.html");
            }
            match map.slug(&target) {
                Some(s) => Some(match frag.filter(|f| !f.is_empty()) {
                    Some(f) => format!("#{}", map.id(&target, f)),
                    None => format!("#{}", chapter_id(s)),
                }),
                None => {
                    let frag = frag.map(|f| format!("#{f}")).unwrap_or_default();
                    Some(format!("{}{query}{frag}", resolve(dir, path)?))
                }
            }
        };
        let ids = |list: &str| -> String {
            list.split_ascii_whitespace().map(|id| map.id(here, id)).collect::<Vec<_>>().join(" ")
        };
        let names = [
            "id",
            "for",
            "aria-labelledby",
            "aria-describedby",
            "aria-controls",
            "headers",
            "href",
            "xlink:href",
            "src",
            "poster",
        ];
        let mut part = String::with_capacity(body.len() + body.len() / 16 + 256);
        part.push_str(&format!(
            "<section class=\"print-chapter\" id=\"{}\" data-path=\"{}\">\n<article class=\"content\">\n",
            escape::html(&chapter_id(&slug)),
            escape::html(here)
        ));
        if p.parsed.first_h1().is_none() {
            part.push_str(&format!("<h1 class=\"print-chapter-title\">{}</h1>\n", escape::html(&p.title)));
        }
        rewrite::rewrite_into(&mut part, body, true, &names, &mut |a| match a.name {
            "id" | "for" | "aria-labelledby" | "aria-describedby" | "aria-controls" | "headers" => {
                Some(ids(a.value))
            }
            "href" | "xlink:href" => link(a.value),
            "src" | "poster" => {
                if a.value.is_empty() || has_scheme(a.value) || a.value.starts_with('/') {
                    None
                } else {
                    resolve(dir, a.value)
                }
            }
            _ => None,
        });
        part.push_str("</article>\n</section>\n");
        part
    }

    /// The contents of `print.html`: the navigation's chapters, parts and separators.
    fn print_contents(&self) -> Vec<ContentsEntry> {
        fn walk(site: &Site, items: &[NavItem], depth: usize, out: &mut Vec<ContentsEntry>) {
            for it in items {
                match it {
                    NavItem::Chapter { title, page, number, children } => {
                        if let Some(p) = page.and_then(|i| site.pages.get(i)) {
                            out.push(ContentsEntry {
                                kind: "chapter",
                                title: title.clone(),
                                number: number.clone(),
                                depth,
                                id: chapter_id(&chapter_slug(&p.out_path)),
                            });
                        }
                        walk(site, children, depth + 1, out);
                    }
                    NavItem::Part(t) => out.push(ContentsEntry {
                        kind: "part",
                        title: t.clone(),
                        number: String::new(),
                        depth,
                        id: String::new(),
                    }),
                    NavItem::Separator => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(self, &self.nav.items, 0, &mut out);
        out
    }

    /// The page around the chapters: what comes before them and what comes after.
    pub(super) fn print_frame(&self) -> Result<(String, String), Box<Diagnostic>> {
        let page = PageCtx {
            title: &self.book.config.title,
            description: self.book.config.description.as_deref(),
            path: PRINT_PATH,
            source: "",
            root: "",
            toc: Vec::new(),
            prev: None,
            next: None,
            edit_url: None,
            canonical: None,
            failing: 0,
            problems: Vec::new(),
            failing_blocks: Vec::new(),
        };
        let ctx = context! {
            book => value(self.book_ctx()),
            page => value(&page),
            contents => value(self.print_contents()),
            page_break => self.book.config.html.print_page_break,
            content => Value::from_safe_string(MARKER.to_string()),
        };
        let html = self.renderer.render("print.html", &ctx)?;
        match html.split_once(MARKER) {
            Some((head, tail)) => Ok((head.to_string(), tail.to_string())),
            None => Ok((html, String::new())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_against_the_page_folder() {
        assert_eq!(resolve("guide/", "../img/a.png").as_deref(), Some("img/a.png"));
        assert_eq!(resolve("guide/", "b.html").as_deref(), Some("guide/b.html"));
        assert_eq!(resolve("guide/", "./sub/").as_deref(), Some("guide/sub/"));
        assert_eq!(resolve("", "../x.html"), None);
        assert!(has_scheme("https://x") && has_scheme("mailto:a@b") && !has_scheme("a.html#x:y"));
        assert_eq!(chapter_slug("guide/A b.html"), "guide-a-b");
        assert!(
            is_block_id("net-1-L3", "net-1")
                && is_block_id("net-1", "net-1")
                && !is_block_id("net-10", "net-1")
        );
    }
}
