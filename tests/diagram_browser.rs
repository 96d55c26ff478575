//! The enterprise hub-and-spoke diagram (`tests/books/hub-spoke`: the secured scenario and
//! three spokes of six subnets) in a real browser at 1400 px: it fits the content column at a
//! readable size, its expanded view opens full-width with pan and zoom and closes with `Esc`,
//! and a badge reached by keyboard shows its tooltip. Headless Chromium is driven over
//! WebDriver (`chromedriver`, `tests/support/webdriver.rs`) for the keys; screenshots are
//! kept under `target/tmp/browser/` (the paths are printed).
//!
//! Without Chromium or chromedriver the test is skipped, unless `TOPOBOOK_BROWSER_TESTS` is
//! set (CI sets it): then their absence is a failure.

// It prints the measures and where the screenshots are.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use topobook::check::CheckSettings;
use topobook::output::DiskOutput;
use topobook::site::{Site, SiteOptions};
use webdriver::{Browser, ESCAPE, TAB};

const PATIENCE: Duration = Duration::from_secs(20);
const AXE: &str = "target/axe/node_modules/axe-core/axe.min.js";

/// The serious and critical WCAG 2.1 A/AA violations axe-core finds in the page.
fn serious_violations(browser: &Browser, axe: &str) -> Vec<Value> {
    browser.eval(&format!("{axe}\n;return true"));
    let result = browser.eval_async(
        "var done = arguments[arguments.length - 1];
         axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                            resultTypes: ['violations']})
           .then(function (r) { done(r.violations
             .filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
             .map(function (v) { return {id: v.id, help: v.help,
               nodes: v.nodes.map(function (n) { return n.target.join(' '); })}; })); })
           .catch(function (e) { done([{error: String(e)}]); });",
        &[],
    );
    result.as_array().cloned().unwrap_or_else(|| panic!("axe-core did not run: {result}"))
}

/// Width and height of a PNG.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 24, "not a PNG");
    let be = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

/// A screenshot of the viewport, kept under `target/tmp/browser/`; its PNG bytes.
fn screenshot(browser: &Browser, name: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    let path: PathBuf = dir.join(name);
    browser.screenshot(&path);
    println!("screenshot: {}", path.display());
    std::fs::read(&path).expect("the screenshot")
}

/// What the page measures of the first diagram, as JSON.
const MEASURE: &str = r#"
var svg = document.querySelector('.topology-diagram > svg.tb-diagram');
var box = svg.getBoundingClientRect();
var vb = svg.viewBox.baseVal;
var smallest = Infinity;
svg.querySelectorAll('text').forEach(function (t) {
  smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * box.width / vb.width);
});
return {
  width: box.width, height: box.height, vbWidth: vb.width, vbHeight: vb.height, smallest: smallest,
  column: document.querySelector('.content').getBoundingClientRect().width,
  full: !!svg.parentNode.querySelector('template.tb-full'),
  text: svg.textContent
};
"#;

#[test]
fn hub_and_spoke_is_readable_and_expands() {
    let required = std::env::var_os("TOPOBOOK_BROWSER_TESTS").is_some();
    let (Some(chromium), Some(chromedriver)) =
        (webdriver::find(&["chromium", "chromium-browser"]), webdriver::find(&["chromedriver"]))
    else {
        assert!(!required, "TOPOBOOK_BROWSER_TESTS is set but chromium or chromedriver is missing");
        eprintln!("skipped: chromium or chromedriver not found");
        return;
    };
    let dir = common::book("hub-spoke");
    let check = CheckSettings { today: time::macros::date!(2026 - 01 - 15), ..CheckSettings::default() };
    let mut site = Site::load(dir.path(), SiteOptions { check, ..SiteOptions::default() }).expect("load");
    let target = dir.path().join("out");
    let out = DiskOutput::begin(&target).expect("output");
    let report = site.build(&out);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    out.commit().expect("commit");
    let page = format!("file://{}", target.join("index.html").display());

    let browser = Browser::start(&chromium, &chromedriver, 1400, 900);
    browser.go(&page);
    browser.wait_for("the page is laid out", "return !!document.querySelector('.tb-expand')", PATIENCE);

    // In the content column at 1400 px: readable, and of a shape a 16:10 screen shows.
    let m = browser.eval(MEASURE);
    let num = |k: &str| m[k].as_f64().unwrap_or_else(|| panic!("{k} in {m}"));
    let aspect = num("vbWidth") / num("vbHeight");
    println!(
        "hub and spoke: viewBox {}×{}, aspect {aspect:.2}, shown {:.0}×{:.0} px in a {:.0} px column, smallest label {:.2} px",
        num("vbWidth"),
        num("vbHeight"),
        num("width"),
        num("height"),
        num("column"),
        num("smallest")
    );
    assert!((0.6..=2.0).contains(&aspect), "aspect ratio {aspect:.2}: {m}");
    assert!(num("smallest") >= 9.0, "labels of {:.2} px: {m}", num("smallest"));
    assert!(num("width") <= num("column"), "the diagram stays in the column: {m}");
    // Alike spokes and subnets are drawn once, with their counts; the whole is kept.
    let text = m["text"].as_str().unwrap_or("");
    assert!(text.contains("alike subnets") && text.contains("×6"), "{text}");
    assert_eq!(m["full"], true, "the whole diagram is there for the expanded view");

    let png = screenshot(&browser, "hub-spoke.png");
    assert_eq!(png_size(&png), (1400, 900));

    // The expanded view: full width, the whole diagram, focus on its close button.
    browser.eval("document.querySelector('.tb-expand').click(); return true");
    browser.wait_for(
        "the expanded view opens",
        "return !!document.querySelector('dialog.tb-viewer[open]')",
        PATIENCE,
    );
    let opened = browser.eval(
        "var d = document.querySelector('dialog.tb-viewer'); var s = d.querySelector('svg.tb-diagram'); \
         return {dialog: d.getBoundingClientRect().width, svg: s.getBoundingClientRect().width, \
                 id: s.id, focus: document.activeElement.className, \
                 subnets: s.querySelectorAll('.tb-subnet').length, transform: s.style.transform}",
    );
    assert!(opened["dialog"].as_f64() >= Some(1390.0), "full width: {opened}");
    assert!(opened["svg"].as_f64() >= Some(1300.0), "the diagram fills the width: {opened}");
    assert!(opened["id"].as_str().is_some_and(|id| id.ends_with("-full-diagram")), "{opened}");
    assert!(opened["subnets"].as_u64() >= Some(23), "every subnet: {opened}");
    assert!(opened["focus"].as_str().is_some_and(|c| c.contains("tb-viewer-close")), "{opened}");
    let png = screenshot(&browser, "hub-spoke-expanded.png");
    assert_eq!(png_size(&png), (1400, 900));
    // The open view passes axe-core too (when installed, as `tests/a11y.rs` wants it).
    if let Ok(source) = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(AXE)) {
        let bad = serious_violations(&browser, &source);
        assert!(bad.is_empty(), "axe-core in the expanded view: {bad:#?}");
    }
    // Zoom with the keyboard.
    browser.keys(&["+", "+"]);
    let zoomed = browser.eval("return document.querySelector('dialog.tb-viewer svg').style.transform");
    assert_ne!(zoomed, opened["transform"], "+ zooms");
    // Esc closes it and gives the focus back.
    browser.keys(&[ESCAPE]);
    browser.wait_for(
        "the expanded view closes",
        "return !document.querySelector('dialog.tb-viewer[open]')",
        PATIENCE,
    );
    assert_eq!(browser.eval("return document.activeElement.className"), "tb-expand");
    // A click on the drawing opens it too.
    browser.eval(
        "document.querySelector('.topology-diagram > svg.tb-diagram .tb-canvas')\
         .dispatchEvent(new MouseEvent('click', {bubbles: true})); return true",
    );
    browser.wait_for(
        "a click opens it",
        "return !!document.querySelector('dialog.tb-viewer[open]')",
        PATIENCE,
    );
    browser.keys(&[ESCAPE]);
    browser.wait_for("Esc closes it", "return !document.querySelector('dialog.tb-viewer[open]')", PATIENCE);

    // A badge reached by keyboard shows its tooltip; Esc hides it.
    browser.eval("document.querySelector('.tb-expand').focus(); return true");
    let mut reached = false;
    for _ in 0..40 {
        browser.keys(&[TAB]);
        if browser.eval("return !!document.activeElement.closest('a.tb-badge')") == Value::Bool(true) {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches a badge");
    let tip = browser.eval(
        "var t = document.querySelector('.tb-tip'); \
         return t && !t.hidden ? t.textContent : null",
    );
    assert!(tip.as_str().is_some_and(|t| t.contains("AML-")), "the tooltip shows: {tip}");
    browser.keys(&[ESCAPE]);
    assert_eq!(browser.eval("var t = document.querySelector('.tb-tip'); return !t || t.hidden"), true);
}
