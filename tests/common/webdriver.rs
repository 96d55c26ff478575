//! Headless Chromium driven over WebDriver by `chromedriver` (Debian's `chromium` and
//! `chromium-driver`): plain JSON over HTTP, with the HTTP client the other tests use.
//! Include with `#[path = "common/webdriver.rs"] mod webdriver;`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a wait for the page may take.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// The first of `names` found on the `PATH` (or where Debian puts Chromium).
pub fn find(names: &[&str]) -> Option<PathBuf> {
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

/// Chromium and chromedriver, or `None` when the test may be skipped (they are missing and
/// `TOPOBOOK_BROWSER_TESTS` is not set; with it set, their absence fails the test).
pub fn tools() -> Option<(PathBuf, PathBuf)> {
    match (find(&["chromium", "chromium-browser"]), find(&["chromedriver"])) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            assert!(
                std::env::var_os("TOPOBOOK_BROWSER_TESTS").is_none(),
                "TOPOBOOK_BROWSER_TESTS is set but chromium or chromedriver is missing; install Debian's `chromium` and `chromium-driver`"
            );
            eprintln!(
                "skipped: chromium or chromedriver not found (set TOPOBOOK_BROWSER_TESTS to make this a failure)"
            );
            None
        }
    }
}

/// chromedriver, killed when dropped, and one browser session.
pub struct Browser {
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
    /// A fresh profile, as a reader who opens the site the first time. No flag loosens what a
    /// page opened from `file://` may do.
    pub fn start(chromium: &Path, chromedriver: &Path) -> Browser {
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

    pub fn go(&self, url: &str) {
        let res =
            post(&self.agent, &format!("{}/session/{}/url", self.base, self.session), &json!({"url": url}));
        assert!(res["value"].is_null(), "navigation to {url} failed: {res}");
    }

    /// Run `script` (a function body) in the page and return its value.
    pub fn eval(&self, script: &str) -> Value {
        let url = format!("{}/session/{}/execute/sync", self.base, self.session);
        post(&self.agent, &url, &json!({"script": script, "args": []}))["value"].clone()
    }

    /// Click the first element matching the CSS `selector` as a user does (a WebDriver click:
    /// a real pointer event with user activation).
    pub fn click(&self, selector: &str) {
        let url = format!("{}/session/{}/element", self.base, self.session);
        let found = post(&self.agent, &url, &json!({"using": "css selector", "value": selector}));
        let id = found["value"]
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element `{selector}`: {found}"))
            .to_string();
        let url = format!("{}/session/{}/element/{id}/click", self.base, self.session);
        let res = post(&self.agent, &url, &json!({}));
        assert!(res["value"].is_null(), "click on `{selector}` failed: {res}");
    }

    /// Type `text` into the first element matching `selector`.
    pub fn type_into(&self, selector: &str, text: &str) {
        let url = format!("{}/session/{}/element", self.base, self.session);
        let found = post(&self.agent, &url, &json!({"using": "css selector", "value": selector}));
        let id = found["value"].as_object().and_then(|o| o.values().next()).and_then(Value::as_str);
        let id = id.unwrap_or_else(|| panic!("no element `{selector}`: {found}")).to_string();
        let url = format!("{}/session/{}/element/{id}/value", self.base, self.session);
        let res = post(&self.agent, &url, &json!({"text": text}));
        assert!(res["value"].is_null(), "typing into `{selector}` failed: {res}");
    }

    /// Wait until `script` returns `true` in the page.
    pub fn wait_for(&self, what: &str, script: &str) {
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
