//! Load for `topobook serve`: many concurrent clients on loopback, each checking every
//! response it gets, and the server's memory and open files read from `/proc`. Shared by the
//! flood test (`tests/serve_stress.rs`) and the flood benchmark (`benches/serve_flood.rs`).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// One URL of the mix and what a correct answer to it holds.
#[derive(Clone, Debug)]
pub struct Target {
    pub path: String,
    pub status: u16,
    /// Text the body must contain.
    pub needle: String,
}

impl Target {
    pub fn new(path: &str, status: u16, needle: &str) -> Target {
        Target { path: path.to_string(), status, needle: needle.to_string() }
    }
}

/// What a flood did.
#[derive(Debug, Default)]
pub struct Figures {
    pub clients: usize,
    pub seconds: f64,
    /// Complete, correct responses.
    pub ok: u64,
    /// Responses that were wrong: bad status, short or missing body, unexpected text, or a
    /// connection the server dropped mid-request.
    pub bad: u64,
    /// Connections the client side could not open (out of ports or file descriptors here).
    pub connect_failed: u64,
    pub connections: u64,
    pub slowest: Duration,
    /// A few descriptions of bad responses.
    pub samples: Vec<String>,
}

impl Figures {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.seconds.max(1e-9)
    }
}

/// `VmRSS` (current) and `VmHWM` (peak) of process `pid`, in KiB.
pub fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Open file descriptors of process `pid` (the listening socket, connections, watches...).
pub fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
}

/// A small seeded generator: the mix of each client is reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Read one response from `s`; `Err` says what was wrong with it.
fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(u16, Vec<u8>), String> {
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).map_err(|e| format!("reading the head: {e}"))?;
        if n == 0 {
            return Err(format!("connection closed after {} bytes of head", buf.len()));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let status = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|c| c.parse::<u16>().ok())
        .ok_or_else(|| format!("not an HTTP/1.1 status line: {:?}", head.lines().next()))?;
    let length = head
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok())?
        })
        .ok_or_else(|| "no content-length".to_string())?;
    while buf.len() < head_end + length {
        let n = s.read(&mut chunk).map_err(|e| format!("reading the body: {e}"))?;
        if n == 0 {
            return Err(format!("body cut at {} of {length} bytes", buf.len() - head_end));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end..head_end + length].to_vec();
    buf.drain(..head_end + length);
    Ok((status, body))
}

fn check(target: &Target, got: Result<(u16, Vec<u8>), String>) -> Result<(), String> {
    let (status, body) = got.map_err(|e| format!("{}: {e}", target.path))?;
    if status != target.status {
        return Err(format!("{}: status {status}, want {}", target.path, target.status));
    }
    let needle = target.needle.as_bytes();
    if !needle.is_empty() && !body.windows(needle.len()).any(|w| w == needle) {
        return Err(format!("{}: body lacks `{}`", target.path, target.needle));
    }
    Ok(())
}

#[derive(Default)]
struct Counters {
    ok: AtomicU64,
    bad: AtomicU64,
    connect_failed: AtomicU64,
    connections: AtomicU64,
    slowest_us: AtomicU64,
}

/// One client: until `stop`, either a keep-alive connection with 2 to 20 requests or a
/// single request on a fresh connection (`Connection: close`), each to a random target.
fn client(
    addr: &str,
    targets: &[Target],
    seed: u64,
    stop: &AtomicBool,
    c: &Counters,
    samples: &std::sync::Mutex<Vec<String>>,
) {
    let mut rng = Rng::new(seed);
    let fail = |what: String| {
        c.bad.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut s) = samples.lock()
            && s.len() < 10
        {
            s.push(what);
        }
    };
    while !stop.load(Ordering::Relaxed) {
        let keep_alive = rng.below(2) == 0;
        let requests = if keep_alive { 2 + rng.below(19) } else { 1 };
        let Ok(mut s) = TcpStream::connect(addr) else {
            c.connect_failed.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        c.connections.fetch_add(1, Ordering::Relaxed);
        let _ = s.set_nodelay(true);
        let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
        let mut buf = Vec::new();
        for i in 0..requests {
            let target = &targets[rng.below(targets.len())];
            let last = i + 1 == requests;
            let conn = if last && !keep_alive { "close" } else { "keep-alive" };
            let req = format!("GET {} HTTP/1.1\r\nHost: {addr}\r\nConnection: {conn}\r\n\r\n", target.path);
            let started = Instant::now();
            if let Err(e) = s.write_all(req.as_bytes()) {
                fail(format!("{}: sending: {e}", target.path));
                break;
            }
            match check(target, read_response(&mut s, &mut buf)) {
                Ok(()) => {
                    c.ok.fetch_add(1, Ordering::Relaxed);
                    c.slowest_us.fetch_max(started.elapsed().as_micros() as u64, Ordering::Relaxed);
                }
                Err(e) => {
                    fail(e);
                    break;
                }
            }
            if stop.load(Ordering::Relaxed) {
                break;
            }
        }
    }
}

/// Run `clients` clients against `addr` for `duration`, each request to one of `targets`.
pub fn flood(addr: &str, targets: &[Target], clients: usize, duration: Duration) -> Figures {
    let stop = Arc::new(AtomicBool::new(false));
    let counters = Arc::new(Counters::default());
    let samples = Arc::new(std::sync::Mutex::new(Vec::new()));
    let targets: Arc<[Target]> = targets.into();
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let (addr, targets, stop, counters, samples) =
                (addr.to_string(), targets.clone(), stop.clone(), counters.clone(), samples.clone());
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || client(&addr, &targets, i as u64 + 1, &stop, &counters, &samples))
                .expect("spawn a client thread")
        })
        .collect();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    let seconds = started.elapsed().as_secs_f64();
    let samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    Figures {
        clients,
        seconds,
        ok: counters.ok.load(Ordering::Relaxed),
        bad: counters.bad.load(Ordering::Relaxed),
        connect_failed: counters.connect_failed.load(Ordering::Relaxed),
        connections: counters.connections.load(Ordering::Relaxed),
        slowest: Duration::from_micros(counters.slowest_us.load(Ordering::Relaxed)),
        samples,
    }
}

/// Sample the resident memory of `pid` every 50 ms until `stop`; the highest value seen (KiB).
pub fn watch_rss(pid: u32, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut peak = 0;
        while !stop.load(Ordering::Relaxed) {
            peak = peak.max(rss_kib(pid).0);
            std::thread::sleep(Duration::from_millis(50));
        }
        peak
    })
}
