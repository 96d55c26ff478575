//! mdBook's `book.toml` keys topobook does not read, by class (see the comment in
//! `config.rs`).

/// mdBook `[book]` keys without effect in topobook.
pub(super) const MDBOOK_BOOK_KEYS: &[&str] = &["multilingual", "text-direction"];
/// mdBook `[build]` keys without effect in topobook.
pub(super) const MDBOOK_BUILD_KEYS: &[&str] =
    &["create-missing", "use-default-preprocessors", "extra-watch-dirs"];
/// mdBook `[output.html]` keys without effect in topobook (class 2).
pub(super) const MDBOOK_HTML_KEYS: &[&str] = &[
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
    "fold",
    "playground",
    "playpen",
];
/// mdBook `[output.html]` features topobook does not implement, with what the reader loses
/// (class 3).
pub(super) const MDBOOK_HTML_UNSUPPORTED: &[(&str, &str)] = &[
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
pub(super) const MDBOOK_SEARCH_KEYS: &[&str] = &[
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
pub(super) const MDBOOK_BUILTIN_PREPROCESSORS: &[&str] = &["links", "index"];
