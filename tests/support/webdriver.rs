//! Headless Chromium driven over WebDriver by `chromedriver` (Debian's `chromium-driver`):
//! plain JSON over HTTP, so the tests need nothing but the HTTP client they already use.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The first of `names` found on `PATH` (or where Debian puts Chromium).
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

/// WebDriver's key codes.
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";

impl Browser {
    /// Start chromedriver and a headless Chromium whose viewport is `width` × `height` CSS
    /// pixels.
    pub fn start(chromium: &Path, chromedriver: &Path, width: u32, height: u32) -> Browser {
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
                .timeout_global(Some(Duration::from_secs(120)))
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
            "--hide-scrollbars".to_string(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium.to_string_lossy(), "args": args,
                // The viewport exactly (a headless window is at least 500 pixels wide).
                "mobileEmulation": {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0,
                                                      "mobile": false, "touch": false}}}
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

    fn url(&self, rest: &str) -> String {
        format!("{}/session/{}/{rest}", self.base, self.session)
    }

    pub fn go(&self, url: &str) {
        let res = post(&self.agent, &self.url("url"), &json!({"url": url}));
        assert!(res["value"].is_null(), "navigation to {url} failed: {res}");
    }

    /// Run `script` (a function body) in the page and return its value.
    pub fn eval(&self, script: &str) -> Value {
        post(&self.agent, &self.url("execute/sync"), &json!({"script": script, "args": []}))["value"].clone()
    }

    /// Run `script` (a function body whose last argument is the callback) and return what it
    /// passes to the callback.
    pub fn eval_async(&self, script: &str, args: &[Value]) -> Value {
        post(&self.agent, &self.url("execute/async"), &json!({"script": script, "args": args}))["value"]
            .clone()
    }

    /// Wait until `script` returns `true` in the page.
    pub fn wait_for(&self, what: &str, script: &str, patience: Duration) {
        let until = Instant::now() + patience;
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

    /// Press and release each key of `keys` in turn (characters, or the codes above), the
    /// way a keyboard does: to the focused element.
    pub fn keys(&self, keys: &[&str]) {
        let mut actions = Vec::new();
        for k in keys {
            actions.push(json!({"type": "keyDown", "value": k}));
            actions.push(json!({"type": "keyUp", "value": k}));
        }
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        let res = post(&self.agent, &self.url("actions"), &body);
        assert!(res["value"].is_null(), "key actions failed: {res}");
    }

    /// Type `text` into the focused element.
    pub fn type_text(&self, text: &str) {
        let chars: Vec<String> = text.chars().map(String::from).collect();
        self.keys(&chars.iter().map(String::as_str).collect::<Vec<_>>());
    }

    /// Save a PNG screenshot of the viewport to `path`.
    pub fn screenshot(&self, path: &Path) {
        let mut res = self.agent.get(self.url("screenshot")).call().expect("screenshot");
        let text = res.body_mut().read_to_string().unwrap_or_default();
        let v: Value = serde_json::from_str(&text).expect("screenshot JSON");
        let data = v["value"].as_str().expect("screenshot data");
        let png = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, data).expect("base64");
        std::fs::write(path, png).expect("write screenshot");
    }
}
