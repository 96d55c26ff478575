//! The search index of a site as a job that needs nothing from the site: the section texts are
//! shared (`Arc<str>`, no copy) and the documents copied out (a few milliseconds for 1,000
//! pages), so the preview server can rewrite the index on another thread while it goes on
//! applying saves. `build` runs the same job inline. The preview's job also writes
//! `print.html` again from the pages' parts (see [`super::print`]).
//!
//! Every index file is written twice: as JSON (`search/a.json`), and as a script that
//! registers it (`search/a.js`: `window.topobookIndex["a"] = …`), which `js/search.js` loads
//! with a `<script>` element: browsers refuse `fetch()` on pages opened from `file://`, but
//! not scripts, so search works in a site opened from disk or a build artifact.

use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::output::Output;
use crate::render::search::{IndexBuilder, SearchDoc, Terms, weigh};

use super::Site;
use super::reference::{parse_rule, rule_path};
use crate::markdown::ParsedPage;

/// The index entries of one page at site path `path`: a section under a heading below the
/// page's title links to that heading; the text before it, to the page.
fn page_sections<'a>(
    parsed: &'a ParsedPage,
    path: &'a str,
    page: &'a str,
) -> impl Iterator<Item = (SearchDoc, Arc<str>)> + 'a {
    parsed.sections.iter().map(move |s| {
        let (url, title) = match s.heading.and_then(|h| parsed.headings.get(h)) {
            Some(h) if h.level > 1 => (format!("{path}#{}", h.id), h.text.as_str()),
            _ => (path.to_string(), page),
        };
        (SearchDoc { url, title: title.to_string(), page: page.to_string() }, s.text.clone())
    })
}

/// The sections of the rules reference (after the book's pages in the index); the registry is
/// fixed, so they are parsed once per process.
fn rule_sections() -> &'static [(SearchDoc, Arc<str>)] {
    static SECTIONS: std::sync::OnceLock<Vec<(SearchDoc, Arc<str>)>> = std::sync::OnceLock::new();
    SECTIONS.get_or_init(|| {
        let mut sections = Vec::new();
        for rule in crate::rules::groups().iter().map(|g| super::reference::newest(g)) {
            let parsed = parse_rule(rule);
            let path = rule_path(rule.id);
            let page = format!("{}: {}", rule.id, rule.title);
            sections.extend(page_sections(&parsed, &path, &page));
        }
        sections
    })
}

/// Every section of the book in reading order: the document and the text to weigh; and the
/// parts of `print.html` when it is behind.
#[derive(Debug)]
pub struct SearchJob {
    sections: Option<Vec<(SearchDoc, Arc<str>)>>,
    print: Option<PrintJob>,
}

/// `print.html` to write again: its frame and every page's part, in reading order.
#[derive(Debug)]
struct PrintJob {
    head: String,
    tail: String,
    parts: Vec<Arc<str>>,
}

/// The script that registers the index file `name` (`docs`, `shards`, `a`): a JSON text is
/// a JavaScript expression.
fn as_script(name: &str, json: &[u8]) -> Vec<u8> {
    let mut js = Vec::with_capacity(json.len() + name.len() + 64);
    js.extend_from_slice(b"(window.topobookIndex=window.topobookIndex||{})[");
    js.extend_from_slice(serde_json::to_string(name).unwrap_or_default().as_bytes());
    js.extend_from_slice(b"]=");
    js.extend_from_slice(json);
    js.extend_from_slice(b";\n");
    js
}

impl SearchJob {
    /// Weigh every section (in parallel, in chunks: bounded memory) and write the index files
    /// to `out`, and `print.html` when it is part of the job; returns the paths whose bytes
    /// changed.
    pub fn write(&self, out: &dyn Output, diags: &mut Vec<Diagnostic>) -> Vec<String> {
        let mut changed = Vec::new();
        if let Some(p) = &self.print {
            let written = out.create(super::print::PRINT_PATH).and_then(|mut s| {
                s.push(p.head.as_bytes())?;
                for part in &p.parts {
                    s.push(part.as_bytes())?;
                }
                s.push(p.tail.as_bytes())?;
                s.finish()
            });
            match written {
                Ok(true) => changed.push(super::print::PRINT_PATH.to_string()),
                Ok(false) => {}
                Err(d) => diags.push(*d),
            }
        }
        let Some(sections) = &self.sections else { return changed };
        let mut b = IndexBuilder::default();
        // Added in reading order: deterministic document numbers.
        for chunk in sections.chunks(256) {
            let weighed: Vec<Terms<'_>> =
                chunk.par_iter().map(|(doc, text)| weigh(&doc.title, text)).collect();
            for ((doc, _), terms) in chunk.iter().zip(weighed) {
                b.add_weighted(doc.clone(), terms);
            }
        }
        b.finish(&mut |path, bytes| {
            let name = path.strip_prefix("search/").and_then(|p| p.strip_suffix(".json")).unwrap_or("");
            let script = (format!("search/{name}.js"), as_script(name, &bytes));
            for (path, bytes) in [(path, bytes), script] {
                match out.write(&path, bytes) {
                    Ok(true) => changed.push(path),
                    Ok(false) => {}
                    Err(d) => diags.push(*d),
                }
            }
        });
        changed
    }
}

impl Site {
    /// The search index input of the book as it is now (the rules reference's sections too,
    /// when the site has it).
    pub(super) fn search_job(&self) -> SearchJob {
        let mut sections = Vec::new();
        for p in self.nav.order.iter().filter_map(|&i| self.pages.get(i)) {
            sections.extend(page_sections(&p.parsed, &p.out_path, &p.title));
        }
        if self.topology_pages() {
            sections.extend(rule_sections().iter().cloned());
        }
        SearchJob { sections: Some(sections), print: None }
    }

    /// The search index and `print.html` update for a server that runs it on another thread;
    /// `None` when both are up to date (or off). Counts them as up to date from now on: a
    /// later change marks them stale again.
    pub fn take_search_job(&mut self) -> Option<SearchJob> {
        let search = self.search_stale && self.book.config.html.search;
        let print = self.print_stale && self.book.config.html.print;
        self.search_stale = false;
        self.print_stale = false;
        if !search && !print {
            return None;
        }
        let mut job = if search { self.search_job() } else { SearchJob { sections: None, print: None } };
        if print && let Ok((head, tail)) = self.print_frame() {
            let parts = self
                .reading_order()
                .into_iter()
                .filter_map(|i| self.print_parts.get(i).cloned().flatten())
                .collect();
            job.print = Some(PrintJob { head, tail, parts });
        }
        Some(job)
    }
}
