//! The site pipeline end to end: the real binary on the small books under `tests/books/`.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

mod common;

use common::{build, fragment, rebuild};

/// The book's part of the sidebar (the reference section that follows is the same in every
/// book; `the_reference_section_and_rule_pages` checks it).
fn sidebar(run: &common::Run) -> String {
    let nav = fragment(&run.read("toc.html"), "<nav class=\"sidebar\"", "</nav>");
    nav.split("<div class=\"sidebar-reference\">").next().unwrap_or("").to_string()
}

#[test]
fn summary_navigation() {
    let run = build("summary-nav");
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(sidebar(&run));
    let page = run.read("guide/linux.html");
    insta::assert_snapshot!(fragment(&page, "<nav class=\"prev-next\"", "</nav>"));
    // The first chapter is not `index.html`: the home page redirects to it.
    assert!(run.read("index.html").contains("url=preface.html"));
    // The shared sidebar is not inlined: every page loads it.
    assert!(page.contains("<script src=\"../toc.js\" defer></script>"));
    assert!(!page.contains("On Windows"));
}

#[test]
fn tree_navigation_by_weight_then_title() {
    let run = build("tree-nav");
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(sidebar(&run));
    let dns = run.read("networking/dns.html");
    insta::assert_snapshot!(fragment(&dns, "<nav class=\"prev-next\"", "</nav>"));
    assert!(dns.contains("<title>DNS · Tree navigation</title>"));
}

#[test]
fn a_book_overrides_single_templates_and_assets() {
    let run = build("overrides");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let one = run.read("one.html");
    insta::assert_snapshot!(fragment(&one, "<nav class=\"corporate-pager\"", "</nav>"));
    // The other templates and assets are the built-in ones.
    assert!(one.contains("<aside") || one.contains("<article class=\"content\">"));
    assert_eq!(run.read("css/theme.css"), "body { font-family: serif; }\n");
    assert!(run.read("css/print.css").contains("@media") || run.read("css/print.css").contains(".topbar"));
}

#[test]
fn markdown_features_alerts_anchors_and_code() {
    let run = build("markdown");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = run.read("features.html");
    insta::assert_snapshot!(fragment(&page, "<article class=\"content\">", "</article>"));
    insta::assert_snapshot!(fragment(&page, "<aside class=\"page-toc\"", "</aside>"));
}

#[test]
fn broken_links_and_anchors_fail_with_locations() {
    let run = build("broken-links");
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.diagnostics());
    assert!(!run.site().exists(), "a failed build must not create the site");
    let leftovers: Vec<_> = std::fs::read_dir(run.root())
        .map(|r| r.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(leftovers.iter().all(|n| !n.to_string_lossy().starts_with(".site")), "{leftovers:?}");
}

#[test]
fn link_check_can_be_a_warning() {
    let dir = common::book("broken-links");
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"B\"\n[build]\nlink-check = \"warn\"\n")
        .expect("write");
    let run = rebuild(dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning[broken-link]"));
    assert!(run.read("index.html").contains("href=\"othr.html\""));
}

#[test]
fn bad_front_matter_is_reported_and_the_rest_builds() {
    let run = build("bad-front-matter");
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.diagnostics());
}

#[test]
fn unknown_config_keys_are_errors_with_suggestions() {
    let run = build("unknown-config");
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.diagnostics());
}

#[test]
fn mdbook_layout_with_includes() {
    let run = build("mdbook-layout");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hello = run.read("ch01/hello.html");
    insta::assert_snapshot!(fragment(&hello, "<article class=\"content\">", "</article>"));
    // `{{#title}}` sets the page title; `{{#playground}}` inserts a Rust block.
    assert!(hello.contains("<title>Hello from the book · An mdBook book</title>"));
    assert!(hello.contains("<code class=\"language-rust\">"));
    // `README.md` becomes `index.html`, and links to it follow.
    assert!(run.read("foreword.html").contains("href=\"ch01/index.html\""));
    assert!(run.read("ch01/index.html").contains("<h1 id=\"getting-started\">"));
    // mdBook settings are accepted (as notes) and do not fail the build.
    assert!(run.stderr.contains("note[config]: `rust` is an mdBook setting"), "{}", run.stderr);
}

#[test]
fn topology_blocks_in_quotes_and_lists() {
    let run = build("topology");
    assert_eq!(run.code, 1, "the quoted block has a bad option");
    insta::assert_snapshot!(run.diagnostics());
    // Fixed, the book builds; the figures keep their page line numbers.
    let file = run.root().join("content/blocks.md");
    let text = std::fs::read_to_string(&file).expect("read").replace("expct=AML-KV-002", "id=quoted");
    std::fs::write(&file, text).expect("write");
    let run = rebuild(run.dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = run.read("blocks.html");
    insta::assert_snapshot!(common::without_svg(&fragment(
        &page,
        "<article class=\"content\">",
        "</article>"
    )));
    let status = run.read("status.html");
    assert!(status.contains("3 topology blocks on 1 page · 0 errors, 0 warnings"), "{status}");
}

#[test]
fn a_broken_template_override_is_located_and_the_build_fails() {
    let dir = common::book("overrides");
    std::fs::write(
        dir.path().join("themes/corporate/templates/prev-next.html"),
        "<nav>\n{{ page.no_such_field }}\n</nav>\n",
    )
    .expect("write");
    let run = rebuild(dir);
    assert_eq!(run.code, 1);
    // Reported once (not once per page), at the line of the override that failed.
    insta::assert_snapshot!(run.diagnostics());
    assert!(!run.site().exists());
}

#[test]
fn sitemap_and_canonical_links_with_a_site_url() {
    let dir = common::book("summary-nav");
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"S\"\n[output.html]\nsite-url = \"https://docs.example.org/runbook/\"\n",
    )
    .expect("write");
    let run = rebuild(dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.read("sitemap.xml"));
    assert!(
        run.read("guide/linux.html")
            .contains("<link rel=\"canonical\" href=\"https://docs.example.org/runbook/guide/linux.html\">")
    );
    assert!(run.read("404.html").contains("href=\"/runbook/css/theme.css\""));
}

/// `build_once` (what `topobook build` calls) frees state between phases; the site it writes
/// is the one `build` writes, byte for byte, search index, status page and rules included.
#[test]
fn a_one_shot_build_writes_the_same_site_as_a_build() {
    use topobook::output::MemoryOutput;
    use topobook::site::{Site, SiteOptions};
    let dir = common::book("diagrams");
    let write = |once: bool| {
        let mut site = Site::load(dir.path(), SiteOptions::default()).expect("load");
        let out = MemoryOutput::new();
        if once {
            site.build_once(&out);
        } else {
            site.build(&out);
        }
        out
    };
    let (full, once) = (write(false), write(true));
    assert!(full.paths().iter().any(|p| p.starts_with("search/")), "{:?}", full.paths());
    assert_eq!(full.paths(), once.paths());
    for path in full.paths() {
        assert!(full.get(&path) == once.get(&path), "`{path}` differs");
    }
}
