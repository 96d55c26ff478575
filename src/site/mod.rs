//! The orchestrator, like Zola's `site` component: it runs the stages in order for a whole
//! book, keeps the state of every page, and re-runs only what a change touches.
//!
//! ```text
//! Site::load(root)   load → markdown → topology (per page, in parallel)
//! site.build(&out)   render every page (in parallel) and the shared files → output
//! site.update(paths) re-read, re-parse, re-check and re-render only what changed
//! ```

mod build;
mod figures;
mod links;
pub mod nav;
mod reference;
mod search;
mod status;
mod update;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use search::SearchJob;
pub use update::Update;

use crate::check::{self, BlockReport, CheckSettings, Outcome};
use crate::diag::{self, Diagnostic, LineIndex, ToolCode};
use crate::load::{self, Book, Guard, LoadError, PageSource};
use crate::markdown::{self, ParsedPage, links::page_output_path};
use crate::render::Renderer;
use crate::render::topology::Figure;

/// Settings of a run that do not come from the book.
#[derive(Clone, Debug, Default)]
pub struct SiteOptions {
    pub check: CheckSettings,
}

/// Everything known about one page.
#[derive(Clone, Debug)]
pub struct PageState {
    pub source: PageSource,
    pub parsed: ParsedPage,
    /// Front matter `title`, else the first `# heading`, else the `SUMMARY.md` text, else
    /// the file name.
    pub title: String,
    /// Site path (`guide/a.html`).
    pub out_path: String,
    /// From the page to the site root (`../` per folder level).
    pub root: String,
    pub reports: Vec<BlockReport>,
    /// Page line of the first YAML line of each block.
    pub first_lines: Vec<u32>,
    /// Broken links and anchors (recomputed when their targets change).
    pub link_diagnostics: Vec<Diagnostic>,
    /// The author's image of each block with `figure=` (same order as `reports`; resolved
    /// against the static files, again when they change).
    pub figures: Vec<Option<Figure>>,
}

impl PageState {
    /// Blocks whose outcome fails the build.
    pub fn failing(&self) -> usize {
        self.reports.iter().filter(|r| matches!(r.outcome, Outcome::Failed | Outcome::Invalid)).count()
    }

    /// All diagnostics of the page: reading, includes, front matter, Markdown, topology, links.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.source
            .diagnostics
            .iter()
            .chain(self.parsed.diagnostics.iter())
            .chain(self.reports.iter().flat_map(|r| r.diagnostics.iter()))
            .chain(self.link_diagnostics.iter())
            .chain(self.figures.iter().flatten().filter_map(|f| f.problem.as_ref()))
    }
}

/// A book loaded and checked, ready to render.
pub struct Site {
    pub root: PathBuf,
    book: Book,
    guard: Guard,
    options: SiteOptions,
    pub pages: Vec<PageState>,
    by_rel: HashMap<String, usize>,
    nav: nav::Nav,
    renderer: Renderer,
    /// Problems of the book as a whole: `book.toml`, `SUMMARY.md`, the theme, listing.
    global: Vec<Diagnostic>,
    /// Site paths written by the last build, to remove stale ones in incremental updates.
    outputs: std::collections::BTreeSet<String>,
    /// Body edits since the search index was last written.
    search_stale: bool,
    /// Where each rule fires, as the rule pages last written show it.
    fires: reference::Fires,
}

/// Point a diagnostic made against the expanded text of a page at the file the bytes came
/// from (the page itself or a file it includes).
fn relocate(d: &mut Diagnostic, page: &PageSource) {
    let Some(origin) = &page.origin else { return };
    let Some(loc) = &d.location else { return };
    if *loc.file != *page.path {
        return;
    }
    let Some((file, range)) = origin.map(loc.bytes.clone()) else { return };
    let Some((_, text)) = page.files.iter().find(|(p, _)| *p == file) else { return };
    d.location = Some(LineIndex::new(text).location(file, text, range));
}

/// Parse and check one page (the per-page part of the pipeline; pure).
fn process(source: PageSource, settings: &CheckSettings, summary_title: Option<&str>) -> PageState {
    let mut parsed = markdown::parse(&source.path, &source.rel, &source.text, source.body_start);
    for d in &mut parsed.diagnostics {
        relocate(d, &source);
    }
    let index = LineIndex::new(&source.text);
    let mut reports: Vec<BlockReport> =
        parsed.blocks.iter().map(|b| check::check_block(b.clone(), &source.text, &index, settings)).collect();
    for r in &mut reports {
        for d in &mut r.diagnostics {
            relocate(d, &source);
        }
    }
    let first_lines = parsed
        .blocks
        .iter()
        .map(|b| {
            let at = if b.yaml.is_empty() { b.fence.start } else { b.map.to_md(0) };
            (index.line_of(at) + 1) as u32
        })
        .collect();
    let title = source
        .front
        .title
        .clone()
        .or_else(|| parsed.first_h1().map(str::to_string))
        .or_else(|| summary_title.map(str::to_string))
        .unwrap_or_else(|| nav::prettify(source.rel.rsplit('/').next().unwrap_or(&source.rel)));
    let out_path = page_output_path(&source.rel);
    let root = "../".repeat(out_path.matches('/').count());
    let figures = vec![None; reports.len()];
    PageState {
        source,
        parsed,
        title,
        out_path,
        root,
        reports,
        first_lines,
        link_diagnostics: Vec::new(),
        figures,
    }
}

/// Give blocks that share an id a unique one (`id-2`) and warn about explicit duplicates.
/// Returns the pages whose ids changed.
fn dedup_block_ids(pages: &mut [PageState]) -> Vec<usize> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut changed = Vec::new();
    for (pi, page) in pages.iter_mut().enumerate() {
        for r in &mut page.reports {
            let base = r.options.id.clone().unwrap_or_else(|| r.source.default_id());
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let id = if *n == 1 { base.clone() } else { format!("{base}-{n}") };
            if *n > 1 && r.options.id.is_some() {
                let d = Diagnostic::warning(
                    ToolCode::BlockOption,
                    format!("block id `{base}` is used twice in the book"),
                )
                .with_help(format!("give this block another `id=`; it is published as `{id}`"))
                .at(r.source.fence_location(&page.source.text, &LineIndex::new(&page.source.text)));
                if !r.diagnostics.contains(&d) {
                    r.diagnostics.push(d);
                }
            }
            if r.id != id {
                r.id = id;
                if !changed.contains(&pi) {
                    changed.push(pi);
                }
            }
        }
    }
    changed
}

impl Site {
    /// Read, parse and check a book.
    pub fn load(root: &Path, mut options: SiteOptions) -> Result<Site, LoadError> {
        let mut book = load::load(root)?;
        options.check.book_profile = book.config.profile;
        // With a `site-url`, findings link to the published rule pages.
        if options.check.rules_base_url.is_none()
            && let Some(url) = book.config.html.absolute_site_url()
        {
            options.check.rules_base_url = Some(format!("{}/rules", url.trim_end_matches('/')));
        }
        let guard = Guard::new(root)?;
        let summary_titles = summary_titles(&book);
        let sources = std::mem::take(&mut book.pages);
        let mut pages: Vec<PageState> = sources
            .into_par_iter()
            .map(|s| {
                let t = summary_titles.get(&s.rel).map(String::as_str);
                process(s, &options.check, t)
            })
            .collect();
        dedup_block_ids(&mut pages);
        let by_rel = pages.iter().enumerate().map(|(i, p)| (p.source.rel.clone(), i)).collect();
        let (renderer, theme_diags) = Renderer::new(&book.theme);
        let mut global = std::mem::take(&mut book.diagnostics);
        global.extend(theme_diags);
        if pages.is_empty() {
            let src = &book.config.src;
            global.push(
                Diagnostic::warning(
                    ToolCode::Summary,
                    format!("the book has no pages: `{src}/` holds no Markdown file"),
                )
                .with_help(format!(
                    "add a page such as `{src}/README.md`, or run `topobook init` in an empty folder"
                ))
                .at(crate::diag::Location::file_start("book.toml".into())),
            );
        }
        let mut site = Site {
            root: root.to_path_buf(),
            book,
            guard,
            options,
            pages,
            by_rel,
            nav: nav::Nav::default(),
            renderer,
            global,
            outputs: Default::default(),
            search_stale: false,
            fires: Default::default(),
        };
        site.nav = site.build_nav();
        site.resolve_all_figures();
        site.check_all_links();
        Ok(site)
    }

    fn build_nav(&self) -> nav::Nav {
        let infos: Vec<nav::PageInfo<'_>> = self
            .pages
            .iter()
            .map(|p| nav::PageInfo { rel: &p.source.rel, title: &p.title, weight: p.source.front.weight })
            .collect();
        match &self.book.summary {
            Some(s) => nav::from_summary(s, &infos),
            None => nav::from_tree(&infos),
        }
    }

    pub fn config(&self) -> &load::Config {
        &self.book.config
    }

    /// The settings the blocks were checked with.
    pub fn check_settings(&self) -> &CheckSettings {
        &self.options.check
    }

    /// Where `topobook build` writes the site.
    pub fn output_dir(&self) -> PathBuf {
        self.root.join(&self.book.config.build_dir)
    }

    /// The navigation (sidebar order, previous / next).
    pub fn nav(&self) -> &nav::Nav {
        &self.nav
    }

    /// Every diagnostic of the book, sorted (file, line, column, code).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self.global.to_vec();
        for p in &self.pages {
            all.extend(p.diagnostics().cloned());
        }
        diag::sort(&mut all);
        all.dedup();
        all
    }

    /// Problems of the book as a whole (`book.toml`, `SUMMARY.md`, the theme, listing), not
    /// of one page.
    pub fn book_diagnostics(&self) -> &[Diagnostic] {
        &self.global
    }

    /// Does any diagnostic fail the build?
    pub fn has_errors(&self) -> bool {
        self.global.iter().chain(self.pages.iter().flat_map(|p| p.diagnostics())).any(|d| d.fails(false))
    }

    /// The text of every file a diagnostic may point into (for code frames).
    pub fn sources(&self) -> BTreeMap<Arc<str>, Arc<str>> {
        let mut m: BTreeMap<Arc<str>, Arc<str>> = self.book.files.clone();
        for (p, t) in self.renderer.override_sources() {
            m.insert(p.clone(), t.clone());
        }
        for p in &self.pages {
            for (f, t) in &p.source.files {
                m.insert(f.clone(), t.clone());
            }
        }
        m
    }

    /// Every block report of the book, in page order.
    pub fn reports(&self) -> impl Iterator<Item = (&PageState, &BlockReport)> {
        self.pages.iter().flat_map(|p| p.reports.iter().map(move |r| (p, r)))
    }
}

/// `SUMMARY.md` chapter text by page path, the fallback title of a page.
fn summary_titles(book: &Book) -> HashMap<String, String> {
    let mut m = HashMap::new();
    if let Some(s) = &book.summary {
        for (c, _) in s.chapters() {
            if let Some(rel) = c.path.as_deref().and_then(load::clean_rel) {
                m.entry(rel).or_insert_with(|| c.title.clone());
            }
        }
    }
    m
}
