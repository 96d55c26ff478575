//! The rule registry as a specification: every rule is documented, its Example fires exactly
//! that rule and its Fix fires nothing; every rule has fixtures that fire it and pass it.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use topobook::check::{CheckSettings, Outcome, RuleState, check_yaml};
use topobook::diag::{Disposition, Severity};
use topobook::rules::{Profile, registry};

fn settings() -> CheckSettings {
    CheckSettings { today: time::macros::date!(2026 - 01 - 15), ..CheckSettings::default() }
}

/// Rules (at warning or error) with active findings in a YAML text.
fn fired(yaml: &str) -> (BTreeSet<String>, Vec<String>) {
    let report = check_yaml("example.yaml", yaml, "yaml topology", &settings());
    let rules = report
        .diagnostics
        .iter()
        .filter(|d| d.disposition == Disposition::Active && d.code.rule().is_some())
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| d.code.to_string())
        .collect();
    let other = report
        .diagnostics
        .iter()
        .filter(|d| d.code.rule().is_none())
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    (rules, other)
}

#[test]
fn ids_are_unique_and_rules_documented() {
    let mut seen = BTreeSet::new();
    for r in registry() {
        assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
        assert!(r.id.starts_with("AML-"), "{}: ids start with AML-", r.id);
        assert!(
            !r.name.is_empty()
                && r.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: name `{}` must be kebab-case",
            r.id,
            r.name
        );
        for (section, text) in [
            ("title", r.title),
            ("checks", r.checks),
            ("why", r.why),
            ("example", r.example),
            ("fix", r.fix),
            ("help", r.help),
            ("quote", r.quote),
            ("source", r.source),
            ("source_url", r.source_url),
        ] {
            assert!(!text.trim().is_empty(), "{}: section `{section}` is empty", r.id);
        }
    }
    let names: BTreeSet<_> = registry().iter().map(|r| r.name).collect();
    assert_eq!(names.len(), registry().len(), "rule names must be unique");
}

#[test]
fn every_example_fires_exactly_its_rule_and_every_fix_fires_nothing() {
    let mut failures = Vec::new();
    for r in registry().iter().filter(|r| Profile::DEFAULT.includes(r)) {
        let report = check_yaml("example.yaml", r.example, "yaml topology", &settings());
        if report.outcome == Outcome::Invalid {
            failures.push(format!("{}: example does not parse: {:?}", r.id, report.diagnostics));
            continue;
        }
        let (rules, other) = fired(r.example);
        if !other.is_empty() {
            failures.push(format!("{}: example raises {:?}", r.id, other));
        }
        if r.severity >= Severity::Warning {
            let want: BTreeSet<String> = [r.id.to_string()].into();
            if rules != want {
                failures.push(format!("{}: example fires {:?}", r.id, rules));
            }
        } else {
            let state = report.rules.iter().find(|o| o.rule.id == r.id).map(|o| o.state.clone());
            if state != Some(RuleState::Failed) {
                failures.push(format!("{}: example leaves the rule {:?}", r.id, state));
            }
            if !rules.is_empty() {
                failures.push(format!("{}: example also fires {:?}", r.id, rules));
            }
        }
        let (rules, other) = fired(r.fix);
        if !rules.is_empty() || !other.is_empty() {
            failures.push(format!("{}: fix fires {:?} {:?}", r.id, rules, other));
        }
        let report = check_yaml("fix.yaml", r.fix, "yaml topology", &settings());
        if report.diagnostics.iter().any(|d| d.code.as_str() == r.id) {
            failures.push(format!("{}: fix still fires the rule", r.id));
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

/// Fixtures: `tests/fixtures/rules/<ID>/fires*.yaml` must fire the rule (snapshot of the
/// diagnostics); `passes*.yaml` must evaluate it and pass.
#[test]
fn rule_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut missing = Vec::new();
    for r in registry().iter().filter(|r| Profile::DEFAULT.includes(r)) {
        let dir = root.join(r.id);
        let mut fires = 0;
        let mut passes = 0;
        let mut entries: Vec<_> =
            std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        entries.sort();
        for path in entries {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            let Ok(yaml) = std::fs::read_to_string(&path) else { continue };
            let file = format!("{}/{name}", r.id);
            let report = check_yaml(&file, &yaml, "yaml topology", &settings());
            let state = report.rules.iter().find(|o| o.rule.id == r.id).map(|o| o.state.clone());
            if name.starts_with("fires") {
                fires += 1;
                assert_eq!(
                    state,
                    Some(RuleState::Failed),
                    "{file} must fire {}: {:#?}",
                    r.id,
                    report.diagnostics
                );
                let text: Vec<String> = report
                    .diagnostics
                    .iter()
                    .map(|d| {
                        let l = d
                            .location
                            .as_ref()
                            .map(|l| format!("{}:{}:{}", l.file, l.start.line, l.start.column));
                        format!(
                            "{}: {}[{}]: {}\n  help: {}\n  path: {}",
                            l.unwrap_or_default(),
                            d.severity,
                            d.code,
                            d.message,
                            d.help.as_deref().unwrap_or("-"),
                            d.yaml_path().unwrap_or_else(|| "-".into())
                        )
                    })
                    .collect();
                insta::with_settings!({snapshot_path => root.join("snapshots"), prepend_module_to_snapshot => false}, {
                    insta::assert_snapshot!(format!("{}__{}", r.id, name.trim_end_matches(".yaml")), text.join("\n"));
                });
            } else if name.starts_with("passes") {
                passes += 1;
                assert_eq!(
                    state,
                    Some(RuleState::Passed),
                    "{file} must pass {}: {:#?}",
                    r.id,
                    report.diagnostics
                );
            }
        }
        if fires == 0 || passes == 0 {
            missing.push(format!("{} (fires: {fires}, passes: {passes})", r.id));
        }
    }
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}
