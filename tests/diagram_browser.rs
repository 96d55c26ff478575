//! The enterprise hub-and-spoke diagram (`tests/books/hub-spoke`: the secured scenario and
//! three spokes of six subnets) in a real browser at 1400 px: it fits the content column at a
//! readable size, its expanded view opens full-width with pan and zoom and closes with `Esc`,
//! and a badge reached by keyboard shows its tooltip. Headless Chromium is driven over
//! WebDriver (`chromedriver`) for the keys and clicks; screenshots are kept under
//! `target/tmp/browser/` (the paths are printed).
//!
//! Without Chromium or chromedriver the test is skipped, unless `TOPOBOOK_BROWSER_TESTS` is
//! set (CI sets it): then their absence is a failure.

// It prints the measures and where the screenshots are.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use topobook::check::CheckSettings;
use topobook::output::DiskOutput;
use topobook::site::{Site, SiteOptions};

fn tool(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/lib/chromium")])
        .collect();
    names.iter().flat_map(|n| dirs.iter().map(move |d| d.join(n))).find(|p| p.is_file())
}

/// A chromedriver and one browser session in it; both end when dropped.
struct Session {
    driver: Child,
    url: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.agent.delete(&self.url).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Session {
    fn start(chromium: &Path, chromedriver: &Path, width: u32, height: u32) -> Session {
        let mut driver = Command::new(chromedriver)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run chromedriver");
        let mut lines = BufReader::new(driver.stdout.take().expect("chromedriver output")).lines();
        let port = loop {
            let Some(Ok(line)) = lines.next() else { panic!("chromedriver did not start") };
            if let Some(rest) = line.split("started successfully on port ").nth(1) {
                break rest.trim_end_matches('.').trim().to_string();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(60)))
                .build(),
        );
        let profile = tempfile::tempdir().expect("profile dir");
        let args = [
            "--headless".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--hide-scrollbars".to_string(),
            "--no-first-run".to_string(),
            "--allow-file-access-from-files".to_string(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium.to_string_lossy(), "args": args}
        }}});
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let id = loop {
            let res = call(&agent, "POST", &format!("{base}/session"), Some(&caps));
            if let Some(id) = res["value"]["sessionId"].as_str() {
                break id.to_string();
            }
            assert!(started.elapsed() < Duration::from_secs(60), "no browser session: {res}");
            std::thread::sleep(Duration::from_millis(200));
        };
        Session { driver, url: format!("{base}/session/{id}"), agent, _profile: profile }
    }

    fn post(&self, path: &str, body: Value) -> Value {
        call(&self.agent, "POST", &format!("{}{path}", self.url), Some(&body))
    }

    fn go(&self, url: &str) {
        let res = self.post("/url", json!({"url": url}));
        assert!(res["value"].is_null(), "navigation failed: {res}");
    }

    /// Run `script` (a function body) in the page and return its value.
    fn eval(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": []}))["value"].clone()
    }

    fn wait_for(&self, what: &str, script: &str) {
        let until = Instant::now() + Duration::from_secs(20);
        let mut last = Value::Null;
        while Instant::now() < until {
            last = self.eval(script);
            if last == Value::Bool(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting until {what} (last: {last})");
    }

    /// Press keys as a person would (WebDriver key codes: `\u{E004}` Tab, `\u{E00C}` Escape).
    fn keys(&self, keys: &str) {
        let mut actions = Vec::new();
        for k in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": k.to_string()}));
            actions.push(json!({"type": "keyUp", "value": k.to_string()}));
        }
        let res = self
            .post("/actions", json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}));
        assert!(res["value"].is_null(), "keys failed: {res}");
    }

    fn click(&self, css: &str) {
        let found = self.post("/element", json!({"using": "css selector", "value": css}));
        let element = found["value"].as_object().and_then(|o| o.values().next()).and_then(Value::as_str);
        let element = element.unwrap_or_else(|| panic!("no element `{css}`: {found}")).to_string();
        let res = self.post(&format!("/element/{element}/click"), json!({}));
        assert!(res["value"].is_null(), "click on `{css}` failed: {res}");
    }

    /// A screenshot of the window, as PNG bytes.
    fn screenshot(&self) -> Vec<u8> {
        let res = call(&self.agent, "GET", &format!("{}/screenshot", self.url), None);
        base64(res["value"].as_str().expect("a screenshot"))
    }
}

fn call(agent: &ureq::Agent, method: &str, url: &str, body: Option<&Value>) -> Value {
    let res = match (method, body) {
        ("POST", Some(b)) => agent.post(url).header("Content-Type", "application/json").send(b.to_string()),
        _ => agent.get(url).call(),
    };
    let mut res = res.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let text = res.body_mut().read_to_string().unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {url}: not JSON: {text}"))
}

/// Standard base64, as WebDriver sends screenshots.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &d)| n | (u32::from(d) << (18 - 6 * i)));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter().copied());
    }
    out
}

/// Width and height of a PNG.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 24, "not a PNG");
    let be = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

fn keep(name: &str, png: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    let path = dir.join(name);
    std::fs::write(&path, png).expect("write screenshot");
    println!("screenshot: {}", path.display());
    path
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
        (tool(&["chromium", "chromium-browser"]), tool(&["chromedriver"]))
    else {
        assert!(!required, "TOPOBOOK_BROWSER_TESTS is set but chromium or chromedriver is missing");
        eprintln!("skipped: chromium or chromedriver not found");
        return;
    };
    let dir = common::book("hub-spoke");
    let check = CheckSettings { today: time::macros::date!(2026 - 01 - 15), ..CheckSettings::default() };
    let mut site = Site::load(dir.path(), SiteOptions { check }).expect("load");
    let target = dir.path().join("out");
    let out = DiskOutput::begin(&target).expect("output");
    let report = site.build(&out);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    out.commit().expect("commit");
    let page = format!("file://{}", target.join("index.html").display());

    let browser = Session::start(&chromium, &chromedriver, 1400, 900);
    browser.go(&page);
    browser.wait_for("the page is laid out", "return !!document.querySelector('.tb-expand')");

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

    let png = browser.screenshot();
    let (w, h) = png_size(&png);
    assert!(w == 1400 && h >= 600, "a 1400 px wide window: {w}×{h}");
    keep("hub-spoke.png", &png);

    // The expanded view: full width, the whole diagram, focus on its close button.
    browser.click(".tb-expand");
    browser.wait_for("the expanded view opens", "return !!document.querySelector('dialog.tb-viewer[open]')");
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
    let png = browser.screenshot();
    assert_eq!(png_size(&png), (w, h));
    keep("hub-spoke-expanded.png", &png);
    // Zoom with the keyboard.
    browser.keys("++");
    let zoomed = browser.eval("return document.querySelector('dialog.tb-viewer svg').style.transform");
    assert_ne!(zoomed, opened["transform"], "+ zooms");
    // Esc closes it and gives the focus back.
    browser.keys("\u{E00C}");
    browser.wait_for("the expanded view closes", "return !document.querySelector('dialog.tb-viewer[open]')");
    assert_eq!(browser.eval("return document.activeElement.className"), "tb-expand");
    // A click on the drawing opens it too.
    browser.click(".topology-diagram > svg.tb-diagram");
    browser.wait_for("a click opens it", "return !!document.querySelector('dialog.tb-viewer[open]')");
    browser.keys("\u{E00C}");
    browser.wait_for("Esc closes it", "return !document.querySelector('dialog.tb-viewer[open]')");

    // A badge reached by keyboard shows its tooltip; Esc hides it.
    browser.eval("document.querySelector('.tb-expand').focus(); return true");
    let mut reached = false;
    for _ in 0..40 {
        browser.keys("\u{E004}");
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
    browser.keys("\u{E00C}");
    assert_eq!(browser.eval("var t = document.querySelector('.tb-tip'); return !t || t.hidden"), true);
}
