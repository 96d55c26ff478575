//! Incremental updates for the preview server: re-run only what a change touches.

use std::collections::BTreeSet;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::load::{self, LoadError};
use crate::output::Output;

use super::reference::changed_rules;
use super::{Site, dedup_block_ids, process};

/// What an update did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Update {
    /// The whole site was rebuilt (config, theme, `SUMMARY.md` or the page set changed).
    pub full: bool,
    /// Site paths whose bytes changed, sorted.
    pub changed: Vec<String>,
    /// Site paths removed.
    pub removed: Vec<String>,
    /// Pages re-parsed (paths relative to the book root).
    pub reparsed: Vec<String>,
    /// Problems met while rendering or writing.
    pub diagnostics: Vec<Diagnostic>,
    /// Titles, headings or text changed: the search index is behind until
    /// [`Site::refresh_search`] runs (a server calls it when the saves stop: it is a full
    /// pass over the book's text).
    pub search_stale: bool,
}

/// A fingerprint of what other pages and shared files see of a page.
#[derive(PartialEq, Eq)]
struct Visible {
    title: String,
    weight: Option<i64>,
    anchors: Vec<String>,
    failing: usize,
    /// What the status page shows of each block.
    outcomes: Vec<String>,
    sections: Vec<(Option<usize>, std::sync::Arc<str>)>,
    headings: Vec<(u8, String, String)>,
}

fn visible(p: &super::PageState) -> Visible {
    let mut anchors: Vec<String> = p.parsed.anchors.iter().cloned().collect();
    anchors.sort();
    Visible {
        title: p.title.clone(),
        weight: p.source.front.weight,
        anchors,
        failing: p.failing(),
        outcomes: p.reports.iter().map(super::status::fingerprint).collect(),
        sections: p.parsed.sections.iter().map(|s| (s.heading, s.text.clone())).collect(),
        headings: p.parsed.headings.iter().map(|h| (h.level, h.id.clone(), h.text.clone())).collect(),
    }
}

impl Site {
    /// A changed path as a path relative to the book root. Accepts paths under the root as
    /// given to [`Site::load`] (`book/content/a.md`), absolute paths (symlinks resolved, even
    /// for a file that was just deleted) and paths relative to the root (`content/a.md`).
    fn rel_to_root(&self, path: &Path) -> Option<String> {
        let rel = if let Ok(r) = path.strip_prefix(&self.root).map(Path::to_path_buf)
            && (path.is_absolute() || !self.root.as_os_str().is_empty() && self.root != Path::new("."))
        {
            r
        } else if path.is_absolute() {
            let real_root = self.root.canonicalize().ok()?;
            let parent = path.parent()?.canonicalize().ok()?;
            parent.join(path.file_name()?).strip_prefix(&real_root).ok()?.to_path_buf()
        } else {
            path.to_path_buf()
        };
        let parts: Vec<String> = rel
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }

    /// Rebuild everything (after a config, theme or structure change, or when a watcher lost
    /// track of the files): re-load the book and write every file whose bytes changed. On a
    /// load error the site is left as it was.
    pub fn rebuild(&mut self, out: &dyn Output) -> Result<Update, LoadError> {
        let fresh = Site::load(&self.root, self.options.clone())?;
        let before = std::mem::take(&mut self.outputs);
        *self = fresh;
        let mut update = Update { full: true, ..Update::default() };
        let report = self.build(out);
        update.diagnostics = report.diagnostics;
        update.changed = report.written.clone();
        update.removed = before.difference(&self.outputs).cloned().collect();
        for p in &update.removed {
            out.remove(p);
        }
        update.reparsed = self.pages.iter().map(|p| p.source.path.to_string()).collect();
        Ok(update)
    }

    /// Apply changes to `paths` (absolute, or relative to the book root): re-read and
    /// re-render only what they affect, and write the changed files to `out`.
    pub fn update(&mut self, paths: &[&Path], out: &dyn Output) -> Result<Update, LoadError> {
        let src = self.book.config.src.clone();
        let summary = load::under(&src, "SUMMARY.md");
        let rels: Vec<String> = paths.iter().filter_map(|p| self.rel_to_root(p)).collect();
        let structural = rels.iter().any(|r| {
            r == "book.toml"
                || *r == summary
                || r.starts_with("themes/")
                || (r.ends_with(".md")
                    && load::strip_dir(&src, r).is_some_and(|inner| {
                        // A page appeared or disappeared: in a folder-tree book any `.md` file,
                        // in a `SUMMARY.md` book a chapter that was missing.
                        let listed = match &self.book.summary {
                            None => true,
                            Some(s) => s.chapters().iter().any(|(c, _)| {
                                c.path.as_deref().and_then(load::clean_rel).as_deref() == Some(inner)
                            }),
                        };
                        listed && self.root.join(r).is_file() != self.by_rel.contains_key(inner)
                    }))
        });
        if structural {
            return self.rebuild(out);
        }
        let mut update = Update::default();
        let mut touched: BTreeSet<usize> = BTreeSet::new();
        let mut assets_changed = false;
        for r in &rels {
            let Some(inner) = load::strip_dir(&src, r) else {
                // Outside the source folder: it may still be an included file.
                touched.extend(self.pages_including(r));
                continue;
            };
            if let Some(&i) = self.by_rel.get(inner) {
                touched.insert(i);
                continue;
            }
            let included = self.pages_including(r);
            if !included.is_empty() {
                touched.extend(included);
                continue;
            }
            if inner.ends_with(".md") {
                continue; // a Markdown file that is not a page (not in `SUMMARY.md`)
            }
            // A static file: copy it, or remove it.
            assets_changed = true;
            let asset = load::Asset { rel: inner.to_string(), path: r.as_str().into() };
            if self.root.join(r).is_file() {
                match self.guard.read_bytes(r).and_then(|b| out.write(inner, b)) {
                    Ok(true) => update.changed.push(inner.to_string()),
                    Ok(false) => {}
                    Err(d) => update.diagnostics.push(*d),
                }
                if !self.book.assets.contains(&asset) {
                    self.book.assets.push(asset);
                    self.book.assets.sort_by(|a, b| a.rel.cmp(&b.rel));
                }
            } else {
                self.book.assets.retain(|a| a.rel != inner);
                if out.remove(inner) {
                    update.removed.push(inner.to_string());
                }
            }
        }
        // Re-read, re-parse and re-check the touched pages.
        let old_neighbours: Vec<_> = (0..self.pages.len()).map(|i| self.nav.neighbours(i)).collect();
        let mut shared_dirty = false;
        let mut anchors_changed = Vec::new();
        for &i in &touched {
            let Some(old) = self.pages.get(i) else { continue };
            let before = visible(old);
            let rel = old.source.rel.clone();
            let summary_title = self.summary_title(&rel);
            let source = load::read_page(&self.guard, &self.book.config, &rel);
            let page = process(source, &self.options.check, summary_title.as_deref());
            update.reparsed.push(page.source.path.to_string());
            let after = visible(&page);
            self.pages[i] = page;
            if before.title != after.title || before.weight != after.weight || before.failing != after.failing
            {
                shared_dirty = true;
            }
            if before.outcomes != after.outcomes {
                shared_dirty = true;
            }
            if before.headings != after.headings
                || before.title != after.title
                || before.sections != after.sections
            {
                // The index is rewritten later (`refresh_search`, when the saves stop), so
                // that a save shows at once.
                self.search_stale = true;
            }
            if before.anchors != after.anchors || before.outcomes != after.outcomes {
                anchors_changed.push(i);
            }
        }
        let mut render: BTreeSet<usize> = touched.clone();
        render.extend(dedup_block_ids(&mut self.pages));
        // Figures: the touched pages' blocks, or every block when static files changed.
        if assets_changed {
            render.extend(self.resolve_all_figures());
        }
        for &i in &touched {
            self.resolve_figures(i);
        }
        if shared_dirty {
            self.nav = self.build_nav();
            for (i, old) in old_neighbours.iter().enumerate() {
                if self.nav.neighbours(i) != *old {
                    render.insert(i);
                }
            }
            // Pages whose previous or next page was renamed show the new title.
            for &t in &touched {
                let (p, n) = self.nav.neighbours(t);
                render.extend(p);
                render.extend(n);
            }
        }
        // Links: the touched pages, and the pages that link to changed anchors.
        if assets_changed {
            self.check_all_links();
        } else {
            for &i in &touched {
                self.check_links(i);
            }
            for i in self.pages_linking_to(&anchors_changed) {
                self.check_links(i);
            }
        }
        for i in render {
            let path = self.pages[i].out_path.clone();
            match self.render_page(i).and_then(|html| out.write(&path, html)) {
                Ok(true) => update.changed.push(path),
                Ok(false) => {}
                Err(d) => update.diagnostics.push(*d),
            }
        }
        if shared_dirty {
            let (files, diags, _) = self.shared_files();
            update.diagnostics.extend(diags);
            for (path, bytes) in files {
                match out.write(&path, bytes) {
                    Ok(true) => update.changed.push(path),
                    Ok(false) => {}
                    Err(d) => update.diagnostics.push(*d),
                }
            }
        }
        // Rule pages whose "where it fires" list changed, and the index with its counts.
        let fires = self.fires();
        let stale = changed_rules(&self.fires, &fires);
        if !stale.is_empty() {
            for (path, r) in self.rule_pages(&fires, Some(&stale)) {
                match r.and_then(|html| out.write(&path, html)) {
                    Ok(true) => update.changed.push(path),
                    Ok(false) => {}
                    Err(d) => update.diagnostics.push(*d),
                }
            }
            self.fires = fires;
        }
        update.diagnostics.extend(self.renderer.take_block_errors());
        update.search_stale = self.search_stale;
        update.changed.sort();
        update.changed.dedup();
        Ok(update)
    }

    /// Rewrite the search index if body edits left it behind; returns the changed paths.
    pub fn refresh_search(&mut self, out: &dyn Output) -> (Vec<String>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let changed = match self.take_search_job() {
            Some(job) => job.write(out, &mut diags),
            None => Vec::new(),
        };
        (changed, diags)
    }

    /// Pages that include the file `rel` (relative to the book root).
    fn pages_including(&self, rel: &str) -> Vec<usize> {
        self.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.source.files.iter().any(|(f, _)| **f == *rel && *f != p.source.path))
            .map(|(i, _)| i)
            .collect()
    }

    fn summary_title(&self, rel: &str) -> Option<String> {
        let s = self.book.summary.as_ref()?;
        s.chapters()
            .into_iter()
            .find(|(c, _)| c.path.as_deref().and_then(load::clean_rel).as_deref() == Some(rel))
            .map(|(c, _)| c.title.clone())
    }
}
