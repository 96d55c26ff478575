//! The rule registry as a specification: every rule version is documented, no two versions
//! of an ID share a profile, each version's Example fires exactly its rule and its Fix fires
//! nothing under every profile the version is in; every version has fixtures that fire it
//! and pass it.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use topobook::check::{CheckSettings, Outcome, RuleState, check_yaml};
use topobook::diag::{Disposition, Severity};
use topobook::rules::{Profile, Rule, groups, registry};

fn settings() -> CheckSettings {
    CheckSettings { today: time::macros::date!(2026 - 01 - 15), ..CheckSettings::default() }
}

/// The fence of a block checked under `profile`.
fn info(profile: Profile) -> String {
    format!("yaml topology profile={profile}")
}

/// Rules (at warning or error) with active findings in a YAML text under `profile`.
fn fired(yaml: &str, profile: Profile) -> (BTreeSet<String>, Vec<String>) {
    let report = check_yaml("example.yaml", yaml, &info(profile), &settings());
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
    for g in groups() {
        let first = g[0];
        assert!(first.id.starts_with("AML-"), "{}: ids start with AML-", first.id);
        assert!(
            !first.name.is_empty()
                && first.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: name `{}` must be kebab-case",
            first.id,
            first.name
        );
        for p in Profile::ALL {
            let n = g.iter().filter(|r| p.includes(r)).count();
            assert!(n <= 1, "{}: {n} versions share profile {p} (their periods overlap)", first.id);
        }
        for r in g.iter() {
            assert_eq!((r.name, r.area), (first.name, first.area), "{}: versions share name and area", r.id);
            assert!(!r.periods.is_empty(), "{}: a version without periods", r.id);
        }
        for (i, a) in g.iter().enumerate() {
            for b in &g[i + 1..] {
                let shared: Vec<_> = a.periods.iter().filter(|p| b.periods.contains(p)).collect();
                assert!(shared.is_empty(), "{}: two versions share the periods {shared:?}", a.id);
            }
        }
    }
    for r in registry() {
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
    let names: BTreeSet<_> = groups().iter().map(|g| g[0].name).collect();
    assert_eq!(names.len(), groups().len(), "rule names must be unique");
}

/// One version's Example and Fix under one profile it is in.
fn check_example(r: &'static Rule, profile: Profile, failures: &mut Vec<String>) {
    let at = format!("{} ({profile})", r.id);
    let report = check_yaml("example.yaml", r.example, &info(profile), &settings());
    if report.outcome == Outcome::Invalid {
        failures.push(format!("{at}: example does not parse: {:?}", report.diagnostics));
        return;
    }
    let (rules, other) = fired(r.example, profile);
    if !other.is_empty() {
        failures.push(format!("{at}: example raises {other:?}"));
    }
    if r.severity >= Severity::Warning {
        let want: BTreeSet<String> = [r.id.to_string()].into();
        if rules != want {
            failures.push(format!("{at}: example fires {rules:?}"));
        }
    } else {
        let state = report.rules.iter().find(|o| o.rule.id == r.id).map(|o| o.state.clone());
        if state != Some(RuleState::Failed) {
            failures.push(format!("{at}: example leaves the rule {state:?}"));
        }
        if !rules.is_empty() {
            failures.push(format!("{at}: example also fires {rules:?}"));
        }
    }
    let (rules, other) = fired(r.fix, profile);
    if !rules.is_empty() || !other.is_empty() {
        failures.push(format!("{at}: fix fires {rules:?} {other:?}"));
    }
    let report = check_yaml("fix.yaml", r.fix, &info(profile), &settings());
    if report.diagnostics.iter().any(|d| d.code.as_str() == r.id) {
        failures.push(format!("{at}: fix still fires the rule"));
    }
    // The block ran this version, not another one of the ID.
    let ran = report.rules.iter().find(|o| o.rule.id == r.id).map(|o| o.rule);
    if !ran.is_some_and(|x| std::ptr::eq(x, r)) {
        failures.push(format!("{at}: profile {profile} ran another version"));
    }
}

#[test]
fn every_example_fires_exactly_its_rule_and_every_fix_fires_nothing() {
    let mut failures = Vec::new();
    for r in registry() {
        for p in r.profiles() {
            check_example(r, p, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

/// A fixture file and the profile it runs under.
struct Fixture {
    path: std::path::PathBuf,
    name: String,
    profile: Profile,
    /// The snapshot and file name, relative to `tests/fixtures/rules/`
    /// (`AML-ST-002/fires_x`, `AML-ST-002/2026-02/fires_x`).
    rel: String,
}

/// The fixtures of a rule ID: `<ID>/*.yaml` run under the oldest profile any version of the ID
/// is in; `<ID>/<profile>/*.yaml` (`2026-02`, `current`) under that profile.
fn fixtures(root: &Path, id: &str) -> Vec<Fixture> {
    let list = |dir: &Path| -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> =
            std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        v.sort();
        v
    };
    let oldest = topobook::rules::profiles_of(id).first().copied().unwrap_or(Profile::DEFAULT);
    let mut out = Vec::new();
    for path in list(&root.join(id)) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if path.is_dir() {
            let profile: Profile = name.parse().unwrap_or_else(|e| panic!("{id}/{name}: {e}"));
            for inner in list(&path) {
                let file = inner.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
                out.push(Fixture { rel: format!("{id}/{name}/{file}"), path: inner, name: file, profile });
            }
        } else {
            out.push(Fixture { rel: format!("{id}/{name}"), path, name, profile: oldest });
        }
    }
    out
}

/// Fixtures: `tests/fixtures/rules/<ID>/fires*.yaml` must fire the rule (snapshot of the
/// diagnostics); `passes*.yaml` must evaluate it and pass. Every version of every rule needs
/// one of each among the fixtures whose profile runs it.
#[test]
fn rule_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut missing = Vec::new();
    for g in groups() {
        let id = g[0].id;
        let mut counts = vec![(0, 0); g.len()];
        for f in fixtures(&root, id) {
            let Ok(yaml) = std::fs::read_to_string(&f.path) else { continue };
            let report = check_yaml(&f.rel, &yaml, &info(f.profile), &settings());
            let outcome = report.rules.iter().find(|o| o.rule.id == id);
            let state = outcome.map(|o| o.state.clone());
            let version = outcome.and_then(|o| g.iter().position(|v| std::ptr::eq(*v, o.rule)));
            if f.name.starts_with("fires") {
                assert_eq!(
                    state,
                    Some(RuleState::Failed),
                    "{} must fire {id} under {}: {:#?}",
                    f.rel,
                    f.profile,
                    report.diagnostics
                );
                if let Some(v) = version {
                    counts[v].0 += 1;
                }
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
                let snapshot = f.rel.trim_end_matches(".yaml").replace('/', "__");
                insta::with_settings!({snapshot_path => root.join("snapshots"), prepend_module_to_snapshot => false}, {
                    insta::assert_snapshot!(snapshot, text.join("\n"));
                });
            } else if f.name.starts_with("passes") {
                assert_eq!(
                    state,
                    Some(RuleState::Passed),
                    "{} must pass {id} under {}: {:#?}",
                    f.rel,
                    f.profile,
                    report.diagnostics
                );
                if let Some(v) = version {
                    counts[v].1 += 1;
                }
            }
        }
        for (v, (fires, passes)) in g.iter().zip(counts) {
            if (fires == 0 || passes == 0) && !v.profiles().is_empty() {
                missing.push(format!("{} {:?} (fires: {fires}, passes: {passes})", id, v.profile_names()));
            }
        }
    }
    assert!(missing.is_empty(), "rule versions without fixtures: {missing:?}");
}
