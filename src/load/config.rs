//! `book.toml`: mdBook-compatible keys, checked key by key so that an unknown key is
//! reported at its line and column with the closest known key.

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, LineIndex, ToolCode, did_you_mean};
use crate::rules::Profile;

/// What a broken internal link is: an error (the default) or a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkLevel {
    Error,
    Warn,
}

/// `[output.html]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HtmlConfig {
    /// Name of the theme folder under `themes/` whose files override the built-in theme.
    pub theme: String,
    /// Absolute URL of the published site; enables `sitemap.xml` and canonical links.
    pub site_url: Option<String>,
    pub git_repository_url: Option<String>,
    /// `https://…/edit/main/{path}`: `{path}` is the page path relative to the book root.
    pub edit_url_template: Option<String>,
    /// Clean page HTML with ammonia (drops scripts and event handlers from raw HTML).
    pub sanitize: bool,
    /// `[output.html.search] enable`.
    pub search: bool,
}

impl HtmlConfig {
    /// `site-url` when it is a full address (`https://host/path/`). The sitemap, canonical links
    /// and links to rule pages need one; mdBook's path-only form (`/mdBook/`) gives `None`.
    pub fn absolute_site_url(&self) -> Option<&str> {
        self.site_url.as_deref().filter(|u| is_absolute_url(u))
    }

    /// The path the site is served under, ending in `/`: from `site-url` in either form
    /// (`https://host/docs/` or mdBook's `/docs/`), `/` without one.
    pub fn site_path(&self) -> String {
        let Some(u) = self.site_url.as_deref() else { return "/".to_string() };
        let path = match u.split_once("://") {
            Some((_, rest)) => rest.find('/').map(|i| &rest[i..]).unwrap_or("/"),
            None if u.starts_with('/') => u,
            None => "/",
        };
        let path = path.split(['?', '#']).next().unwrap_or("/");
        if path.ends_with('/') { path.to_string() } else { format!("{path}/") }
    }
}

fn is_absolute_url(u: &str) -> bool {
    u.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric()) && !rest.is_empty()
    })
}

/// The whole configuration of a book.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    pub authors: Vec<String>,
    pub description: Option<String>,
    pub language: String,
    /// Source folder, relative to the book root.
    pub src: String,
    /// Output folder, relative to the book root.
    pub build_dir: String,
    pub link_check: LinkLevel,
    pub html: HtmlConfig,
    /// `[check] profile`: the rule profile of blocks that name none (`current` when absent);
    /// `--profile` overrides it.
    pub profile: Option<Profile>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Untitled book".to_string(),
            authors: Vec::new(),
            description: None,
            language: "en".to_string(),
            src: "content".to_string(),
            build_dir: "site".to_string(),
            link_check: LinkLevel::Error,
            html: HtmlConfig {
                theme: "default".to_string(),
                site_url: None,
                git_repository_url: None,
                edit_url_template: None,
                sanitize: false,
                search: true,
            },
            profile: None,
        }
    }
}

const BOOK_KEYS: &[&str] = &["title", "authors", "description", "language", "src"];
const BUILD_KEYS: &[&str] = &["build-dir", "link-check"];
const HTML_KEYS: &[&str] =
    &["theme", "site-url", "git-repository-url", "edit-url-template", "sanitize", "search"];
const SEARCH_KEYS: &[&str] = &["enable"];
const CHECK_KEYS: &[&str] = &["profile"];
const TOP_KEYS: &[&str] = &["book", "build", "check", "output", "preprocessor", "rust"];

// mdBook compatibility: what topobook does with the keys of mdBook's `book.toml`.
//
// An mdBook user points topobook at an existing book; keys of mdBook features must not stop
// the build, and unknown keys (typos) must still be caught. So every key falls in one of four
// classes:
//
// 1. A topobook key (`BOOK_KEYS`, `BUILD_KEYS`, `HTML_KEYS`, `SEARCH_KEYS`, `CHECK_KEYS`):
//    read.
// 2. An mdBook key with nothing to do in topobook, because topobook already does it
//    (`smart-punctuation`, `admonitions`: always on; the built-in `links` and `index`
//    preprocessors; `[output.linkcheck]`: links are always checked) or because it only tunes
//    mdBook's own chrome or other tools (`default-theme`, `fold`, `print`, search boosts,
//    `[rust]`, other `[output.*]` renderers): a **note** naming it. It never fails anything,
//    even `check --deny warnings`.
// 3. An mdBook feature topobook does not implement, whose absence changes what readers get
//    (`mathjax-support`/`math`, `additional-css`, `redirect`, `cname`, hidden code lines,
//    third-party `[preprocessor.*]`…): a **warning** that names the key and what is lost. The
//    build succeeds; `--deny warnings` makes a docs CI notice. A boolean switched off
//    (`mathjax-support = false`) loses nothing and is a note.
// 4. Anything else: an **error** with the closest known key.
//
// Warning about every mdBook key was rejected: it would make `--deny warnings` fail on every
// mdBook book for settings that change nothing a reader sees.

/// mdBook `[book]` keys without effect in topobook.
const MDBOOK_BOOK_KEYS: &[&str] = &["multilingual", "text-direction"];
/// mdBook `[build]` keys without effect in topobook.
const MDBOOK_BUILD_KEYS: &[&str] = &["create-missing", "use-default-preprocessors", "extra-watch-dirs"];
/// mdBook `[output.html]` keys without effect in topobook (class 2).
const MDBOOK_HTML_KEYS: &[&str] = &[
    "default-theme",
    "preferred-dark-theme",
    "smart-punctuation",
    "curly-quotes",
    "admonitions",
    "copy-fonts",
    "no-section-label",
    "git-repository-icon",
    "live-reload-endpoint",
    "hash-files",
    "sidebar-header-nav",
    "print",
    "fold",
    "playground",
    "playpen",
];
/// mdBook `[output.html]` features topobook does not implement, with what the reader loses
/// (class 3).
const MDBOOK_HTML_UNSUPPORTED: &[(&str, &str)] = &[
    ("mathjax-support", "equations are shown as written, not typeset"),
    ("math", "equations are shown as written, not typeset"),
    ("definition-lists", "definition lists are shown as plain paragraphs"),
    ("additional-css", "these stylesheets are not loaded; override theme files in `themes/<name>/` instead"),
    ("additional-js", "these scripts are not loaded; override theme files in `themes/<name>/` instead"),
    ("code", "code lines hidden with custom prefixes (`hidelines`) are shown"),
    ("redirect", "no redirect pages are written, so the old addresses are not found"),
    ("cname", "no `CNAME` file is written for GitHub Pages"),
    ("input-404", "the not-found page comes from the theme's `404.html`, not from this page"),
    ("google-analytics", "no analytics snippet is added"),
];
/// mdBook `[output.html.search]` keys without effect in topobook.
const MDBOOK_SEARCH_KEYS: &[&str] = &[
    "limit-results",
    "teaser-word-count",
    "use-boolean-and",
    "boost-title",
    "boost-hierarchy",
    "boost-paragraph",
    "expand",
    "heading-split-level",
    "copy-js",
    "chapter",
];
/// mdBook's built-in preprocessors, whose work topobook does itself.
const MDBOOK_BUILTIN_PREPROCESSORS: &[&str] = &["links", "index"];

struct Ctx<'a> {
    file: Arc<str>,
    text: &'a str,
    index: LineIndex,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn diag(&mut self, d: Diagnostic, span: Range<usize>) {
        let loc = self.index.location(self.file.clone(), self.text, span);
        self.diags.push(d.at(loc));
    }

    /// An unknown key; the suggestion may also be one of mdBook's keys (`mdbook`).
    fn unknown(
        &mut self,
        section: &str,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        known: &[&str],
        mdbook: &[&str],
    ) {
        let name = key.get_ref();
        let help = match did_you_mean(name, known.iter().chain(mdbook).copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known keys in `{section}`: {}", known.join(", ")),
        };
        let full = if section.is_empty() { name.to_string() } else { format!("{section}.{name}") };
        self.diag(
            Diagnostic::error(ToolCode::Config, format!("unknown key `{full}` in `book.toml`"))
                .with_label("unknown key")
                .with_help(help),
            key.span(),
        );
    }

    /// Class 3: an mdBook feature topobook lacks; `loses` says what the reader misses.
    fn unsupported(&mut self, full: &str, loses: &str, span: Range<usize>) {
        self.diag(
            Diagnostic::warning(
                ToolCode::Config,
                format!("`{full}` is an mdBook feature that topobook does not support: {loses}"),
            )
            .with_label("not supported")
            .with_help("remove it if the book is no longer built with mdBook; the rest of the book builds"),
            span,
        );
    }

    fn ignored(&mut self, full: &str, span: Range<usize>) {
        self.diag(
            Diagnostic::note(
                ToolCode::Config,
                format!("`{full}` is an mdBook setting that topobook ignores"),
            )
            .with_help("remove it if the book is no longer built with mdBook"),
            span,
        );
    }

    fn wrong_type(&mut self, full: &str, want: &str, v: &Spanned<DeValue<'_>>) {
        self.diag(
            Diagnostic::error(
                ToolCode::Config,
                format!("`{full}` must be {want}, not {}", v.get_ref().type_str()),
            )
            .with_help(format!("write `{full}` as {want}")),
            v.span(),
        );
    }

    fn string(&mut self, full: &str, v: &Spanned<DeValue<'_>>) -> Option<String> {
        match v.get_ref().as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong_type(full, "a string", v);
                None
            }
        }
    }

    /// A rule profile (`2020-10`, `2026-02`, `current`).
    fn profile(&mut self, full: &str, v: &Spanned<DeValue<'_>>) -> Option<Profile> {
        let s = self.string(full, v)?;
        match s.parse::<Profile>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.diag(
                    Diagnostic::error(
                        ToolCode::Config,
                        format!("{} in `{full}`; checking with `{}`", e.message(), Profile::DEFAULT.name()),
                    )
                    .with_label("unknown profile")
                    .with_help(e.help()),
                    v.span(),
                );
                None
            }
        }
    }

    fn boolean(&mut self, full: &str, v: &Spanned<DeValue<'_>>) -> Option<bool> {
        match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong_type(full, "`true` or `false`", v);
                None
            }
        }
    }

    fn table<'t, 'i>(&mut self, full: &str, v: &'t Spanned<DeValue<'i>>) -> Option<&'t DeTable<'i>> {
        match v.get_ref().as_table() {
            Some(t) => Some(t),
            None => {
                self.wrong_type(full, "a table", v);
                None
            }
        }
    }

    /// A relative folder path that stays inside the book.
    fn folder(&mut self, full: &str, v: &Spanned<DeValue<'_>>) -> Option<String> {
        let s = self.string(full, v)?;
        let trimmed = s.trim_end_matches('/').to_string();
        let bad = trimmed.is_empty()
            || trimmed.starts_with('/')
            || trimmed.contains('\\')
            || trimmed.split('/').any(|c| c == ".." || c.is_empty());
        if bad {
            self.diag(
                Diagnostic::error(
                    ToolCode::Config,
                    format!("`{full}` must be a folder inside the book, not `{s}`"),
                )
                .with_help("use a relative path such as `content` without `..`"),
                v.span(),
            );
            return None;
        }
        // `./site` and `site/.` are `site`; `.` alone is the book root.
        let parts: Vec<&str> = trimmed.split('/').filter(|c| *c != ".").collect();
        Some(if parts.is_empty() { ".".to_string() } else { parts.join("/") })
    }
}

/// Is folder `a` the folder `b` or one of its ancestors (`.` is the book root)?
fn contains(a: &str, b: &str) -> bool {
    a == "." || a == b || b.starts_with(&format!("{a}/"))
}

/// Why the build folder of `config` cannot be used, if it cannot. A build replaces its folder
/// whole, so it must hold nothing the author wrote: not the book root, the source folder or
/// a folder around it, nor the themes; and no folder inside the source folder (its pages would
/// become pages of the next build), except when the source folder is the book root.
pub fn build_dir_problem(config: &Config) -> Option<String> {
    let (build, src) = (config.build_dir.as_str(), config.src.as_str());
    if build == "." {
        return Some("the whole book".to_string());
    }
    if contains(build, src) {
        return Some(format!("the source folder `{src}`"));
    }
    if src != "." && contains(src, build) {
        return Some(format!("a folder inside the source folder `{src}`"));
    }
    if contains(build, "themes") || contains("themes", build) {
        return Some("the `themes` folder".to_string());
    }
    None
}

/// Parse `book.toml`. Never fails: problems are diagnostics and the defaults apply.
pub fn parse(file: Arc<str>, text: &str) -> (Config, Vec<Diagnostic>) {
    let mut cx = Ctx { file, text, index: LineIndex::new(text), diags: Vec::new() };
    let mut config = Config::default();
    let mut build_span = 0..0;
    let root = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().to_string();
            let first = msg.lines().next().unwrap_or("invalid TOML").to_ascii_lowercase();
            cx.diag(
                Diagnostic::error(ToolCode::Config, format!("`book.toml` is not valid TOML: {first}"))
                    .with_help("fix the TOML syntax; keys are `name = value`, tables are `[name]`"),
                span,
            );
            return (config, cx.diags);
        }
    };
    for (key, value) in root.get_ref() {
        match key.get_ref().as_ref() {
            "book" => {
                let Some(t) = cx.table("book", value) else { continue };
                for (k, v) in t {
                    match k.get_ref().as_ref() {
                        "title" => config.title = cx.string("book.title", v).unwrap_or(config.title),
                        "description" => config.description = cx.string("book.description", v),
                        "language" => {
                            config.language = cx.string("book.language", v).unwrap_or(config.language)
                        }
                        "src" => config.src = cx.folder("book.src", v).unwrap_or(config.src),
                        "authors" => match v.get_ref().as_array() {
                            Some(items) => {
                                for item in items.iter() {
                                    if let Some(s) = cx.string("book.authors", item) {
                                        config.authors.push(s);
                                    }
                                }
                            }
                            None => cx.wrong_type("book.authors", "a list of strings", v),
                        },
                        other if MDBOOK_BOOK_KEYS.contains(&other) => {
                            cx.ignored(&format!("book.{other}"), k.span())
                        }
                        _ => cx.unknown("book", k, BOOK_KEYS, MDBOOK_BOOK_KEYS),
                    }
                }
            }
            "build" => {
                let Some(t) = cx.table("build", value) else { continue };
                for (k, v) in t {
                    match k.get_ref().as_ref() {
                        "build-dir" => {
                            build_span = v.span();
                            config.build_dir = cx.folder("build.build-dir", v).unwrap_or(config.build_dir)
                        }
                        "link-check" => match cx.string("build.link-check", v).as_deref() {
                            Some("error") => config.link_check = LinkLevel::Error,
                            Some("warn") => config.link_check = LinkLevel::Warn,
                            Some(other) => cx.diag(
                                Diagnostic::error(
                                    ToolCode::Config,
                                    format!("`build.link-check` must be `error` or `warn`, not `{other}`"),
                                )
                                .with_help(
                                    "write `link-check = \"warn\"` to report broken links without failing",
                                ),
                                v.span(),
                            ),
                            None => {}
                        },
                        other if MDBOOK_BUILD_KEYS.contains(&other) => {
                            cx.ignored(&format!("build.{other}"), k.span())
                        }
                        _ => cx.unknown("build", k, BUILD_KEYS, MDBOOK_BUILD_KEYS),
                    }
                }
            }
            "check" => {
                let Some(t) = cx.table("check", value) else { continue };
                for (k, v) in t {
                    match k.get_ref().as_ref() {
                        "profile" => config.profile = cx.profile("check.profile", v),
                        _ => cx.unknown("check", k, CHECK_KEYS, &[]),
                    }
                }
            }
            "output" => {
                let Some(t) = cx.table("output", value) else { continue };
                for (k, v) in t {
                    if k.get_ref() != "html" {
                        // Another mdBook renderer (`linkcheck`, `pdf`, `markdown`…): not ours.
                        cx.ignored(&format!("output.{}", k.get_ref()), k.span());
                        continue;
                    }
                    let Some(h) = cx.table("output.html", v) else { continue };
                    parse_html(&mut cx, h, &mut config.html);
                }
            }
            "preprocessor" => {
                let Some(t) = cx.table("preprocessor", value) else { continue };
                for (k, _) in t {
                    let name = k.get_ref().as_ref();
                    let full = format!("preprocessor.{name}");
                    if MDBOOK_BUILTIN_PREPROCESSORS.contains(&name) {
                        cx.ignored(&full, k.span());
                    } else {
                        cx.unsupported(&full, "pages are built without this preprocessor", k.span());
                    }
                }
            }
            "rust" => cx.ignored(key.get_ref(), key.span()),
            _ => cx.unknown("", key, TOP_KEYS, &[]),
        }
    }
    if let Some(why) = build_dir_problem(&config) {
        cx.diag(
            Diagnostic::error(
                ToolCode::Config,
                format!(
                    "`build.build-dir = \"{}\"` would replace {why}: a build replaces its output folder whole",
                    config.build_dir
                ),
            )
            .with_help("give the site a folder of its own, such as `build-dir = \"site\"`"),
            build_span,
        );
        config.build_dir = Config::default().build_dir;
    }
    (config, cx.diags)
}

fn parse_html(cx: &mut Ctx<'_>, h: &DeTable<'_>, html: &mut HtmlConfig) {
    for (k, v) in h {
        match k.get_ref().as_ref() {
            "theme" => {
                if let Some(s) = cx.folder("output.html.theme", v) {
                    html.theme = s;
                }
            }
            "site-url" => {
                html.site_url = cx.string("output.html.site-url", v);
                if html.site_url.as_deref().is_some_and(|u| !is_absolute_url(u)) {
                    // mdBook's form: a path, enough for the 404 page.
                    cx.diag(
                        Diagnostic::note(
                            ToolCode::Config,
                            "`output.html.site-url` is a path: no `sitemap.xml` or canonical links",
                        )
                        .with_help(
                            "write the full address, such as `https://example.org/docs/`, to get them",
                        ),
                        v.span(),
                    );
                }
            }
            "git-repository-url" => html.git_repository_url = cx.string("output.html.git-repository-url", v),
            "edit-url-template" => html.edit_url_template = cx.string("output.html.edit-url-template", v),
            "sanitize" => html.sanitize = cx.boolean("output.html.sanitize", v).unwrap_or(html.sanitize),
            "search" => {
                let Some(s) = cx.table("output.html.search", v) else { continue };
                for (sk, sv) in s {
                    match sk.get_ref().as_ref() {
                        "enable" => {
                            html.search = cx.boolean("output.html.search.enable", sv).unwrap_or(html.search)
                        }
                        other if MDBOOK_SEARCH_KEYS.contains(&other) => {
                            cx.ignored(&format!("output.html.search.{other}"), sk.span())
                        }
                        _ => cx.unknown("output.html.search", sk, SEARCH_KEYS, MDBOOK_SEARCH_KEYS),
                    }
                }
            }
            other if MDBOOK_HTML_KEYS.contains(&other) => {
                cx.ignored(&format!("output.html.{other}"), k.span())
            }
            other => match MDBOOK_HTML_UNSUPPORTED.iter().find(|(key, _)| *key == other) {
                // Switched off, the feature loses nothing.
                Some(_) if v.get_ref().as_bool() == Some(false) => {
                    cx.ignored(&format!("output.html.{other}"), k.span())
                }
                Some((_, loses)) => cx.unsupported(&format!("output.html.{other}"), loses, k.span()),
                None => {
                    let mdbook: Vec<&str> = MDBOOK_HTML_KEYS
                        .iter()
                        .copied()
                        .chain(MDBOOK_HTML_UNSUPPORTED.iter().map(|(key, _)| *key))
                        .collect();
                    cx.unknown("output.html", k, HTML_KEYS, &mdbook)
                }
            },
        }
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
