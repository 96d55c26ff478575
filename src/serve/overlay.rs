//! Which problems the browser shows over a page.
//!
//! The overlay lists the active error-level diagnostics that keep part of the page or of the
//! book from being read:
//!
//! - of the book: `book.toml`, `SUMMARY.md`, the theme (a template that does not compile or
//!   fails to render), files that cannot be read or listed, and a book that cannot be
//!   loaded at all;
//! - of the page: its file and its includes (front matter, `{{#include}}`), its broken links
//!   and anchors, and every diagnostic of a topology block whose YAML could not be read into
//!   the model (outcome `invalid`: syntax, types, unknown or duplicate keys, input limits),
//!   since such a block has no diagram and no verdict.
//!
//! Not in the overlay: warnings and notes, and the findings of blocks that were read and
//! checked (rule findings, dangling references, expectations, block options): the block's
//! own status panel shows them in place, where the author is looking.

use serde::Serialize;

use crate::check::Outcome;
use crate::diag::{Diagnostic, Severity, ToolCode};
use crate::site::{PageState, Site};

/// One problem as the browser shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Path relative to the book root; `None` for a problem of no file.
    pub file: Option<String>,
    pub line: u32,
    pub column: u32,
    pub severity: Severity,
    pub code: String,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn from_diagnostic(d: &Diagnostic) -> Problem {
        let (file, line, column) = match &d.location {
            Some(l) => (Some(l.file.to_string()), l.start.line, l.start.column),
            None => (None, 0, 0),
        };
        Problem {
            file,
            line,
            column,
            severity: d.severity,
            code: d.code.to_string(),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

fn shown(d: &Diagnostic) -> bool {
    d.severity == Severity::Error && d.fails(false)
}

/// The overlay problems of one page, in report order.
pub fn page_problems(page: &PageState) -> Vec<Problem> {
    let mut diags: Vec<&Diagnostic> = page
        .source
        .diagnostics
        .iter()
        .chain(
            page.reports.iter().filter(|r| r.outcome == Outcome::Invalid).flat_map(|r| r.diagnostics.iter()),
        )
        .chain(page.link_diagnostics.iter())
        .filter(|d| shown(d))
        .collect();
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
    diags.into_iter().map(Problem::from_diagnostic).collect()
}

/// The overlay problems of the book as a whole: its own diagnostics, the problems met while
/// rendering or writing in the last update, and a load error.
pub fn book_problems(site: Option<&Site>, render: &[Diagnostic], load_error: Option<&str>) -> Vec<Problem> {
    let mut diags: Vec<&Diagnostic> = site
        .map(Site::book_diagnostics)
        .unwrap_or_default()
        .iter()
        .chain(render)
        .filter(|d| shown(d))
        .collect();
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
    let mut out: Vec<Problem> = diags.into_iter().map(Problem::from_diagnostic).collect();
    if let Some(e) = load_error {
        out.insert(
            0,
            Problem {
                file: None,
                line: 0,
                column: 0,
                severity: Severity::Error,
                code: ToolCode::Io.to_string(),
                message: e.to_string(),
                help: Some("fix it and save: the preview shows the last site that loaded".into()),
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::SiteOptions;

    #[test]
    fn syntax_errors_and_broken_links_show_rule_findings_do_not() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let _ = std::fs::create_dir_all(root.join("content"));
        let _ = std::fs::write(root.join("book.toml"), "[book]\ntitle = \"T\"\n");
        let page = "# P\n\n[gone](gone.md)\n\n```yaml topology\nkey_vaults: [\n```\n\n```yaml topology\nworkspace:\n  name: w\n  key_vault: kv\nkey_vaults:\n  - name: kv\n    network: {default_action: Deny, bypass: [None]}\n    private_endpoints: [{name: pe, subresource: vault}]\n```\n";
        let _ = std::fs::write(root.join("content/p.md"), page);
        let site = Site::load(root, SiteOptions::default()).expect("load");
        let p = &site.pages[0];
        // The second block is read and fails rules: its findings stay in its status panel.
        assert_eq!(p.reports[1].outcome, Outcome::Failed);
        assert!(p.reports[1].diagnostics.iter().any(|d| d.fails(false)), "{:?}", p.reports[1].diagnostics);
        let problems = page_problems(p);
        let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["broken-link", "yaml-syntax"], "{problems:?}");
        assert_eq!(problems[1].file.as_deref(), Some("content/p.md"));
        assert!(problems[1].line >= 6, "{problems:?}");
        assert!(book_problems(Some(&site), &[], None).is_empty());
        let e = book_problems(Some(&site), &[], Some("cannot read `book.toml`"));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].message, "cannot read `book.toml`");
    }
}
