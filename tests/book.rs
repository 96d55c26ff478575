//! The book's coverage test: the repository's own runbook (`content/`) goes through the real
//! pipeline (`Site::load`: load, Markdown, topology, rules), as `topobook check` runs it.
//!
//! - no block fails or is unreadable (counter-examples carry `expect=` and break exactly
//!   the rules they name), and nothing outside `expect=` leaves an active error or warning,
//!   so the book passes `topobook check --deny warnings`;
//! - together the blocks fire every error- and warning-level rule of profile `2020-10`;
//! - the full secured scenario (`id=secured-scenario`) passes with no error and no warning.
//!
//! Set `TOPOBOOK_BOOK_VERBOSE=1` to print every block's verdict.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use topobook::check::{CheckSettings, Outcome};
use topobook::diag::{Disposition, Severity};
use topobook::rules::{Profile, registry};
use topobook::site::{Site, SiteOptions};

fn site() -> Site {
    let settings = CheckSettings { today: time::macros::date!(2026 - 11 - 27), ..CheckSettings::default() };
    Site::load(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        SiteOptions { check: settings, ..SiteOptions::default() },
    )
    .expect("the book loads")
}

fn place(d: &topobook::diag::Diagnostic) -> String {
    match &d.location {
        Some(l) => format!("{}:{}:{}", l.file, l.start.line, l.start.column),
        None => "-".to_string(),
    }
}

#[test]
fn the_book_passes_check_with_deny_warnings() {
    let site = site();
    let failing: Vec<String> = site
        .diagnostics()
        .iter()
        .filter(|d| d.fails(true))
        .map(|d| format!("{}: {}[{}]: {}", place(d), d.severity, d.code, d.message))
        .collect();
    assert!(failing.is_empty(), "{} failing findings:\n{}", failing.len(), failing.join("\n"));
    let verbose = std::env::var_os("TOPOBOOK_BOOK_VERBOSE").is_some();
    for (page, r) in site.reports() {
        if verbose {
            eprintln!("{} {:?} {:?}", page.source.path, r.id, r.outcome);
        }
        assert!(
            matches!(r.outcome, Outcome::Passed | Outcome::ExpectedFail | Outcome::Ignored),
            "block `{}` of {} is {:?}",
            r.id,
            page.source.path,
            r.outcome
        );
    }
}

#[test]
fn the_blocks_fire_every_error_and_warning_rule() {
    let site = site();
    let fired: BTreeSet<&str> = site
        .reports()
        .flat_map(|(_, r)| r.diagnostics.iter())
        .filter(|d| d.disposition != Disposition::Suppressed)
        .map(|d| d.code.as_str())
        .collect();
    let missing: Vec<&str> = registry()
        .iter()
        .filter(|r| Profile::P2020_10.includes(r) && r.severity >= Severity::Warning)
        .map(|r| r.id)
        .filter(|id| !fired.contains(id))
        .collect();
    assert!(missing.is_empty(), "rules no block of the book fires: {missing:?}");
}

#[test]
fn the_secured_scenario_passes_every_rule() {
    let site = site();
    let (_, secured) =
        site.reports().find(|(_, r)| r.id == "secured-scenario").expect("a block `secured-scenario`");
    assert_eq!(secured.outcome, Outcome::Passed);
    let loud: Vec<String> = secured
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| format!("{}: {}[{}]: {}", place(d), d.severity, d.code, d.message))
        .collect();
    assert!(loud.is_empty(), "the secured scenario has findings:\n{}", loud.join("\n"));
    let t = secured.tally();
    assert_eq!((t.errors, t.warnings), (0, 0));
    assert!(t.passed >= 60, "the secured scenario should exercise most rules, passed {}", t.passed);
}

#[test]
fn the_runbook_states_its_claims_as_flows() {
    // Each chapter's "what this step allows" is a list of flows that hold; the common
    // mistakes show a flow that does not, next to the fix where it does.
    let site = site();
    let mut claims = 0;
    let mut expected_mismatch = 0;
    for (page, r) in site.reports() {
        for f in &r.flows {
            if f.expect.is_some() && f.holds() == Some(true) {
                claims += 1;
            }
        }
        if r.options.expect.as_ref().is_some_and(|e| e.iter().any(|c| c == "flow-mismatch")) {
            expected_mismatch += 1;
            assert_eq!(r.outcome, Outcome::ExpectedFail, "{} `{}`", page.source.path, r.id);
        }
    }
    assert!(claims >= 40, "only {claims} flows hold");
    assert!(expected_mismatch >= 1);
    let secured = site.reports().find(|(_, r)| r.id == "secured-scenario").map(|(_, r)| r).expect("secured");
    assert!(secured.flows.iter().all(|f| f.holds() == Some(true)), "{:#?}", secured.flows);
}
