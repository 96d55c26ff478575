//! Reachability flows: one fixture per hop kind and per way a flow can be denied, each
//! trace pinned in full; question flows; unknowns; located errors for bad entries;
//! `expect=flow-mismatch`; the `flow` command and `check` through the real binary.

// Tests and measuring programs unwrap what they set up themselves and print figures.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

use std::process::Command;

use topobook::check::{BlockReport, CheckSettings, Outcome, check_yaml};
use topobook::cmd::flow::render;
use topobook::diag::{Disposition, Severity, ToolCode};
use topobook::flows::Verdict;

fn settings() -> CheckSettings {
    CheckSettings { today: time::macros::date!(2024 - 01 - 01), ..CheckSettings::default() }
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/flows/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check(name: &str) -> BlockReport {
    check_yaml(&format!("{name}.yaml"), &fixture(name), "yaml topology", &settings())
}

/// Diagnostics about flows (and the firewall's DNAT rules), as `line:col code message`.
fn flow_diagnostics(r: &BlockReport) -> Vec<String> {
    r.diagnostics
        .iter()
        .filter(|d| {
            d.code == ToolCode::FlowMismatch
                || d.yaml_path().is_some_and(|p| {
                    p.starts_with("flows") || p.starts_with("firewall.nat_rules") || p == "firewall.public_ip"
                })
        })
        .map(|d| {
            let at = d
                .location
                .as_ref()
                .map(|l| format!("{}:{}", l.start.line, l.start.column))
                .unwrap_or_default();
            let help = d.help.as_deref().map(|h| format!("\n    help: {h}")).unwrap_or_default();
            format!(
                "{}[{}] {at} {}: {}{help}",
                d.severity,
                d.code,
                d.yaml_path().unwrap_or_default(),
                d.message
            )
        })
        .collect()
}

/// Every flow's trace, then the flow diagnostics.
fn traces(r: &BlockReport) -> String {
    let mut out = String::new();
    for f in &r.flows {
        let expect = f.expect.map(|e| format!(" (expect {e})")).unwrap_or_default();
        out.push_str(&format!("## flows[{}]{expect}\n", f.index.unwrap_or(0)));
        out.push_str(&render(f, "fixture"));
        out.push('\n');
    }
    out.push_str("## diagnostics\n");
    for d in flow_diagnostics(r) {
        out.push_str(&d);
        out.push('\n');
    }
    out
}

/// The fixture's `expect:` are its spec: every one must hold.
fn assert_expectations_hold(r: &BlockReport) {
    for f in &r.flows {
        if f.expect.is_some() {
            assert_eq!(
                f.holds(),
                Some(true),
                "flows[{:?}] {}: {:?}\n{}",
                f.index,
                f.label(),
                f.verdict,
                f.chain()
            );
        }
    }
    assert!(!r.diagnostics.iter().any(|d| d.code == ToolCode::FlowMismatch), "{:#?}", flow_diagnostics(r));
}

macro_rules! fixture_test {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            let r = check($name);
            assert_expectations_hold(&r);
            insta::assert_snapshot!($name, traces(&r));
        }
    };
}

fixture_test!(nsg_priorities_and_default_rules, "nsg");
fixture_test!(inbound_from_outside_the_vnet, "internet-inbound");
fixture_test!(user_and_system_routes, "routes");
fixture_test!(peering_both_ways_and_not_transitive, "peering");
fixture_test!(azure_firewall_rules_and_dnat, "firewall");
fixture_test!(asymmetric_routing_through_the_firewall, "asymmetric");
fixture_test!(private_endpoint_resolution_with_azure_dns, "dns");
fixture_test!(private_endpoint_resolution_with_custom_dns, "dns-custom");
fixture_test!(resource_firewalls, "resource-firewall");
fixture_test!(on_premises_through_the_gateway, "onprem");

#[test]
fn unknowns_say_what_the_model_lacks() {
    let r = check("unknowns");
    for f in &r.flows {
        assert!(matches!(f.verdict, Verdict::Unknown(_)), "{}: {:?}", f.label(), f.verdict);
    }
    // An unknown verdict never fails a claim: it is a warning naming what is missing.
    let d: Vec<_> = r.diagnostics.iter().filter(|d| d.code == ToolCode::FlowMismatch).collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].severity, Severity::Warning);
    insta::assert_snapshot!("unknowns", traces(&r));
}

#[test]
fn contradicted_claims_are_located_errors() {
    let r = check("expect");
    let errors: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == ToolCode::FlowMismatch && d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 5, "{:#?}", flow_diagnostics(&r));
    // At the flow's own line (the `flows:` list starts at line 31 of the fixture).
    let lines: Vec<u32> = errors.iter().filter_map(|d| d.location.as_ref().map(|l| l.start.line)).collect();
    assert_eq!(lines, [32, 33, 34, 35, 36]);
    // A question is answered, never a finding.
    assert!(r.flows[5].expect.is_none() && r.flows[5].verdict == Verdict::Allow);
    assert_eq!(r.outcome, Outcome::Failed);
    insta::assert_snapshot!("expect", traces(&r));
}

#[test]
fn bad_entries_are_located_errors_and_evaluate_nothing() {
    let r = check("bad-flows");
    // Entries whose names do not resolve are not evaluated.
    for i in [0, 4, 5, 6, 7, 8, 9] {
        assert!(matches!(r.flows[i].verdict, Verdict::Unknown(_)), "flows[{i}]: {:?}", r.flows[i].verdict);
        assert!(r.flows[i].hops.is_empty() && !r.flows[i].resolved);
    }
    assert!(!r.diagnostics.iter().any(|d| d.code == ToolCode::FlowMismatch));
    insta::assert_snapshot!("bad-flows", flow_diagnostics(&r).join("\n"));
}

#[test]
fn a_closed_value_of_the_wrong_spelling_is_a_type_error() {
    let yaml = "flows:\n  - {from: internet, to: Storage, port: 443, expect: maybe}\n";
    let r = check_yaml("t.yaml", yaml, "yaml topology", &settings());
    assert_eq!(r.outcome, Outcome::Invalid);
    let d = &r.diagnostics[0];
    assert_eq!((d.code, d.location.as_ref().map(|l| l.start.line)), (ToolCode::YamlType.into(), Some(2)));
    assert!(d.message.contains("maybe"), "{}", d.message);
}

/// A block that breaks no rule, so that `expect=` speaks about flows only.
const QUIET: &str = "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-a, prefix: 10.0.1.0/24}
      - {name: snet-b, prefix: 10.0.2.0/24, nsg: nsg-b}
nsgs:
  - name: nsg-b
    rules:
      - {name: DenyA, priority: 100, direction: Inbound, access: Deny, protocol: Tcp,
         source: 10.0.1.0/24, destination: \"*\", destination_ports: \"443\"}
flows:
  - {from: snet-a, to: snet-b, port: 443, expect: allow}
";

#[test]
fn expect_fence_accepts_flow_mismatch() {
    let plain = check_yaml("q.md", QUIET, "yaml topology", &settings());
    let rule_errors: Vec<_> =
        plain.diagnostics.iter().filter(|d| d.fails(false) && d.code != ToolCode::FlowMismatch).collect();
    assert!(rule_errors.is_empty(), "{rule_errors:#?}");
    assert_eq!(plain.outcome, Outcome::Failed);

    let r = check_yaml("q.md", QUIET, "yaml topology expect=flow-mismatch", &settings());
    assert_eq!(r.outcome, Outcome::ExpectedFail, "{:#?}", r.diagnostics);
    let d = r.diagnostics.iter().find(|d| d.code == ToolCode::FlowMismatch).expect("the finding is kept");
    assert_eq!(d.disposition, Disposition::Expected);

    // The claim fixed: `expect=flow-mismatch` no longer holds.
    let fixed = QUIET.replace("expect: allow", "expect: deny");
    let r = check_yaml("q.md", &fixed, "yaml topology expect=flow-mismatch", &settings());
    assert_eq!(r.outcome, Outcome::Failed);
    let d = r.diagnostics.iter().find(|d| d.code == ToolCode::ExpectMismatch).expect("expect-mismatch");
    assert_eq!(d.message, "this block expects `flow-mismatch` to fire, but it did not");

    // A misspelt code is suggested.
    let r = check_yaml("q.md", QUIET, "yaml topology expect=flow-mismatc", &settings());
    let d = r.diagnostics.iter().find(|d| d.code == ToolCode::BlockOption).expect("block-option");
    assert_eq!(d.help.as_deref(), Some("did you mean `flow-mismatch`?"));
}

#[test]
fn flows_are_kept_on_the_report_in_order() {
    let r = check("firewall");
    assert_eq!(r.flows.len(), 8);
    assert!(r.flows.iter().enumerate().all(|(i, f)| f.index == Some(i)));
    let f = &r.flows[0];
    // The page display needs the element crossed and the one that decided, per hop.
    let h = f.deciding_hop().expect("a deciding hop");
    assert_eq!(h.element.path(), "firewall");
    assert_eq!(h.decided_by.as_ref().map(|e| e.path()).as_deref(), Some("firewall.application_rules[0]"));
    let path: Vec<String> = f.path().iter().map(|e| e.path()).collect();
    assert_eq!(
        path,
        ["vnets[1].subnets[0]", "", "vnets[1].subnets[0]", "route_tables[0]", "firewall", "vnets[0]", ""]
    );
}

// ----- the binary -----

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_topobook"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const BOOK: &str = "tests/books/flows";

#[test]
fn flow_command_prints_the_trace() {
    let o = run(&[
        "flow",
        BOOK,
        "--block",
        "hub",
        "--from",
        "snet-training",
        "--to",
        "pypi.org",
        "--port",
        "443",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("cli-allow", o.stdout);
    let o =
        run(&["flow", BOOK, "--block", "hub", "--from", "internet", "--to", "snet-training", "--port", "22"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("cli-deny", o.stdout);
    let o = run(&[
        "flow",
        BOOK,
        "--block",
        "hub",
        "--from",
        "snet-training",
        "--to",
        "snet-training",
        "--protocol",
        "icmp",
    ]);
    assert!(
        o.stdout.contains("flow `snet-training` → `snet-training` icmp")
            && o.stdout.contains("verdict: allow")
    );
}

#[test]
fn flow_command_usage_errors() {
    let o = run(&["flow", BOOK, "--from", "a", "--to", "b", "--port", "1"]);
    assert_eq!(o.code, 2);
    assert_eq!(
        o.stderr,
        "error: the book has 2 topology blocks: say which with `--block`\n  = help: the blocks are `claims`, `hub`\n"
    );
    let o = run(&["flow", BOOK, "--block", "hubb", "--from", "a", "--to", "b", "--port", "1"]);
    assert_eq!(
        (o.code, o.stderr.as_str()),
        (2, "error: no topology block `hubb` in the book\n  = help: did you mean `hub`?\n")
    );
    let o =
        run(&["flow", BOOK, "--block", "hub", "--from", "snet-trainin", "--to", "pypi.org", "--port", "443"]);
    assert_eq!(
        (o.code, o.stderr.as_str()),
        (2, "error: `snet-trainin` names nothing in this block\n  = help: did you mean `snet-training`?\n")
    );
    let o = run(&["flow", BOOK, "--block", "hub", "--from", "snet-training", "--to", "pypi.org"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.starts_with("error: a tcp flow needs a port"), "{}", o.stderr);
    let o =
        run(&["flow", BOOK, "--block", "hub", "--from", "snet-training", "--to", "pypi.org", "--port", "x"]);
    assert!(o.stderr.starts_with("error: `x` is not a port or a port range"), "{}", o.stderr);
    let o = run(&["flow", "tests/books/flows-missing", "--from", "a", "--to", "b", "--port", "1"]);
    assert_eq!(o.code, 2);
}

#[test]
fn check_reports_flow_findings_in_every_format() {
    let o = run(&["check", BOOK, "--format", "short"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    insta::assert_snapshot!("check-short", o.stdout);
    for format in ["human", "json", "sarif", "junit", "github"] {
        let o = run(&["check", BOOK, "--format", format]);
        assert_eq!(o.code, 1, "{format}");
        assert!(o.stdout.contains("flow-mismatch"), "{format}: {}", o.stdout);
        assert!(o.stdout.contains("is denied, but `expect: allow`"), "{format}: {}", o.stdout);
    }
    let o = run(&["check", BOOK, "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("SARIF is JSON");
    let rules = &v["runs"][0]["tool"]["driver"]["rules"];
    let described = rules.as_array().is_some_and(|a| {
        a.iter().any(|r| {
            r["id"] == "flow-mismatch"
                && r["shortDescription"]["text"].as_str().is_some_and(|t| !t.is_empty())
        })
    });
    assert!(described, "{rules:#}");
}

#[test]
fn a_block_too_costly_to_evaluate_stops_with_unknowns() {
    // 300 NSG rules with distinct port ranges and 60 flows over every port: evaluating all
    // would walk each flow at 256 ports. The block's budget stops it; the rest is unknown.
    let mut y = String::from(
        "vnets:\n  - name: v\n    address_space: [10.0.0.0/16]\n    subnets:\n      - {name: a, prefix: 10.0.1.0/24, nsg: n}\n      - {name: b, prefix: 10.0.2.0/24, nsg: n}\nnsgs:\n  - name: n\n    rules:\n",
    );
    for i in 0..300 {
        y.push_str(&format!(
            "      - {{name: r{i}, priority: {}, direction: Inbound, access: Allow, protocol: Tcp, source: \"*\", destination: \"*\", destination_ports: \"{}-{}\"}}\n",
            100 + i,
            i * 200,
            i * 200 + 50
        ));
    }
    y.push_str("flows:\n");
    for _ in 0..60 {
        y.push_str("  - {from: a, to: b, port: \"0-65535\", expect: allow}\n");
    }
    let r = check_yaml("big.yaml", &y, "yaml topology", &settings());
    assert_eq!(r.flows.len(), 60);
    assert_eq!(r.flows[0].verdict, Verdict::Allow);
    let last = &r.flows[59];
    assert!(
        matches!(&last.verdict, Verdict::Unknown(m) if m.starts_with("not evaluated")),
        "{:?}",
        last.verdict
    );
    // Claims that were not evaluated are warnings, never errors.
    let d: Vec<_> = r.diagnostics.iter().filter(|d| d.code == ToolCode::FlowMismatch).collect();
    assert!(!d.is_empty() && d.iter().all(|d| d.severity == Severity::Warning));
}
