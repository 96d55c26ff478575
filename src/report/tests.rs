use std::sync::Arc;

use super::*;
use crate::check::check_yaml;
use crate::diag::{Location, Position, ToolCode};
use crate::rules::registry::rule;

fn settings() -> CheckSettings {
    // The fixtures follow profile 2020-10, as a book that pins it.
    CheckSettings {
        today: time::macros::date!(2026 - 01 - 15),
        book_profile: Some(crate::rules::Profile::P2020_10),
        ..CheckSettings::default()
    }
}

fn at(file: &str) -> Location {
    let p = Position { line: 2, column: 3 };
    Location { file: Arc::from(file), start: p, end: p, bytes: 0..0 }
}

fn with(disposition: Disposition, d: Diagnostic) -> Diagnostic {
    let mut d = d.at(at("content/a.md"));
    d.disposition = disposition;
    d
}

#[test]
fn exit_codes() {
    let empty = CheckRun::new(Vec::new(), Vec::new());
    assert_eq!(empty.exit_code(), EXIT_OK);

    let warning = CheckRun::new(
        Vec::new(),
        vec![with(Disposition::Active, Diagnostic::warning(ToolCode::Suppression, "w"))],
    );
    assert_eq!(warning.exit_code(), EXIT_OK);
    assert_eq!(warning.clone().with_deny_warnings(true).exit_code(), EXIT_FINDINGS);

    let note =
        CheckRun::new(Vec::new(), vec![with(Disposition::Active, Diagnostic::note(ToolCode::Markdown, "n"))]);
    assert_eq!(note.with_deny_warnings(true).exit_code(), EXIT_OK);

    let error =
        CheckRun::new(Vec::new(), vec![with(Disposition::Active, Diagnostic::error(ToolCode::Io, "e"))]);
    assert_eq!(error.exit_code(), EXIT_FINDINGS);

    let accepted = CheckRun::new(
        Vec::new(),
        vec![
            with(Disposition::Suppressed, Diagnostic::error(rule("AML-KV-002"), "s")),
            with(Disposition::Expected, Diagnostic::error(rule("AML-KV-001"), "e")),
        ],
    );
    assert_eq!(accepted.with_deny_warnings(true).exit_code(), EXIT_OK);
    assert_eq!(EXIT_ERROR, 2);
}

#[test]
fn blocks_decide_the_exit_code_too() {
    let ok = check_yaml("content/a.md", "key_vaults:\n  - name: kv\n", "yaml topology", &settings());
    assert_eq!(ok.outcome, Outcome::Passed);
    assert_eq!(CheckRun::new(vec![ok], Vec::new()).exit_code(), EXIT_OK);

    let invalid = check_yaml("content/a.md", "key_vaults: [", "yaml topology", &settings());
    assert_eq!(invalid.outcome, Outcome::Invalid);
    assert_eq!(CheckRun::new(vec![invalid], Vec::new()).exit_code(), EXIT_FINDINGS);

    // A warning in a block: the block passes, unless warnings are denied.
    let expired = "meta:\n  suppress:\n    - {rule: AML-KV-002, reason: r, expires: '2020-01-01'}\nkey_vaults:\n  - name: kv\n";
    let b = check_yaml("content/a.md", expired, "yaml topology", &settings());
    assert!(b.diagnostics.iter().any(|d| d.severity == Severity::Warning), "{:?}", b.diagnostics);
    let run = CheckRun::new(vec![b], Vec::new());
    assert_eq!(run.outcome(&run.blocks[0]), Outcome::Passed);
    assert_eq!(run.exit_code(), EXIT_OK);
    let run = run.with_deny_warnings(true);
    assert_eq!(run.outcome(&run.blocks[0]), Outcome::Failed);
    assert_eq!(run.summary().failed, 1);
    assert_eq!(run.exit_code(), EXIT_FINDINGS);
}

#[test]
fn block_diagnostics_are_counted_once() {
    let b = check_yaml("content/a.md", "key_vaults: [", "yaml topology", &settings());
    let mut all = b.diagnostics.clone();
    all.push(Diagnostic::error(ToolCode::BrokenLink, "link to `x.md`").at(at("content/a.md")));
    let run = CheckRun::new(vec![b], all);
    assert_eq!(run.diagnostics.len(), 2, "{:?}", run.diagnostics);
    assert_eq!(run.book_diagnostics().count(), 1);
}

#[test]
fn summary_lines() {
    let s = Summary { blocks: 12, passed: 10, failed: 1, expected_fail: 1, ..Summary::default() };
    assert_eq!(s.line(), "12 blocks checked: 10 passed, 1 failed, 1 failed as expected");
    let s = Summary { blocks: 1, passed: 1, ..Summary::default() };
    assert_eq!(s.line(), "1 block checked: 1 passed, 0 failed");
    let s = Summary {
        blocks: 4,
        passed: 1,
        failed: 1,
        ignored: 1,
        invalid: 1,
        errors: 2,
        warnings: 1,
        notes: 3,
        suppressed: 1,
        expected: 2,
        ..Summary::default()
    };
    assert_eq!(
        s.to_string(),
        "4 blocks checked: 1 passed, 1 failed, 1 ignored, 1 invalid; 2 errors, 1 warning, 3 notes, \
1 suppressed, 2 expected"
    );
}

#[test]
fn terminal_safety() {
    assert!(matches!(terminal_safe("plain `kv-ml` — ok"), Cow::Borrowed(_)));
    assert_eq!(terminal_safe("\u{1b}[31mred\u{1b}[0m"), "␛[31mred␛[0m");
    assert_eq!(terminal_safe("a\0b\r\nc\td\u{7f}"), "a␀b␍␊c␉d␡");
    // C1 CSI, bidi override and isolate, line separator, BOM, XML-forbidden noncharacter.
    assert_eq!(
        terminal_safe("x\u{9b}2J\u{202e}evil\u{2066}\u{2028}\u{feff}\u{ffff}"),
        "x\\u{9b}2J\\u{202e}evil\\u{2066}\\u{2028}\\u{feff}\\u{ffff}"
    );
    // Ordinary non-ASCII text stays as it is.
    assert_eq!(terminal_safe("coffre-fort `kv-été` 日本"), "coffre-fort `kv-été` 日本");
}

#[test]
fn path_prefixes() {
    let run = |p: &str| CheckRun::new(Vec::new(), Vec::new()).with_path_prefix(p);
    assert_eq!(run("docs").path("content/a.md"), "docs/content/a.md");
    assert_eq!(run("./docs/").path("content/a.md"), "docs/content/a.md");
    assert_eq!(run(".").path("content/a.md"), "content/a.md");
    assert_eq!(run("").path("./content/a.md"), "content/a.md");
    assert_eq!(run("docs\\guide").path("content/a.md"), "docs/guide/content/a.md");
}

#[test]
fn formats_by_name() {
    for f in Format::ALL {
        assert_eq!(Format::parse(f.name()), Some(*f));
    }
    assert_eq!(Format::parse("SARIF"), Some(Format::Sarif));
    assert_eq!(Format::parse("xml"), None);
    assert!(matches!(render(&CheckRun::new(Vec::new(), Vec::new()), Format::Human), Err(RenderError::Human)));
}

#[test]
fn urls() {
    assert!(is_absolute_url("https://docs.example.com/rules/AML-KV-002.html"));
    assert!(!is_absolute_url("rules/AML-KV-002.html"));
    assert!(!is_absolute_url("://x"));
    let run = CheckRun::new(Vec::new(), Vec::new()).with_settings(&CheckSettings {
        rules_base_url: Some("https://d.example/rules/".into()),
        ..settings()
    });
    let d = Diagnostic::error(rule("AML-KV-002"), "m");
    assert_eq!(run.url(&d).as_deref(), Some("https://d.example/rules/AML-KV-002.html"));
    assert_eq!(run.url(&Diagnostic::error(ToolCode::BrokenLink, "m")), None);
}
