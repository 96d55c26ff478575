//! Accessibility in a real browser: the repository's book (`content/`) and the diagrams test
//! book (with a failing page) are built, served over HTTP and opened in headless Chromium
//! (chromedriver, WebDriver); axe-core, the engine behind Lighthouse's accessibility audit,
//! checks each page type against WCAG 2.1 A and AA in light and dark mode at 1400 and 400
//! CSS pixels, and the test fails on any serious or critical violation, naming the rule,
//! the elements and the help. A second test uses the keyboard alone on a page with a
//! failing diagram. Screenshots of every page, mode and width are kept under
//! `target/tmp/a11y/`.
//!
//! axe-core comes from npm (`npm install --prefix target/axe axe-core@4`, as `.ci/run`
//! does). Without Chromium, chromedriver or axe-core the tests skip, unless
//! `TOPOBOOK_BROWSER_TESTS` is set (CI sets it): then they fail.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

mod common;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use topobook::check::CheckSettings;
use topobook::output::DiskOutput;
use topobook::site::{Site, SiteOptions};
use webdriver::{Browser, ENTER, ESCAPE, TAB};

const AXE: &str = "target/axe/node_modules/axe-core/axe.min.js";
const PATIENCE: Duration = Duration::from_secs(20);

struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
    axe: String,
}

/// Chromium, chromedriver and axe-core, or `None` when the tests may be skipped.
fn tools() -> Option<Tools> {
    let required = std::env::var_os("TOPOBOOK_BROWSER_TESTS").is_some();
    let axe_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(AXE);
    let found = (
        webdriver::find(&["chromium", "chromium-browser"]),
        webdriver::find(&["chromedriver"]),
        std::fs::read_to_string(&axe_path).ok(),
    );
    match found {
        (Some(chromium), Some(chromedriver), Some(axe)) => Some(Tools { chromium, chromedriver, axe }),
        _ => {
            let what = "needs Debian's `chromium` and `chromium-driver` and axe-core \
                        (`npm install --prefix target/axe axe-core@4`)";
            assert!(!required, "TOPOBOOK_BROWSER_TESTS is set but this test {what}");
            eprintln!("skipped: this test {what}; set TOPOBOOK_BROWSER_TESTS to make this a failure");
            None
        }
    }
}

/// Build the book at `root` into `target` with the library (a failing book is built too:
/// the preview shows exactly these pages).
fn build(root: &Path, target: &Path) {
    let check = CheckSettings { today: time::macros::date!(2026 - 01 - 15), ..CheckSettings::default() };
    let mut site = Site::load(root, SiteOptions { check, ..SiteOptions::default() }).expect("load");
    let out = DiskOutput::begin(target).expect("output");
    let report = site.build(&out);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    out.commit().expect("commit");
}

/// The repository's book and the diagrams book with the failing page, built into one
/// temporary folder (`repo/`, `diagrams/`).
fn build_sites() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temp dir");
    build(Path::new(env!("CARGO_MANIFEST_DIR")), &out.path().join("repo"));
    let book = common::book("diagrams");
    let broken = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/diagrams-failing/content/broken.md");
    std::fs::copy(&broken, book.path().join("content/broken.md")).expect("copy the failing page");
    build(book.path(), &out.path().join("diagrams"));
    out
}

/// Serve the files under `root` over HTTP on a free loopback port (the search script loads
/// its index with `fetch`, which `file:` pages cannot); returns the base URL. The server
/// thread ends with the test process.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut line = String::new();
                let mut reader = BufReader::new(&stream);
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                // Skip the headers.
                let mut header = String::new();
                while reader.read_line(&mut header).map(|n| n > 2).unwrap_or(false) {
                    header.clear();
                }
                let target = line.split_whitespace().nth(1).unwrap_or("/");
                let path = target.split(['?', '#']).next().unwrap_or("").replace("%20", " ");
                let rel = path.trim_start_matches('/');
                let file = if rel.is_empty() || rel.ends_with('/') {
                    format!("{rel}index.html")
                } else {
                    rel.into()
                };
                let body = (!file.split('/').any(|s| s == ".."))
                    .then(|| std::fs::read(root.join(&file)).ok())
                    .flatten();
                let kind = match file.rsplit('.').next() {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("js") => "text/javascript",
                    Some("json") => "application/json",
                    Some("svg") => "image/svg+xml",
                    Some("png") => "image/png",
                    _ => "application/octet-stream",
                };
                let head = match &body {
                    Some(b) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        b.len()
                    ),
                    None => {
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
                    }
                };
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_deref().unwrap_or_default());
            });
        }
    });
    base
}

/// Load the page at `url` in `mode` (`light` or `dark`, as the theme button leaves it).
fn open(browser: &Browser, url: &str, mode: &str) {
    browser.go(url);
    browser.eval(&format!(
        "try {{ localStorage.setItem('topobook-theme', '{mode}'); }} catch (e) {{}} \
         document.documentElement.setAttribute('data-theme', '{mode}'); return true"
    ));
    browser.wait_for("the page is ready", "return document.readyState === 'complete'", PATIENCE);
}

/// Run axe-core on the page (WCAG 2.1 A and AA rules) and return its violations.
fn axe(browser: &Browser, source: &str) -> Vec<Value> {
    browser.eval(&format!("{source}\n;return true"));
    let result = browser.eval_async(
        "var done = arguments[arguments.length - 1];
         axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                            resultTypes: ['violations']})
           .then(function (r) { done(r.violations.map(function (v) {
             return {id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                     nodes: v.nodes.map(function (n) {
                       var e = document.querySelector(n.target[0]);
                       return {target: n.target.join(' '), summary: n.failureSummary,
                               inDiagram: !!(e && e.closest && e.closest('svg.tb-diagram'))}; })};
           })); })
           .catch(function (e) { done({error: String(e)}); });",
        &[],
    );
    assert!(result.get("error").is_none(), "axe failed: {result}");
    result.as_array().cloned().unwrap_or_default()
}

fn shot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("a11y");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// A page type: its name, the site and page, and what to do once it is loaded.
struct PageType {
    name: &'static str,
    site: &'static str,
    path: &'static str,
    /// A search to type (the page is checked with its results open).
    search: Option<&'static str>,
}

const PAGES: &[PageType] = &[
    PageType { name: "prose", site: "repo", path: "introduction.html", search: None },
    PageType { name: "scenario-table", site: "repo", path: "scenario.html", search: None },
    PageType { name: "passing-blocks", site: "repo", path: "workspace/key-vault.html", search: None },
    PageType { name: "expected-failures", site: "repo", path: "dns/common-mistakes.html", search: None },
    PageType { name: "rule", site: "repo", path: "rules/AML-KV-002.html", search: None },
    PageType { name: "rules-index", site: "repo", path: "rules/index.html", search: None },
    PageType { name: "status", site: "repo", path: "status.html", search: None },
    PageType {
        name: "search-results",
        site: "repo",
        path: "introduction.html",
        search: Some("private endpoint"),
    },
    PageType { name: "print", site: "repo", path: "print.html", search: None },
    PageType { name: "failing-and-invalid", site: "diagrams", path: "broken.html", search: None },
    PageType { name: "author-figure", site: "diagrams", path: "secured.html", search: None },
    PageType { name: "not-checked", site: "diagrams", path: "counter-examples.html", search: None },
    PageType { name: "status-failing", site: "diagrams", path: "status.html", search: None },
];

#[test]
fn every_page_type_passes_axe_in_both_modes_and_widths() {
    let Some(tools) = tools() else { return };
    let sites = build_sites();
    let base = serve(sites.path().to_path_buf());
    let shots = shot_dir();
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for (width, height) in [(1400, 1000), (400, 900)] {
        let browser = Browser::start(&tools.chromium, &tools.chromedriver, width, height);
        browser.go(&format!("{base}/repo/introduction.html"));
        assert_eq!(browser.eval("return window.innerWidth"), width, "the viewport's width");
        for page in PAGES {
            if !sites.path().join(page.site).join(page.path).is_file() {
                eprintln!("{}: no `{}` in this site, not checked", page.name, page.path);
                continue;
            }
            for mode in ["light", "dark"] {
                let url = format!("{base}/{}/{}", page.site, page.path);
                open(&browser, &url, mode);
                if let Some(q) = page.search {
                    browser.eval("document.getElementById('search-input').focus(); return true");
                    browser.type_text(q);
                    browser.wait_for(
                        "search results show",
                        "var b = document.getElementById('search-results'); return !b.hidden && !!b.querySelector('li a')",
                        PATIENCE,
                    );
                }
                browser.screenshot(&shots.join(format!("{}-{mode}-{width}.png", page.name)));
                let violations = axe(&browser, &tools.axe);
                let mut counted = Vec::new();
                for v in &violations {
                    let id = v["id"].as_str().unwrap_or("");
                    let impact = v["impact"].as_str().unwrap_or("");
                    let nodes = v["nodes"].as_array().cloned().unwrap_or_default();
                    counted.push(format!("{id} ({impact}, {})", nodes.len()));
                    if !matches!(impact, "serious" | "critical") {
                        continue;
                    }
                    let open_nodes: Vec<&Value> = nodes.iter().collect();
                    let mut text = format!(
                        "{} ({mode}, {width}px): {id} [{impact}] {}\n  help: {}\n",
                        page.name,
                        v["help"].as_str().unwrap_or(""),
                        v["url"].as_str().unwrap_or("")
                    );
                    for n in open_nodes.iter().take(8) {
                        text.push_str(&format!(
                            "  - {}\n    {}\n",
                            n["target"].as_str().unwrap_or(""),
                            n["summary"].as_str().unwrap_or("").replace('\n', "\n    ")
                        ));
                    }
                    if open_nodes.len() > 8 {
                        text.push_str(&format!("  … and {} more\n", open_nodes.len() - 8));
                    }
                    failures.push(text);
                }
                summary.push(format!(
                    "{:20} {mode:5} {width:4}px: {}",
                    page.name,
                    if counted.is_empty() { "no violations".to_string() } else { counted.join(", ") }
                ));
            }
        }
    }
    eprintln!("axe-core, WCAG 2.1 A and AA:\n{}", summary.join("\n"));
    eprintln!("screenshots in {}", shots.display());
    assert!(failures.is_empty(), "serious or critical accessibility violations:\n{}", failures.join("\n"));
}

/// What has the focus: a short description (`a.tb-badge #x`), and whether its outline is
/// visible.
const FOCUSED: &str = "var e = document.activeElement; if (!e || e === document.body) return null;
    var s = getComputedStyle(e);
    return {tag: e.tagName.toLowerCase(), cls: String(e.getAttribute('class') || ''), id: e.id || '',
            href: e.getAttribute('href') || '', inDiagram: !!e.closest('svg'),
            finding: e.closest('.finding') ? e.closest('.finding').id : '',
            outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0};";

#[test]
fn the_keyboard_alone_reaches_every_badge_and_finding() {
    let Some(tools) = tools() else { return };
    let sites = build_sites();
    let base = serve(sites.path().to_path_buf());
    let browser = Browser::start(&tools.chromium, &tools.chromedriver, 1400, 1000);
    let url = format!("{base}/diagrams/broken.html");
    open(&browser, &url, "light");

    // The first Tab reaches the skip link; Enter moves the focus to the content.
    browser.keys(&[TAB]);
    let first = browser.eval(FOCUSED);
    assert_eq!(first["cls"], "skip-link", "the first Tab stop: {first}");
    browser.keys(&[ENTER]);
    let main = browser.eval("return document.activeElement.id");
    assert_eq!(main, "content", "the skip link moves the focus to the content");

    // Tab through the whole page, noting every stop.
    let badges = browser.eval(
        "return Array.from(document.querySelectorAll('svg.tb-diagram a[href], svg.tb-diagram [tabindex=\"0\"]'))
           .map(function (e) { return e.getAttribute('href') || e.id; })",
    );
    let badges: Vec<String> =
        badges.as_array().expect("badges").iter().filter_map(|v| v.as_str().map(String::from)).collect();
    let findings = browser.eval(
        "return Array.from(document.querySelectorAll('.topology-panel .finding')).map(function (f) { return f.id; })",
    );
    let findings: Vec<String> =
        findings.as_array().expect("findings").iter().filter_map(|v| v.as_str().map(String::from)).collect();
    assert!(!badges.is_empty() && !findings.is_empty(), "the failing page has badges and findings");
    let mut seen_badges = std::collections::BTreeSet::new();
    let mut seen_findings = std::collections::BTreeSet::new();
    let mut stops = 0;
    for _ in 0..400 {
        browser.keys(&[TAB]);
        let f = browser.eval(FOCUSED);
        if f.is_null() {
            break;
        }
        stops += 1;
        assert_eq!(f["outline"], true, "no visible focus outline on {f}");
        if f["inDiagram"] == true {
            seen_badges.insert(f["href"].as_str().unwrap_or("").to_string());
        }
        if let Some(id) = f["finding"].as_str().filter(|s| !s.is_empty()) {
            seen_findings.insert(id.to_string());
        }
        if f["cls"].as_str().is_some_and(|c| c.contains("edit-link")) {
            break;
        }
    }
    eprintln!(
        "{stops} Tab stops, each with a visible outline; {} of {} badges, {} of {} findings reached",
        seen_badges.len(),
        badges.len(),
        seen_findings.len(),
        findings.len()
    );
    let missing: Vec<&String> = badges.iter().filter(|b| !seen_badges.contains(*b)).collect();
    assert!(missing.is_empty(), "{stops} Tab stops never reached these badges: {missing:?}");
    // A finding is reached through its rule link or its YAML line link; one without links
    // (a tool code at the fence) is reached from its badge.
    let linked = browser.eval(
        "return Array.from(document.querySelectorAll('.topology-panel .finding'))
           .filter(function (f) { return f.querySelector('a[href]') && !f.closest('details:not([open])'); })
           .map(function (f) { return f.id; })",
    );
    for id in linked.as_array().expect("linked findings").iter().filter_map(Value::as_str) {
        assert!(seen_findings.contains(id), "the keyboard never reached finding `{id}`");
    }

    // A badge leads to its finding: focus it, press Enter, and the finding is the target.
    let href = badges.iter().find(|b| b.starts_with('#')).expect("a badge links to a finding");
    browser.eval(&format!(
        "var b = document.querySelector('svg.tb-diagram a[href=\"{href}\"]'); b.focus(); return true"
    ));
    browser.keys(&[ENTER]);
    browser.wait_for(
        "the badge's finding is the target",
        &format!("return location.hash === '{href}' && !!document.querySelector('{href}.finding')"),
        PATIENCE,
    );

    // Search without a mouse: `/` focuses it, typing shows results, ArrowDown selects one,
    // Escape closes the results and keeps the focus in the box.
    open(&browser, &format!("{base}/repo/introduction.html"), "light");
    browser.keys(&["/"]);
    browser.wait_for(
        "`/` focuses the search box",
        "return document.activeElement && document.activeElement.id === 'search-input'",
        PATIENCE,
    );
    browser.type_text("key vault");
    browser.wait_for(
        "search results show",
        "var b = document.getElementById('search-results'); return !b.hidden && !!b.querySelector('li a')",
        PATIENCE,
    );
    browser.keys(&["\u{E015}"]);
    assert_eq!(browser.eval("return !!document.querySelector('#search-results li.selected')"), true);
    browser.keys(&[ESCAPE]);
    assert_eq!(
        browser.eval("return document.getElementById('search-results').hidden"),
        true,
        "Escape closes search"
    );
    assert_eq!(
        browser.eval("return document.activeElement.id"),
        "search-input",
        "the focus stays in the box"
    );
    // Tab from the box into the results, then Escape: closed, back in the box.
    browser.type_text(" ");
    browser.wait_for(
        "search results show again",
        "var b = document.getElementById('search-results'); return !b.hidden && !!b.querySelector('li a')",
        PATIENCE,
    );
    browser.eval("document.querySelector('#search-results li a').focus(); return true");
    browser.keys(&[ESCAPE]);
    assert_eq!(browser.eval("return document.getElementById('search-results').hidden"), true);
    assert_eq!(browser.eval("return document.activeElement.id"), "search-input");

    // On a phone the sidebar is a drawer: its button opens it, the chapters are reachable,
    // Escape closes it and gives the focus back to the button; closed, it takes no Tab stop.
    drop(browser);
    let phone = Browser::start(&tools.chromium, &tools.chromedriver, 400, 900);
    open(&phone, &format!("{base}/repo/introduction.html"), "light");
    let hidden_links = phone.eval(
        "return Array.from(document.querySelectorAll('#sidebar a')).filter(function (a) { a.focus(); return document.activeElement === a; }).length",
    );
    assert_eq!(hidden_links, 0, "a closed drawer's links take the focus");
    phone.eval("document.getElementById('sidebar-toggle').focus(); return true");
    phone.keys(&[ENTER]);
    phone.wait_for(
        "the drawer opens",
        "return document.body.classList.contains('sidebar-open') && getComputedStyle(document.getElementById('sidebar')).visibility === 'visible'",
        PATIENCE,
    );
    let mut reached = false;
    for _ in 0..12 {
        phone.keys(&[TAB]);
        if phone.eval("return !!document.activeElement.closest('#sidebar')") == true {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab never reached the open drawer's chapters");
    phone.keys(&[ESCAPE]);
    phone.wait_for(
        "Escape closes the drawer",
        "return !document.body.classList.contains('sidebar-open')",
        PATIENCE,
    );
    assert_eq!(phone.eval("return document.activeElement.id"), "sidebar-toggle");
}
