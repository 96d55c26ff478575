//! `book.toml`: mdBook-compatible keys, checked key by key so that an unknown key is
//! reported at its line and column with the closest known key.

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, LineIndex, codes, did_you_mean};

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
        }
    }
}

const BOOK_KEYS: &[&str] = &["title", "authors", "description", "language", "src"];
const BUILD_KEYS: &[&str] = &["build-dir", "link-check"];
const HTML_KEYS: &[&str] =
    &["theme", "site-url", "git-repository-url", "edit-url-template", "sanitize", "search"];
const SEARCH_KEYS: &[&str] = &["enable"];
const TOP_KEYS: &[&str] = &["book", "build", "output", "preprocessor", "rust"];

/// mdBook keys that topobook accepts and does not use: a note, never an error, so that an
/// existing mdBook book builds unchanged.
const MDBOOK_BOOK_KEYS: &[&str] = &["multilingual", "text-direction"];
const MDBOOK_BUILD_KEYS: &[&str] = &["create-missing", "use-default-preprocessors", "extra-watch-dirs"];
const MDBOOK_HTML_KEYS: &[&str] = &[
    "default-theme",
    "preferred-dark-theme",
    "smart-punctuation",
    "curly-quotes",
    "mathjax-support",
    "copy-fonts",
    "additional-css",
    "additional-js",
    "no-section-label",
    "git-repository-icon",
    "input-404",
    "cname",
    "live-reload-endpoint",
    "hash-files",
    "sidebar-header-nav",
    "print",
    "fold",
    "playground",
    "code",
    "redirect",
    "site-url-prefix",
];
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

    fn unknown(&mut self, section: &str, key: &Spanned<std::borrow::Cow<'_, str>>, known: &[&str]) {
        let name = key.get_ref();
        let help = match did_you_mean(name, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known keys in `{section}`: {}", known.join(", ")),
        };
        let full = if section.is_empty() { name.to_string() } else { format!("{section}.{name}") };
        self.diag(
            Diagnostic::error(codes::CONFIG, format!("unknown key `{full}` in `book.toml`"))
                .with_label("unknown key")
                .with_help(help),
            key.span(),
        );
    }

    fn ignored(&mut self, full: &str, span: Range<usize>) {
        self.diag(
            Diagnostic::note(codes::CONFIG, format!("`{full}` is an mdBook setting that topobook ignores"))
                .with_help("remove it if the book is no longer built with mdBook"),
            span,
        );
    }

    fn wrong_type(&mut self, full: &str, want: &str, v: &Spanned<DeValue<'_>>) {
        self.diag(
            Diagnostic::error(
                codes::CONFIG,
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
                    codes::CONFIG,
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
                Diagnostic::error(codes::CONFIG, format!("`book.toml` is not valid TOML: {first}"))
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
                        _ => cx.unknown("book", k, BOOK_KEYS),
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
                                    codes::CONFIG,
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
                        _ => cx.unknown("build", k, BUILD_KEYS),
                    }
                }
            }
            "output" => {
                let Some(t) = cx.table("output", value) else { continue };
                for (k, v) in t {
                    if k.get_ref() != "html" {
                        cx.ignored(&format!("output.{}", k.get_ref()), k.span());
                        continue;
                    }
                    let Some(h) = cx.table("output.html", v) else { continue };
                    parse_html(&mut cx, h, &mut config.html);
                }
            }
            "preprocessor" | "rust" => cx.ignored(key.get_ref(), key.span()),
            _ => cx.unknown("", key, TOP_KEYS),
        }
    }
    if let Some(why) = build_dir_problem(&config) {
        cx.diag(
            Diagnostic::error(
                codes::CONFIG,
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
            "site-url" => html.site_url = cx.string("output.html.site-url", v),
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
                        _ => cx.unknown("output.html.search", sk, SEARCH_KEYS),
                    }
                }
            }
            other if MDBOOK_HTML_KEYS.contains(&other) => {
                cx.ignored(&format!("output.html.{other}"), k.span())
            }
            _ => cx.unknown("output.html", k, HTML_KEYS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Config, Vec<Diagnostic>) {
        parse("book.toml".into(), text)
    }

    #[test]
    fn reads_known_keys_and_defaults() {
        let (c, d) = run(
            "[book]\ntitle = \"T\"\nauthors = [\"a\", \"b\"]\nsrc = \"src\"\n[build]\nlink-check = \"warn\"\n\
             [output.html]\nsite-url = \"https://x.test/\"\nsanitize = true\n[output.html.search]\nenable = false\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.title, "T");
        assert_eq!(c.authors, ["a", "b"]);
        assert_eq!(c.src, "src");
        assert_eq!(c.build_dir, "site");
        assert_eq!(c.link_check, LinkLevel::Warn);
        assert!(c.html.sanitize && !c.html.search);
        assert_eq!(c.html.site_url.as_deref(), Some("https://x.test/"));
    }

    #[test]
    fn unknown_keys_are_located_with_a_suggestion() {
        let (_, d) = run("[book]\ntitle = \"T\"\nauthor = [\"a\"]\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "unknown key `book.author` in `book.toml`");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `authors`?"));
        let loc = d[0].location.as_ref().map(|l| (l.start.line, l.start.column));
        assert_eq!(loc, Some((3, 1)));
    }

    #[test]
    fn mdbook_keys_are_notes_and_bad_values_errors() {
        let (c, d) = run(
            "[rust]\nedition = \"2021\"\n[output.html]\nadditional-css = []\n[build]\nsrc = 1\nbuild-dir = \"../x\"\n",
        );
        let mut sev: Vec<_> = d.iter().map(|d| d.severity.as_str()).collect();
        sev.sort();
        assert_eq!(sev, ["error", "error", "note", "note"], "{d:#?}");
        assert_eq!(c.build_dir, "site");
    }

    #[test]
    fn a_build_folder_that_holds_the_book_is_refused() {
        for (toml, why) in [
            ("[build]\nbuild-dir = \".\"\n", "the whole book"),
            ("[build]\nbuild-dir = \"./\"\n", "the whole book"),
            ("[build]\nbuild-dir = \"content\"\n", "the source folder `content`"),
            ("[build]\nbuild-dir = \"./content/.\"\n", "the source folder `content`"),
            ("[book]\nsrc = \"docs/src\"\n[build]\nbuild-dir = \"docs\"\n", "the source folder `docs/src`"),
            ("[build]\nbuild-dir = \"content/out\"\n", "a folder inside the source folder `content`"),
            ("[build]\nbuild-dir = \"themes\"\n", "the `themes` folder"),
            ("[build]\nbuild-dir = \"themes/default/out\"\n", "the `themes` folder"),
        ] {
            let (c, d) = run(toml);
            assert_eq!(d.len(), 1, "{toml}: {d:?}");
            assert!(d[0].message.contains(&format!("would replace {why}")), "{toml}: {}", d[0].message);
            assert_eq!(d[0].severity.as_str(), "error");
            assert_eq!(c.build_dir, "site");
        }
        for ok in
            ["[build]\nbuild-dir = \"./public\"\n", "[book]\nsrc = \".\"\n[build]\nbuild-dir = \"out\"\n"]
        {
            let (_, d) = run(ok);
            assert!(d.is_empty(), "{ok}: {d:?}");
        }
    }

    #[test]
    fn syntax_errors_do_not_panic() {
        let (c, d) = run("[book\ntitle = ");
        assert_eq!(d.len(), 1);
        assert_eq!(c, Config::default());
    }
}
