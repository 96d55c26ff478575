//! The incremental API the preview server uses: only what a change touches is re-rendered.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use topobook::output::MemoryOutput;
use topobook::site::{Site, SiteOptions};

fn load(dir: &Path) -> (Site, MemoryOutput) {
    let mut site = Site::load(dir, SiteOptions::default()).expect("load");
    let out = MemoryOutput::new();
    let report = site.build(&out);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    (site, out)
}

fn page(out: &MemoryOutput, path: &str) -> String {
    String::from_utf8_lossy(&out.get(path).expect("page")).into_owned()
}

#[test]
fn a_body_edit_rerenders_only_that_page() {
    let dir = common::book("summary-nav");
    let (mut site, out) = load(dir.path());
    let file = dir.path().join("content/guide/install.md");
    std::fs::write(&file, "# install page\n\nNew text of install.\n").expect("write");
    let up = site.update(&[file.as_path()], &out).expect("update");
    assert!(!up.full);
    assert_eq!(up.reparsed, ["content/guide/install.md"]);
    // The page and the search index (its text changed); not the sidebar, not other pages.
    assert!(up.changed.contains(&"guide/install.html".to_string()), "{:?}", up.changed);
    assert!(
        up.changed.iter().all(|p| p == "guide/install.html" || p.starts_with("search/")),
        "{:?}",
        up.changed
    );
    assert!(page(&out, "guide/install.html").contains("New text of install."));
}

#[test]
fn a_title_change_updates_the_sidebar_and_the_neighbours() {
    let dir = common::book("tree-nav");
    let (mut site, out) = load(dir.path());
    let file = dir.path().join("content/alpha.md");
    std::fs::write(&file, "# Aardvark\n").expect("write");
    let up = site.update(&[file.as_path()], &out).expect("update");
    assert!(!up.full);
    for p in ["alpha.html", "toc.js", "toc.html"] {
        assert!(up.changed.contains(&p.to_string()), "{p} not in {:?}", up.changed);
    }
    // The pages before and after now show the new title in their previous / next links.
    let neighbours: Vec<&String> = up
        .changed
        .iter()
        .filter(|p| {
            p.ends_with(".html") && !p.starts_with("toc") && *p != "alpha.html" && *p != "status.html"
        })
        .collect();
    assert!(!neighbours.is_empty(), "{:?}", up.changed);
    for n in neighbours {
        assert!(page(&out, n).contains("Aardvark"), "{n}");
    }
}

#[test]
fn removing_an_anchor_rechecks_the_pages_that_link_to_it() {
    let dir = common::book("broken-links");
    let index = dir.path().join("content/index.md");
    std::fs::write(&index, "# Home\n\n[good anchor](other.md#details)\n").expect("write");
    let (mut site, out) = load(dir.path());
    assert!(!site.has_errors(), "{:?}", site.diagnostics());
    let other = dir.path().join("content/other.md");
    std::fs::write(&other, "# Other\n\n## Renamed\n").expect("write");
    let up = site.update(&[other.as_path()], &out).expect("update");
    assert!(!up.full);
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].message, "`other.md` has no anchor `#details`");
    assert_eq!(diags[0].location.as_ref().map(|l| &*l.file), Some("content/index.md"));
    assert_eq!(diags[0].help.as_deref(), Some("headings of `other.md`: `#other`, `#renamed`"));
}

#[test]
fn config_theme_and_new_pages_rebuild_everything() {
    let dir = common::book("tree-nav");
    let (mut site, out) = load(dir.path());
    let new = dir.path().join("content/gamma.md");
    std::fs::write(&new, "# Gamma\n").expect("write");
    let up = site.update(&[new.as_path()], &out).expect("update");
    assert!(up.full);
    assert!(out.get("gamma.html").is_some());
    std::fs::remove_file(&new).expect("remove");
    let up = site.update(&[new.as_path()], &out).expect("update");
    assert!(up.full);
    assert_eq!(up.removed, ["gamma.html"]);
    assert!(out.get("gamma.html").is_none());
    let toml = dir.path().join("book.toml");
    std::fs::write(&toml, "[book]\ntitle = \"Renamed book\"\n").expect("write");
    let up = site.update(&[toml.as_path()], &out).expect("update");
    assert!(up.full);
    assert!(page(&out, "alpha.html").contains("Renamed book"));
}

#[test]
fn a_topology_edit_updates_the_status_page_and_badges() {
    let dir = common::book("topology");
    let (mut site, out) = load(dir.path());
    let file = dir.path().join("content/blocks.md");
    std::fs::write(&file, "# Blocks\n\n```yaml topology\nvnets: []\n```\n").expect("write");
    let up = site.update(&[file.as_path()], &out).expect("update");
    assert!(up.changed.contains(&"status.html".to_string()), "{:?}", up.changed);
    assert!(up.changed.contains(&"toc.js".to_string()), "{:?}", up.changed);
    assert!(!site.has_errors());
    assert!(page(&out, "status.html").contains("1 topology block on 1 page · 0 errors"));
}

#[test]
fn rule_pages_rerender_only_when_where_they_fire_changes() {
    let dir = common::book("diagrams");
    let (mut site, out) = load(dir.path());
    let before = page(&out, "rules/AML-KV-002.html");
    assert!(before.contains("counter-examples.html#kv-locked-finding-"), "the counter-example is listed");
    // Prose edits leave the 98 rule pages alone.
    let file = dir.path().join("content/secured.md");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("The same key vault", "The very same key vault")).expect("write");
    let up = site.update(&[file.as_path()], &out).expect("update");
    assert!(up.changed.iter().all(|p| !p.starts_with("rules/")), "{:?}", up.changed);
    // A block that starts breaking AML-KV-002 adds itself to that rule's page (and the index
    // counts it); the other rule pages stay as they were.
    std::fs::write(
        &file,
        text.replace(
            "bypass: [AzureServices]}
    private_endpoints: [{name: pe-kv, subresource: vault, vnet: vnet-ml",
            "bypass: [None]}
    private_endpoints: [{name: pe-kv, subresource: vault, vnet: vnet-ml",
        ),
    )
    .expect("write");
    let up = site.update(&[file.as_path()], &out).expect("update");
    let rules: Vec<&String> = up.changed.iter().filter(|p| p.starts_with("rules/")).collect();
    assert_eq!(rules, ["rules/AML-KV-002.html", "rules/index.html"], "{:?}", up.changed);
    assert!(page(&out, "rules/AML-KV-002.html").contains("secured.html#kv-drawing-finding-"));
    assert!(up.changed.contains(&"status.html".to_string()));
    assert!(page(&out, "toc.js").contains("badge-fail"), "the sidebar badges the page");
}

#[test]
fn a_figure_that_appears_fixes_the_page() {
    let dir = common::book("diagrams");
    let file = dir.path().join("content/secured.md");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("figure=media/overview.svg", "figure=media/new.svg")).expect("write");
    let mut site = Site::load(dir.path(), SiteOptions::default()).expect("load");
    let out = MemoryOutput::new();
    site.build(&out);
    let missing: Vec<_> =
        site.diagnostics().into_iter().filter(|d| d.code.as_str() == "missing-figure").collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].message, "figure `media/new.svg` is not in the book");
    assert_eq!(missing[0].help.as_deref(), Some("did you mean `figure=media/overview.svg`?"));
    assert_eq!(missing[0].location.as_ref().map(|l| l.start.line), Some(137), "the fence line");
    assert!(page(&out, "secured.html").contains("The author's figure cannot be shown"));
    let image = dir.path().join("content/media/new.svg");
    std::fs::copy(dir.path().join("content/media/overview.svg"), &image).expect("copy");
    let up = site.update(&[image.as_path()], &out).expect("update");
    assert!(!up.full);
    assert!(
        up.changed.contains(&"media/new.svg".to_string()) && up.changed.contains(&"secured.html".to_string())
    );
    assert!(site.diagnostics().iter().all(|d| d.code.as_str() != "missing-figure"));
    assert!(page(&out, "secured.html").contains("<img src=\"media/new.svg\""));
}

#[test]
fn an_included_file_rerenders_the_pages_that_include_it() {
    let dir = common::book("mdbook-layout");
    let (mut site, out) = load(dir.path());
    let listing = dir.path().join("listings/main.rs");
    std::fs::write(&listing, "// ANCHOR: main\nfn main() { changed(); }\n// ANCHOR_END: main\n")
        .expect("write");
    let up = site.update(&[listing.as_path()], &out).expect("update");
    assert!(!up.full);
    assert_eq!(up.reparsed, ["src/ch01/hello.md"]);
    assert!(up.changed.contains(&"ch01/hello.html".to_string()), "{:?}", up.changed);
    assert!(page(&out, "ch01/hello.html").contains("changed"));
}

#[test]
fn a_missing_chapter_that_appears_rebuilds_the_book() {
    let dir = common::book("summary-nav");
    let configure = dir.path().join("content/guide/configure.md");
    std::fs::remove_file(&configure).expect("remove");
    let mut site = Site::load(dir.path(), SiteOptions::default()).expect("load");
    let out = MemoryOutput::new();
    site.build(&out);
    assert!(site.has_errors(), "a chapter file is missing");
    std::fs::write(&configure, "# Configure\n").expect("write");
    let up = site.update(&[configure.as_path()], &out).expect("update");
    assert!(up.full);
    assert!(!site.has_errors(), "{:?}", site.diagnostics());
    assert!(out.get("guide/configure.html").is_some());
}
