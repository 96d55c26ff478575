//! The built site opened from disk (`file://`), as readers of a build artifact or a file share
//! open it, in headless Chromium driven over WebDriver with a fresh profile and no flag that
//! loosens what a `file://` page may do: search (its index loaded as scripts, since browsers
//! refuse `fetch()` there), `?search=WORD`, the sidebar, the theme toggle and its memory, the
//! copy buttons, the diagrams and the print button. Then the same site over HTTP, served as
//! static files, for `?search=WORD`.
//!
//! Skipped without Chromium and chromedriver unless `TOPOBOOK_BROWSER_TESTS` is set.

mod common;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use webdriver::Browser;

/// `tests/books/diagrams` with the failing page of `diagrams-failing`, built by the binary.
fn built() -> (tempfile::TempDir, PathBuf) {
    let dir = common::book("diagrams");
    let broken = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/diagrams-failing/content/broken.md");
    std::fs::copy(&broken, dir.path().join("content/broken.md")).expect("copy the failing page");
    let (code, _, err) = common::topobook(&["build", &dir.path().to_string_lossy()], None);
    assert_eq!(code, 1, "the failing page fails the build, and the site is written: {err}");
    let site = dir.path().join("site");
    assert!(site.join("search/docs.js").is_file() && site.join("search/v.js").is_file());
    (dir, site)
}

fn file_url(site: &Path, page: &str) -> String {
    format!("file://{}/{page}", site.display())
}

/// The first result of the open search box, once it shows results.
const FIRST_RESULT: &str = "var box = document.getElementById('search-results'); \
    var a = box && !box.hidden ? box.querySelector('li a') : null; return a ? a.getAttribute('href') : null";

fn wait_for_results(b: &Browser, what: &str) -> String {
    b.wait_for(what, &format!("return (function () {{ {FIRST_RESULT} }})() !== null"), webdriver::PATIENCE);
    b.eval(FIRST_RESULT).as_str().unwrap_or_default().to_string()
}

#[test]
fn every_feature_works_from_file_urls() {
    let Some((chromium, chromedriver)) = webdriver::tools() else { return };
    let (_dir, site) = built();
    let b = Browser::start(&chromium, &chromedriver, 1200, 800);

    // `?search=WORD` on the home page: the box is filled and shows its results.
    b.go(&format!("{}?search=trusted", file_url(&site, "index.html")));
    let first = wait_for_results(&b, "the results of `?search=trusted` show");
    assert_eq!(b.eval("return document.getElementById('search-input').value"), "trusted");
    assert!(first.ends_with(".html") || first.contains(".html#"), "{first}");
    // Following a result opens a page of the book.
    b.click("#search-results li a");
    b.wait_for(
        "the result's page opens",
        "return !/index\\.html/.test(location.pathname)",
        webdriver::PATIENCE,
    );

    // Typing into the box, as a reader does.
    b.go(&file_url(&site, "secured.html"));
    b.click("#search-input");
    b.type_into("#search-input", "refuses");
    wait_for_results(&b, "typing `refuses` shows results");
    let all = b.eval(
        "return Array.from(document.querySelectorAll('#search-results li a')).map(a => a.getAttribute('href')).join(' ')",
    );
    let all = all.as_str().unwrap_or_default();
    assert!(all.contains("broken.html#a-key-vault-that-refuses-trusted-services"), "{all}");

    // The sidebar, from `toc.js`, marks the failing page and the current one.
    b.wait_for(
        "the sidebar is filled",
        "return document.querySelectorAll('#sidebar-nav a').length >= 4",
        webdriver::PATIENCE,
    );
    let failing = b.eval(
        "var a = document.querySelector('#sidebar-nav a[href$=\"broken.html\"]'); \
         return a ? !!a.querySelector('.badge-fail') : null",
    );
    assert_eq!(failing, true, "the failing page is marked in the sidebar");
    assert_eq!(b.eval("var a = document.querySelector('#sidebar-nav a.active'); return a ? a.getAttribute('href') : null"), "secured.html");

    // Diagrams are drawn.
    let height = b.eval(
        "var s = document.querySelector('svg.tb-diagram'); return s ? Math.round(s.getBoundingClientRect().height) : 0",
    );
    assert!(height.as_i64().unwrap_or(0) > 100, "diagram height {height}");

    // The theme toggle flips the theme, and the choice follows the reader to the next page.
    let before = b.eval("return document.documentElement.getAttribute('data-theme')");
    b.click("#theme-toggle");
    let after = b.eval("return document.documentElement.getAttribute('data-theme')");
    assert_ne!(before, after, "the toggle changes the theme");
    b.go(&file_url(&site, "counter-examples.html"));
    assert_eq!(b.eval("return document.documentElement.getAttribute('data-theme')"), after);

    // A copy button copies (the clipboard API, or the fallback when it is refused).
    b.click("button.copy");
    b.wait_for(
        "the copy button says it copied",
        "var c = document.querySelector('button.copy'); return c.textContent === 'Copied'",
        webdriver::PATIENCE,
    );

    // The print button opens the whole book, which shows every chapter.
    assert_eq!(
        b.eval("return document.getElementById('print-button').getAttribute('href')"),
        "print.html?print"
    );
    b.go(&file_url(&site, "print.html"));
    let chapters = b.eval("return document.querySelectorAll('section.print-chapter').length");
    assert_eq!(chapters, 4, "every page is a chapter of print.html");
    assert_eq!(b.eval("return document.querySelectorAll('#sidebar, #search-input').length"), 0);

    // The failing page says so at its top, with links to its failing blocks.
    b.go(&file_url(&site, "broken.html"));
    let banner = b.eval("var p = document.querySelector('.page-problems'); return p ? p.innerText : null");
    let banner = banner.as_str().unwrap_or_default();
    assert!(banner.contains("2 topology blocks fail on this page"), "{banner}");
    assert!(banner.contains("Locked key vault"), "{banner}");
}

/// Serve the files of `root` over HTTP on a free port (GET only, one thread per connection).
fn serve_static(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                // Read the headers away.
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/");
                let path = path.split(['?', '#']).next().unwrap_or("/").trim_start_matches('/');
                let path = if path.is_empty() { "index.html" } else { path };
                let file = root.join(path);
                let ok = !path.contains("..") && file.is_file();
                let body = if ok { std::fs::read(&file).unwrap_or_default() } else { b"not found".to_vec() };
                let kind = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("js") => "text/javascript; charset=utf-8",
                    Some("css") => "text/css; charset=utf-8",
                    Some("json") => "application/json",
                    Some("svg") => "image/svg+xml",
                    _ => "application/octet-stream",
                };
                let status = if ok { "200 OK" } else { "404 Not Found" };
                let mut out = &stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = out.write_all(&body);
            });
        }
    });
    port
}

#[test]
fn search_in_the_address_works_over_http_too() {
    let Some((chromium, chromedriver)) = webdriver::tools() else { return };
    let (_dir, site) = built();
    let port = serve_static(site);
    let b = Browser::start(&chromium, &chromedriver, 1200, 800);
    b.go(&format!("http://127.0.0.1:{port}/index.html?search=vault"));
    let first = wait_for_results(&b, "the results of `?search=vault` show over HTTP");
    assert!(first.contains(".html"), "{first}");
    assert_eq!(b.eval("return document.getElementById('search-input').value"), "vault");
}
