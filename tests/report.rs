//! The report formats of `topobook check`, on one fixture run that has every case: a
//! passing block (with a note), a failing one, an `expect=` block, a suppressed finding, an
//! expired suppression, an ignored block, an invalid one, and a broken link outside blocks.
//!
//! Until the book loader is merged, the pages are strings and [`page`] finds their
//! top-level topology fences; each block goes through the real `check_block`, so positions
//! are those of the page.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use topobook::check::{BlockReport, CheckSettings, Outcome, check_block};
use topobook::diag::{Diagnostic, LineIndex, Location, ToolCode};
use topobook::report::{self, CheckRun, EXIT_FINDINGS, EXIT_OK, Format};
use topobook::topology::{BlockSource, SegmentMap};

fn settings() -> CheckSettings {
    CheckSettings {
        today: time::macros::date!(2026 - 01 - 15),
        rules_base_url: Some("https://docs.example.com/rules".to_string()),
        profile: None,
        // The fixture pages follow profile 2020-10, as a book that pins it.
        book_profile: Some(topobook::rules::Profile::P2020_10),
    }
}

const SECURE_WORKSPACE: &str = r#"# Secure the workspace

The workspace keeps its secrets in a key vault behind a private endpoint.

```yaml topology id=secure-kv title="Secured key vault"
# `bypass` absent: Azure's default lets trusted services through.
key_vaults:
  - name: kv-ml
    network: {default_action: Deny}
    private_endpoints: [{name: pe-kv, subresource: vault}]
```

Turning off the trusted-services bypass breaks the workspace:

```yaml topology id=kv-bypass-off title="Trusted services turned off"
key_vaults:
  - name: kv-ml
    network: {default_action: Deny, bypass: [None]}
    private_endpoints: [{name: pe-kv, subresource: vault}]
```
"#;

const COUNTER_EXAMPLES: &str = r#"# Counter-examples

A vault that denies every network and is attached to none:

```yaml topology id=kv-unattached expect=AML-KV-001 title="A vault attached to nothing"
key_vaults:
  - name: kv-ml
    network: {default_action: Deny}
```

A finding accepted on purpose:

```yaml topology id=kv-accepted
meta:
  suppress:
    - {rule: AML-KV-002, reason: "the vault only holds a break-glass secret read by people"}
key_vaults:
  - name: kv-breakglass
    network: {default_action: Deny, bypass: [None]}
    private_endpoints: [{name: pe-kv, subresource: vault}]
```
"#;

const LEGACY: &str = r#"# Legacy setups

```yaml topology id=kv-expired
meta:
  suppress:
    - rule: AML-KV-002
      reason: waiting for the network team
      expires: "2025-12-31"
key_vaults:
  - name: kv-legacy
    network: {default_action: Deny, bypass: [None]}
    private_endpoints: [{name: pe-kv, subresource: vault}]
```

A sketch, not checked:

```yaml topology id=draft ignore
key_vaults: [{name: kv-sketch, network: {default_action: Deny}}]
```

```yaml topology id=broken-yaml
key_vaults:
  - name: kv-ml
    network: {default_action: Deny
```
"#;

const INTRO: &str = "# Introduction\n\nStart with the [setup](setup.md) page.\n";

/// The topology blocks of a page, checked as the pipeline checks them. A stand-in for the
/// Markdown stage (top-level fences only) until the book loader is merged.
fn page(path: &str, text: &str) -> Vec<BlockReport> {
    let index = LineIndex::new(text);
    let mut reports = Vec::new();
    let mut offset = 0;
    let mut open: Option<(usize, String, usize)> = None; // fence start, info, yaml start
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        match &open {
            None if line.starts_with("```yaml topology") => {
                open = Some((start, line[3..].trim_end().to_string(), offset));
            }
            Some((fence, info, yaml_start)) if line.trim_end() == "```" => {
                let yaml = text[*yaml_start..start].to_string();
                let mut map = SegmentMap::default();
                map.push(0, *yaml_start, yaml.len());
                let source = BlockSource {
                    page: Arc::from(path),
                    index: reports.len(),
                    info: info.clone(),
                    info_offset: fence + 3,
                    fence: *fence..offset,
                    yaml,
                    map,
                };
                reports.push(check_block(Arc::new(source), text, &index, &settings()));
                open = None;
            }
            _ => {}
        }
    }
    reports
}

fn fixture() -> CheckRun {
    let mut blocks = page("content/secure-workspace.md", SECURE_WORKSPACE);
    blocks.extend(page("content/counter-examples.md", COUNTER_EXAMPLES));
    blocks.extend(page("content/legacy.md", LEGACY));
    let link = INTRO.find("[setup](setup.md)").unwrap_or_default();
    let broken_link =
        Diagnostic::error(ToolCode::BrokenLink, "link to `setup.md` points to no page of the book")
            .at(Location::new(Arc::from("content/intro.md"), INTRO, link..link + 17))
            .with_label("no such page")
            .with_help("fix the path, or add `setup.md` to `SUMMARY.md`");
    let mut run =
        CheckRun::new(blocks, vec![broken_link]).with_settings(&settings()).with_path_prefix("docs");
    run.tool_version = "0.0.0-test".to_string();
    run
}

#[test]
fn fixture_has_every_case() {
    let run = fixture();
    let outcomes: Vec<(&str, Outcome)> = run.blocks.iter().map(|b| (b.id.as_str(), b.outcome)).collect();
    assert_eq!(
        outcomes,
        [
            ("secure-kv", Outcome::Passed),
            ("kv-bypass-off", Outcome::Failed),
            ("kv-unattached", Outcome::ExpectedFail),
            ("kv-accepted", Outcome::Passed),
            ("kv-expired", Outcome::Failed),
            ("draft", Outcome::Ignored),
            ("broken-yaml", Outcome::Invalid),
        ]
    );
    let s = run.summary();
    assert_eq!((s.suppressed, s.expected), (1, 1), "{s:?}");
    assert!(run.diagnostics.iter().any(|d| d.code == ToolCode::Suppression && d.message.contains("expired")));
    assert_eq!(run.exit_code(), EXIT_FINDINGS);
}

#[test]
fn summary_line() {
    insta::assert_snapshot!(fixture().summary().line(), @"7 blocks checked: 2 passed, 2 failed, 1 failed as expected, 1 ignored, 1 invalid; 4 errors, 1 warning, 5 notes, 1 suppressed, 1 expected");
}

#[test]
fn short_format() {
    insta::assert_snapshot!("short", report::short::render(&fixture()));
}

#[test]
fn github_format() {
    insta::assert_snapshot!("github", report::github::render(&fixture()));
}

/// The rule counts of a block depend on how many rules the registry holds; check that they
/// add up, then keep only the counts this fixture decides.
fn stable_json(mut v: Value) -> Value {
    let profile_rules = topobook::rules::for_profile(topobook::rules::Profile::P2020_10).len() as u64;
    for b in v["blocks"].as_array_mut().into_iter().flatten() {
        let rules = b["rules"].as_object_mut().expect("rules is an object");
        let total: u64 = rules.values().filter_map(Value::as_u64).sum();
        assert!(total == profile_rules || total == 0, "rule counts do not add up: {rules:?}");
        rules.remove("passed");
        rules.remove("not_evaluated");
    }
    v
}

#[test]
fn json_format() {
    let text = report::json::render(&fixture());
    let v: Value = serde_json::from_str(&text).expect("the JSON report parses");
    insta::assert_json_snapshot!("json", stable_json(v));
}

#[test]
fn sarif_format() {
    let text = report::sarif::render(&fixture());
    let v: Value = serde_json::from_str(&text).expect("the SARIF log parses");
    insta::assert_json_snapshot!("sarif", v);
}

#[test]
fn junit_format() {
    let xml = report::junit::render(&fixture()).expect("the JUnit report is written");
    insta::assert_snapshot!("junit", xml);
}

#[test]
fn render_dispatches_every_machine_format() {
    let run = fixture();
    for f in Format::ALL.iter().copied().filter(|f| *f != Format::Human) {
        let out = report::render(&run, f).expect("machine formats render");
        assert!(!out.is_empty() && out.ends_with('\n'), "{f}");
    }
}

// --- Schemas -------------------------------------------------------------------------

use common::validate_json as validate;

#[test]
fn sarif_validates_against_the_official_schema() {
    const SCHEMA: &str = "tests/schemas/sarif-schema-2.1.0.json";
    let v: Value = serde_json::from_str(&report::sarif::render(&fixture())).expect("parses");
    validate(SCHEMA, &v).unwrap_or_else(|e| panic!("SARIF output is not valid SARIF 2.1.0:\n{e}"));
    // Also without a rules base URL and with a finding that has no location.
    let mut run =
        CheckRun::new(fixture().blocks, vec![Diagnostic::error(ToolCode::Config, "bad `book.toml`")]);
    run.rules_base_url = None;
    let v: Value = serde_json::from_str(&report::sarif::render(&run)).expect("parses");
    validate(SCHEMA, &v).unwrap_or_else(|e| panic!("SARIF output is not valid SARIF 2.1.0:\n{e}"));
    assert_eq!(v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["descriptor"]["id"], "config");
    // The validator does reject what the schema forbids.
    let mut broken = v.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert!(validate(SCHEMA, &broken).is_err(), "a zero line must be refused");
    let mut broken = v;
    broken["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "not a uri".into();
    assert!(validate(SCHEMA, &broken).is_err(), "a relative helpUri must be refused");
}

#[test]
fn json_validates_against_its_documented_schema() {
    const SCHEMA: &str = "docs/report-schema-v1.json";
    for run in [fixture(), fixture().with_deny_warnings(true), CheckRun::new(Vec::new(), Vec::new())] {
        let v: Value = serde_json::from_str(&report::json::render(&run)).expect("parses");
        validate(SCHEMA, &v).unwrap_or_else(|e| panic!("JSON report does not match its schema:\n{e}"));
    }
    let v: Value = serde_json::from_str(&report::json::render(&fixture())).expect("parses");
    let mut broken = v.clone();
    broken["version"] = 2.into();
    assert!(validate(SCHEMA, &broken).is_err());
    let mut broken = v.clone();
    broken["blocks"][0]["outcome"] = "maybe".into();
    assert!(validate(SCHEMA, &broken).is_err());
    let mut broken = v;
    broken["findings"][0].as_object_mut().expect("object").remove("yaml_path");
    assert!(validate(SCHEMA, &broken).is_err());
}

// --- Exit codes ----------------------------------------------------------------------

#[test]
fn exit_codes_of_the_fixture() {
    let run = fixture();
    assert_eq!(run.exit_code(), EXIT_FINDINGS);
    let passing: Vec<_> = run
        .blocks
        .iter()
        .filter(|b| matches!(b.outcome, Outcome::Passed | Outcome::ExpectedFail | Outcome::Ignored))
        .cloned()
        .collect();
    let run = CheckRun::new(passing, Vec::new());
    assert_eq!(run.exit_code(), EXIT_OK, "{}", run.summary());
    let json: Value = serde_json::from_str(&report::json::render(&run)).expect("parses");
    assert_eq!(json["summary"]["exit_code"], 0);
}

// --- Hostile input -------------------------------------------------------------------

/// Resource names, titles, reasons and file names that try to break out of every format.
const HOSTILE_PAGE: &str = concat!(
    "# Hostile\n\n",
    "```yaml topology id=evil title='\u{1b}[31m\"><svg onload=alert(1)> ]]> <script>\u{0}'\n",
    r#"meta:
  suppress:
    - {rule: AML-KV-002, reason: "]]> <script>alert(1)</script> \e[2J"}
key_vaults:
  - name: "<script>alert(1)</script>]]>\e[31m\0\u202e"
    network: {default_action: Deny, bypass: [None]}
    private_endpoints: [{name: pe-kv, subresource: vault}]
  - name: "kv2\e]0;pwned\a"
    network: {default_action: Deny}
```
"#
);

fn hostile() -> CheckRun {
    let blocks = page("content/hostile.md", HOSTILE_PAGE);
    let file = "content/<b>&\"'\u{1b}[1m.md";
    let d =
        Diagnostic::error(ToolCode::BrokenLink, "link to `]]><script>\u{1b}[31m\u{0}\u{ffff}\u{202e}x.md`")
            .at(Location::new(Arc::from(file), "a\n", 0..1))
            .with_help("\"><svg onload=alert(1)>");
    CheckRun::new(blocks, vec![d]).with_path_prefix("docs")
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{a}' | '\u{d}' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[test]
fn hostile_fixture_reaches_every_format() {
    let run = hostile();
    assert_eq!(run.blocks.len(), 1);
    let messages: Vec<&str> = run.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("<script>") && m.contains('\u{1b}')), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains('\0')), "{messages:?}");
    assert!(
        run.diagnostics.iter().any(|d| d.suppression_reason.as_deref().is_some_and(|r| r.contains("]]>")))
    );
}

#[test]
fn junit_stays_well_formed_under_hostile_input() {
    let xml = report::junit::render(&hostile()).expect("written");
    if let Some(bad) = xml.chars().find(|c| !is_xml_char(*c)) {
        panic!("character {bad:?} is not allowed in XML 1.0:\n{xml}");
    }
    assert!(!xml.contains("<script>") && !xml.contains("<svg") && !xml.contains("<b>"), "{xml}");
    assert!(!xml.contains("]]>"), "`]]>` must be escaped in text: {xml}");
    let parsed = quick_junit::Report::deserialize_from_str(&xml)
        .unwrap_or_else(|e| panic!("the JUnit report does not parse: {e}\n{xml}"));
    assert_eq!(parsed.test_suites.len(), 2);
    // The hostile text survives, visibly.
    let case = &parsed.test_suites[0].test_cases[0];
    assert_eq!(case.name.as_str(), "evil");
    let out = case.system_out.as_ref().map(|s| s.as_str()).unwrap_or_default();
    assert!(out.contains("title: ␛[31m\"><svg onload=alert(1)> ]]> <script>␀"), "{out}");
    let skipped = &parsed.test_suites[0].test_cases[1];
    assert_eq!(skipped.name.as_str(), "evil AML-KV-002");
    match &skipped.status {
        quick_junit::TestCaseStatus::Skipped { message, .. } => assert_eq!(
            message.as_ref().map(|m| m.as_str()),
            Some("suppressed: ]]> <script>alert(1)</script> ␛[2J")
        ),
        other => panic!("a suppressed finding is a skipped case: {other:?}"),
    }
    let failure = format!("{:?}", case.status);
    assert!(failure.contains("<script>alert(1)</script>]]>␛[31m␀\\\\u{202e}"), "{failure}");
}

#[test]
fn terminal_formats_carry_no_control_characters() {
    let run = hostile();
    for (name, out) in [("short", report::short::render(&run)), ("github", report::github::render(&run))] {
        let findings =
            run.diagnostics.iter().filter(|d| d.disposition == topobook::diag::Disposition::Active);
        assert_eq!(out.lines().count(), findings.count() + 1, "{name}: one line per finding:\n{out}");
        if let Some(c) = out.chars().find(|c| c.is_control() && *c != '\n') {
            panic!("{name} prints the control character {c:?}:\n{out}");
        }
        assert!(out.contains("␛[31m"), "{name}: escapes are shown, not dropped:\n{out}");
        assert!(
            out.contains("\\u{202e}") && !out.contains('\u{202e}'),
            "{name}: bidi override shown:\n{out}"
        );
    }
}

#[test]
fn data_formats_keep_hostile_text_exact_and_valid() {
    let run = hostile();
    let json: Value = serde_json::from_str(&report::json::render(&run)).expect("JSON parses");
    validate("docs/report-schema-v1.json", &json).unwrap_or_else(|e| panic!("{e}"));
    let messages: Vec<&str> =
        json["findings"].as_array().into_iter().flatten().filter_map(|f| f["message"].as_str()).collect();
    for d in &run.diagnostics {
        assert!(messages.contains(&d.message.as_str()), "JSON keeps {:?} exactly", d.message);
    }
    let text = report::sarif::render(&run);
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "SARIF escapes control characters");
    let sarif: Value = serde_json::from_str(&text).expect("SARIF parses");
    validate("tests/schemas/sarif-schema-2.1.0.json", &sarif).unwrap_or_else(|e| panic!("{e}"));
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&"docs/content/%3Cb%3E%26%22%27%1B%5B1m.md"), "{uris:?}");
}

#[test]
fn the_documented_json_example_matches_the_schema() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md"))
        .expect("docs/ci.md");
    let start = doc.find("```json\n").expect("docs/ci.md has a JSON example") + "```json\n".len();
    let end = start + doc[start..].find("```").expect("the example is closed");
    let example: Value = serde_json::from_str(&doc[start..end]).expect("the example is JSON");
    validate("docs/report-schema-v1.json", &example).unwrap_or_else(|e| panic!("docs/ci.md example: {e}"));
}
