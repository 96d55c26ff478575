//! `topobook build` killed with SIGKILL at random points: a book of 300 pages (every page and
//! the search index carry a generation mark), built once, then 200 times rewritten at the next
//! generation, built, and killed after a random delay within 1.2× the length of a full
//! build. After every kill the site must be one whole generation: the last one swapped in, or
//! the new one. Prints how many kills left the old site and how many the new one.
//!
//! ```text
//! cargo bench --bench kill_build                 # 300 pages, 200 kills
//! cargo bench --bench kill_build -- 1000 500     # other sizes
//! ```

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

#[path = "../tests/common/kill.rs"]
mod kill;

use std::path::PathBuf;

fn main() {
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let pages = numbers.first().copied().unwrap_or(300);
    let kills = numbers.get(1).copied().unwrap_or(200);
    let dir = tempfile::tempdir().expect("temp dir");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_topobook"));
    kill::make_book(dir.path(), pages);
    let started = std::time::Instant::now();
    let o = kill::kill_loop(&bin, dir.path(), pages, kills, 0xdecade);
    println!("pages               {pages}");
    println!("full build          {:.3} s", o.full_build.as_secs_f64());
    println!("kills               {}", o.kills);
    println!("old site left       {}", o.old);
    println!("new site swapped in {}", o.new);
    println!("mixed or broken     {}", o.broken.len());
    for b in &o.broken {
        println!("  {b}");
    }
    kill::build(&bin, dir.path());
    let left = kill::leftovers(dir.path());
    println!("temp folders left after the next build: {}", left.len());
    println!("loop took           {:.1} s", started.elapsed().as_secs_f64());
    if !o.broken.is_empty() || !left.is_empty() {
        std::process::exit(1);
    }
}
