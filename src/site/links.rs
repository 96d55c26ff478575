//! Link checking: every internal link and `#anchor` of every page, on every build.

use crate::diag::{Diagnostic, LineIndex, Severity, ToolCode, did_you_mean};
use crate::load::LinkLevel;
use crate::markdown::Target;

use super::{Site, relocate};

/// Files topobook generates that pages may link to.
const GENERATED: &[&str] = &["index.html", "404.html", "status.html", "toc.html", "sitemap.xml"];

impl Site {
    fn page_by_rel(&self, rel: &str) -> Option<usize> {
        self.by_rel.get(rel).copied()
    }

    fn page_by_output(&self, out: &str) -> Option<usize> {
        self.pages.iter().position(|p| p.out_path == out)
    }

    /// Does page `i` define `anchor` (a heading, an HTML id, a topology block)?
    fn has_anchor(&self, i: usize, anchor: &str) -> bool {
        self.pages.get(i).is_some_and(|p| {
            p.parsed.anchors.contains(anchor)
                || p.reports.iter().any(|r| {
                    r.id == anchor
                        || anchor.strip_prefix(r.id.as_str()).is_some_and(|rest| {
                            rest.strip_prefix("-L").is_some_and(|n| n.parse::<u32>().is_ok())
                                || rest.strip_prefix("-finding-").is_some_and(|n| {
                                    n.parse::<usize>().is_ok_and(|n| n < r.diagnostics.len())
                                })
                                || rest == "-diagram"
                        })
                })
        })
    }

    /// Problems with one link of page `i`: (message, help).
    fn check_link(&self, i: usize, target: &Target) -> Option<(String, String, ToolCode)> {
        match target {
            Target::External => None,
            Target::Outside => Some((
                "link points outside the source folder".to_string(),
                "link to a page of the book, or use a full `https://` address".to_string(),
                ToolCode::BrokenLink,
            )),
            Target::SamePage(a) => (!self.has_anchor(i, a)).then(|| self.anchor_problem(i, a)),
            Target::Internal { path, anchor } => {
                let target_page = if path.ends_with(".md") {
                    self.page_by_rel(path)
                } else if path.is_empty() || path.ends_with('/') {
                    ["README.md", "index.md"].iter().find_map(|f| self.page_by_rel(&format!("{path}{f}")))
                } else if path.ends_with(".html") {
                    self.page_by_output(path)
                } else {
                    None
                };
                match target_page {
                    Some(t) => match anchor {
                        Some(a) if !self.has_anchor(t, a) => Some(self.anchor_problem(t, a)),
                        _ => None,
                    },
                    None => {
                        let exists = self.book.assets.iter().any(|a| a.rel == *path)
                            || GENERATED.contains(&path.as_str())
                            || path.strip_prefix("rules/").is_some_and(|r| {
                                r == "index.html"
                                    || r.strip_suffix(".html")
                                        .is_some_and(|id| crate::rules::by_id(id).is_some())
                            })
                            || self.book.theme.assets().any(|(p, _)| p == path)
                            || (!path.ends_with(".md")
                                && self
                                    .by_rel
                                    .contains_key(&format!("{}/README.md", path.trim_end_matches('/'))));
                        if exists {
                            return None;
                        }
                        let candidates = self.pages.iter().map(|p| p.source.rel.as_str());
                        let help = match did_you_mean(path, candidates) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "check the path; links are relative to the page".to_string(),
                        };
                        Some((
                            format!("link to `{path}`, which is not in the book"),
                            help,
                            ToolCode::BrokenLink,
                        ))
                    }
                }
            }
        }
    }

    fn anchor_problem(&self, target: usize, anchor: &str) -> (String, String, ToolCode) {
        let page = self.pages.get(target);
        let name = page.map(|p| p.source.rel.as_str()).unwrap_or("");
        let ids = page
            .map(|p| p.parsed.headings.iter().map(|h| h.id.as_str()).collect::<Vec<_>>())
            .unwrap_or_default();
        let help = match did_you_mean(anchor, ids.iter().copied()) {
            Some(s) => format!("did you mean `#{s}`?"),
            None if ids.is_empty() => format!("`{name}` has no headings to link to"),
            None => format!(
                "headings of `{name}`: {}",
                ids.iter().take(8).map(|i| format!("`#{i}`")).collect::<Vec<_>>().join(", ")
            ),
        };
        (format!("`{name}` has no anchor `#{anchor}`"), help, ToolCode::BrokenAnchor)
    }

    /// The link problems of page `i`.
    fn link_diagnostics(&self, i: usize) -> Vec<Diagnostic> {
        let Some(page) = self.pages.get(i) else { return Vec::new() };
        let severity = match self.book.config.link_check {
            LinkLevel::Error => Severity::Error,
            LinkLevel::Warn => Severity::Warning,
        };
        let mut diags = Vec::new();
        let mut index: Option<LineIndex> = None;
        for link in &page.parsed.links {
            if let Some((msg, help, code)) = self.check_link(i, &link.target) {
                let index = index.get_or_insert_with(|| LineIndex::new(&page.source.text));
                let loc = index.location(page.source.path.clone(), &page.source.text, link.range.clone());
                let mut d = Diagnostic::new(severity, code, msg).with_help(help).at(loc);
                if link.image {
                    d.message = d.message.replacen("link to", "image", 1).replacen(", which is", " is", 1);
                }
                relocate(&mut d, &page.source);
                diags.push(d);
            }
        }
        diags
    }

    /// Recheck the links of page `i`.
    pub(super) fn check_links(&mut self, i: usize) {
        let diags = self.link_diagnostics(i);
        if let Some(p) = self.pages.get_mut(i) {
            p.link_diagnostics = diags;
        }
    }

    /// Recheck every link of the book (in parallel).
    pub(super) fn check_all_links(&mut self) {
        use rayon::prelude::*;
        let results: Vec<Vec<Diagnostic>> =
            (0..self.pages.len()).into_par_iter().map(|i| self.link_diagnostics(i)).collect();
        for (p, d) in self.pages.iter_mut().zip(results) {
            p.link_diagnostics = d;
        }
    }

    /// Pages with a link to one of `targets` (page indices).
    pub(super) fn pages_linking_to(&self, targets: &[usize]) -> Vec<usize> {
        let rels: Vec<&str> =
            targets.iter().filter_map(|t| self.pages.get(*t)).map(|p| p.source.rel.as_str()).collect();
        self.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.parsed.links.iter().any(|l| match &l.target {
                    Target::Internal { path, .. } => {
                        rels.iter().any(|r| path == r || path.trim_end_matches('/').is_empty())
                    }
                    _ => false,
                })
            })
            .map(|(i, _)| i)
            .collect()
    }
}
