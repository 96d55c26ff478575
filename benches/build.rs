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
//! to an anchor, a Bash block and a 40-line ```` ```yaml topology ```` block.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "common/book.rs"]
mod book;

use book::generate;

/// Run the build, returning (wall seconds, CPU seconds, peak RSS in MiB, exit code).
// The child is reaped by `wait4` (which also gives its resource usage), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn run(bin: &Path, dir: &Path) -> (f64, f64, f64, i32) {
    let start = Instant::now();
    let child = Command::new(bin)
        .arg("build")
        .arg(dir)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run topobook");
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
    (wall, cpu, usage.ru_maxrss as f64 / 1024.0, code)
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![100, 1000, 5000] } else { sizes };
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_topobook"));
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-books");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average before: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!(
        "{:>6} {:>9} {:>9} {:>9} {:>10} {:>6}",
        "pages", "wall s", "cpu s", "peak MiB", "pages/s", "exit"
    );
    for n in sizes {
        let dir = base.join(format!("book-{n}"));
        generate(&dir, n);
        // One warm-up run (file cache), then the best of three.
        let _ = run(&bin, &dir);
        let mut best = (f64::MAX, 0.0, 0.0, 0);
        for _ in 0..3 {
            let r = run(&bin, &dir);
            if r.0 < best.0 {
                best = r;
            }
        }
        println!(
            "{n:>6} {:>9.3} {:>9.3} {:>9.1} {:>10.0} {:>6}",
            best.0,
            best.1,
            best.2,
            n as f64 / best.0,
            best.3
        );
    }
}
