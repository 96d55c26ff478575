//! `topobook import` and the Terraform front end on modules written in the shape of Azure's
//! published quickstarts (`Azure/terraform`: `201-machine-learning-moderately-secure`,
//! `301-machine-learning-hub-spoke-secure`): the imported topology (snapshotted YAML that reads
//! back to the same model), the rules' verdict on it, and one-attribute changes that fire a
//! rule at the line and column of that attribute (or of the resource, when something is
//! missing) in the `.tf` file. Plus the error fixtures: bad HCL, an unknown function, a
//! reference to nothing, and usage errors.

// Tests and measuring programs unwrap what they set up themselves and print figures.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use topobook::diag::Severity;
use topobook::load::{Guard, infra};
use topobook::rules::{self, Profile, RuleStatus};
use topobook::topology::Net;
use topobook::topology::emit::to_yaml;
use topobook::topology::import::Imported;
use topobook::topology::model::{Meta, Scenario, Topology};
use topobook::topology::terraform;
use topobook::topology::yaml::{Sp, from_str};

const FIXTURES: &str = "tests/fixtures/infra/terraform";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES).join(name)
}

/// `topobook import <fixture>` from the repository root.
fn import_cli(name: &str) -> (i32, String, String) {
    let path = format!("{FIXTURES}/{name}");
    common::topobook(&["import", &path], Some(Path::new(env!("CARGO_MANIFEST_DIR"))))
}

/// The module in `dir` through the library (report paths relative to `dir`).
fn import_dir(dir: &Path) -> Imported {
    let guard = Guard::new(dir).expect("guard");
    let module = infra::terraform_module(&guard, ".").expect("module");
    assert!(module.diagnostics.is_empty(), "{:?}", module.diagnostics);
    terraform::import(&module.files)
}

/// A copy of a fixture, edited: `edits` are (file, old text, new text); `old` must occur.
fn edited(name: &str, edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp");
    common::copy_dir(&fixture(name), dir.path());
    for (file, old, new) in edits {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(old), "`{old}` is not in {file}");
        std::fs::write(&path, text.replacen(old, new, 1)).expect("write");
    }
    dir
}

/// `file:line:col` of the first occurrence of `needle` after `after` in `file` of `dir`.
fn where_is(dir: &Path, file: &str, after: &str, needle: &str) -> String {
    let text = std::fs::read_to_string(dir.join(file)).expect("read");
    let from = text.find(after).unwrap_or_else(|| panic!("`{after}` not in {file}"));
    let at = from + text[from..].find(needle).unwrap_or_else(|| panic!("`{needle}` not in {file}"));
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rfind('\n').map_or(at, |nl| at - nl - 1) + 1;
    format!("{file}:{line}:{col}")
}

/// One finding: rule, severity, `file:line:col`, message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Fired {
    rule: &'static str,
    severity: Severity,
    at: String,
    message: String,
}

/// Every finding of profile 2020-10 on a topology whose spans are in `imp.sources`. (The
/// verdicts below are the 2020 documentation's; profile 2026-02 is checked where its rules
/// are complete.)
fn fired(imp: &Imported, topology: Topology) -> (Vec<Fired>, Vec<(&'static str, RuleStatus)>) {
    let net = Net::new(Arc::new(topology));
    assert!(net.problems.is_empty(), "the imported topology does not resolve: {:?}", net.problems);
    let mut findings = Vec::new();
    let mut states = Vec::new();
    for r in rules::run(&net, Profile::P2020_10) {
        states.push((r.rule.id, r.status.clone()));
        for f in r.findings {
            let l = imp.sources.locate(f.span.clone()).expect("every finding is located in a file");
            let at = format!("{}:{}:{}", l.file, l.start.line, l.start.column);
            findings.push(Fired { rule: r.rule.id, severity: r.rule.severity, at, message: f.message });
        }
    }
    findings.sort();
    (findings, states)
}

fn failing(findings: &[Fired]) -> Vec<&Fired> {
    findings.iter().filter(|f| f.severity != Severity::Note).collect()
}

fn assert_passed(states: &[(&str, RuleStatus)], ids: &[&str]) {
    for id in ids {
        let state = states.iter().find(|(r, _)| r == id).map(|(_, s)| s);
        assert_eq!(state, Some(&RuleStatus::Passed), "{id}");
    }
}

/// The YAML `import` printed, without its comment header, reads back to the same model.
fn assert_round_trips(stdout: &str) -> String {
    assert!(stdout.starts_with("# Topology imported by `topobook import`"), "{stdout}");
    let body: String = stdout.lines().filter(|l| !l.starts_with('#')).map(|l| format!("{l}\n")).collect();
    let topo: Topology = from_str(&body).unwrap_or_else(|e| panic!("{e:?}\n{body}"));
    assert_eq!(to_yaml(&topo), body);
    body
}

#[test]
fn moderately_secure_module_imports_to_a_complete_topology() {
    let (code, out, err) = import_cli("ml-moderately-secure");
    assert_eq!(code, 0, "{err}");
    assert_round_trips(&out);
    insta::assert_snapshot!("moderately_secure_yaml", out);
    insta::assert_snapshot!("moderately_secure_stderr", err);
}

#[test]
fn hub_spoke_module_imports_to_a_complete_topology() {
    let (code, out, err) = import_cli("ml-hub-spoke");
    assert_eq!(code, 0, "{err}");
    assert_round_trips(&out);
    insta::assert_snapshot!("hub_spoke_yaml", out);
    assert!(
        err.ends_with(
            "imported `tests/fixtures/infra/terraform/ml-hub-spoke`: 0 errors, 0 warnings, 0 notes\n"
        ),
        "{err}"
    );
}

#[test]
fn evaluation_features_module() {
    let (code, out, err) = import_cli("eval-features");
    assert_eq!(code, 0, "{err}");
    assert_round_trips(&out);
    insta::assert_snapshot!("eval_features_yaml", out);
    assert!(err.contains("0 errors, 0 warnings, 0 notes"), "{err}");
}

/// Under profile `2020-10` the moderately secure layout passes every error rule but the two
/// that ask for the registry in the compute's subnet: the quickstart puts the private
/// endpoints in a subnet of their own, which the 2020 documentation does not allow for the
/// registry and the later documentation does (AML-ACR-002's decision).
#[test]
fn moderately_secure_verdict() {
    let imp = import_dir(&fixture("ml-moderately-secure"));
    let (findings, states) = fired(&imp, imp.topology.clone());
    let failing: Vec<(&str, &str)> = failing(&findings).iter().map(|f| (f.rule, f.at.as_str())).collect();
    assert_eq!(
        failing,
        [
            ("AML-ACR-002", "workspace.tf:135:3"),
            ("AML-ACR-002", "workspace.tf:135:3"),
            ("AML-ACR-004", "compute.tf:45:3"),
            ("AML-ACR-004", "compute.tf:45:3"),
        ],
        "{findings:#?}"
    );
    let dir = fixture("ml-moderately-secure");
    // The registry's private endpoint subnet and the image-build cluster's subnet.
    assert_eq!(where_is(&dir, "workspace.tf", "\"registry\" {", "subnet_id"), "workspace.tf:135:3");
    assert_eq!(where_is(&dir, "compute.tf", "\"image_build\" {", "subnet_resource_id"), "compute.tf:45:3");
    assert_passed(
        &states,
        &[
            "AML-WS-001",
            "AML-WS-007",
            "AML-GEN-001",
            "AML-GEN-006",
            "AML-ST-001",
            "AML-ST-002",
            "AML-ST-004",
            "AML-ST-005",
            "AML-KV-001",
            "AML-KV-002",
            "AML-ACR-001",
            "AML-ACR-003",
            "AML-CMP-002",
            "AML-CMP-003",
            "AML-DNS-001",
            "AML-DNS-007",
            "AML-DNS-008",
            "AML-NET-001",
        ],
    );
}

/// The hub-and-spoke module (endpoints with the compute, as the 2020 documentation asks;
/// egress through Azure Firewall with the documented rules) passes every error and warning.
#[test]
fn hub_spoke_verdict() {
    let imp = import_dir(&fixture("ml-hub-spoke"));
    let (findings, states) = fired(&imp, imp.topology.clone());
    assert!(failing(&findings).is_empty(), "{findings:#?}");
    assert_passed(
        &states,
        &[
            "AML-FW-001",
            "AML-FW-002",
            "AML-FW-004",
            "AML-FW-008",
            "AML-CMP-002",
            "AML-CMP-013",
            "AML-GEN-001",
            "AML-GEN-005",
            "AML-ACR-002",
            "AML-ACR-004",
            "AML-ST-005",
            "AML-DNS-001",
            "AML-DNS-008",
            "AML-WS-007",
        ],
    );
}

/// Findings of `rule` in the edited copy that the original does not have.
fn new_findings(
    name: &str,
    edits: &[(&str, &str, &str)],
    rule: &str,
    secured: bool,
) -> (Vec<Fired>, tempfile::TempDir) {
    let with_overlay = |imp: &Imported| {
        let mut t = imp.topology.clone();
        if secured {
            // What a fence body's YAML overlay adds: the scenario the code does not state.
            let meta = Meta { scenario: Some(Sp::new(Scenario::Secured, 0..0)), ..Meta::default() };
            t.meta = Some(Sp::new(meta, 0..0));
        }
        t
    };
    let base = import_dir(&fixture(name));
    let (before, _) = fired(&base, with_overlay(&base));
    let dir = edited(name, edits);
    let imp = import_dir(dir.path());
    let (after, _) = fired(&imp, with_overlay(&imp));
    let new = after.into_iter().filter(|f| f.rule == rule && !before.contains(f)).collect();
    (new, dir)
}

#[test]
fn a_blocking_storage_bypass_fires_at_the_attribute() {
    let edit = [("workspace.tf", "bypass         = [\"AzureServices\"]", "bypass         = [\"None\"]")];
    let (new, dir) = new_findings("ml-moderately-secure", &edit, "AML-ST-002", false);
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0].at, where_is(dir.path(), "workspace.tf", "bypass         = [", "\"None\""));
    assert_eq!(new[0].message, "storage account `stcontosoprod` blocks trusted Microsoft services");
}

#[test]
fn a_storage_account_open_to_all_networks_leaves_the_secured_scenario() {
    let edit = [(
        "workspace.tf",
        "default_action = \"Deny\"\n    bypass         = [",
        "default_action = \"Allow\"\n    bypass         = [",
    )];
    let (new, dir) = new_findings("ml-moderately-secure", &edit, "AML-GEN-010", true);
    assert_eq!(new.len(), 1, "{new:#?}");
    // The storage account is what leaves the scenario: the finding is on its resource.
    assert_eq!(new[0].at, where_is(dir.path(), "workspace.tf", "", "resource \"azurerm_storage_account\""));
    assert!(new[0].message.contains("storage account `stcontosoprod`"), "{}", new[0].message);
}

#[test]
fn a_missing_file_endpoint_fires_at_the_storage_account() {
    let text = std::fs::read_to_string(fixture("ml-moderately-secure").join("workspace.tf")).expect("read");
    let start = text.find("resource \"azurerm_private_endpoint\" \"storage_file\"").expect("file endpoint");
    let end = start + text[start..].find("\n}\n").expect("end of block") + 3;
    let block = &text[start..end];
    let edits =
        [("workspace.tf", block, ""), ("workspace.tf", "    azurerm_private_endpoint.storage_file,\n", "")];
    let (new, dir) = new_findings("ml-moderately-secure", &edits, "AML-ST-005", false);
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0].at, where_is(dir.path(), "workspace.tf", "", "resource \"azurerm_storage_account\""));
    assert_eq!(new[0].message, "default storage account `stcontosoprod` has no `file` private endpoint");
}

#[test]
fn an_nsg_rule_on_the_wrong_port_fires_at_the_nsg() {
    let edit =
        [("network.tf", "destination_port_range     = \"44224\"", "destination_port_range     = \"44225\"")];
    let (new, dir) = new_findings("ml-moderately-secure", &edit, "AML-CMP-003", false);
    assert_eq!(new.len(), 1, "{new:#?}");
    // Nothing admits 44224 any more: the NSG lacks a rule, so the finding is on the NSG.
    assert_eq!(
        new[0].at,
        where_is(dir.path(), "network.tf", "", "resource \"azurerm_network_security_group\" \"training\"")
    );
    assert!(
        new[0].message.contains("does not allow inbound TCP 44224 from `AzureMachineLearning`"),
        "{}",
        new[0].message
    );
}

#[test]
fn a_standard_registry_fires_at_its_sku() {
    let edit = [(
        "workspace.tf",
        "sku                           = \"Premium\"",
        "sku                           = \"Standard\"",
    )];
    let (new, dir) = new_findings("ml-moderately-secure", &edit, "AML-ACR-001", false);
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0].at, where_is(dir.path(), "workspace.tf", "azurerm_container_registry", "sku "));
}

#[test]
fn a_firewall_route_taken_away_fires_in_the_hub_and_spoke_module() {
    // Without the service-tag route, Azure ML's traffic to the nodes goes back through the firewall.
    let edit = [(
        "network-spoke.tf",
        "address_prefix = \"AzureMachineLearning\"",
        "address_prefix = \"AzureCloud\"",
    )];
    let (new, dir) = new_findings("ml-hub-spoke", &edit, "AML-FW-001", false);
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(
        new[0].at,
        where_is(dir.path(), "network-spoke.tf", "", "resource \"azurerm_route_table\" \"training\"")
    );
}

#[test]
fn bad_hcl_is_an_error_at_its_position_and_the_other_files_import() {
    let (code, out, err) = import_cli("bad-hcl");
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("- name: vnet-ml\n"), "{out}");
    insta::assert_snapshot!("bad_hcl_stderr", err);
}

#[test]
fn an_unknown_function_is_a_note_and_the_field_stays_unknown() {
    let (code, out, err) = import_cli("unknown-function");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("- name: snet-training\n") && !out.contains("prefix:"), "{out}");
    insta::assert_snapshot!("unknown_function_stderr", err);
}

#[test]
fn a_reference_to_nothing_is_an_error_at_the_reference() {
    let (code, out, err) = import_cli("undeclared-reference");
    assert_eq!(code, 1, "{err}");
    assert_round_trips(&out);
    insta::assert_snapshot!("undeclared_reference_stderr", err);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) =
        common::topobook(&["import", "tests/fixtures/infra/terraform/no-such-module"], Some(root));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("pass `--format terraform`"), "{err}");
    let (code, out, err) = common::topobook(
        &["import", "--format", "terraform", "tests/fixtures/infra/terraform/no-such-module"],
        Some(root),
    );
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("not found"), "{err}");
    let (code, _, err) =
        common::topobook(&["import", "--format", "terraform", "tests/fixtures/infra"], Some(root));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("holds no `.tf` file"), "{err}");
    let (code, _, err) = common::topobook(&["import", "--format", "arm", "x.json"], Some(root));
    assert_eq!(code, 2, "{err}");
    // A single `.tf` file imports alone, its format guessed.
    let (code, out, err) =
        common::topobook(&["import", "tests/fixtures/infra/terraform/bad-hcl/main.tf"], Some(root));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(1 file)") && out.contains("- name: vnet-ml\n"), "{out}");
}

/// The fixture modules cut short, with bytes changed, lines repeated and lines dropped (a
/// fixed pseudo-random sequence): no panic, every problem located, the YAML reads back.
#[test]
fn mangled_modules_never_panic() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let noise = ["{", "}", "\"", "${", "]", "[", "=", "\n", "é", "%{", "(", ")", ".", "*", "\0", "#"];
    for name in ["ml-moderately-secure", "ml-hub-spoke", "eval-features"] {
        let guard = Guard::new(&fixture(name)).expect("guard");
        let module = infra::terraform_module(&guard, ".").expect("module");
        let joined: String = module.files.iter().map(|(_, t)| t.to_string()).collect::<Vec<_>>().join("\0");
        for round in 0..60 {
            let mut text = joined.clone();
            for _ in 0..1 + round % 4 {
                let mut at = next(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match next(4) {
                    0 => text.truncate(at),
                    1 => text.insert_str(at, noise[next(noise.len())]),
                    2 => {
                        let end = text[at..].find('\n').map_or(text.len(), |e| at + e + 1);
                        text.replace_range(at..end, "");
                    }
                    _ => {
                        let end = text[at..].find('\n').map_or(text.len(), |e| at + e + 1);
                        let line = text[at..end].to_string();
                        text.insert_str(at, &line);
                    }
                }
            }
            topobook::fuzzing::terraform_module(text.as_bytes());
        }
    }
}
