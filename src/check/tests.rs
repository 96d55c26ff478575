//! The profile of a block and what `--profile` changes.

use super::{CheckSettings, check_yaml};
use crate::diag::{Disposition, Severity, ToolCode};
use crate::rules::Profile;

/// A storage account that lets the workspace in through a resource-instance rule only:
/// AML-ST-002 fires under 2020-10 (trusted services only), not under 2026-02.
const INSTANCE_RULE: &str = "workspace: {name: mlw-demo, default_storage: stmldemo}
storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      bypass: [None]
      resource_instance_rules: [mlw-demo]
";

fn settings(cli: Option<Profile>, book: Option<Profile>) -> CheckSettings {
    CheckSettings {
        profile: cli,
        book_profile: book,
        today: time::macros::date!(2026 - 01 - 15),
        rules_base_url: None,
    }
}

fn st_002(report: &super::BlockReport) -> Vec<&crate::diag::Diagnostic> {
    report.diagnostics.iter().filter(|d| d.code.as_str() == "AML-ST-002").collect()
}

#[test]
fn the_most_specific_profile_wins() {
    let p = |yaml: &str, info: &str, s: &CheckSettings| check_yaml("t.yaml", yaml, info, s).profile;
    let meta = format!("meta: {{profile: '2020-10'}}\n{INSTANCE_RULE}");
    let none = settings(None, None);
    assert_eq!(p(INSTANCE_RULE, "yaml topology", &none), Some(Profile::P2026_02), "the default is current");
    let book = settings(None, Some(Profile::P2020_10));
    assert_eq!(p(INSTANCE_RULE, "yaml topology", &book), Some(Profile::P2020_10), "book.toml");
    let cli = settings(Some(Profile::P2026_02), Some(Profile::P2020_10));
    assert_eq!(p(INSTANCE_RULE, "yaml topology", &cli), Some(Profile::P2026_02), "--profile over book.toml");
    assert_eq!(p(&meta, "yaml topology", &cli), Some(Profile::P2020_10), "meta.profile over --profile");
    let fence = "yaml topology profile=current";
    assert_eq!(p(&meta, fence, &book), Some(Profile::P2026_02), "the fence over meta.profile");
}

#[test]
fn an_unknown_profile_is_located_and_the_run_profile_applies() {
    let yaml = format!("meta: {{profile: '2025-01'}}\n{INSTANCE_RULE}");
    let r = check_yaml("t.yaml", &yaml, "yaml topology", &settings(None, Some(Profile::P2020_10)));
    assert_eq!(r.profile, Some(Profile::P2020_10));
    let d = r.diagnostics.iter().find(|d| d.code == ToolCode::InvalidValue).expect("an error");
    assert_eq!(d.message, "unknown profile `2025-01`; checking with `2020-10`");
    assert_eq!(d.location.as_ref().map(|l| (l.start.line, l.start.column)), Some((1, 17)));
    assert!(
        d.help.as_deref().unwrap_or("").contains("known profiles: 2020-10, 2026-02, current"),
        "{:?}",
        d.help
    );
}

#[test]
fn a_finding_the_new_profile_drops_is_noted() {
    // The book pins 2020-10; the run asks for current.
    let s = settings(Some(Profile::CURRENT), Some(Profile::P2020_10));
    let r = check_yaml("t.yaml", INSTANCE_RULE, "yaml topology", &s);
    assert_eq!(r.profile, Some(Profile::P2026_02));
    assert!(st_002(&r).is_empty());
    let gone: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == ToolCode::ProfileChange && d.message.contains("AML-ST-002"))
        .collect();
    assert_eq!(gone.len(), 1, "{:#?}", r.diagnostics);
    let d = gone[0];
    assert_eq!(d.severity, Severity::Note);
    assert!(
        d.message.starts_with("no longer reported under profile 2026-02: storage account `stmldemo`"),
        "{}",
        d.message
    );
    assert!(d.message.ends_with("(AML-ST-002)"), "{}", d.message);
    assert_eq!(d.yaml_path().as_deref(), Some("storage_accounts[0].network.bypass"));
    assert_eq!(d.location.as_ref().map(|l| (l.start.line, l.start.column)), Some((6, 16)));
    assert!(
        d.help.as_deref().unwrap_or("").contains("the `2026-02` version of `AML-ST-002` does not report it")
    );
    assert!(!r.diagnostics.iter().any(|d| d.fails(true)), "notes never fail a run");
}

#[test]
fn a_finding_only_the_new_profile_reports_says_so() {
    // The other way round: a book on 2026-02 checked with `--profile 2020-10`.
    let s = settings(Some(Profile::P2020_10), Some(Profile::P2026_02));
    let r = check_yaml("t.yaml", INSTANCE_RULE, "yaml topology", &s);
    let found = st_002(&r);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].note.as_deref(), Some("new in profile 2020-10: not reported under 2026-02"));
    assert!(!r.diagnostics.iter().any(|d| d.code == ToolCode::ProfileChange));
}

#[test]
fn findings_both_profiles_report_are_not_marked_and_same_profiles_are_not_compared() {
    // Trusted services off without a resource-instance rule: both versions report it.
    let yaml = INSTANCE_RULE.replace("resource_instance_rules: [mlw-demo]", "resource_instance_rules: []");
    let s = settings(Some(Profile::CURRENT), Some(Profile::P2020_10));
    let r = check_yaml("t.yaml", &yaml, "yaml topology", &s);
    let found = st_002(&r);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].note, None);
    // A block that names its profile is not moved by `--profile`, so nothing is compared.
    let r = check_yaml("t.yaml", INSTANCE_RULE, "yaml topology profile=2020-10", &s);
    assert_eq!((r.profile, st_002(&r).len()), (Some(Profile::P2020_10), 1));
    assert!(st_002(&r)[0].note.is_none());
    // `--profile` equal to the book's: nothing to compare.
    let s = settings(Some(Profile::P2020_10), Some(Profile::P2020_10));
    let r = check_yaml("t.yaml", INSTANCE_RULE, "yaml topology", &s);
    assert!(st_002(&r)[0].note.is_none());
}

#[test]
fn expecting_a_rule_the_profile_lacks_says_which_profiles_have_it() {
    let yaml = "computes: [{name: c, type: compute_cluster}]\n";
    let r = check_yaml("t.yaml", yaml, "yaml topology expect=AML-CMP-002", &settings(None, None));
    let d = r.diagnostics.iter().find(|d| d.code == ToolCode::ExpectMismatch).expect("a mismatch");
    assert_eq!(
        d.message,
        "this block expects `AML-CMP-002` to fire, but profile 2026-02 does not have `AML-CMP-002`"
    );
    assert!(
        d.help.as_deref().unwrap_or("").starts_with("`AML-CMP-002` is in profile 2020-10"),
        "{:?}",
        d.help
    );
    assert!(r.diagnostics.iter().all(|d| d.disposition == Disposition::Active));
}

#[test]
fn fields_of_the_other_profile_are_warned_about_at_their_key() {
    let yaml = "workspace:
  name: w
  edition: enterprise
  features: [studio, serverless_spark]
  managed_network:
    isolation_mode: AllowOnlyApprovedOutbound
computes: [{name: k, type: kubernetes, created_in_vnet: true}]
online_endpoints: [{name: ep}]
";
    let warnings = |profile: &str| -> Vec<(String, (u32, u32), String)> {
        let r =
            check_yaml("t.yaml", yaml, &format!("yaml topology profile={profile}"), &settings(None, None));
        r.diagnostics
            .iter()
            .filter(|d| d.code == ToolCode::FieldNotInProfile)
            .map(|d| {
                let l = d.location.as_ref().expect("located");
                (d.message.clone(), (l.start.line, l.start.column), d.yaml_path().unwrap_or_default())
            })
            .collect()
    };
    let old = warnings("2020-10");
    let expect_old = [
        ("`serverless_spark` has no meaning in profile 2020-10", (4, 22), "workspace.features[1]"),
        ("`managed_network` has no meaning in profile 2020-10", (5, 3), "workspace.managed_network"),
        ("`kubernetes` has no meaning in profile 2020-10", (7, 28), "computes[0].type"),
        ("`online_endpoints` has no meaning in profile 2020-10", (8, 1), "online_endpoints"),
    ];
    let old: Vec<(&str, (u32, u32), &str)> =
        old.iter().map(|(m, p, l)| (m.as_str(), *p, l.as_str())).collect();
    assert_eq!(old, expect_old);
    let new = warnings("current");
    let new: Vec<(&str, (u32, u32), &str)> =
        new.iter().map(|(m, p, l)| (m.as_str(), *p, l.as_str())).collect();
    assert_eq!(
        new,
        [
            ("`edition` has no meaning in profile 2026-02", (3, 3), "workspace.edition"),
            ("`created_in_vnet` has no meaning in profile 2026-02", (7, 40), "computes[0].created_in_vnet"),
        ]
    );
    let r = check_yaml("t.yaml", yaml, "yaml topology profile=2020-10", &settings(None, None));
    let d = r.diagnostics.iter().find(|d| d.code == ToolCode::FieldNotInProfile).unwrap();
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.help.as_deref().unwrap_or("").contains("belongs to profile 2026-02"), "{:?}", d.help);
}
