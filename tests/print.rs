//! `print.html`, the whole book on one page: its structure (every chapter in reading order,
//! ids unique, every internal link landing inside the page, no sidebar or search, folded
//! parts open), then printed to PDF by headless Chromium and read back with `pdftotext`:
//! every chapter title starts a printed page and every diagram is there.
//!
//! The PDF part is skipped without Chromium or `pdftotext` (Debian's `poppler-utils`) unless
//! `TOPOBOOK_BROWSER_TESTS` is set.

// Tests print what they skip and what they measured.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `tests/books/diagrams` with the failing page of `diagrams-failing`, built by the binary.
fn built() -> (tempfile::TempDir, PathBuf) {
    let dir = common::book("diagrams");
    let broken = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/diagrams-failing/content/broken.md");
    std::fs::copy(&broken, dir.path().join("content/broken.md")).expect("copy the failing page");
    let (code, _, err) = common::topobook(&["build", &dir.path().to_string_lossy()], None);
    assert_eq!(code, 1, "{err}");
    let site = dir.path().join("site");
    (dir, site)
}

/// Every value of `attr="…"` in `html`.
fn values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!(" {attr}=\"");
    html.match_indices(&key)
        .map(|(i, _)| {
            let rest = &html[i + key.len()..];
            &rest[..rest.find('"').unwrap_or(0)]
        })
        .collect()
}

/// The chapter titles in reading order: the `<h1>` of each page.
const TITLES: &[&str] = &["Isolated Azure ML", "A broken page", "Counter-examples", "The secured workspace"];

#[test]
fn print_html_holds_the_book_as_one_document() {
    let (_dir, site) = built();
    let html = std::fs::read_to_string(site.join("print.html")).expect("print.html");
    // Every chapter, in the order of the sidebar.
    let paths = values(&html, "data-path");
    assert_eq!(
        paths[1..],
        ["index.html", "broken.html", "counter-examples.html", "secured.html"],
        "{paths:?}"
    );
    let mut at = 0;
    for t in TITLES {
        let i = html[at..].find(&format!(">{t}<")).unwrap_or_else(|| panic!("`{t}` missing or out of order"));
        at += i;
    }
    // Ids are unique in the page; every `#link` lands on one of them.
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for id in values(&html, "id") {
        *ids.entry(id).or_default() += 1;
    }
    let twice: Vec<_> = ids.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "ids used twice: {twice:?}");
    for href in values(&html, "href") {
        if let Some(id) = href.strip_prefix('#') {
            assert!(ids.contains_key(id), "`{href}` lands nowhere");
        } else {
            // No link leaves the page for a chapter (but the cover's link back to the book):
            // only for the rules reference, the theme's files and the status page.
            let chapter = ["index.html", "broken.html", "counter-examples.html", "secured.html"]
                .iter()
                .any(|p| href == *p || href.starts_with(&format!("{p}#")));
            assert!(!chapter || href == "index.html", "`{href}` still points to a chapter's page");
        }
    }
    // The diagrams, the failing status panels, the YAML unfolded; no sidebar, no search box.
    assert_eq!(html.matches("class=\"tb-diagram\"").count(), 5);
    assert!(html.contains("verdict-fail"), "the failing block's panel");
    let details: Vec<&str> =
        html.match_indices("<details").map(|(i, _)| &html[i..i + html[i..].find('>').unwrap_or(0)]).collect();
    assert!(
        !details.is_empty() && details.iter().all(|d| d.contains(" open")),
        "folded parts are open: {details:?}"
    );
    assert!(!html.contains("id=\"sidebar\"") && !html.contains("search-input"));
    // The figure of `secured.md` is found from the site root.
    assert!(values(&html, "src").contains(&"media/overview.svg"));
    // Headings keep their chapter's prefix, and a link from one chapter to another's heading
    // lands there.
    assert!(ids.contains_key("broken--a-key-vault-that-refuses-trusted-services"));
    // Each page's header has the print button, which opens the page and its print dialog.
    let page = std::fs::read_to_string(site.join("secured.html")).expect("page");
    assert!(
        page.contains("id=\"print-button\" class=\"icon-button print-button\" href=\"print.html?print\"")
    );
}

fn tool(name: &str) -> Option<PathBuf> {
    let found =
        ["/usr/bin", "/usr/local/bin", "/bin"].iter().map(|d| Path::new(d).join(name)).find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("TOPOBOOK_BROWSER_TESTS").is_none(),
            "TOPOBOOK_BROWSER_TESTS is set but `{name}` is missing (Debian: `chromium`, `poppler-utils`)"
        );
        eprintln!("skipped: `{name}` is missing");
    }
    found
}

#[test]
fn print_html_prints_to_a_pdf_with_every_chapter_and_diagram() {
    let (Some(chromium), Some(pdftotext)) = (tool("chromium"), tool("pdftotext")) else { return };
    let (dir, site) = built();
    let pdf = dir.path().join("book.pdf");
    let profile = tempfile::tempdir().expect("profile");
    let out = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", site.join("print.html").display()))
        .output()
        .expect("run chromium");
    assert!(pdf.is_file(), "no PDF: {}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(pdftotext).arg(&pdf).arg("-").output().expect("run pdftotext");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let pages: Vec<&str> = text.split('\u{c}').collect();
    // The cover: the book's title and the contents.
    assert!(pages[0].contains("Isolated Azure ML") && pages[0].contains("Contents"), "{}", pages[0]);
    // Each chapter starts a page: its title is the first line of one.
    for t in TITLES {
        let starts =
            pages.iter().any(|p| p.lines().find(|l| !l.trim().is_empty()).is_some_and(|l| l.trim() == *t));
        assert!(starts, "no page starts with the chapter `{t}`");
    }
    // Every diagram is printed: each draws its legend, as text the PDF keeps (the legend's
    // second line; the diagram in words beside it has the first one too).
    let html = std::fs::read_to_string(site.join("print.html")).expect("print.html");
    let diagrams = html.matches("class=\"tb-diagram\"").count();
    const LEGEND: &str = "scenario table, for this topology";
    assert_eq!(html.matches(LEGEND).count(), diagrams);
    assert_eq!(text.matches(LEGEND).count(), diagrams, "{text}");
    // And the failing block's verdict and finding.
    assert!(text.contains("AML-KV-002"));
    assert!(text.contains("kv-locked"));
}
