//! An existing mdBook book built by topobook: mdBook's `book.toml` keys, its directives, and
//! the repository layout of mdBook's own guide (`guide/` beside an `examples/` folder that the
//! pages include).

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

mod common;

use common::{fragment, topobook};

/// The book of `tests/books/mdbook-repo` whose `book.toml` is in `guide/`, as mdBook's guide.
#[test]
fn a_guide_folder_builds_except_its_include_from_outside() {
    let dir = common::book("mdbook-repo");
    let guide = dir.path().join("guide");
    let (code, _, stderr) = topobook(&["build", &guide.to_string_lossy()], None);
    // The only error: the page includes `../../examples/tool.rs`, outside the book folder.
    // mdBook's keys are notes or warnings; the prose `{{#include}}` is text.
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!(stderr);
}

/// The fix the error suggests: `book.toml` at the repository root, `src` pointing into `guide/`.
#[test]
fn the_repository_root_as_book_root_builds_the_guide() {
    let dir = common::book("mdbook-repo");
    let toml = std::fs::read_to_string(dir.path().join("guide/book.toml")).expect("read book.toml");
    let toml =
        toml.replace("src = \"src\"", "src = \"guide/src\"").replace("\"../examples\"", "\"examples\"");
    std::fs::write(dir.path().join("book.toml"), toml).expect("write book.toml");
    let (code, _, stderr) = topobook(&["build", &dir.path().to_string_lossy()], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("error["), "{stderr}");
    let site = dir.path().join("site");
    let read = |p: &str| std::fs::read_to_string(site.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    // Every chapter of `SUMMARY.md` has its page; the draft is in the table of contents.
    for page in ["index.html", "directives.html", "reference/index.html"] {
        assert!(site.join(page).is_file(), "{page} missing");
    }
    assert!(read("toc.html").contains("Not written yet"));
    let directives = read("directives.html");
    insta::assert_snapshot!(fragment(&directives, "<article class=\"content\">", "</article>"));
    // mdBook's `site-url` is a path: the 404 page loads its files from under it, and without a
    // full address there is no sitemap.
    let not_found = read("404.html");
    assert!(not_found.contains("href=\"/handbook/css/theme.css\""), "{not_found}");
    assert!(!site.join("sitemap.xml").exists());
    assert!(!directives.contains("rel=\"canonical\""));
}
