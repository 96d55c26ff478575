//! Rendering a whole site into an [`Output`].

use minijinja::{Value, context};
use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Diagnostic, ToolCode};
use crate::escape;
use crate::output::Output;
use crate::render::nav::{SidebarItem, sitemap, toc_js};
use crate::render::{BodyContext, body_html, highlight, value};

use super::Site;
use super::nav::NavItem;

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Site paths written.
    pub written: Vec<String>,
    /// Problems met while rendering or writing (theme errors, I/O).
    pub diagnostics: Vec<Diagnostic>,
    /// Site paths that failed to render. An output that already holds them (the preview's
    /// memory) keeps their last good version: a rebuild does not remove them.
    pub failed: Vec<String>,
    /// How long each phase took (wall time), for `TOPOBOOK_TIMINGS`.
    pub phases: Vec<(&'static str, std::time::Duration)>,
}

/// Site paths and their bytes.
type Files = Vec<(String, Vec<u8>)>;

#[derive(Serialize)]
pub(super) struct BookCtx<'a> {
    title: &'a str,
    description: Option<&'a str>,
    language: &'a str,
    authors: &'a [String],
    search: bool,
    git_repository_url: Option<&'a str>,
    generator: &'static str,
}

#[derive(Serialize)]
pub(super) struct LinkCtx {
    pub title: String,
    pub url: String,
}

#[derive(Serialize)]
pub(super) struct TocCtx<'a> {
    pub level: u8,
    pub id: &'a str,
    pub text: &'a str,
}

#[derive(Serialize)]
pub(super) struct PageCtx<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// Site path of the page.
    pub path: &'a str,
    /// Source path relative to the book root.
    pub source: &'a str,
    pub root: &'a str,
    pub toc: Vec<TocCtx<'a>>,
    pub prev: Option<LinkCtx>,
    pub next: Option<LinkCtx>,
    pub edit_url: Option<String>,
    pub canonical: Option<String>,
    pub failing: usize,
}

impl Site {
    pub(super) fn book_ctx(&self) -> BookCtx<'_> {
        let c = &self.book.config;
        BookCtx {
            title: &c.title,
            description: c.description.as_deref(),
            language: &c.language,
            authors: &c.authors,
            search: c.html.search,
            git_repository_url: c.html.git_repository_url.as_deref(),
            generator: concat!("topobook ", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The canonical URL of a site path, with `site-url`.
    pub(super) fn canonical(&self, path: &str) -> Option<String> {
        let url = self.book.config.html.absolute_site_url()?;
        Some(format!("{}/{path}", url.trim_end_matches('/')))
    }

    fn link_ctx(&self, page: Option<usize>, from_root: &str) -> Option<LinkCtx> {
        let p = self.pages.get(page?)?;
        Some(LinkCtx { title: p.title.clone(), url: format!("{from_root}{}", p.out_path) })
    }

    /// Render page `i` to its HTML.
    pub(super) fn render_page(&self, i: usize) -> Result<Vec<u8>, Box<Diagnostic>> {
        let Some(p) = self.pages.get(i) else {
            return Err(Box::new(Diagnostic::error(ToolCode::Io, "no such page")));
        };
        let body = body_html(
            &p.parsed,
            &BodyContext {
                renderer: &self.renderer,
                reports: &p.reports,
                first_lines: &p.first_lines,
                page_path: &p.out_path,
                root: &p.root,
                source_path: &p.source.path,
                figures: &p.figures,
                sanitize: self.book.config.html.sanitize,
            },
        );
        let (prev, next) = self.nav.neighbours(i);
        let cfg = &self.book.config.html;
        let page = PageCtx {
            title: &p.title,
            description: p.source.front.description.as_deref(),
            path: &p.out_path,
            source: &p.source.path,
            root: &p.root,
            toc: p
                .parsed
                .headings
                .iter()
                .filter(|h| (2..=3).contains(&h.level))
                .map(|h| TocCtx { level: h.level, id: &h.id, text: &h.text })
                .collect(),
            prev: self.link_ctx(prev, &p.root),
            next: self.link_ctx(next, &p.root),
            edit_url: cfg.edit_url_template.as_ref().map(|t| t.replace("{path}", &p.source.path)),
            canonical: self.canonical(&p.out_path),
            failing: p.failing(),
        };
        let ctx = context! {
            book => value(self.book_ctx()),
            page => value(&page),
            content => Value::from_safe_string(body),
        };
        self.renderer.render("page.html", &ctx).map(String::into_bytes)
    }

    fn sidebar_items(&self, items: &[NavItem]) -> Vec<SidebarItem> {
        items
            .iter()
            .map(|it| match it {
                NavItem::Chapter { title, page, number, children } => SidebarItem {
                    kind: "chapter",
                    title: title.clone(),
                    url: page.and_then(|i| self.pages.get(i)).map(|p| p.out_path.clone()),
                    number: number.clone(),
                    failing: page.and_then(|i| self.pages.get(i)).map_or(0, |p| p.failing()),
                    children: self.sidebar_items(children),
                },
                NavItem::Part(t) => SidebarItem {
                    kind: "part",
                    title: t.clone(),
                    url: None,
                    number: String::new(),
                    failing: 0,
                    children: Vec::new(),
                },
                NavItem::Separator => SidebarItem {
                    kind: "separator",
                    title: String::new(),
                    url: None,
                    number: String::new(),
                    failing: 0,
                    children: Vec::new(),
                },
            })
            .collect()
    }

    /// `toc.js` and `toc.html`: the sidebar, once for the whole site.
    pub(super) fn render_sidebar(&self) -> Result<Vec<(String, Vec<u8>)>, Box<Diagnostic>> {
        let items = self.sidebar_items(&self.nav.items);
        let failing: usize = self.pages.iter().map(|p| p.failing()).sum();
        let ctx = context! {
            items => value(&items),
            failing => failing,
            rule_areas => self.sidebar_rules(),
            rule_count => crate::rules::groups().len(),
        };
        let html = self.renderer.render("sidebar.html", &ctx)?;
        let page = context! {
            book => value(self.book_ctx()),
            sidebar => Value::from_safe_string(html.clone()),
        };
        let toc_html = self.renderer.render("toc.html", &page)?;
        Ok(vec![("toc.js".into(), toc_js(&html).into_bytes()), ("toc.html".into(), toc_html.into_bytes())])
    }

    pub(super) fn simple_page(
        &self,
        template: &str,
        title: &str,
        path: &str,
        root: &str,
        extra: Value,
    ) -> Result<Vec<u8>, Box<Diagnostic>> {
        let page = PageCtx {
            title,
            description: None,
            path,
            source: "",
            root,
            toc: Vec::new(),
            prev: None,
            next: None,
            edit_url: None,
            canonical: None,
            failing: 0,
        };
        let ctx = context! {
            book => value(self.book_ctx()),
            page => value(&page),
            ..extra
        };
        self.renderer.render(template, &ctx).map(String::into_bytes)
    }

    /// `404.html`: links are absolute (from `site-url`, or `/`), since it is served anywhere.
    pub(super) fn render_404(&self) -> Result<Vec<u8>, Box<Diagnostic>> {
        let root = self.book.config.html.site_path();
        self.simple_page("404.html", "Page not found", "404.html", &root, context! {})
    }

    /// `index.html` when no page is the home page: a redirect to the first page.
    fn redirect_index(&self) -> Option<Vec<u8>> {
        if self.pages.iter().any(|p| p.out_path == "index.html") {
            return None;
        }
        let first = self.nav.order.first().and_then(|i| self.pages.get(*i))?;
        let url = escape::html(&first.out_path);
        Some(
            format!(
                "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title><meta http-equiv=\"refresh\" content=\"0; url={url}\"><link rel=\"canonical\" href=\"{url}\"></head><body><a href=\"{url}\">{}</a></body></html>\n",
                escape::html(&self.book.config.title),
                escape::html(&first.title)
            )
            .into_bytes(),
        )
    }

    /// Write the search index files to `out`; returns the paths whose bytes changed.
    pub(super) fn write_search(&self, out: &dyn Output, diags: &mut Vec<Diagnostic>) -> Vec<String> {
        self.search_job().write(out, diags)
    }

    /// Every file of the site except the pages and the book's own assets, the problems met,
    /// and the paths that failed to render.
    pub(super) fn shared_files(&self) -> (Files, Vec<Diagnostic>, Vec<String>) {
        let mut files = Vec::new();
        let mut diags = Vec::new();
        let mut failed = Vec::new();
        match self.render_sidebar() {
            Ok(f) => files.extend(f),
            Err(d) => {
                diags.push(*d);
                failed.extend(["toc.js".to_string(), "toc.html".to_string()]);
            }
        }
        for (name, r) in [("status.html", self.render_status()), ("404.html", self.render_404())] {
            match r {
                Ok(b) => files.push((name.to_string(), b)),
                Err(d) => {
                    diags.push(*d);
                    failed.push(name.to_string());
                }
            }
        }
        if let Some(b) = self.redirect_index() {
            files.push(("index.html".into(), b));
        }
        for (path, f) in self.book.theme.assets() {
            files.push((path.to_string(), f.bytes.to_vec()));
        }
        if self.book.theme.get("static/css/highlight.css").is_none() {
            files.push(("css/highlight.css".into(), highlight::stylesheet().into_bytes()));
        }
        if self.book.theme.get("static/css/diagram.css").is_none() {
            files.push(("css/diagram.css".into(), crate::diagram::DIAGRAM_CSS.as_bytes().to_vec()));
        }
        if let Some(url) = self.book.config.html.absolute_site_url() {
            let paths: Vec<&str> = self
                .nav
                .order
                .iter()
                .filter_map(|i| self.pages.get(*i))
                .map(|p| p.out_path.as_str())
                .collect();
            files.push(("sitemap.xml".into(), sitemap(url, &paths).into_bytes()));
        }
        (files, diags, failed)
    }

    /// Render the whole site into `out`. Pages render in parallel.
    pub fn build(&mut self, out: &dyn Output) -> BuildReport {
        self.build_with(out, false)
    }

    /// [`Site::build`] for a one-shot build (`topobook build`): once the pages are written,
    /// frees what only page rendering needs (page bodies, resolved topologies, then the rule
    /// states, links and anchors) before the search index is built, which keeps the peak
    /// memory of a large book down. The site can
    /// still report its diagnostics but can no longer render pages: do not call `build` or
    /// `update` on it afterwards.
    pub fn build_once(&mut self, out: &dyn Output) -> BuildReport {
        self.build_with(out, true)
    }

    fn build_with(&mut self, out: &dyn Output, once: bool) -> BuildReport {
        let started = std::time::Instant::now();
        let mut report = BuildReport::default();
        let results: Vec<(String, Result<bool, Box<Diagnostic>>)> = (0..self.pages.len())
            .into_par_iter()
            .map(|i| {
                let path = self.pages[i].out_path.clone();
                let r = self.render_page(i).and_then(|html| out.write(&path, html));
                (path, r)
            })
            .collect();
        for (path, r) in results {
            match r {
                Ok(_) => report.written.push(path),
                Err(d) => {
                    report.diagnostics.push(*d);
                    report.failed.push(path);
                }
            }
        }
        if once {
            for p in &mut self.pages {
                p.parsed.body = Vec::new();
                for r in &mut p.reports {
                    r.net = None;
                }
            }
            crate::sys::release_free_memory();
        }
        report.phases.push(("pages rendered and written", started.elapsed()));
        let t = std::time::Instant::now();
        let fires = self.fires();
        for (path, r) in self.rule_pages(&fires, None) {
            match r.and_then(|html| out.write(&path, html)) {
                Ok(_) => report.written.push(path),
                Err(d) => report.diagnostics.push(*d),
            }
        }
        self.fires = fires;
        report.phases.push(("rules reference", t.elapsed()));
        let t = std::time::Instant::now();
        let (shared, diags, failed) = self.shared_files();
        report.diagnostics.extend(diags);
        report.failed.extend(failed);
        for (path, bytes) in shared {
            match out.write(&path, bytes) {
                Ok(_) => report.written.push(path),
                Err(d) => report.diagnostics.push(*d),
            }
        }
        if once {
            // The rule states fed the status page and the rules reference, written above;
            // links and anchors were checked at load.
            for p in &mut self.pages {
                p.parsed.links = Vec::new();
                p.parsed.anchors = Default::default();
                for r in &mut p.reports {
                    r.rules = Vec::new();
                }
            }
            crate::sys::release_free_memory();
        }
        if self.book.config.html.search {
            let written = self.write_search(out, &mut report.diagnostics);
            report.written.extend(written);
        }
        report.phases.push(("shared files and search index", t.elapsed()));
        for asset in &self.book.assets {
            match self.guard.read_bytes(&asset.path).and_then(|b| out.write(&asset.rel, b)) {
                Ok(_) => report.written.push(asset.rel.clone()),
                Err(d) => report.diagnostics.push(*d),
            }
        }
        // Block templates of the book's theme that failed (the built-in ones drew the blocks).
        report.diagnostics.extend(self.renderer.take_block_errors());
        report.written.sort();
        report.written.dedup();
        self.outputs = report.written.iter().chain(&report.failed).cloned().collect();
        report
    }
}
