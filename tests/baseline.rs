//! Baselines, with the real binary on `tests/books/check` (two failing blocks, an expired
//! suppression, a broken link and a broken anchor): `check --write-baseline` records them,
//! `--baseline` and `[check] baseline` report them as baselined in every format and on the
//! site, a block moved down its page keeps them, a new finding still fails, a fixed one leaves
//! a stale entry that the next `--write-baseline` drops, and a hand-broken file is an error
//! at its line.

mod common;

use std::path::Path;

use common::topobook;
use serde_json::Value;

const KNOWN: usize = 5;

/// A copy of the book, with `baseline.json` written.
fn with_baseline() -> tempfile::TempDir {
    let dir = common::book("check");
    let (code, _, err) = topobook(&["check", "--write-baseline", "baseline.json"], Some(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("baseline `baseline.json` written: 5 known findings (5 new, 0 stale entries pruned)"),
        "{err}"
    );
    dir
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["check", "--baseline", "baseline.json"];
    all.extend_from_slice(args);
    topobook(&all, Some(dir))
}

#[test]
fn the_file_is_small_sorted_and_stable() {
    let dir = with_baseline();
    let text = read(dir.path(), "baseline.json");
    let json: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["version"], 1);
    let entries = json["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), KNOWN);
    // One entry per line, sorted by file, block, rule and path; no line numbers, no dates.
    let lines: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with("{\"file\"")).collect();
    assert_eq!(lines.len(), KNOWN, "{text}");
    let keys: Vec<(Option<&str>, Option<&str>, Option<&str>)> =
        entries.iter().map(|e| (e["file"].as_str(), e["block"].as_str(), e["rule"].as_str())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(!text.contains("\"line\"") && !text.contains("\"column\""), "no positions: {text}");
    for key in ["file", "block", "rule", "path", "message", "fingerprint"] {
        assert!(entries.iter().all(|e| e.get(key).is_some()), "every entry has `{key}`");
    }
    // Writing again changes nothing.
    let (code, _, err) = topobook(
        &["check", "--baseline", "baseline.json", "--write-baseline", "baseline.json"],
        Some(dir.path()),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("(0 new, 0 stale entries pruned)"), "{err}");
    assert_eq!(read(dir.path(), "baseline.json"), text);
}

#[test]
fn baselined_findings_show_in_every_format_and_do_not_fail() {
    let dir = with_baseline();
    let p = dir.path();

    let (code, out, _) = check(p, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("5 baselined"), "{out}");
    assert!(out.contains("(5 baselined findings not shown: known in `baseline.json`"), "{out}");
    assert!(!out.contains("error["), "{out}");

    let (code, out, _) = check(p, &["--format", "short"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "only the summary line: {out}");
    assert!(out.contains("5 baselined"));

    let (code, out, _) = check(p, &["--format", "github"]);
    assert_eq!(code, 0);
    assert!(!out.contains("::error") && !out.contains("::warning"), "{out}");
    assert!(out.contains("5 baselined"));

    let (code, out, _) = check(p, &["--format", "json"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).expect("JSON");
    common::validate_json("docs/report-schema-v1.json", &json).expect("the report follows its schema");
    assert_eq!(json["summary"]["baselined"], KNOWN);
    assert_eq!(json["summary"]["exit_code"], 0);
    let baselined =
        json["findings"].as_array().map_or(0, |f| f.iter().filter(|f| f["baselined"] == true).count());
    assert_eq!(baselined, KNOWN);
    assert!(json["findings"].as_array().is_some_and(|f| f.iter().all(|f| f["fails"] == false)));

    let (code, out, _) = check(p, &["--format", "sarif"]);
    assert_eq!(code, 0);
    let sarif: Value = serde_json::from_str(&out).expect("SARIF");
    common::validate_json("tests/schemas/sarif-schema-2.1.0.json", &sarif).expect("valid SARIF");
    let results = sarif["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    let unchanged: Vec<&Value> = results.iter().filter(|r| r["baselineState"] == "unchanged").collect();
    assert_eq!(unchanged.len(), KNOWN);
    assert!(unchanged.iter().all(|r| r["suppressions"][0]["kind"] == "external"
        && r["suppressions"][0]["justification"].as_str().is_some_and(|j| j.contains("baseline.json"))));
    assert!(results.iter().all(|r| r["baselineState"] == "unchanged" || r["baselineState"] == "new"));

    let (code, out, _) = check(p, &["--format", "junit"]);
    assert_eq!(code, 0);
    let doc = roxmltree::Document::parse(&out).expect("XML");
    assert!(!doc.descendants().any(|n| n.has_tag_name("failure")), "{out}");
    let skipped = doc
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .filter(|n| n.attribute("message").is_some_and(|m| m.starts_with("baselined")))
        .count();
    assert_eq!(skipped, 3, "the block findings are skipped cases: {out}");
    assert!(
        out.contains("baselined (a known finding): content/workspace.md:19:54: error[broken-link]"),
        "{out}"
    );

    // Without the baseline, the same book fails.
    let (code, _, _) = topobook(&["check"], Some(p));
    assert_eq!(code, 1);
}

#[test]
fn book_toml_names_the_baseline_for_check_build_and_the_site() {
    let dir = with_baseline();
    let p = dir.path();
    let toml = p.join("book.toml");
    let text = read(p, "book.toml");
    // Under the book's own `[check]` table when it has one.
    let text = match text.find("[check]\n") {
        Some(at) => format!("{}[check]\nbaseline = \"baseline.json\"\n{}", &text[..at], &text[at + 8..]),
        None => format!("{text}\n[check]\nbaseline = \"baseline.json\"\n"),
    };
    std::fs::write(&toml, text).expect("write");
    let (code, out, _) = topobook(&["check"], Some(p));
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = topobook(&["build"], Some(p));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 errors, 0 warnings, 5 baselined; exit 0 (fail-on = error)"), "{err}");
    let page = read(p, "site/key-vault.html");
    assert!(page.contains("finding finding-baselined"), "the panel lists the finding as baselined");
    assert!(page.contains("Baselined error"));
    assert!(
        page.contains("AML-KV-002: key vault `kv-ml` blocks trusted Microsoft services (baselined"),
        "the diagram's badge says it"
    );
    assert!(page.contains("1 baselined"), "the verdict counts it");
    let status = read(p, "site/status.html");
    assert!(status.contains("baselined (known, not failing)"), "{status}");
    // A baseline named in `book.toml` that does not exist is an error of the book.
    std::fs::remove_file(p.join("baseline.json")).expect("remove");
    let (code, _, err) = topobook(&["build"], Some(p));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[baseline]: the baseline `baseline.json` does not exist"), "{err}");
    assert!(err.contains("create it with `topobook check --write-baseline baseline.json`"), "{err}");
    assert!(err.contains("--> book.toml:"), "located at the key: {err}");
}

#[test]
fn a_moved_block_keeps_its_findings_and_a_new_one_fails() {
    let dir = with_baseline();
    let p = dir.path();
    let page = p.join("content/key-vault.md");
    let text = read(p, "content/key-vault.md");
    // Ten lines of prose above everything: every finding moves down.
    let (title, rest) = text.split_once('\n').expect("a title line");
    std::fs::write(&page, format!("{title}\n\n{}\n{rest}", "Some context.\n".repeat(10))).expect("write");
    let (code, out, _) = check(p, &["--format", "short"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("5 baselined"), "{out}");
    // A new broken link is not in the baseline: it fails.
    let ws = p.join("content/workspace.md");
    let text = read(p, "content/workspace.md");
    std::fs::write(&ws, format!("{text}\nSee [the new page](new.md).\n")).expect("write");
    let (code, out, _) = check(p, &["--format", "short"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[broken-link]: link to `new.md`"), "{out}");
    assert!(out.contains("1 error") && out.contains("5 baselined"), "{out}");
}

#[test]
fn a_fixed_finding_leaves_a_stale_entry_that_write_baseline_drops() {
    let dir = with_baseline();
    let p = dir.path();
    let before = read(p, "baseline.json");
    let ws = p.join("content/workspace.md");
    std::fs::write(&ws, read(p, "content/workspace.md").replace("(missing.md)", "(key-vault.md)"))
        .expect("fix");
    let (code, out, _) = check(p, &["--format", "short"]);
    assert_eq!(code, 0, "{out}");
    let line = before.lines().position(|l| l.contains("missing.md")).expect("the entry") + 1;
    assert!(
        out.contains(&format!("baseline.json:{line}:5: note[baseline]: stale baseline entry: `broken-link` in `content/workspace.md`")),
        "{out}"
    );
    assert!(out.contains("4 baselined"), "{out}");
    let (code, _, err) = check(p, &["--write-baseline", "baseline.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 known findings (0 new, 1 stale entry pruned)"), "{err}");
    // The diff is that one line.
    let after = read(p, "baseline.json");
    let removed: Vec<&str> = before
        .lines()
        .filter(|l| !after.lines().any(|a| a.trim_end_matches(',') == l.trim_end_matches(',')))
        .collect();
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert!(removed[0].contains("missing.md"));
    let (code, out, _) = check(p, &["--format", "short"]);
    assert_eq!(code, 0);
    assert!(!out.contains("stale"), "{out}");
}

#[test]
fn a_hand_broken_baseline_is_an_error_at_its_line() {
    let dir = with_baseline();
    let p = dir.path();
    let text = read(p, "baseline.json");
    // A comma lost in a merge.
    let broken = text.replacen("\"rule\": \"AML-KV-002\",", "\"rule\": \"AML-KV-002\"", 1);
    std::fs::write(p.join("baseline.json"), &broken).expect("write");
    let line = broken.lines().position(|l| l.contains("\"rule\": \"AML-KV-002\" ")).expect("the line") + 1;
    let (code, out, err) = check(p, &["--format", "json"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "no report: {out}");
    assert!(err.contains("error[baseline]: the baseline is not valid: expected `,` or `}`"), "{err}");
    assert!(err.contains(&format!("--> baseline.json:{line}:")), "{err}");
    // A hand-edited rule: the fingerprint no longer matches.
    std::fs::write(p.join("baseline.json"), text.replacen("AML-KV-002", "AML-KV-001", 1)).expect("write");
    let (code, _, err) = check(p, &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "the `fingerprint` of this baseline entry does not match its `rule`, `file`, `block` and `path`"
        ),
        "{err}"
    );
    assert!(err.contains("= help: restore the entry from version control"), "{err}");
    // `--write-baseline` does not overwrite a file it cannot read.
    let (code, _, err) = check(p, &["--write-baseline", "baseline.json"]);
    assert_eq!(code, 2, "{err}");
    // A file outside the book: named, with its line and column.
    let outside = tempfile::tempdir().expect("temp");
    let file = outside.path().join("known.json");
    std::fs::write(&file, "{\"version\": 1, \"findings\": [}\n").expect("write");
    let (code, _, err) = topobook(&["check", "--baseline", &file.to_string_lossy()], Some(p));
    assert_eq!(code, 2);
    assert!(err.contains(&format!("(`{}`, line 1, column 29)", file.display())), "{err}");
}
