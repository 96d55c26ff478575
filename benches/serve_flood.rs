//! A request flood on the live preview: many clients on loopback for a while, half on
//! keep-alive connections (2 to 20 requests each), half opening a fresh connection per request,
//! over a mix of pages, 404s (one of them a traversal attempt) and assets. Every response is
//! checked (status, length, expected text). The server's resident memory (`VmRSS`) is read
//! before, every 50 ms during, and after the flood, once its connections have closed.
//!
//! ```text
//! cargo bench --bench serve_flood                # 500 clients, 30 s
//! cargo bench --bench serve_flood -- 1000 60     # other loads
//! ```

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/common/flood.rs"]
mod flood;
#[path = "../tests/common/serve.rs"]
mod serve;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use flood::Target;

fn mix() -> Vec<Target> {
    vec![
        Target::new("/", 200, "Welcome home."),
        Target::new("/guide/", 200, "The guide starts here."),
        Target::new("/guide/a.html", 200, "First text."),
        Target::new("/css/theme.css", 200, ""),
        Target::new("/js/topobook.js", 200, ""),
        Target::new("/img/pic.png", 200, "PNG"),
        Target::new("/toc.js", 200, "Page A"),
        Target::new("/no/such/page.html", 404, "Page not found"),
        Target::new("/%2e%2e/etc/passwd", 404, "Page not found"),
        Target::new("/__topobook/live.js", 200, "WebSocket"),
    ]
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn main() {
    let numbers: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let clients = numbers.first().copied().unwrap_or(500) as usize;
    let seconds = numbers.get(1).copied().unwrap_or(30);
    let dir = common::book("serve");
    let s = serve::start(dir.path(), &[]);
    let pid = s.pid();
    println!("load average before: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
    let _ = flood::flood(&s.addr, &mix(), 8, Duration::from_millis(500));
    let files_before = flood::open_files(pid);
    let (before, _) = flood::rss_kib(pid);
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = flood::watch_rss(pid, stop.clone());
    let f = flood::flood(&s.addr, &mix(), clients, Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let peak = sampler.join().unwrap_or(0);
    let files_during = flood::open_files(pid);
    let settle = Instant::now();
    while flood::open_files(pid) > files_before + 4 && settle.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let closed_in = settle.elapsed();
    std::thread::sleep(Duration::from_secs(2));
    let (after, hwm) = flood::rss_kib(pid);
    let alive = s.get("/guide/a.html").status == 200;
    println!("clients             {}", f.clients);
    println!("duration            {:.1} s", f.seconds);
    println!("connections opened  {}", f.connections);
    println!("responses (valid)   {}", f.ok);
    println!("requests per second {:.0}", f.per_second());
    println!("bad responses       {}", f.bad);
    println!("connects refused    {}", f.connect_failed);
    println!("slowest response    {:.1} ms", f.slowest.as_secs_f64() * 1e3);
    println!("rss before          {}", mib(before));
    println!("rss peak (sampled)  {} (VmHWM {})", mib(peak), mib(hwm));
    println!("rss after           {} ({:+.1} MiB)", mib(after), (after as f64 - before as f64) / 1024.0);
    println!(
        "open files          {files_before} before, {files_during} at the end, back in {:.1} s",
        closed_in.as_secs_f64()
    );
    println!("server answers after {}", if alive { "yes" } else { "NO" });
    for sample in &f.samples {
        println!("  bad: {sample}");
    }
    println!("load average after: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
    if f.bad > 0 || !alive {
        std::process::exit(1);
    }
}
