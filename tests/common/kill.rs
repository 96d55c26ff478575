//! `topobook build` killed with SIGKILL at random points, again and again, on a book whose
//! every page carries a generation mark that changes between kills. After each kill the
//! output folder must hold one whole site: every page and the search index of the same
//! generation, either the last one that was swapped in or the new one. Shared by the test
//! (`tests/nothing_lost.rs`) and the measure command (`cargo bench --bench kill_build`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BLOCK: &str = "```yaml topology title=\"Key vault\"
workspace:
  name: mlw-demo
  key_vault: kv-ml
key_vaults:
  - name: kv-ml
    network: {default_action: Deny}
    private_endpoints: [{name: pe-kv, subresource: vault}]
```
";

/// The mark of generation `g` (a word of its own, so the search index holds it too).
pub fn mark(g: u64) -> String {
    format!("genmark{g}x")
}

/// Site path of page `i`.
pub fn page_path(i: usize) -> String {
    format!("part{}/page{i}.html", i % 10)
}

/// Write (or rewrite) the `pages` pages of the book at `root` at generation `g`.
pub fn write_generation(root: &Path, pages: usize, g: u64) {
    let m = mark(g);
    for i in 0..pages {
        let dir = root.join(format!("content/part{}", i % 10));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let mut text = format!("# Page {i} {m}\n\nThis is page {i} of generation {m}.\n\n");
        for s in 0..4 {
            text.push_str(&format!(
                "## Section {s}\n\nSome text about the network, written for the kill test, {m} again.\n\n"
            ));
        }
        if i % 3 == 0 {
            text.push_str(BLOCK);
        }
        std::fs::write(dir.join(format!("page{i}.md")), text).expect("write page");
    }
}

/// A new book of `pages` pages at generation 0.
pub fn make_book(root: &Path, pages: usize) {
    std::fs::create_dir_all(root.join("content")).expect("mkdir");
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"Kill test\"\nsrc = \"content\"\n")
        .expect("write book.toml");
    std::fs::write(root.join("content/index.md"), "# Kill test\n\nThe home page.\n").expect("write");
    write_generation(root, pages, 0);
}

/// Run a build to the end; its duration.
pub fn build(bin: &Path, root: &Path) -> Duration {
    let t = Instant::now();
    let out = Command::new(bin).arg("build").arg(root).output().expect("run topobook build");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    t.elapsed()
}

/// The generation of the site in `site`: the one every page and the search index agree on.
/// `Err` says what is mixed or missing.
pub fn site_generation(site: &Path, pages: usize) -> Result<u64, String> {
    let generation_of = |text: &str, what: &str| -> Result<u64, String> {
        let mut found: Vec<u64> = text
            .match_indices("genmark")
            .filter_map(|(i, _)| {
                let digits: String = text[i + 7..].chars().take_while(|c| c.is_ascii_digit()).collect();
                digits.parse().ok()
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        match found.as_slice() {
            [g] => Ok(*g),
            [] => Err(format!("{what}: no generation mark")),
            many => Err(format!("{what}: marks of several generations {many:?}")),
        }
    };
    let mut seen = None;
    let mut agree = |g: u64, what: &str| -> Result<(), String> {
        match seen {
            None => {
                seen = Some(g);
                Ok(())
            }
            Some(s) if s == g => Ok(()),
            Some(s) => Err(format!("{what} is generation {g}, other files {s}")),
        }
    };
    for i in 0..pages {
        let path = page_path(i);
        let text = std::fs::read_to_string(site.join(&path)).map_err(|e| format!("{path}: {e}"))?;
        agree(generation_of(&text, &path)?, &path)?;
    }
    for file in ["toc.js", "search/docs.json"] {
        let text = std::fs::read_to_string(site.join(file)).map_err(|e| format!("{file}: {e}"))?;
        agree(generation_of(&text, file)?, file)?;
    }
    for file in ["index.html", "404.html"] {
        if !site.join(file).is_file() {
            return Err(format!("{file} is missing"));
        }
    }
    seen.ok_or_else(|| "no pages".to_string())
}

/// Hidden temporary folders of builds beside `site`.
pub fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".site"))
                .collect()
        })
        .unwrap_or_default()
}

/// What a kill loop saw.
#[derive(Debug, Default)]
pub struct Outcome {
    pub kills: usize,
    /// The site was still the previous one.
    pub old: usize,
    /// The build had swapped in the new one.
    pub new: usize,
    pub full_build: Duration,
    /// Mixed or broken sites (must stay empty).
    pub broken: Vec<String>,
}

/// Build the book at `root` once, then `kills` times: rewrite every page at the next
/// generation, start a build, kill it after a random delay within 1.2× a full build, and
/// check the site.
pub fn kill_loop(bin: &Path, root: &Path, pages: usize, kills: usize, seed: u64) -> Outcome {
    let mut out = Outcome { full_build: build(bin, root), ..Outcome::default() };
    let site: PathBuf = root.join("site");
    let mut current = site_generation(&site, pages).expect("the first build is whole");
    let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let window = out.full_build.as_micros() as u64 * 6 / 5;
    for g in 1..=kills as u64 {
        write_generation(root, pages, g);
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let delay = Duration::from_micros(rng % window.max(1));
        let mut child = Command::new(bin)
            .arg("build")
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run topobook build");
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        out.kills += 1;
        match site_generation(&site, pages) {
            Ok(s) if s == current => out.old += 1,
            Ok(s) if s == g => {
                out.new += 1;
                current = g;
            }
            Ok(s) => {
                out.broken.push(format!("kill {g} after {delay:?}: generation {s}, not {current} or {g}"))
            }
            Err(e) => out.broken.push(format!("kill {g} after {delay:?}: {e}")),
        }
    }
    out
}
