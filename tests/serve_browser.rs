//! The live preview in a real browser: headless Chromium, driven over WebDriver by
//! `chromedriver` (Debian's `chromium-driver`), opens a served page while the test edits the
//! Markdown as an author would, and checks what the page shows after each save.
//!
//! WebDriver is plain JSON over HTTP, so the test needs nothing but the HTTP client the other
//! serve tests use; the DevTools protocol would need a WebSocket client and a session
//! handshake of its own for the same checks.
//!
//! The test skips only when Chromium or chromedriver is absent and `TOPOBOOK_BROWSER_TESTS` is
//! unset; with the variable set (CI sets it), their absence fails the test.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

mod common;
#[path = "common/serve.rs"]
mod serve;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use serve::{PATIENCE, atomic_write};

fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path)
            .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/lib/chromium")])
        {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// chromedriver, killed when dropped, and one browser session.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.agent.delete(format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn post(agent: &ureq::Agent, url: &str, body: &Value) -> Value {
    let mut res = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let text = res.body_mut().read_to_string().unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("POST {url}: not JSON: {text}"))
}

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path) -> Browser {
        let mut driver = Command::new(chromedriver)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run chromedriver");
        let out = driver.stdout.take().expect("chromedriver output");
        let mut lines = BufReader::new(out).lines();
        let port = loop {
            let Some(Ok(line)) = lines.next() else { panic!("chromedriver did not start") };
            if let Some(rest) = line.split("started successfully on port ").nth(1) {
                break rest.trim_end_matches('.').trim().to_string();
            }
        };
        // Keep reading so that chromedriver never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let base = format!("http://127.0.0.1:{port}");
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
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--no-first-run".to_string(),
            "--window-size=1200,800".to_string(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium.to_string_lossy(), "args": args}
        }}});
        let started = Instant::now();
        let session = loop {
            let res = post(&agent, &format!("{base}/session"), &caps);
            if let Some(id) = res["value"]["sessionId"].as_str() {
                break id.to_string();
            }
            assert!(started.elapsed() < Duration::from_secs(60), "no browser session: {res}");
            std::thread::sleep(Duration::from_millis(200));
        };
        Browser { driver, base, session, agent, _profile: profile }
    }

    fn go(&self, url: &str) {
        let res =
            post(&self.agent, &format!("{}/session/{}/url", self.base, self.session), &json!({"url": url}));
        assert!(res["value"].is_null(), "navigation failed: {res}");
    }

    /// Run `script` (a function body) in the page and return its value.
    fn eval(&self, script: &str) -> Value {
        let url = format!("{}/session/{}/execute/sync", self.base, self.session);
        post(&self.agent, &url, &json!({"script": script, "args": []}))["value"].clone()
    }

    /// Wait until `script` returns `true` in the page.
    fn wait_for(&self, what: &str, script: &str) {
        let until = Instant::now() + PATIENCE;
        let mut last = Value::Null;
        while Instant::now() < until {
            last = self.eval(script);
            if last == Value::Bool(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let text = self.eval("return document.body ? document.body.innerText : ''");
        panic!("timed out waiting until {what} (last: {last}); the page shows:\n{text}");
    }
}

/// The outcome word of the page's first block (after its icon).
const VERDICT: &str = "var s = document.querySelector('.topology .topology-status'); \
     return s ? s.lastChild.textContent.trim() : null";
const OVERLAY: &str = "var o = document.getElementById('topobook-overlay'); return o ? o.innerText : null";

/// A script that returns whether `script` (a function body) returns `value` (JavaScript).
fn returns(script: &str, value: &str) -> String {
    format!("return (function () {{ {script} }})() === {value}")
}

#[test]
fn the_browser_follows_each_save() {
    let required = std::env::var_os("TOPOBOOK_BROWSER_TESTS").is_some();
    let (Some(chromium), Some(chromedriver)) =
        (find(&["chromium", "chromium-browser"]), find(&["chromedriver"]))
    else {
        assert!(
            !required,
            "TOPOBOOK_BROWSER_TESTS is set but chromium or chromedriver is missing; install Debian's `chromium` and `chromium-driver`"
        );
        eprintln!(
            "skipped: chromium or chromedriver not found (set TOPOBOOK_BROWSER_TESTS to make this a failure)"
        );
        return;
    };
    let dir = common::book("serve");
    // A long page, to see that the scroll position survives a reload.
    let file = dir.path().join("content/guide/a.md");
    let mut good = std::fs::read_to_string(&file).expect("read");
    for i in 0..60 {
        good.push_str(&format!("\nFiller paragraph {i} so that the page scrolls.\n"));
    }
    std::fs::write(&file, &good).expect("write");
    // The theme's stylesheet, overridden by the book so that the test can change it.
    let css = dir.path().join("themes/default/static/css/theme.css");
    std::fs::create_dir_all(css.parent().expect("parent")).expect("mkdir");
    let theme_css = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/css/theme.css"),
    )
    .expect("read theme.css");
    std::fs::write(&css, &theme_css).expect("write");

    let server = serve::start(dir.path(), &[]);
    let browser = Browser::start(&chromium, &chromedriver);
    browser.go(&format!("{}/guide/a.html", server.base));
    browser.wait_for("the page is shown", "return document.body.innerText.includes('First text.')");
    assert_eq!(browser.eval(VERDICT), "passed");
    // The live script is connected once the page has its state; mark this page load.
    std::thread::sleep(Duration::from_millis(300));
    browser.eval("window.scrollTo(0, 600); window.__load = 1; return true");

    // 1. A text change: the page reloads with the new text, at the same place.
    let edited = good.replace("First text.", "Second text.");
    atomic_write(&file, &edited);
    browser.wait_for("the new text shows", "return document.body.innerText.includes('Second text.')");
    assert!(browser.eval("return window.__load === undefined") == Value::Bool(true), "the page reloaded");
    browser.wait_for("the scroll position is kept", "return Math.abs(window.scrollY - 600) < 5");

    // 2. A YAML change that breaks a rule: the verdict and the finding show; no overlay (the
    // status panel is where rule findings belong).
    let broken_rule =
        edited.replace("network: {default_action: Deny}", "network: {default_action: Deny, bypass: [None]}");
    atomic_write(&file, &broken_rule);
    browser.wait_for("the verdict turns to failed", &returns(VERDICT, "'failed'"));
    assert!(browser.eval("return document.body.innerText.includes('AML-KV-002')") == Value::Bool(true));
    assert_eq!(browser.eval(OVERLAY), Value::Null);

    // 3. A YAML syntax error: the overlay names the file, line and column, with the message.
    let syntax_error = broken_rule.replace("key_vault: kv-ml", "key_vault: [kv-ml");
    atomic_write(&file, &syntax_error);
    browser.wait_for("the overlay shows", &format!("return (function () {{ {OVERLAY} }})() !== null"));
    let overlay = browser.eval(OVERLAY).as_str().unwrap_or("").to_string();
    let located = overlay.lines().any(|l| {
        l.strip_prefix("content/guide/a.md:").is_some_and(|rest| {
            let parts: Vec<&str> = rest.split(':').collect();
            parts.len() == 2 && parts.iter().all(|p| p.parse::<u32>().is_ok_and(|n| n > 0))
        })
    });
    assert!(located, "file:line:col in the overlay:\n{overlay}");
    assert!(overlay.contains("error[yaml-syntax]"), "{overlay}");
    assert!(browser.eval("return document.body.innerText.includes('Second text.')") == Value::Bool(true));

    // 4. The fix: the overlay goes, the verdict is back to passed.
    atomic_write(&file, &edited);
    browser.wait_for("the overlay goes away", &returns(OVERLAY, "null"));
    browser.wait_for("the verdict is passed again", &returns(VERDICT, "'passed'"));

    // 5. A stylesheet change applies without a reload.
    browser.eval("window.__load = 2; return true");
    std::fs::write(&css, format!("{theme_css}\n:root {{ --tb-probe: 7; }}\n")).expect("write");
    browser.wait_for(
        "the new stylesheet applies",
        "return getComputedStyle(document.documentElement).getPropertyValue('--tb-probe').trim() === '7'",
    );
    assert!(browser.eval("return window.__load === 2") == Value::Bool(true), "no reload for a stylesheet");
}
