//! `topobook check` through the real binary: every report format on one fixture book that has
//! passing, failing, expected-fail, suppressed and expired-suppression blocks and broken links,
//! the official schemas, `--output`, path filters and every exit code.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run `topobook check ARGS...` from the crate root (paths in reports start `tests/books/`).
fn check(args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_topobook"))
        .arg("check")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let version = env!("CARGO_PKG_VERSION");
    let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(version, "<version>");
    Out { code: out.status.code().unwrap_or(-1), stdout: clean(&out.stdout), stderr: clean(&out.stderr) }
}

const BOOK: &str = "tests/books/check";

#[test]
fn human_format() {
    let o = check(&[BOOK]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    insta::assert_snapshot!(o.stdout);
}

#[test]
fn human_format_with_notes() {
    let o = check(&[BOOK, "--notes"]);
    assert!(o.stdout.contains("note[AML-KV-005]"), "{}", o.stdout);
    assert!(!o.stdout.contains("not shown"));
}

#[test]
fn short_format() {
    let o = check(&[BOOK, "--format", "short"]);
    assert_eq!(o.code, 1);
    insta::assert_snapshot!(o.stdout);
    assert!(o.stderr.contains("5 blocks checked: 2 passed, 2 failed, 1 failed as expected"), "{}", o.stderr);
}

#[test]
fn github_format() {
    let o = check(&[BOOK, "--format", "github"]);
    insta::assert_snapshot!(o.stdout);
}

#[test]
fn junit_format() {
    let o = check(&[BOOK, "--format", "junit"]);
    insta::assert_snapshot!(o.stdout);
}

#[test]
fn json_format_is_valid_and_stable() {
    let o = check(&[BOOK, "--format", "json"]);
    assert_eq!(o.code, 1);
    let v: Value = serde_json::from_str(&o.stdout).expect("json");
    common::validate_json("docs/report-schema-v1.json", &v).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!(o.stdout);
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let o = check(&[BOOK, "--format", "sarif"]);
    let v: Value = serde_json::from_str(&o.stdout).expect("json");
    common::validate_json("tests/schemas/sarif-schema-2.1.0.json", &v).unwrap_or_else(|e| panic!("{e}"));
    let results = v["runs"][0]["results"].as_array().expect("results");
    let kv = results.iter().find(|r| r["ruleId"] == "AML-KV-002").expect("a KV-002 result");
    let region = &kv["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        kv["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/books/check/content/key-vault.md"
    );
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(10), Some(46)));
    insta::assert_snapshot!(o.stdout);
}

#[test]
fn sarif_fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(BOOK), dir.path());
    let run = |dir: &Path| -> Vec<(String, String)> {
        let out = Command::new(env!("CARGO_BIN_EXE_topobook"))
            .args(["check", "--format", "sarif"])
            .arg(dir)
            .output()
            .expect("runs");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let mut f: Vec<(String, String)> = v["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| (r["ruleId"].as_str().unwrap_or("").to_string(), r["partialFingerprints"].to_string()))
            .collect();
        f.sort();
        f
    };
    let before = run(dir.path());
    let page = dir.path().join("content/key-vault.md");
    let text = std::fs::read_to_string(&page).expect("read");
    std::fs::write(&page, format!("Three new lines\n\nat the top.\n\n{text}")).expect("write");
    assert_eq!(before, run(dir.path()), "fingerprints changed when lines moved");
}

#[test]
fn output_file_and_terminal_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.sarif");
    let o = check(&[BOOK, "--format", "sarif", "--output", file.to_str().expect("utf-8")]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.is_empty(), "the report goes to the file, not stdout");
    assert!(o.stderr.contains("error[AML-KV-002]"), "the person still sees the findings: {}", o.stderr);
    assert!(o.stderr.contains("5 blocks checked"), "{}", o.stderr);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("report")).expect("json");
    assert_eq!(v["version"], "2.1.0");
}

#[test]
fn path_filters_limit_the_report() {
    let o = check(&[BOOK, "tests/books/check/content/workspace.md", "--format", "short"]);
    assert_eq!(o.code, 1, "the broken link on that page fails");
    assert!(o.stdout.contains("workspace.md") && !o.stdout.contains("key-vault.md:"), "{}", o.stdout);
    assert!(o.stderr.contains("2 blocks checked"), "{}", o.stderr);
    let o = check(&[BOOK, "tests/books/nowhere.md"]);
    assert_eq!(o.code, 2);
}

#[test]
fn exit_codes() {
    assert_eq!(check(&["tests/books/check-clean"]).code, 0);
    let warn = check(&["tests/books/check-warn"]);
    assert_eq!(warn.code, 0, "warnings do not fail by default: {}", warn.stdout);
    assert!(warn.stdout.contains("warning[suppression]"));
    assert_eq!(check(&["tests/books/check-warn", "--deny", "warnings"]).code, 1);
    assert_eq!(check(&[BOOK]).code, 1);
    assert_eq!(check(&[BOOK, "--profile", "2019-01"]).code, 2, "an unknown profile is a usage error");
    assert_eq!(check(&[BOOK, "--format", "xml"]).code, 2);
    assert_eq!(check(&["tests/books/unknown-config"]).code, 2, "a configuration error is exit 2");
    let missing =
        check(&["tests/books/check", "--output", "/nonexistent-dir/report.json", "--format", "json"]);
    assert_eq!(missing.code, 2);
}

/// Moving the repository's runbook (pinned to 2020-10) to `current`: what the new profile
/// no longer reports is listed as notes, and counter-examples of rules the new profile lacks
/// say so.
#[test]
fn moving_a_runbook_to_current_explains_what_changed() {
    let root = env!("CARGO_MANIFEST_DIR");
    let same = check(&[root, "--format", "json"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(!same.stdout.contains("profile-change") && !same.stdout.contains("new in profile"));
    let moved = check(&[root, "--profile", "current", "--format", "json"]);
    assert_eq!(moved.code, 1, "counter-examples of rules that left the profile fail");
    let v: Value = serde_json::from_str(&moved.stdout).expect("json");
    assert_eq!(v["profile"], "2026-02");
    let findings = v["findings"].as_array().expect("findings");
    let gone: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "profile-change").collect();
    assert!(!gone.is_empty());
    assert!(gone.iter().all(|f| f["severity"] == "note" && !f["fails"].as_bool().unwrap_or(true)));
    assert!(
        gone.iter().any(|f| f["message"].as_str().is_some_and(|m| m.ends_with("(AML-DNS-010)"))
            && f["note"] == "reported under profile 2020-10, the book's own"),
        "{gone:#?}"
    );
    let lacking = findings.iter().find(|f| {
        f["message"]
            == "this block expects `AML-CMP-002` to fire, but profile 2026-02 does not have `AML-CMP-002`"
    });
    assert!(lacking.is_some());
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
