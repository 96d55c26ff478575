//! Build benchmark: generates a deterministic book of N pages and times the release
//! `topobook build` on it, printing wall time, CPU time (user + system) and the peak RSS of
//! the build process. On a shared machine the wall time depends on the load; the CPU time
//! does not.
//!
//! ```text
//! cargo bench --bench build                 # N = 100, 1000, 5000
//! cargo bench --bench build -- 200 2000     # other sizes
//! ```
//!
//! Each page has about 800 words in several sections, a table, links to its neighbours and
//! to an anchor, a Bash block and a 60-line ```` ```yaml topology ```` block.
//!
//! One more build runs with `TOPOBOOK_TIMINGS=1` to split the time: the CPU time of the
//! threads drawing diagrams (every page's block and the rules reference's examples), summed,
//! compared with the build's CPU time.

// A measuring program: it prints its figures.
// It measures a child process with wait4 (its own resource usage), which needs libc.
#![allow(clippy::print_stdout, clippy::print_stderr, unsafe_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "common/book.rs"]
mod book;

use book::generate;

/// One measured build.
struct Run {
    wall: f64,
    cpu: f64,
    peak_mib: f64,
    code: i32,
    /// Its stderr, kept only when asked for (the `TOPOBOOK_TIMINGS` run).
    stderr: String,
}

/// Run the build (with `TOPOBOOK_TIMINGS=1` and its stderr kept when `timings`).
// The child is reaped by `wait4` (which also gives its resource usage), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn run(bin: &Path, dir: &Path, timings: bool) -> Run {
    let start = Instant::now();
    let mut cmd = Command::new(bin);
    cmd.arg("build").arg(dir);
    if timings {
        cmd.env("TOPOBOOK_TIMINGS", "1").stderr(std::process::Stdio::piped());
    } else {
        cmd.stderr(std::process::Stdio::null());
    }
    let mut child = cmd.spawn().expect("run topobook");
    // Read stderr while the build runs, so that a full pipe never blocks it.
    let reader = child.stderr.take().map(|mut e| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut e, &mut text);
            text
        })
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value to be filled in by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child; status and usage point to live locals.
    unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let cpu = secs(usage.ru_utime) + secs(usage.ru_stime);
    let stderr = reader.and_then(|r| r.join().ok()).unwrap_or_default();
    Run { wall, cpu, peak_mib: usage.ru_maxrss as f64 / 1024.0, code, stderr }
}

/// From a `TOPOBOOK_TIMINGS` run: diagrams drawn and seconds spent drawing them (summed over
/// threads), from the line `timing: diagrams: N drawn in Xs of CPU time summed over threads (...)`.
fn diagram_time(stderr: &str) -> Option<(u64, f64)> {
    let line = stderr.lines().find_map(|l| l.strip_prefix("timing: diagrams: "))?;
    let mut words = line.split_whitespace();
    let drawn = words.next()?.parse().ok()?;
    let secs = words.nth(2)?.trim_end_matches('s').parse().ok()?;
    Some((drawn, secs))
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![100, 1000, 5000] } else { sizes };
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_topobook"));
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-books");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average before: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!(
        "{:>6} {:>9} {:>9} {:>9} {:>10} {:>6} {:>9} {:>10} {:>9} {:>9}",
        "pages",
        "wall s",
        "cpu s",
        "peak MiB",
        "pages/s",
        "exit",
        "diagrams",
        "diagram s",
        "share",
        "µs each"
    );
    for n in sizes {
        let dir = base.join(format!("book-{n}"));
        generate(&dir, n);
        // One warm-up run (file cache), then the best of three.
        let _ = run(&bin, &dir, false);
        let mut best = run(&bin, &dir, false);
        for _ in 0..2 {
            let r = run(&bin, &dir, false);
            if r.wall < best.wall {
                best = r;
            }
        }
        // The split: how much of the build's CPU time the diagrams take.
        let timed = run(&bin, &dir, true);
        let (drawn, secs) = diagram_time(&timed.stderr).unwrap_or((0, 0.0));
        println!(
            "{n:>6} {:>9.3} {:>9.3} {:>9.1} {:>10.0} {:>6} {:>9} {:>10.3} {:>8.1}% {:>9.1}",
            best.wall,
            best.cpu,
            best.peak_mib,
            n as f64 / best.wall,
            best.code,
            drawn,
            secs,
            100.0 * secs / timed.cpu.max(1e-9),
            secs * 1e6 / drawn.max(1) as f64
        );
    }
}
