//! The built site in a real browser: headless Chromium (Debian's `chromium` package) opens
//! the pages of a small book holding the overview's full secured scenario and a failing
//! block, and we check what a reader gets: the inline diagram, the status panel, finding
//! anchors the diagram's badges land on, the sidebar badges, and how they are laid out.
//! Screenshots are kept under `target/tmp/browser/` (the paths are printed).
//!
//! Without Chromium the test is skipped, unless `TOPOBOOK_BROWSER_TESTS` is set (CI sets it):
//! then a missing Chromium is a failure.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use topobook::check::CheckSettings;
use topobook::output::DiskOutput;
use topobook::site::{Site, SiteOptions};

const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium, or `None` when the test may be skipped.
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(CHROMIUM);
    if path.is_file() {
        return Some(path);
    }
    if std::env::var_os("TOPOBOOK_BROWSER_TESTS").is_some() {
        panic!(
            "TOPOBOOK_BROWSER_TESTS is set but `{CHROMIUM}` is missing: run `apt-get install -y chromium`"
        );
    }
    eprintln!("skipped: `{CHROMIUM}` is missing (install it with `apt-get install -y chromium`)");
    None
}

/// Run headless Chromium with a fresh profile on `url`; `extra` adds `--dump-dom`,
/// `--screenshot=...` and the like. Returns stdout.
fn run_chromium(chrome: &Path, extra: &[String], url: &str) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The site of `tests/books/diagrams` plus the failing page of `tests/books/diagrams-failing`,
/// built by the library: `topobook build` refuses to publish a failing book, but the preview
/// shows exactly these pages.
fn build_book() -> (tempfile::TempDir, PathBuf) {
    let dir = common::book("diagrams");
    let broken = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/diagrams-failing/content/broken.md");
    std::fs::copy(&broken, dir.path().join("content/broken.md")).expect("copy the failing page");
    let check = CheckSettings { today: time::macros::date!(2026 - 01 - 15), ..CheckSettings::default() };
    let mut site = Site::load(dir.path(), SiteOptions { check }).expect("load");
    let target = dir.path().join("site");
    let out = DiskOutput::begin(&target).expect("output");
    let report = site.build(&out);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    out.commit().expect("commit");
    (dir, target)
}

/// Every `href="#x"` of the diagram of block `id` has an element `id="x"` in the page.
fn badges_land(dom: &str, id: &str) -> usize {
    let prefix = format!("href=\"#{id}-finding-");
    let mut n = 0;
    for (at, _) in dom.match_indices(&prefix) {
        let rest = &dom[at + 7..];
        let anchor = &rest[..rest.find('"').expect("closing quote")];
        assert!(dom.contains(&format!("id=\"{anchor}\"")), "badge `#{anchor}` lands nowhere");
        n += 1;
    }
    n
}

/// What the probe page measures in the page at `page` once it is laid out (JSON text).
const PROBE: &str = r#"<!DOCTYPE html><meta charset="utf-8"><title>probe</title>
<iframe id="f" src="PAGE" style="width:1440px;height:1400px;border:0"></iframe>
<pre id="result">pending</pre>
<script>
var f = document.getElementById("f");
f.addEventListener("load", function () {
  var d = f.contentDocument, w = f.contentWindow, r = {};
  var size = function (el) { var b = el ? el.getBoundingClientRect() : null; return b ? [Math.round(b.width), Math.round(b.height)] : [0, 0]; };
  var style = function (sel, prop) { var el = d.querySelector(sel); return el ? w.getComputedStyle(el)[prop] : null; };
  r.svg = size(d.querySelector("figure.topology svg.tb-diagram"));
  r.panel = size(d.querySelector("figure.topology .topology-panel"));
  r.verdictBackground = style(".topology-verdict", "backgroundColor");
  r.errorBorder = style(".finding-error", "borderLeftColor");
  r.markedLine = style(".line-error", "boxShadow");
  r.lineNumber = d.querySelector(".topology .line") ? w.getComputedStyle(d.querySelector(".topology .line"), "::before").content : null;
  r.sourceOpen = !!d.querySelector("details.topology-source[open]");
  r.sidebar = d.getElementById("sidebar-nav").innerText;
  r.theme = d.documentElement.getAttribute("data-theme");
  r.diagramText = style(".tb-diagram .tb-name", "fill");
  document.getElementById("result").textContent = JSON.stringify(r);
});
</script>
"#;

fn probe(chrome: &Path, site: &Path, page: &str, extra: &[&str]) -> serde_json::Value {
    let file = site.join(format!("probe-{}.html", page.replace('/', "-")));
    std::fs::write(&file, PROBE.replace("PAGE", page)).expect("write probe");
    let mut args: Vec<String> = vec!["--dump-dom".into(), "--virtual-time-budget=10000".into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    let dom = run_chromium(chrome, &args, &url(&file));
    let start = dom.find("<pre id=\"result\">").expect("the probe ran") + 17;
    let text = &dom[start..start + dom[start..].find("</pre>").expect("end of result")];
    let json = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("probe result `{json}`: {e}"))
}

fn screenshot(chrome: &Path, page: &Path, name: &str, size: &str, extra: &[&str]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    let png = dir.join(name);
    let _ = std::fs::remove_file(&png);
    let mut args = vec![format!("--screenshot={}", png.display()), format!("--window-size={size}")];
    args.extend(extra.iter().map(|s| s.to_string()));
    run_chromium(chrome, &args, &url(page));
    assert!(png.metadata().map(|m| m.len() > 10_000).unwrap_or(false), "no screenshot at {}", png.display());
    println!("screenshot: {}", png.display());
    png
}

#[test]
fn diagrams_and_status_render_in_chromium() {
    let Some(chrome) = chromium() else { return };
    let (_dir, site) = build_book();

    // The secured scenario: the SVG inline, its verdict, badges that land on findings.
    let dom = run_chromium(&chrome, &["--dump-dom".into()], &url(&site.join("secured.html")));
    assert!(
        dom.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tb-diagram\" id=\"secured-diagram\"")
    );
    assert!(dom.contains("<title id=\"secured-title\">Secured workspace</title>"));
    assert!(dom.contains("class=\"topology topology-pass\" id=\"secured\""));
    assert!(dom.contains("notes · 60 passed · 32 not evaluated</span>"), "the verdict line");
    assert!(badges_land(&dom, "secured") >= 3, "the secured scenario has badged notes");
    assert!(dom.contains("<img src=\"media/overview.svg\""), "the author's figure");
    // The sidebar came from toc.js, with the reference section.
    assert!(dom.contains("<a href=\"status.html\">Book status"), "{dom}");
    assert!(dom.contains("href=\"rules/index.html\">Rules</a>"));

    // The failing page: an error with its rule link and line, the YAML open and marked.
    let dom = run_chromium(&chrome, &["--dump-dom".into()], &url(&site.join("broken.html")));
    assert!(dom.contains("class=\"topology topology-fail\" id=\"kv-broken\""));
    assert!(dom.contains("<span class=\"verdict-text\">1 error, 3 notes · "), "{dom}");
    assert!(badges_land(&dom, "kv-broken") >= 1);
    assert!(dom.contains("href=\"rules/AML-KV-002.html\">AML-KV-002</a>"));
    assert!(dom.contains("<details class=\"topology-source\" open=\"\">"));
    assert!(dom.contains("class=\"line line-mark line-error\" id=\"kv-broken-L20\""), "{dom}");
    assert!(dom.contains("The author's figure cannot be shown:"));
    assert!(dom.contains("class=\"topology topology-fail\" id=\"typo\""), "the invalid block");
    // The sidebar badge next to the failing page (2 failing blocks: the error and the typo).
    assert!(dom.contains("A broken page <span class=\"badge badge-fail\""), "{dom}");

    // Laid out: the diagram has a size, the panel is styled, lines are marked and numbered.
    let r = probe(&chrome, &site, "broken.html", &[]);
    assert!(r["svg"][0].as_i64() > Some(500) && r["svg"][1].as_i64() > Some(150), "{r}");
    assert!(r["panel"][1].as_i64() > Some(100), "{r}");
    assert_ne!(r["verdictBackground"], "rgba(0, 0, 0, 0)", "{r}");
    assert_eq!(r["errorBorder"], "rgb(207, 34, 46)", "{r}");
    assert!(r["markedLine"].as_str().is_some_and(|s| s.contains("inset")), "{r}");
    assert!(
        r["lineNumber"].as_str().is_some_and(|s| s.contains("attr(data-line)") || s.contains('"')),
        "{r}"
    );
    assert_eq!(r["sourceOpen"], true);
    assert!(r["sidebar"].as_str().is_some_and(|s| s.contains("Book status") && s.contains("Rules")), "{r}");
    // Dark mode follows the system, diagram included.
    let light = probe(&chrome, &site, "secured.html", &[]);
    let dark = probe(&chrome, &site, "secured.html", &["--force-dark-mode"]);
    assert_eq!(light["theme"], "light");
    assert_eq!(dark["theme"], "dark", "{dark}");
    assert_ne!(light["diagramText"], dark["diagramText"], "the diagram's text follows the theme");

    // The rules reference and the status page.
    let dom = run_chromium(&chrome, &["--dump-dom".into()], &url(&site.join("rules/AML-KV-002.html")));
    assert!(dom.contains("id=\"where-this-rule-fires\""));
    assert!(dom.contains("href=\"../broken.html#kv-broken-finding-"), "the failing block is listed");
    assert!(dom.contains("href=\"../counter-examples.html#kv-locked-finding-"), "so is the counter-example");
    let dom = run_chromium(&chrome, &["--dump-dom".into()], &url(&site.join("status.html")));
    assert!(dom.contains("<span class=\"summary-count\">1</span> <span class=\"summary-label\"><span aria-hidden=\"true\">✖</span> failed</span>"), "{dom}");

    // Screenshots to look at: the secured scenario (kept as the test's artifact), dark,
    // on a phone, the failing page, the status page and a rule page.
    screenshot(&chrome, &site.join("secured.html"), "secured.png", "1440,2700", &[]);
    screenshot(&chrome, &site.join("secured.html"), "secured-wide.png", "1920,1800", &[]);
    screenshot(&chrome, &site.join("secured.html"), "secured-dark.png", "1440,2700", &["--force-dark-mode"]);
    screenshot(&chrome, &site.join("secured.html"), "secured-phone.png", "390,2400", &[]);
    screenshot(&chrome, &site.join("broken.html"), "broken.png", "1440,2600", &[]);
    screenshot(&chrome, &site.join("counter-examples.html"), "counter-examples.png", "1440,1800", &[]);
    screenshot(&chrome, &site.join("status.html"), "status.png", "1440,1300", &[]);
    screenshot(&chrome, &site.join("rules/AML-KV-002.html"), "rule.png", "1440,1800", &[]);
}

/// Scrolls the page in an iframe to the block `BLOCK` (under the sticky header) once it is
/// laid out: Chromium's `--screenshot` does not follow a URL fragment.
const FRAME: &str = r#"<!DOCTYPE html><meta charset="utf-8"><title>screenshot</title>
<style>html,body{margin:0;overflow:hidden}iframe{border:0;width:100vw;height:100vh;display:block}</style>
<iframe id="f" src="PAGE"></iframe>
<script>
var f = document.getElementById("f");
f.addEventListener("load", function () {
  var d = f.contentDocument, w = f.contentWindow;
  var block = d.getElementById("BLOCK"), header = d.querySelector("header");
  var offset = header ? header.getBoundingClientRect().height : 0;
  w.scrollTo(0, block.getBoundingClientRect().top + w.scrollY - offset - 24);
});
</script>
"#;

/// The README's picture: the repository's own book, built as `cargo run -- build` does, with
/// its secured scenario in view. Kept as `target/tmp/browser/readme-secured-scenario.png`;
/// with `TOPOBOOK_UPDATE_SCREENSHOTS` set it also replaces `docs/img/secured-scenario.png`.
#[test]
fn readme_screenshot_shows_the_secured_scenario_of_the_repository_book() {
    let Some(chrome) = chromium() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = tempfile::tempdir().expect("temp dir");
    let site_dir = out_dir.path().join("site");
    let mut site = Site::load(root, SiteOptions::default()).expect("load the repository book");
    let out = DiskOutput::begin(&site_dir).expect("output");
    let report = site.build(&out);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    out.commit().expect("commit");

    let dom = run_chromium(&chrome, &["--dump-dom".into()], &url(&site_dir.join("scenario.html")));
    assert!(
        dom.contains("class=\"topology topology-pass\" id=\"secured-scenario\""),
        "the secured scenario passes"
    );
    assert!(dom.contains("class=\"tb-diagram\" id=\"secured-scenario-diagram\""), "with its diagram");

    let frame = site_dir.join("readme-frame.html");
    let html = FRAME.replace("PAGE", "scenario.html").replace("BLOCK", "secured-scenario");
    std::fs::write(&frame, html).expect("write frame");
    let png = screenshot(
        &chrome,
        &frame,
        "readme-secured-scenario.png",
        "1440,1900",
        &["--virtual-time-budget=10000"],
    );
    let committed = root.join("docs/img/secured-scenario.png");
    if std::env::var_os("TOPOBOOK_UPDATE_SCREENSHOTS").is_some() {
        std::fs::create_dir_all(committed.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&png, &committed).expect("update the README picture");
    }
    let bytes = std::fs::read(&committed).expect("docs/img/secured-scenario.png is committed");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 100_000, "a real screenshot");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    assert!(readme.contains("](docs/img/secured-scenario.png)"), "the README shows it");
}
