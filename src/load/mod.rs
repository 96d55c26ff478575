//! Stage 1, `load`: the only module that reads files.
//!
//! It reads `book.toml`, `SUMMARY.md` (or lists the source folder), every page (front matter
//! split off, `{{#include}}` directives expanded), the theme and the list of static files.
//! Problems are diagnostics; only a missing book folder or `book.toml` is fatal.

pub mod arm;
pub mod config;
pub mod front_matter;
pub mod include;
pub mod infra;
pub mod summary;
pub mod theme;

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use config::{Config, LinkLevel};
pub use front_matter::FrontMatter;
pub use include::Origin;
pub use summary::{Chapter, Summary, SummaryItem};
pub use theme::Theme;

use crate::diag::{Diagnostic, Location, ToolCode};

/// A problem that stops the build before it starts (exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// One page as read from disk.
#[derive(Clone, Debug)]
pub struct PageSource {
    /// Path relative to the book root, `/`-separated (`content/guide/a.md`).
    pub path: Arc<str>,
    /// Path relative to the source folder (`guide/a.md`).
    pub rel: String,
    /// The text of the page, includes expanded (the file itself when there are none).
    pub text: Arc<str>,
    /// Where the Markdown starts in `text` (after the front matter).
    pub body_start: usize,
    /// Where the bytes of `text` come from, when includes were expanded.
    pub origin: Option<Arc<Origin>>,
    pub front: FrontMatter,
    /// Texts of the page file and of every file it includes, for code frames.
    pub files: Vec<(Arc<str>, Arc<str>)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A file under the source folder that is copied to the site as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asset {
    /// Path relative to the source folder (also its path in the site).
    pub rel: String,
    /// Path relative to the book root.
    pub path: Arc<str>,
}

/// Everything read from a book folder.
#[derive(Debug)]
pub struct Book {
    pub root: PathBuf,
    pub config: Config,
    /// `None`: navigation comes from the folder tree.
    pub summary: Option<Summary>,
    pub pages: Vec<PageSource>,
    pub assets: Vec<Asset>,
    pub theme: Theme,
    /// Texts of `book.toml` and `SUMMARY.md`, for code frames.
    pub files: BTreeMap<Arc<str>, Arc<str>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads files inside the book root only: a path whose real location (symlinks resolved) is
/// outside the root is refused.
#[derive(Clone, Debug)]
pub struct Guard {
    root: PathBuf,
    real_root: PathBuf,
}

fn io_diag(path: &str, what: &str, e: &io::Error) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(ToolCode::Io, format!("cannot read `{path}`: {}", what_io(e, what)))
            .with_help("check that the file exists and is readable")
            .at(Location::file_start(path.into())),
    )
}

fn what_io(e: &io::Error, what: &str) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => format!("{what} not found"),
        io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
        _ => e.to_string().to_lowercase(),
    }
}

impl Guard {
    pub fn new(root: &Path) -> Result<Guard, LoadError> {
        let real_root = root.canonicalize().map_err(|e| {
            LoadError(format!("cannot open book folder `{}`: {}", root.display(), what_io(&e, "folder")))
        })?;
        Ok(Guard { root: root.to_path_buf(), real_root })
    }

    /// The real path of `rel` (relative to the root), if it stays inside the root.
    pub fn resolve(&self, rel: &str) -> Result<PathBuf, Box<Diagnostic>> {
        let path = self.root.join(rel);
        let real = path.canonicalize().map_err(|e| io_diag(rel, "file", &e))?;
        if !real.starts_with(&self.real_root) {
            return Err(Box::new(
                Diagnostic::error(
                    ToolCode::Io,
                    format!("refused to read `{rel}`: it links outside the book folder"),
                )
                .with_help("copy the file into the book instead of linking to it")
                .at(Location::file_start(rel.into())),
            ));
        }
        Ok(real)
    }

    /// The bytes of a text file (page, `SUMMARY.md`, included file), at most
    /// [`MAX_PAGE_BYTES`]: a larger file is refused without being read whole.
    fn read_limited(&self, rel: &str) -> Result<Vec<u8>, Box<Diagnostic>> {
        use std::io::Read as _;
        let real = self.resolve(rel)?;
        let file = std::fs::File::open(real).map_err(|e| io_diag(rel, "file", &e))?;
        let mut bytes = Vec::new();
        file.take(MAX_PAGE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| io_diag(rel, "file", &e))?;
        if bytes.len() > MAX_PAGE_BYTES {
            return Err(Box::new(
                Diagnostic::error(
                    ToolCode::InputLimit,
                    format!(
                        "`{rel}` is larger than the limit of {} MiB for one text file",
                        MAX_PAGE_BYTES >> 20
                    ),
                )
                .with_help("split the page into several pages")
                .at(Location::file_start(rel.into())),
            ));
        }
        Ok(bytes)
    }

    /// A text file that must be UTF-8 (`SUMMARY.md`, included files).
    pub fn read_text(&self, rel: &str) -> Result<Arc<str>, Box<Diagnostic>> {
        let (text, bad) = decode(rel, self.read_limited(rel)?);
        match bad {
            None => Ok(text),
            Some(d) => Err(Box::new(d)),
        }
    }

    /// A page: invalid UTF-8 is shown as U+FFFD, with an error where the first bad byte is.
    pub fn read_page_text(&self, rel: &str) -> Result<(Arc<str>, Option<Diagnostic>), Box<Diagnostic>> {
        Ok(decode(rel, self.read_limited(rel)?))
    }

    pub fn read_bytes(&self, rel: &str) -> Result<Vec<u8>, Box<Diagnostic>> {
        let real = self.resolve(rel)?;
        std::fs::read(real).map_err(|e| io_diag(rel, "file", &e))
    }

    /// Files under `dir` (`rel_dir` relative to the root), sorted, skipping hidden names and
    /// editor files ([`editor_file`]) and refusing symlinks that leave the root: (path inside `dir`, path relative to root).
    pub fn walk(&self, dir: &Path, rel_dir: &str, diags: &mut Vec<Diagnostic>) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut it =
            walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().min_depth(1).into_iter();
        while let Some(entry) = it.next() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let p = e.path().map(|p| p.display().to_string()).unwrap_or_default();
                    diags.push(
                        Diagnostic::error(
                            ToolCode::Io,
                            format!("cannot list `{p}`: {}", e.to_string().to_lowercase()),
                        )
                        .with_help("remove the symlink loop or fix the permissions"),
                    );
                    continue;
                }
            };
            let Ok(inner) = entry.path().strip_prefix(dir) else { continue };
            let inner: Vec<String> =
                inner.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            if inner.iter().any(|c| c.starts_with('.')) {
                if entry.file_type().is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
            let inner = inner.join("/");
            let rel = under(rel_dir, &inner);
            if entry.path_is_symlink() {
                let outside = match entry.path().canonicalize() {
                    Ok(real) => !real.starts_with(&self.real_root),
                    Err(_) => true,
                };
                if outside {
                    diags.push(
                        Diagnostic::error(
                            ToolCode::Io,
                            format!("refused `{rel}`: it is a symlink that leaves the book folder"),
                        )
                        .with_help("copy the file into the book instead of linking to it")
                        .at(Location::file_start(rel.as_str().into())),
                    );
                    if entry.file_type().is_dir() {
                        it.skip_current_dir();
                    }
                    continue;
                }
            }
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && !editor_file(&name) {
                out.push((inner, rel));
            }
        }
        out
    }
}

/// Largest text file read (a page, `SUMMARY.md`, an included file) and largest page once its
/// includes are expanded, in bytes. Real pages are well under 1 MiB.
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// The text of `bytes` (file `rel`) and, when they are not UTF-8, the text with every invalid
/// sequence replaced by U+FFFD and an error at the first one.
fn decode(rel: &str, bytes: Vec<u8>) -> (Arc<str>, Option<Diagnostic>) {
    let err = match String::from_utf8(bytes) {
        Ok(s) => return (s.into(), None),
        Err(e) => e,
    };
    let at = err.utf8_error().valid_up_to();
    let bytes = err.as_bytes();
    let bad: Vec<String> = bytes[at..]
        .iter()
        .take(err.utf8_error().error_len().unwrap_or(1))
        .map(|b| format!("0x{b:02X}"))
        .collect();
    let text = String::from_utf8_lossy(bytes).into_owned();
    // The text up to the first bad byte is unchanged, and U+FFFD stands in for it.
    let d =
        Diagnostic::error(ToolCode::Io, format!("`{rel}` is not UTF-8: invalid byte {} here", bad.join(" ")))
            .with_label("not UTF-8")
            .with_help("save the file as UTF-8; the page shows `\u{FFFD}` in place of each invalid sequence")
            .at(Location::new(rel.into(), &text, at..at + '\u{FFFD}'.len_utf8()));
    (text.into(), Some(d))
}

impl include::IncludeReader for Guard {
    fn read(&self, rel: &str) -> Result<Arc<str>, String> {
        self.read_text(rel).map_err(|d| d.message.trim_start_matches("cannot read ").to_string())
    }
}

/// Is `name` an editor's temp, swap or backup file (`a.md~`, `a.md.swp`, vim's `4913`,
/// emacs' `#a.md#`, JetBrains' `a.md___jb_tmp___`...)? Such files are never part of a book:
/// neither pages nor assets, and the preview ignores their changes. Hidden names (`.#a.md`)
/// are skipped anyway.
pub fn editor_file(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swx", ".swo", ".tmp", ".kate-swp", "___jb_tmp___", "___jb_old___"]
            .iter()
            .any(|s| name.ends_with(s))
}

/// `dir/rel`, or `rel` when `dir` is the book root (`.`).
pub fn under(dir: &str, rel: &str) -> String {
    if dir == "." { rel.to_string() } else { format!("{dir}/{rel}") }
}

/// `rel` relative to `dir` (the inverse of [`under`]).
pub fn strip_dir<'a>(dir: &str, rel: &'a str) -> Option<&'a str> {
    if dir == "." { Some(rel) } else { rel.strip_prefix(dir)?.strip_prefix('/') }
}

/// Read one page (`rel` relative to the source folder).
pub fn read_page(guard: &Guard, config: &Config, rel: &str) -> PageSource {
    let path: Arc<str> = under(&config.src, rel).into();
    let mut page = PageSource {
        path: path.clone(),
        rel: rel.to_string(),
        text: Arc::from(""),
        body_start: 0,
        origin: None,
        front: FrontMatter::default(),
        files: Vec::new(),
        diagnostics: Vec::new(),
    };
    let (raw, not_utf8) = match guard.read_page_text(&path) {
        Ok(t) => t,
        Err(d) => {
            page.diagnostics.push(*d);
            return page;
        }
    };
    let (front, body_start, mut diags) = front_matter::split(&path, &raw);
    diags.extend(not_utf8);
    page.front = front;
    page.body_start = body_start;
    page.files.push((path.clone(), raw.clone()));
    if include::has_directives(raw.get(body_start..).unwrap_or("")) {
        let e = include::expand(path.clone(), raw, guard);
        diags.extend(e.diagnostics);
        if page.front.title.is_none() {
            page.front.title = e.title;
        }
        let mut included: Vec<_> = e.files.into_iter().filter(|(p, _)| *p != path).collect();
        included.sort();
        page.files.extend(included);
        page.text = e.text.into();
        page.origin = Some(Arc::new(e.origin));
    } else {
        page.text = raw;
    }
    page.diagnostics = diags;
    page
}

/// The page paths (relative to the source folder) of a book without `SUMMARY.md`, and the
/// assets: every `.md` file is a page, every other file an asset.
fn list_source(
    guard: &Guard,
    root: &Path,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<String>, Vec<Asset>) {
    let mut pages = Vec::new();
    let mut assets = Vec::new();
    // With `src = "."` the book root is the source folder: never publish the site itself,
    // the theme or `book.toml`.
    let skip = |inner: &str| {
        config.src == "."
            && (inner == "book.toml"
                || inner.starts_with("themes/")
                || inner.starts_with(&format!("{}/", config.build_dir)))
    };
    for (inner, rel) in guard.walk(&root.join(&config.src), &config.src, diags) {
        if skip(&inner) {
            continue;
        }
        if inner.ends_with(".md") {
            if inner != "SUMMARY.md" {
                pages.push(inner);
            }
        } else {
            assets.push(Asset { rel: inner, path: rel.into() });
        }
    }
    (pages, assets)
}

/// Does `rel` (a chapter path from `SUMMARY.md`) stay inside the source folder?
pub fn clean_rel(rel: &str) -> Option<String> {
    let joined = include::join_relative("x", rel.split('#').next().unwrap_or(rel))?;
    (!joined.is_empty()).then_some(joined)
}

/// Read a whole book.
pub fn load(root: &Path) -> Result<Book, LoadError> {
    let guard = Guard::new(root)?;
    let toml_path = root.join("book.toml");
    let toml_text = std::fs::read_to_string(&toml_path).map_err(|e| {
        LoadError(format!(
            "cannot read `{}`: {}; run `topobook init` to create a book",
            toml_path.display(),
            what_io(&e, "file")
        ))
    })?;
    let mut files = BTreeMap::new();
    let (config, mut diagnostics) = config::parse("book.toml".into(), &toml_text);
    files.insert(Arc::from("book.toml"), Arc::from(toml_text));
    let src_dir = root.join(&config.src);
    if !src_dir.is_dir() {
        return Err(LoadError(format!(
            "source folder `{}` not found in `{}`; create it or set `src` in `[book]`",
            config.src,
            root.display()
        )));
    }
    let (tree_pages, assets) = list_source(&guard, root, &config, &mut diagnostics);
    let summary_rel = under(&config.src, "SUMMARY.md");
    let summary = if src_dir.join("SUMMARY.md").is_file() {
        match guard.read_text(&summary_rel) {
            Ok(text) => {
                let (s, d) = summary::parse(summary_rel.as_str().into(), &text);
                diagnostics.extend(d);
                files.insert(summary_rel.as_str().into(), text);
                Some(s)
            }
            Err(d) => {
                diagnostics.push(*d);
                None
            }
        }
    } else {
        None
    };
    let page_rels: Vec<String> = match &summary {
        None => tree_pages,
        Some(s) => summary_pages(s, &summary_rel, &files, &src_dir, &mut diagnostics),
    };
    let pages: Vec<PageSource> = page_rels.par_iter().map(|rel| read_page(&guard, &config, rel)).collect();
    let (theme, d) = theme::load(root, &guard, &config.html.theme);
    diagnostics.extend(d);
    Ok(Book { root: root.to_path_buf(), config, summary, pages, assets, theme, files, diagnostics })
}

/// The distinct, existing page paths named by `SUMMARY.md`, in order.
fn summary_pages(
    s: &Summary,
    summary_rel: &str,
    files: &BTreeMap<Arc<str>, Arc<str>>,
    src_dir: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let text = files.get(summary_rel).cloned().unwrap_or_else(|| Arc::from(""));
    let index = crate::diag::LineIndex::new(&text);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (c, _) in s.chapters() {
        let Some(p) = &c.path else { continue };
        let at = || index.location(summary_rel.into(), &text, c.span.clone());
        let Some(rel) = clean_rel(p) else {
            diags.push(
                Diagnostic::error(ToolCode::Summary, format!("chapter `{p}` is outside the source folder"))
                    .with_help("chapter paths are relative to the folder of `SUMMARY.md`")
                    .at(at()),
            );
            continue;
        };
        if !src_dir.join(&rel).is_file() {
            diags.push(
                Diagnostic::error(ToolCode::Summary, format!("chapter file `{rel}` not found"))
                    .with_label("listed here")
                    .with_help(format!(
                        "create `{rel}`, fix the path, or write `[{}]()` for a draft chapter",
                        c.title
                    ))
                    .at(at()),
            );
            continue;
        }
        if seen.insert(rel.clone()) {
            out.push(rel);
        }
    }
    out
}

/// Read a static file of the book for copying (the site stage streams them one by one).
pub fn read_asset(book_root: &Path, asset: &Asset) -> Result<Vec<u8>, Box<Diagnostic>> {
    let guard = Guard::new(book_root).map_err(|e| Box::new(Diagnostic::error(ToolCode::Io, e.0)))?;
    guard.read_bytes(&asset.path)
}
