//! Incremental update latency: load a book into memory, then edit one page repeatedly and
//! time `Site::update` (what the preview server will do on each save).
//!
//! ```text
//! cargo bench --bench build -- 1000          # generates target/tmp/bench-books/book-1000
//! cargo run --release --example update_latency -- target/tmp/bench-books/book-1000 [KIND]
//! ```
//!
//! KIND is `body text`, `heading` or `title` (default: all three, in turn).
//!
//! ```text
//! ```

// A measuring program: it prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::Instant;

use topobook::output::MemoryOutput;
use topobook::site::{Site, SiteOptions};

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: update_latency BOOK_DIR");
        std::process::exit(2);
    };
    let t = Instant::now();
    let mut site = match Site::load(&dir, SiteOptions::default()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let out = MemoryOutput::new();
    site.build(&out);
    println!(
        "initial load and build into memory: {:.1} ms, {} files",
        t.elapsed().as_secs_f64() * 1e3,
        out.len()
    );
    let Some(page) = site.pages.get(site.pages.len() / 2).map(|p| dir.join(&*p.source.path)) else { return };
    let original = std::fs::read_to_string(&page).unwrap_or_default();
    let only = std::env::args().nth(2);
    let mut kinds: Vec<(&str, Vec<f64>)> =
        vec![("body text", Vec::new()), ("heading", Vec::new()), ("title", Vec::new())];
    kinds.retain(|(k, _)| only.as_deref().is_none_or(|o| o == *k));
    for round in 0..10 {
        for (kind, times) in kinds.iter_mut() {
            let edited = match *kind {
                "body text" => format!("{original}\nEdit number {round}.\n"),
                "heading" => format!("{original}\n## Added heading {round}\n"),
                _ => original.replacen("title: Page", &format!("title: Renamed {round} Page"), 1),
            };
            let _ = std::fs::write(&page, edited);
            let t = Instant::now();
            let up = site.update(&[page.as_path()], &out);
            times.push(t.elapsed().as_secs_f64() * 1e3);
            if round == 0 {
                let n = up.map(|u| u.changed.len()).unwrap_or(0);
                println!("{kind}: {n} output files changed");
            }
        }
    }
    let t = Instant::now();
    let (changed, _) = site.refresh_search(&out);
    println!(
        "refresh_search: {:.1} ms, {} index files changed",
        t.elapsed().as_secs_f64() * 1e3,
        changed.len()
    );
    let _ = std::fs::write(&page, original);
    for (kind, mut times) in kinds {
        times.sort_by(|a, b| a.total_cmp(b));
        println!("{kind}: median {:.1} ms, max {:.1} ms", times[times.len() / 2], times[times.len() - 1]);
    }
}
