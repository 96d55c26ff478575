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

/// A book whose theme overrides block templates: `overrides` with a failing topology block.
fn block_book(overrides: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = common::book("overrides");
    // Profile 2020-10: both of its Key Vault rules fire on this vault.
    let page = "# One\n\n```yaml topology title=\"Locked key vault\" profile=2020-10\n\
                key_vaults:\n  - name: kv-locked\n    network: {default_action: Deny, bypass: [None]}\n```\n";
    std::fs::write(dir.path().join("content/one.md"), page).expect("write page");
    for (name, text) in overrides {
        let path = dir.path().join("themes/corporate/templates").join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write template");
    }
    dir
}

/// Build with the library (a book with errors is rendered too) into memory: the page and
/// what the build reported.
fn render_one(dir: &std::path::Path) -> (String, Vec<topobook::diag::Diagnostic>) {
    use topobook::output::MemoryOutput;
    use topobook::site::{Site, SiteOptions};
    let mut site = Site::load(dir, SiteOptions::default()).expect("load");
    let out = MemoryOutput::new();
    let report = site.build(&out);
    let page = String::from_utf8(out.get("one.html").expect("one.html").to_vec()).expect("UTF-8");
    let mut diags: Vec<_> = site.book_diagnostics().to_vec();
    diags.extend(report.diagnostics);
    (page, diags)
}

#[test]
fn a_theme_overrides_one_block_template() {
    let panel = "<div class=\"corporate-panel\">{{ block.outcome }}: {{ block.panel.verdict | code }}\
                 {% for f in block.panel.findings %} [{{ f.code.id }}]{% endfor %}</div>\n";
    let dir = block_book(&[("block/panel.html", panel)]);
    let (page, diags) = render_one(dir.path());
    assert!(diags.is_empty(), "{diags:?}");
    let figure = fragment(&page, "<figure class=\"topology", "</figure>");
    // The book's panel, the built-in figure and YAML around it.
    assert!(figure.contains("<div class=\"corporate-panel\">failed: 2 errors, 1 note"), "{figure}");
    assert!(figure.contains("[AML-KV-002]"), "{figure}");
    assert!(!figure.contains("topology-panel"), "{figure}");
    assert!(figure.contains("<figcaption class=\"topology-head\""), "{figure}");
    assert!(figure.contains("<details class=\"topology-source\" open>"), "{figure}");
}

#[test]
fn a_block_template_that_fails_is_reported_once_and_the_built_in_draws_the_block() {
    // Compiles, then fails on every block (strict undefined); and one that does not compile.
    let dir = block_book(&[
        ("block/source.html", "<pre>\n{{ block.source.no_such_field }}\n</pre>\n"),
        ("block/panel.html", "<div>{% if block.panel.verdict %}</div>\n"),
    ]);
    std::fs::write(
        dir.path().join("content/two.md"),
        "# Two\n\n```yaml topology\nworkspace: {name: w}\n```\n",
    )
    .expect("write page");
    let (page, diags) = render_one(dir.path());
    let text: Vec<String> = diags
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d.location.as_ref().map_or(String::new(), |l| format!("{}:{}", l.file, l.start.line)),
                d.message
            )
        })
        .collect();
    insta::assert_snapshot!(text.join("\n"));
    // The built-in templates drew the block, whole.
    let figure = fragment(&page, "<figure class=\"topology", "</figure>");
    assert!(figure.contains("<div class=\"topology-panel\""), "{figure}");
    assert!(figure.contains("<details class=\"topology-source\" open>"), "{figure}");
    // `topobook build` fails on it.
    let run = rebuild(dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
}
