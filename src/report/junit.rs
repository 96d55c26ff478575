//! `--format junit`: JUnit XML, which every CI system can show as a test report.
//!
//! - One `<testsuite>` per page (named by its path), in book order; one `<testcase>` per
//!   topology block (named by the block id, `classname` = page path, with `file` and `line`
//!   attributes pointing at the fence).
//! - A failed block is a `<failure>` whose text lists its findings
//!   (`path:line:col: error[ID]: message` and the `help:` line); an invalid block (YAML
//!   that could not be read) is an `<error>`; an ignored block is `<skipped>`; a block that
//!   failed as its `expect=` said passes, with the expected findings in `<system-out>`.
//! - Each suppressed finding is a skipped test case named `<block id> <rule>`, with the
//!   reason as its message.
//! - Diagnostics of a page outside blocks (broken links, front matter) are one more test case
//!   of that page, `page checks`; diagnostics without a file are the `book checks` case of a `book` suite.
//!
//! User text goes through [`terminal_safe`](super::terminal_safe) (control characters become
//! visible instead of being dropped) and the XML writer escapes the rest, so the report stays
//! well-formed whatever resource names and titles hold.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report, SerializeError, TestCase, TestCaseStatus, TestSuite};

use super::{CheckRun, terminal_safe};
use crate::check::{BlockReport, Outcome};
use crate::diag::{Diagnostic, Disposition};

/// Name of the test case that holds a page's diagnostics outside blocks.
pub const PAGE_CASE: &str = "page checks";
/// Suite and test case for diagnostics that belong to no file.
pub const BOOK_SUITE: &str = "book";
pub const BOOK_CASE: &str = "book checks";

/// The JUnit XML report.
pub fn render(run: &CheckRun) -> Result<String, SerializeError> {
    report(run).to_string().map(|mut s| {
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s
    })
}

/// The report as a `quick_junit` value.
pub fn report(run: &CheckRun) -> Report {
    // Pages in book order: first those with blocks, then the others by path.
    let mut order: Vec<String> = Vec::new();
    let mut cases: BTreeMap<String, Vec<TestCase>> = BTreeMap::new();
    for b in &run.blocks {
        let page = run.path(&b.source.page);
        if !cases.contains_key(&page) {
            order.push(page.clone());
        }
        let list = cases.entry(page.clone()).or_default();
        list.push(block_case(run, b, &page));
        list.extend(suppressed_cases(run, b, &page));
    }
    // Diagnostics outside blocks, by page; `None`: no file at all.
    let mut page_diags: BTreeMap<Option<String>, Vec<&Diagnostic>> = BTreeMap::new();
    for d in run.book_diagnostics() {
        page_diags.entry(d.location.as_ref().map(|l| run.path(&l.file))).or_default().push(d);
    }
    for (page, diags) in &page_diags {
        let (suite, name) = match page {
            Some(page) => (page.clone(), PAGE_CASE),
            None => (BOOK_SUITE.to_string(), BOOK_CASE),
        };
        if !cases.contains_key(&suite) {
            order.push(suite.clone());
        }
        cases.entry(suite.clone()).or_default().push(page_case(run, diags, &suite, name));
    }

    let mut report = Report::new("topobook");
    for page in order {
        let mut suite = TestSuite::new(terminal_safe(&page));
        suite.add_test_cases(cases.remove(&page).unwrap_or_default());
        report.add_test_suite(suite);
    }
    report
}

fn block_case(run: &CheckRun, b: &BlockReport, page: &str) -> TestCase {
    let active: Vec<&Diagnostic> =
        b.diagnostics.iter().filter(|d| d.disposition == Disposition::Active).collect();
    let failing: Vec<&Diagnostic> = active.iter().copied().filter(|d| run.fails(d)).collect();
    let status = match run.outcome(b) {
        Outcome::Passed | Outcome::ExpectedFail => TestCaseStatus::success(),
        Outcome::Ignored => {
            let mut s = TestCaseStatus::skipped();
            s.set_message("ignored: the block has the `ignore` option");
            s
        }
        Outcome::Failed => failure(run, NonSuccessKind::Failure, &failing, &active),
        Outcome::Invalid => failure(run, NonSuccessKind::Error, &failing, &active),
    };
    let mut case = TestCase::new(terminal_safe(&b.id), status);
    case.set_classname(terminal_safe(page));

    locate(&mut case, page, Some(b.fence.start.line));

    let mut out = Vec::new();
    if let Some(title) = &b.options.title {
        out.push(format!("title: {}", terminal_safe(title)));
    }
    let expected: Vec<&Diagnostic> =
        b.diagnostics.iter().filter(|d| d.disposition == Disposition::Expected).collect();
    if !expected.is_empty() {
        out.push("failed as expected (`expect=`), a deliberate counter-example:".to_string());
        out.extend(expected.iter().map(|d| format!("  {}", entry(run, d))));
    }
    // Findings that do not fail the run (notes, warnings without `--deny warnings`).
    let other: Vec<&&Diagnostic> = active.iter().filter(|d| !run.fails(d)).collect();
    if !other.is_empty() && failing.is_empty() {
        out.push("findings that do not fail the run:".to_string());
        out.extend(other.iter().map(|d| format!("  {}", entry(run, d))));
    }
    if !out.is_empty() {
        case.set_system_out(out.join("\n"));
    }
    case
}

/// A failed test: the message is the first failing finding, the text lists every active one.
fn failure(
    run: &CheckRun,
    kind: NonSuccessKind,
    failing: &[&Diagnostic],
    active: &[&Diagnostic],
) -> TestCaseStatus {
    let mut s = TestCaseStatus::non_success(kind);
    if let Some(first) = failing.first().or(active.first()) {
        let more = failing.len().saturating_sub(1);
        let suffix = if more > 0 { format!(" (and {more} more)") } else { String::new() };
        s.set_message(format!(
            "{}: {}{suffix}",
            terminal_safe(first.code.as_str()),
            terminal_safe(&first.message)
        ));
        s.set_type(terminal_safe(first.code.as_str()));
    }
    // Failing findings first, then the others of the block (notes, warnings).
    let others = active.iter().filter(|d| !failing.iter().any(|f| std::ptr::eq(*f, **d)));
    let text: Vec<String> = failing.iter().chain(others).map(|d| entry(run, d)).collect();
    s.set_description(text.join("\n"));
    s
}

fn suppressed_cases(run: &CheckRun, b: &BlockReport, page: &str) -> Vec<TestCase> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    b.diagnostics
        .iter()
        .filter(|d| d.disposition == Disposition::Suppressed)
        .map(|d| {
            let base = format!("{} {}", b.id, d.code);
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let name = if *n > 1 { format!("{base} #{n}") } else { base };
            let mut status = TestCaseStatus::skipped();
            let reason = d.suppression_reason.as_deref().unwrap_or("no reason given");
            status.set_message(format!("suppressed: {}", terminal_safe(reason)));
            status.set_description(entry(run, d));
            let mut case = TestCase::new(terminal_safe(&name), status);
            case.set_classname(terminal_safe(page));
            locate(&mut case, page, d.location.as_ref().map(|l| l.start.line));
            case
        })
        .collect()
}

fn page_case(run: &CheckRun, diags: &[&Diagnostic], page: &str, name: &str) -> TestCase {
    let active: Vec<&Diagnostic> =
        diags.iter().copied().filter(|d| d.disposition == Disposition::Active).collect();
    let failing: Vec<&Diagnostic> = active.iter().copied().filter(|d| run.fails(d)).collect();
    let status = if failing.is_empty() {
        TestCaseStatus::success()
    } else {
        failure(run, NonSuccessKind::Failure, &failing, &active)
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(terminal_safe(page));
    if name == PAGE_CASE {
        locate(&mut case, page, None);
    }
    if failing.is_empty() && !active.is_empty() {
        let lines: Vec<String> = active.iter().map(|d| entry(run, d)).collect();
        case.set_system_out(lines.join("\n"));
    }
    case
}

/// The `file` and `line` attributes CI systems link test cases to.
fn locate(case: &mut TestCase, page: &str, line: Option<u32>) {
    case.extra.insert("file".into(), terminal_safe(page).as_ref().into());
    if let Some(line) = line {
        case.extra.insert("line".into(), line.to_string().into());
    }
}

/// `path:line:col: severity[ID]: message`, then `help:` on the next line.
fn entry(run: &CheckRun, d: &Diagnostic) -> String {
    let mut line = super::short::line(run, d);
    if let Some(help) = &d.help {
        line.push_str("\n    help: ");
        line.push_str(&terminal_safe(help));
    }
    line
}
