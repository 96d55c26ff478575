//! The theme: the built-in default (compiled into the binary) overlaid, file by file, with the
//! book's own `themes/<name>/` folder. Templates live under `templates/`, everything under
//! `static/` is copied to the site as is.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, ToolCode};

/// One file of the theme.
#[derive(Clone, Debug)]
pub struct ThemeFile {
    pub bytes: Cow<'static, [u8]>,
    /// Path of the book's overriding file (relative to the root), `None` when built in.
    pub overridden_by: Option<Arc<str>>,
}

/// Every file of the theme, by path inside the theme folder (`templates/page.html`).
#[derive(Clone, Debug, Default)]
pub struct Theme {
    pub files: BTreeMap<String, ThemeFile>,
}

impl Theme {
    /// Templates: (name without the `templates/` prefix, source text).
    pub fn templates(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files.iter().filter_map(|(k, v)| k.strip_prefix("templates/").map(|n| (n, v)))
    }

    /// Static assets: (path in the site, file).
    pub fn assets(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files.iter().filter_map(|(k, v)| k.strip_prefix("static/").map(|n| (n, v)))
    }

    pub fn get(&self, path: &str) -> Option<&ThemeFile> {
        self.files.get(path)
    }
}

macro_rules! builtin {
    ($($path:literal),* $(,)?) => {
        /// The files of the built-in default theme.
        pub const BUILTIN: &[(&str, &[u8])] = &[
            $(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $path)))),*
        ];
    };
}

builtin!(
    "templates/base.html",
    "templates/page.html",
    "templates/404.html",
    "templates/status.html",
    "templates/toc.html",
    "templates/sidebar.html",
    "templates/page-toc.html",
    "templates/prev-next.html",
    "templates/rule.html",
    "templates/rules-index.html",
    "templates/block/figure.html",
    "templates/block/panel.html",
    "templates/block/source.html",
    "templates/print.html",
    "static/css/theme.css",
    "static/css/topology.css",
    "static/css/print.css",
    "static/js/topobook.js",
    "static/js/search.js",
    "static/js/diagram.js",
    "static/favicon.svg",
);

/// The built-in theme alone.
pub fn builtin() -> Theme {
    let files = BUILTIN
        .iter()
        .map(|(p, b)| (p.to_string(), ThemeFile { bytes: Cow::Borrowed(*b), overridden_by: None }))
        .collect();
    Theme { files }
}

/// The theme of a book: the built-in files, overridden by `root/themes/<name>/`.
pub(super) fn load(root: &Path, guard: &super::Guard, name: &str) -> (Theme, Vec<Diagnostic>) {
    let mut theme = builtin();
    let mut diags = Vec::new();
    let rel_dir = format!("themes/{name}");
    let dir = root.join(&rel_dir);
    if !dir.is_dir() {
        if name != "default" {
            diags.push(
                Diagnostic::warning(
                    ToolCode::Theme,
                    format!("theme folder `{rel_dir}` not found; using the built-in theme"),
                )
                .with_help(format!("create `{rel_dir}/` or remove `output.html.theme` from `book.toml`"))
                .at(crate::diag::Location::file_start("book.toml".into())),
            );
        }
        return (theme, diags);
    }
    for (rel_in_theme, rel_root) in guard.walk(&dir, &rel_dir, &mut diags) {
        match guard.read_bytes(&rel_root) {
            Ok(bytes) => {
                theme.files.insert(
                    rel_in_theme,
                    ThemeFile { bytes: Cow::Owned(bytes), overridden_by: Some(rel_root.into()) },
                );
            }
            Err(d) => diags.push(*d),
        }
    }
    (theme, diags)
}
