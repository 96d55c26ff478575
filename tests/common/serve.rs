//! Helpers for the tests of `topobook serve`: start the real binary on a book, fetch with an
//! HTTP client or raw bytes, and listen to the live-reload WebSocket like a page does.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for something that should happen at once (generous: CI machines
/// are shared).
pub const PATIENCE: Duration = Duration::from_secs(15);

/// A running `topobook serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base: String,
    pub addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `topobook serve --port 0 <dir> <extra...>` and wait for its URL.
pub fn start(dir: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_topobook"))
        .arg("serve")
        .arg(dir)
        .args(["--port", "0"])
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run topobook serve");
    let stderr = Arc::new(Mutex::new(String::new()));
    if let Some(err) = child.stderr.take() {
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&line);
                    s.push('\n');
                }
            }
        });
    }
    let (tx, rx) = channel();
    if let Some(out) = child.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(i) = line.find("http://") {
                    let _ = tx.send(line[i..].trim_end_matches('/').to_string());
                }
            }
        });
    }
    let base = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(b) => b,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no URL printed; stderr:\n{}", stderr.lock().map(|s| s.clone()).unwrap_or_default());
        }
    };
    let addr = base.trim_start_matches("http://").to_string();
    Server { child, base, addr, stderr }
}

/// A response, read whole.
pub struct Page {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The build a page was served from (`data-build` of the live script).
    pub fn build(&self) -> String {
        let at = self.body.find("data-build=\"").map(|i| i + 12).unwrap_or(0);
        self.body[at..].split('"').next().unwrap_or("").to_string()
    }
}

fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(PATIENCE))
        .build();
    ureq::Agent::new_with_config(config)
}

impl Server {
    /// Everything the server printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Is the process still running?
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// GET `path` (starting with `/`) with extra headers.
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut req = agent().get(format!("{}{path}", self.base));
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        let mut res = req.call().unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = res.body_mut().read_to_string().unwrap_or_default();
        Page { status, headers, body }
    }

    pub fn get(&self, path: &str) -> Page {
        self.get_with(path, &[])
    }

    /// Send `request` (a whole HTTP request, as bytes) and return the status code.
    pub fn raw(&self, request: &[u8]) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        let _ = s.set_read_timeout(Some(PATIENCE));
        s.write_all(request).expect("send");
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        (status, text)
    }

    /// GET with a request target sent exactly as given (no client-side normalisation).
    pub fn raw_get(&self, target: &str) -> (u16, String) {
        self.raw(
            format!("GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr).as_bytes(),
        )
    }

    /// Open the live socket as the page `page` served from build `since`.
    pub fn live(&self, page: &str, since: &str) -> Live {
        let url = format!("ws://{}/__topobook/live?page={page}&since={since}", self.addr);
        let stream = TcpStream::connect(&self.addr).expect("connect");
        let (mut ws, _) = tungstenite::client::client(url, stream).expect("websocket handshake");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            while let Ok(m) = ws.read() {
                if let tungstenite::Message::Text(t) = m {
                    let value: serde_json::Value = serde_json::from_str(t.as_str()).unwrap_or_default();
                    if tx.send((Instant::now(), value)).is_err() {
                        return;
                    }
                }
            }
        });
        Live { rx }
    }
}

/// Messages of the live socket, as JSON.
pub struct Live {
    pub rx: Receiver<(Instant, serde_json::Value)>,
}

impl Live {
    /// The next message within `wait`.
    pub fn next(&self, wait: Duration) -> Option<serde_json::Value> {
        self.rx.recv_timeout(wait).ok().map(|(_, v)| v)
    }

    /// Skip messages until one of type `kind` arrives.
    pub fn next_of(&self, kind: &str, wait: Duration) -> Option<serde_json::Value> {
        let until = Instant::now() + wait;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let m = self.next(left)?;
            if m["type"] == kind {
                return Some(m);
            }
        }
    }

    /// Every message that arrives within `wait`.
    pub fn drain(&self, wait: Duration) -> Vec<serde_json::Value> {
        let until = Instant::now() + wait;
        let mut out = Vec::new();
        while let Some(m) = self.next(until.saturating_duration_since(Instant::now())) {
            out.push(m);
        }
        out
    }
}

/// Replace `path` the way editors save: write a temp file beside it, then rename it over.
pub fn atomic_write(path: &Path, text: &str) {
    let tmp = path.with_extension("md.tmp");
    std::fs::write(&tmp, text).expect("write temp file");
    std::fs::rename(&tmp, path).expect("rename over the page");
}

/// Wait until `f` holds, or panic with `what`.
pub fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let until = Instant::now() + PATIENCE;
    while Instant::now() < until {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting until {what}");
}
