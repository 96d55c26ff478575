//! The watcher of `topobook serve` under a storm: 1,000 saves in about 10 seconds across 50
//! pages, the way five kinds of editors save (plain writes, temp file + rename, vim's
//! `4913` probe and `~` backup, emacs' `.#` lock and `#…#` autosave, JetBrains'
//! `___jb_tmp___` / `___jb_old___` swap), with renames, deletions and a page deleted then
//! written again in the middle. At the end every page must show its last save, every page
//! renamed away or deleted must be gone, and no editor file may have become a page.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

mod common;
#[path = "common/serve.rs"]
mod serve;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

const FILES: usize = 50;
const SAVES: usize = 1000;
const SPAN: Duration = Duration::from_secs(10);

/// Save `text` as `dir/name` the way editor `kind` does.
fn save(dir: &Path, name: &str, text: &str, kind: usize, n: usize) {
    let path = dir.join(name);
    match kind {
        // A plain write in place.
        0 => std::fs::write(&path, text).expect("write"),
        // A hidden temp file renamed over the page.
        1 => {
            let tmp = dir.join(format!(".{name}.tmp-{n}"));
            std::fs::write(&tmp, text).expect("write temp");
            std::fs::rename(&tmp, &path).expect("rename");
        }
        // vim: probe the folder with `4913`, move the page to its backup, write, drop the backup.
        2 => {
            let probe = dir.join("4913");
            std::fs::write(&probe, "").expect("probe");
            std::fs::remove_file(&probe).expect("remove probe");
            let backup = dir.join(format!("{name}~"));
            if path.exists() {
                std::fs::rename(&path, &backup).expect("backup");
            }
            std::fs::write(dir.join(format!(".{name}.swp")), "swap").expect("swap");
            std::fs::write(&path, text).expect("write");
            let _ = std::fs::remove_file(&backup);
        }
        // emacs: a lock link and an autosave file around a plain write; the backup stays.
        3 => {
            let lock = dir.join(format!(".#{name}"));
            #[cfg(unix)]
            let _ = std::os::unix::fs::symlink(format!("user@host.{n}"), &lock);
            std::fs::write(dir.join(format!("#{name}#")), text).expect("autosave");
            if path.exists() {
                let _ = std::fs::copy(&path, dir.join(format!("{name}~")));
            }
            std::fs::write(&path, text).expect("write");
            let _ = std::fs::remove_file(dir.join(format!("#{name}#")));
            let _ = std::fs::remove_file(&lock);
        }
        // JetBrains: write a temp file, move the page aside, move the temp in, drop the old.
        _ => {
            let tmp = dir.join(format!("{name}___jb_tmp___"));
            let old = dir.join(format!("{name}___jb_old___"));
            std::fs::write(&tmp, text).expect("write temp");
            if path.exists() {
                std::fs::rename(&path, &old).expect("move aside");
            }
            std::fs::rename(&tmp, &path).expect("move in");
            let _ = std::fs::remove_file(&old);
        }
    }
}

fn body(name: &str, n: usize) -> String {
    format!("# Storm {name}\n\nsave {n} of {name}\n")
}

#[test]
fn a_thousand_saves_across_50_pages_end_showing_the_final_state() {
    let dir = common::book("serve");
    let storm = dir.path().join("content/storm");
    std::fs::create_dir_all(&storm).expect("mkdir");
    // Page name (without `.md`) → the last text saved, or `None` once deleted or renamed away.
    let mut model: BTreeMap<String, Option<String>> = BTreeMap::new();
    for f in 0..FILES {
        let name = format!("p{f}");
        std::fs::write(storm.join(format!("{name}.md")), body(&name, 0)).expect("write");
        model.insert(name.clone(), Some(format!("save 0 of {name}</p>")));
    }
    let s = serve::start(dir.path(), &[]);
    assert!(s.get("/storm/p49.html").body.contains("save 0 of p49"));

    let mut live: Vec<String> = model.keys().cloned().collect();
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let started = Instant::now();
    for n in 1..=SAVES {
        // Keep to 1,000 saves in 10 s; a slow machine just takes longer.
        let due = started + SPAN.mul_f64(n as f64 / SAVES as f64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let name = live[(rng % live.len() as u64) as usize].clone();
        save(&storm, &format!("{name}.md"), &body(&name, n), n % 5, n);
        model.insert(name.clone(), Some(format!("save {n} of {name}</p>")));
        match n {
            // Renamed: the old name goes, the new one shows what the file held.
            250 | 600 => {
                let from = live.remove(n % live.len());
                let to = format!("moved-{from}");
                std::fs::rename(storm.join(format!("{from}.md")), storm.join(format!("{to}.md")))
                    .expect("rename");
                let held = model.insert(from, None).flatten();
                model.insert(to.clone(), held);
                live.push(to);
            }
            // Deleted, and one of them written again later.
            400 | 401 | 750 => {
                let gone = live.remove(n % live.len());
                std::fs::remove_file(storm.join(format!("{gone}.md"))).expect("remove");
                model.insert(gone.clone(), None);
                if n == 400 {
                    live.push(gone);
                }
            }
            _ => {}
        }
    }
    let saved_in = started.elapsed();
    let last_save = Instant::now();
    let wrong = |model: &BTreeMap<String, Option<String>>| -> Vec<String> {
        let mut out = Vec::new();
        for (name, want) in model {
            let page = s.get(&format!("/storm/{name}.html"));
            let ok = match want {
                Some(text) => page.status == 200 && page.body.contains(text.as_str()),
                None => page.status == 404,
            };
            if !ok {
                out.push(format!("{name}: {} {want:?}", page.status));
            }
        }
        out
    };
    let until = Instant::now() + Duration::from_secs(60);
    let mut left = wrong(&model);
    while !left.is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
        left = wrong(&model);
    }
    let settled = last_save.elapsed();
    eprintln!(
        "watch storm: {SAVES} saves across {FILES} pages in {:.1} s; every page right {:.0} ms after the last save",
        saved_in.as_secs_f64(),
        settled.as_secs_f64() * 1e3
    );
    assert!(left.is_empty(), "pages not in their final state: {left:#?}\n{}", s.stderr());
    // No editor file became a page or an asset.
    for junk in ["/storm/4913", "/storm/p1.md~", "/storm/p1.md___jb_tmp___", "/storm/%23p1.md%23"] {
        assert_eq!(s.get(junk).status, 404, "{junk}");
    }
    let toc = s.get("/toc.js").body;
    for (name, want) in &model {
        assert_eq!(toc.contains(&format!("storm/{name}.html")), want.is_some(), "{name} in the sidebar");
    }
}
