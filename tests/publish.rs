//! What `topobook build` publishes and what it exits with, with the real binary: a book with
//! failing blocks is written whole, its failures shown where readers look (the page, the
//! sidebar, the status page), and the exit code follows `--fail-on` / `[build] fail-on`;
//! what still writes nothing; and an mdBook book as it is published (no `src`, links to
//! sibling books, no topology block).

mod common;

use std::path::Path;

use common::{Run, build, fragment, rebuild, topobook};

fn append(path: &Path, text: &str) {
    let before = std::fs::read_to_string(path).unwrap_or_default();
    std::fs::write(path, format!("{before}\n{text}")).expect("write");
}

#[test]
fn a_failing_book_is_published_with_its_failures_in_sight() {
    let run = build("diagrams-failing");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("(2 failing) into `site/`")
            && run.stderr.contains("3 errors, 0 warnings; exit 1 because fail-on = error"),
        "{}",
        run.stderr
    );
    // The page: a note at its top linking each failing block, the block's red panel with the
    // finding and its fix, the badge on the failing element of the diagram.
    let page = run.read("broken.html");
    let banner = fragment(&page, "<div class=\"page-problems\"", "</div>");
    assert!(banner.contains("2 topology blocks fail on this page"), "{banner}");
    assert!(banner.contains("<a href=\"#kv-broken\">Locked key vault</a>"), "{banner}");
    assert!(banner.contains("<code>missing-figure</code>"), "the missing figure is listed too: {banner}");
    let figure = fragment(&page, "<figure class=\"topology topology-fail\" id=\"kv-broken\"", "</figure>");
    assert!(figure.contains("verdict-fail"), "the red verdict");
    assert!(figure.contains("class=\"finding finding-error\""), "the finding");
    assert!(figure.contains("<span class=\"finding-label\">Fix</span>"), "its fix");
    assert!(
        figure.contains("<a class=\"tb-badge tb-look-error\" href=\"#kv-broken-finding-"),
        "the diagram's badge"
    );
    // The sidebar marks the page; the status page lists the failures before the tables.
    let toc = run.read("toc.js");
    assert!(toc.contains("broken.html") && toc.contains("badge-fail"), "{toc}");
    let status = run.read("status.html");
    let failures = status.find("status-failures").expect("the failing blocks are listed");
    let tables = status.find("<table class=\"status-table\"").expect("the tables");
    assert!(failures < tables, "failures come first");
    assert!(status.contains("href=\"broken.html#kv-broken\""));
}

#[test]
fn the_exit_code_follows_fail_on() {
    let run = build("diagrams-failing");
    assert_eq!(run.code, 1);
    let dir = run.dir;
    let (code, _, err) = topobook(&["build", "--fail-on", "never", &dir.path().to_string_lossy()], None);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 errors, 0 warnings; exit 0 because fail-on = never"), "{err}");
    // `book.toml` sets the default, the command line overrides it.
    append(&dir.path().join("book.toml"), "[build]\nfail-on = \"never\"\n");
    let run = rebuild(dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (code, _, err) = topobook(&["build", "--fail-on", "error", &run.root().to_string_lossy()], None);
    assert_eq!(code, 1, "{err}");
    // Warnings fail with `warning` only.
    let run = build("check-warn");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(" warning"), "{}", run.stderr);
    let (code, _, err) = topobook(&["build", "--fail-on", "warning", &run.root().to_string_lossy()], None);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("exit 1 because fail-on = warning"), "{err}");
    // A wrong value is an error of `book.toml`, located, with the values.
    let dir = common::book("diagrams");
    append(&dir.path().join("book.toml"), "[build]\nfail-on = \"warnings\"\n");
    let run = rebuild(dir);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`build.fail-on` must be `error`, `warning` or `never`, not `warnings`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `warning`?"), "{}", run.stderr);
}

/// The site of `run` and the bytes of every file in it.
fn tree(run: &Run) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir(&run.site()) {
        out.push((
            e.strip_prefix(run.site()).unwrap_or(&e).display().to_string(),
            std::fs::read(&e).unwrap_or_default(),
        ));
    }
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walkdir(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn what_still_writes_nothing() {
    let run = build("summary-nav");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = tree(&run);
    // `SUMMARY.md` that cannot be read (not UTF-8): the navigation would not be the book's.
    let summary = run.root().join("content/SUMMARY.md");
    let text = std::fs::read(&summary).expect("SUMMARY.md");
    std::fs::write(&summary, [&text[..], b"\n- [Bad \xff](bad.md)\n"].concat()).expect("write");
    let run = rebuild(run.dir);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "nothing was written, `site/` is unchanged: fix the error in `content/SUMMARY.md` first"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&run), site);
    std::fs::write(&summary, &text).expect("restore");
    // A template that does not render.
    let theme = run.root().join("themes/default/templates");
    std::fs::create_dir_all(&theme).expect("theme folder");
    std::fs::write(
        theme.join("page.html"),
        "{% extends \"base.html\" %}{% block main %}{{ page.nope.deeper }}{% endblock %}",
    )
    .expect("write");
    let run = rebuild(run.dir);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error[theme]"), "{}", run.stderr);
    assert_eq!(tree(&run), site);
    std::fs::remove_dir_all(run.root().join("themes")).expect("remove the theme");
    // A site that cannot be written: the build folder's parent is a file.
    std::fs::write(run.root().join("blocker"), "a file").expect("write");
    append(&run.root().join("book.toml"), "[build]\nbuild-dir = \"blocker/site\"\n");
    let run = rebuild(run.dir);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(tree(&run), site);
}

#[test]
fn an_mdbook_book_builds_as_published() {
    let run = build("mdbook-published");
    assert_eq!(run.code, 0, "{}", run.stderr);
    // No `src` in `book.toml` and no `content/`: mdBook's `src/`, with a note saying so.
    assert!(run.stderr.contains("note[config]: `book.toml` sets no `src`: pages are read from `src/` (mdBook's default, as there is no `content/`)"), "{}", run.stderr);
    // Links to the books published beside it cannot be checked: warnings that say so.
    assert_eq!(run.stderr.matches("warning[outside-link]").count(), 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("link to `../reference/index.html` leaves the book, so topobook cannot check it")
    );
    assert!(run.stderr.contains("0 errors, 3 warnings; exit 0"), "{}", run.stderr);
    let intro = run.read("index.html");
    assert!(intro.contains("href=\"../reference/index.html\""), "the link is written as it is");
    // No topology block: no status page, no rules reference, nothing of them in the sidebar
    // or the search index.
    assert!(!run.site().join("status.html").exists() && !run.site().join("rules").exists());
    let toc = run.read("toc.html");
    assert!(!toc.contains("Book status") && !toc.contains("rules/"), "{toc}");
    assert!(!run.read("search/docs.json").contains("AML-"));
    assert!(run.site().join("print.html").is_file());

    // Outside links can be silenced; the reference pages can be asked for.
    let dir = run.dir;
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).expect("book.toml");
    let toml = toml.replace(
        "[output.html]\n",
        "[build]\noutside-links = \"ignore\"\n\n[output.html]\ntopology-pages = \"always\"\n",
    );
    std::fs::write(dir.path().join("book.toml"), toml).expect("write");
    let run = rebuild(dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("outside-link"), "{}", run.stderr);
    assert!(run.site().join("status.html").is_file() && run.site().join("rules/AML-KV-002.html").is_file());
    assert!(run.read("toc.html").contains("Book status"));
}
