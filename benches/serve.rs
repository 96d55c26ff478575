//! Live-preview latency: from a save to a fetched page that shows the change.
//!
//! Generates the benchmark book (see `benches/common/book.rs`, 1,000 pages by default), starts
//! the release `topobook serve --port 0` on it, opens the live socket as a browser page does,
//! then edits one page at a time the way editors save (write a temp file, rename it over the
//! page), waits for the reload message that lists the page, fetches the page and checks that
//! it shows the edit. Between saves it pauses like an author (100 to 1,500 ms, seeded), so the
//! search index refresh that runs after 500 ms of quiet sometimes overlaps a save, as it does
//! for a real author.
//!
//! ```text
//! cargo bench --bench serve                 # 1,000 pages, 60 edits
//! cargo bench --bench serve -- 5000 100     # other sizes
//! ```
//!
//! The machine may be shared: the load average is printed before and after.

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

#[path = "common/book.rs"]
mod book;

fn load_average() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// GET `path` on `addr` over a fresh connection; the body.
fn fetch(addr: &str, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(addr) else { return String::new() };
    let _ = s.set_nodelay(true);
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let req = format!("GET /{path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).is_err() {
        return String::new();
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

fn main() {
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let pages = numbers.first().copied().unwrap_or(1000);
    let edits = numbers.get(1).copied().unwrap_or(60);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-books").join(format!("serve-{pages}"));
    book::generate(&dir, pages);
    println!("load average before: {}", load_average());

    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_topobook"))
        .arg("serve")
        .arg(&dir)
        .args(["--port", "0"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run topobook serve");
    let stderr = child.stderr.take().expect("stderr");
    let (log_tx, log_rx) = channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = log_tx.send(line);
        }
    });
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        match lines.next() {
            Some(Ok(l)) if l.contains("http://") => break l[l.find("http://").unwrap_or(0)..].to_string(),
            Some(_) => continue,
            None => panic!("the server printed no URL"),
        }
    };
    let ready = started.elapsed();
    let addr = base.trim_start_matches("http://").trim_end_matches('/').to_string();
    if let Some(l) = log_rx.try_iter().find(|l| l.starts_with("loaded ")) {
        println!("server: {l}");
    }
    println!(
        "server ready after {:.0} ms (process start, load, check, render into memory)",
        ready.as_secs_f64() * 1e3
    );

    // The live socket, read by a thread that timestamps every message.
    let stream = TcpStream::connect(&addr).expect("connect");
    let _ = stream.set_nodelay(true);
    let url = format!("ws://{addr}/__topobook/live?page=index.html");
    let (mut ws, _) = tungstenite::client::client(url, stream).expect("websocket");
    let (tx, rx) = channel::<(Instant, serde_json::Value)>();
    std::thread::spawn(move || {
        while let Ok(m) = ws.read() {
            if let tungstenite::Message::Text(t) = m {
                let v = serde_json::from_str(t.as_str()).unwrap_or_default();
                if tx.send((Instant::now(), v)).is_err() {
                    return;
                }
            }
        }
    });

    let mut rng = book::Rng(7);
    let mut to_event = Vec::new();
    let mut to_page = Vec::new();
    let mut failures = 0;
    let mut originals = std::collections::BTreeMap::new();
    for round in 0..edits {
        let i = (round * 37 + 11) % pages;
        let rel = book::page_path(i);
        let site_path = rel.replace(".md", ".html");
        let file: PathBuf = dir.join("content").join(&rel);
        let original = std::fs::read_to_string(&file).expect("read page");
        let marker = format!("Edited {round} at {}", rng.next());
        let edited = original.replacen("## Section 1", &format!("{marker}.\n\n## Section 1"), 1);
        // Drop messages from earlier rounds (search refreshes).
        while rx.try_recv().is_ok() {}
        let tmp = file.with_extension("md.tmp");
        let t0 = Instant::now();
        std::fs::write(&tmp, &edited).expect("write temp file");
        std::fs::rename(&tmp, &file).expect("rename");
        let mut event = None;
        while let Ok((at, m)) = rx.recv_timeout(Duration::from_secs(10)) {
            let listed = m["changed"].as_array().is_some_and(|c| c.iter().any(|p| *p == *site_path.as_str()));
            if m["type"] == "update" && listed {
                event = Some(at);
                break;
            }
        }
        let Some(at) = event else {
            failures += 1;
            continue;
        };
        let body = fetch(&addr, &site_path);
        let done = t0.elapsed();
        if !body.contains(&marker) {
            failures += 1;
            continue;
        }
        to_event.push((at - t0).as_secs_f64() * 1e3);
        to_page.push(done.as_secs_f64() * 1e3);
        originals.entry(file).or_insert(original);
        // Pause like an author between saves.
        std::thread::sleep(Duration::from_millis(100 + rng.next() % 1400));
    }
    for (file, text) in originals {
        let _ = std::fs::write(file, text);
    }
    let _ = child.kill();
    let _ = child.wait();
    for v in [&mut to_event, &mut to_page] {
        v.sort_by(|a, b| a.total_cmp(b));
    }
    println!("{pages} pages, {} edits measured, {failures} failed", to_page.len());
    println!(
        "save -> reload message:   median {:6.1} ms   p95 {:6.1} ms   max {:6.1} ms",
        percentile(&to_event, 0.5),
        percentile(&to_event, 0.95),
        percentile(&to_event, 1.0)
    );
    println!(
        "save -> page with change: median {:6.1} ms   p95 {:6.1} ms   max {:6.1} ms",
        percentile(&to_page, 0.5),
        percentile(&to_page, 0.95),
        percentile(&to_page, 1.0)
    );
    println!("load average after: {}", load_average());
}
