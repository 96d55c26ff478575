//! The command line: `init`, `build`, exit codes, determinism and the atomic swap.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{build, rebuild, topobook};

fn snapshot_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir_files(dir) {
        let rel = entry.strip_prefix(dir).expect("prefix").to_string_lossy().into_owned();
        out.insert(rel, std::fs::read(&entry).expect("read"));
    }
    out
}

fn walkdir_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                stack.push(e.path());
            } else {
                files.push(e.path());
            }
        }
    }
    files
}

#[test]
fn init_then_build() {
    let dir = tempfile::tempdir().expect("temp");
    let book = dir.path().join("runbook");
    let (code, _, err) = topobook(&["init", &book.to_string_lossy()], None);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = topobook(&["build"], Some(&book));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("built 2 pages and 1 topology blocks"), "{err}");
    let page = std::fs::read_to_string(book.join("site/secure-workspace.html")).expect("page");
    assert!(page.contains("<figure class=\"topology"));
    // No theme folder is needed: the default theme is in the binary.
    assert!(!book.join("themes").exists() && book.join("site/css/theme.css").is_file());
    // init never overwrites.
    let before = std::fs::read_to_string(book.join("book.toml")).expect("toml");
    let (code, _, err) = topobook(&["init", &book.to_string_lossy()], None);
    assert_eq!(code, 2);
    assert!(err.contains("refusing to overwrite"), "{err}");
    assert_eq!(std::fs::read_to_string(book.join("book.toml")).expect("toml"), before);
    assert!(before.contains("[check]\n") && before.contains("profile = \"current\""), "{before}");
}

#[test]
fn profiles_on_the_command_line_and_in_book_toml() {
    let dir = tempfile::tempdir().expect("temp");
    let book = dir.path().join("runbook");
    assert_eq!(topobook(&["init", &book.to_string_lossy()], None).0, 0);
    for profile in ["2020-10", "2026-02", "current"] {
        let (code, _, err) = topobook(&["build", "--profile", profile], Some(&book));
        assert_eq!(code, 0, "{profile}: {err}");
    }
    let (code, _, err) = topobook(&["build", "--profile", "2021"], Some(&book));
    assert_eq!(code, 2, "an unknown profile is a usage error");
    assert!(err.contains("unknown profile `2021`") && err.contains("2026-02"), "{err}");
    let (code, _, err) = topobook(&["serve", "--profile", "2021"], Some(&book));
    assert_eq!(code, 2, "{err}");
    // In `book.toml`, an unknown profile is a located configuration error.
    let toml = std::fs::read_to_string(book.join("book.toml")).expect("toml");
    std::fs::write(book.join("book.toml"), toml.replace("profile = \"current\"", "profile = \"2019\""))
        .expect("write");
    let (code, _, err) = topobook(&["build"], Some(&book));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("unknown profile `2019` in `check.profile`") && err.contains("book.toml:"), "{err}");
}

#[test]
fn rules_and_explain_show_profiles_and_versions() {
    let (code, all, _) = topobook(&["rules"], None);
    assert_eq!(code, 0);
    let row = all.lines().find(|l| l.starts_with("AML-ST-002 ")).expect("a row for AML-ST-002");
    assert!(row.contains("2020-10,2026-02"), "{row}");
    let row = all.lines().find(|l| l.starts_with("AML-CMP-002 ")).expect("a row for AML-CMP-002");
    assert!(row.contains("2020-10") && !row.contains("2026-02"), "{row}");
    let (code, old, _) = topobook(&["rules", "--profile", "2020-10"], None);
    assert_eq!(code, 0);
    assert!(old.contains("AML-CMP-002 ") && old.ends_with("rules in profile 2020-10\n"), "{old}");
    let (_, cur, _) = topobook(&["rules", "--profile", "current", "--format", "json"], None);
    let rows: serde_json::Value = serde_json::from_str(&cur).expect("json");
    let rows = rows.as_array().expect("an array");
    assert!(rows.iter().all(|r| r["profiles"].as_array().is_some_and(|p| p.iter().any(|x| x == "2026-02"))));
    assert!(rows.iter().any(|r| r["id"] == "AML-ST-002") && !rows.iter().any(|r| r["id"] == "AML-CMP-002"));
    let (code, text, _) = topobook(&["explain", "aml-st-002"], None);
    assert_eq!(code, 0);
    assert!(text.contains("## In profile 2026-02") && text.contains("## In profile 2020-10"), "{text}");
    let (code, _, err) = topobook(&["rules", "--profile", "2030-01"], None);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn usage_and_io_errors_exit_2() {
    let (code, out, _) = topobook(&["--version"], None);
    assert_eq!(code, 0);
    assert!(out.starts_with("topobook "));
    let (code, out, _) = topobook(&["--help"], None);
    assert_eq!(code, 0);
    assert!(out.contains("build") && out.contains("init"));
    let (code, _, _) = topobook(&["frobnicate"], None);
    assert_eq!(code, 2);
    let (code, _, err) = topobook(&["build", "/nonexistent/book"], None);
    assert_eq!(code, 2);
    assert!(err.contains("cannot open book folder"), "{err}");
    let empty = tempfile::tempdir().expect("temp");
    let (code, _, err) = topobook(&["build", &empty.path().to_string_lossy()], None);
    assert_eq!(code, 2);
    assert!(err.contains("run `topobook init`"), "{err}");
}

#[test]
fn two_builds_are_byte_identical() {
    let first = build("markdown");
    assert_eq!(first.code, 0, "{}", first.stderr);
    let a = snapshot_tree(&first.site());
    let second = rebuild(first.dir);
    assert_eq!(second.code, 0);
    let b = snapshot_tree(&second.site());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(b.get(k) == Some(v), "`{k}` differs between two builds");
    }
    // Another copy of the same book in another folder gives the same bytes too.
    let third = build("markdown");
    assert_eq!(snapshot_tree(&third.site()), a);
}

#[test]
fn a_failed_build_leaves_the_previous_site_in_place() {
    let run = build("markdown");
    assert_eq!(run.code, 0);
    let before = snapshot_tree(&run.site());
    std::fs::write(run.root().join("content/features.md"), "# Broken\n\n[nowhere](missing.md)\n")
        .expect("write");
    let dir = run.dir;
    let run = rebuild(dir);
    assert_eq!(run.code, 1);
    assert_eq!(snapshot_tree(&run.site()), before);
    let names: Vec<String> = std::fs::read_dir(run.root())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".site")), "{names:?}");
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_book_are_refused() {
    let outside = tempfile::tempdir().expect("temp");
    std::fs::write(outside.path().join("secret.md"), "# Secret\n").expect("write");
    let dir = common::book("markdown");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), dir.path().join("content/secret.md"))
        .expect("link");
    let run = rebuild(dir);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("refused `content/secret.md`: it is a symlink that leaves the book folder"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Secret"));
}
