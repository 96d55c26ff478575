//! The search index of a site as a job that needs nothing from the site: the section texts are
//! shared (`Arc<str>`, no copy) and the documents copied out (a few milliseconds for 1,000
//! pages), so the preview server can rewrite the index on another thread while it goes on
//! applying saves. `build` runs the same job inline.

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

/// Every section of the book in reading order: the document and the text to weigh.
#[derive(Debug)]
pub struct SearchJob {
    sections: Vec<(SearchDoc, Arc<str>)>,
}

impl SearchJob {
    /// Weigh every section (in parallel, in chunks: bounded memory) and write the index files
    /// to `out`; returns the paths whose bytes changed.
    pub fn write(&self, out: &dyn Output, diags: &mut Vec<Diagnostic>) -> Vec<String> {
        let mut b = IndexBuilder::default();
        // Added in reading order: deterministic document numbers.
        for chunk in self.sections.chunks(256) {
            let weighed: Vec<Terms<'_>> =
                chunk.par_iter().map(|(doc, text)| weigh(&doc.title, text)).collect();
            for ((doc, _), terms) in chunk.iter().zip(weighed) {
                b.add_weighted(doc.clone(), terms);
            }
        }
        let mut changed = Vec::new();
        b.finish(&mut |path, bytes| match out.write(&path, bytes) {
            Ok(true) => changed.push(path),
            Ok(false) => {}
            Err(d) => diags.push(*d),
        });
        changed
    }
}

impl Site {
    /// The search index input of the book as it is now.
    pub(super) fn search_job(&self) -> SearchJob {
        let mut sections = Vec::new();
        for p in self.nav.order.iter().filter_map(|&i| self.pages.get(i)) {
            sections.extend(page_sections(&p.parsed, &p.out_path, &p.title));
        }
        sections.extend(rule_sections().iter().cloned());
        SearchJob { sections }
    }

    /// The search index update for a server that runs it on another thread; `None` when the
    /// index is up to date (or search is off). Counts the index as up to date from now on: a
    /// later text change marks it stale again.
    pub fn take_search_job(&mut self) -> Option<SearchJob> {
        if !self.search_stale || !self.book.config.html.search {
            return None;
        }
        self.search_stale = false;
        Some(self.search_job())
    }
}
