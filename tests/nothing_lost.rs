//! Nothing an author wrote is lost: a build killed at any point leaves one whole site (the old
//! or the new), `build`, `check` and `serve` never write into the book, `init` never
//! overwrites, and a build folder that would hold the book is refused.
//!
//! The 200-kill loop with its figures is `cargo bench --bench kill_build`.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

mod common;
#[path = "common/kill.rs"]
mod kill;
#[path = "common/serve.rs"]
mod serve;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::topobook;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_topobook"))
}

#[test]
fn a_build_killed_at_random_points_leaves_the_old_site_or_the_new_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = 300;
    kill::make_book(dir.path(), pages);
    // `TOPOBOOK_KILLS=200 cargo test --test nothing_lost killed -- --nocapture` for the full
    // loop with the dev binary (`cargo bench --bench kill_build` with the release one).
    let kills = std::env::var("TOPOBOOK_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(20);
    let o = kill::kill_loop(&bin(), dir.path(), pages, kills, 0x5eed);
    eprintln!(
        "kill loop: {} kills over a {:.2} s build: {} left the old site, {} the new one, {} broken",
        o.kills,
        o.full_build.as_secs_f64(),
        o.old,
        o.new,
        o.broken.len()
    );
    assert!(o.broken.is_empty(), "{:#?}", o.broken);
    assert_eq!(o.old + o.new, kills);
    // Killed builds leave their hidden folder; the next build clears them away.
    kill::build(&bin(), dir.path());
    assert_eq!(kill::site_generation(&dir.path().join("site"), pages), Ok(kills as u64));
    assert_eq!(kill::leftovers(dir.path()), Vec::<String>::new());
}

/// Every file and folder under `root` (except the build folder): path → (kind, size,
/// modification time, content).
type Tree = BTreeMap<String, (bool, u64, SystemTime, Vec<u8>)>;

fn tree(root: &Path, skip: &[&str]) -> Tree {
    let mut out = Tree::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).expect("prefix").to_string_lossy().replace('\\', "/");
            if skip.iter().any(|s| rel == *s || rel.starts_with(&format!("{s}/"))) {
                continue;
            }
            let meta = std::fs::symlink_metadata(&p).expect("metadata");
            let mtime = meta.modified().expect("mtime");
            if meta.is_dir() {
                out.insert(rel, (true, 0, mtime, Vec::new()));
                stack.push(p);
            } else {
                out.insert(rel, (false, meta.len(), mtime, std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out
}

fn same(before: &Tree, after: &Tree, what: &str) {
    let keys = |t: &Tree| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(before), keys(after), "{what} added or removed files in the book");
    for (k, v) in before {
        assert!(after.get(k) == Some(v), "{what} changed `{k}` (content or modification time)");
    }
}

#[test]
fn build_check_and_serve_never_write_into_the_book() {
    let dir = common::book("serve");
    let root = dir.path();
    // Everything a book can hold: pages, assets, a theme override, a SUMMARY-less tree.
    let theme = root.join("themes/default/static/css");
    std::fs::create_dir_all(&theme).expect("mkdir");
    std::fs::write(theme.join("extra.css"), "body { margin: 0; }\n").expect("write");
    // Old modification times make any rewrite visible, even within the same second.
    let old = SystemTime::now() - Duration::from_secs(3600);
    for (path, _) in tree(root, &[]) {
        let f = std::fs::File::options().read(true).open(root.join(&path));
        if let Ok(f) = f {
            let _ = f.set_modified(old);
        }
    }
    let before = tree(root, &[]);
    let (code, _, err) = topobook(&["build", &root.to_string_lossy()], None);
    assert_eq!(code, 0, "{err}");
    same(&before, &tree(root, &["site"]), "`build`");
    let (code, _, err) = topobook(&["check", &root.to_string_lossy()], None);
    assert!(code == 0 || code == 1, "{err}");
    same(&before, &tree(root, &["site"]), "`check`");
    let before = tree(root, &[]);

    // `serve`, with edits made by this test to one page (which it leaves out of the
    // comparison, with its folder, whose modification time the edits change).
    let s = serve::start(root, &[]);
    let page = root.join("content/guide/a.md");
    let text = std::fs::read_to_string(&page).expect("read");
    for (i, word) in ["One", "Two", "Three"].iter().enumerate() {
        let new = text.replace("First text.", &format!("{word} text."));
        if i % 2 == 0 {
            serve::atomic_write(&page, &new);
        } else {
            std::fs::write(&page, &new).expect("write");
        }
        serve::wait_until("the edit is served", || {
            s.get("/guide/a.html").body.contains(&format!("{word} text."))
        });
    }
    for path in ["/", "/guide/", "/css/extra.css", "/toc.js", "/search/docs.json", "/nope.html"] {
        let _ = s.get(path);
    }
    drop(s);
    let skip = ["site", "content/guide/a.md", "content/guide"];
    let mut before = before;
    before.retain(|k, _| !skip.iter().any(|s| k == s));
    let mut after = tree(root, &[]);
    after.retain(|k, _| !skip.iter().any(|s| k == s));
    // The other files of the edited folder are still compared.
    assert!(after.contains_key("content/guide/index.md"));
    same(&before, &after, "`serve`");
}

#[test]
fn init_refuses_to_overwrite_anything() {
    // An existing `book.toml`.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"Mine\"\n").expect("write");
    let before = tree(dir.path(), &[]);
    let (code, _, err) = topobook(&["init", &dir.path().to_string_lossy()], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("refusing to overwrite") && err.contains("book.toml"), "{err}");
    assert!(err.contains("help: choose an empty folder"), "{err}");
    same(&before, &tree(dir.path(), &[]), "`init`");
    assert!(!dir.path().join("content").exists(), "nothing else was written");

    // An existing page, no `book.toml`: nothing is written, not even `book.toml`.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
    std::fs::write(dir.path().join("content/README.md"), "# My own introduction\n").expect("write");
    let before = tree(dir.path(), &[]);
    let (code, _, err) = topobook(&["init", &dir.path().to_string_lossy()], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("content/README.md"), "the message names the file: {err}");
    same(&before, &tree(dir.path(), &[]), "`init`");
    assert!(!dir.path().join("book.toml").exists());
}

#[test]
fn a_build_folder_that_would_hold_the_book_is_refused_and_nothing_is_lost() {
    for (build_dir, why) in [
        ("content", "the source folder `content`"),
        (".", "the whole book"),
        ("content/out", "a folder inside the source folder"),
    ] {
        let dir = common::book("serve");
        let root = dir.path();
        std::fs::write(
            root.join("book.toml"),
            format!("[book]\ntitle = \"T\"\nsrc = \"content\"\n[build]\nbuild-dir = \"{build_dir}\"\n"),
        )
        .expect("write");
        let before = tree(root, &[]);
        let (code, _, err) = topobook(&["build", &root.to_string_lossy()], None);
        assert_ne!(code, 0, "{build_dir}: {err}");
        assert!(err.contains(&format!("would replace {why}")), "{build_dir}: {err}");
        assert!(err.contains("book.toml:5:"), "located in `book.toml`: {err}");
        // The sources are all there, unchanged.
        let mut after = tree(root, &[]);
        after.retain(|k, _| !k.starts_with(".site"));
        same(&before, &after, "a refused build");
    }
}
