//! `--format json`: the versioned JSON report. Its schema is `docs/report-schema-v1.json`
//! (JSON Schema 2020-12); a test validates this output against it.
//!
//! Stability: `"version": 1` only gains fields; a field is never removed, renamed or given
//! another meaning without a new version. Every field is always present (`null` when it has
//! no value), so consumers need no existence checks.
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": {"name": "topobook", "version": "0.1.0"},
//!   "profile": "2020-10",
//!   "summary": {"blocks": 12, "passed": 10, "failed": 1, "expected_fail": 1, ..., "exit_code": 1},
//!   "findings": [{"rule": "AML-KV-002", "name": "key-vault-trusted-services", ...}],
//!   "blocks": [{"id": "secure-workspace-1", "file": "docs/content/secure.md", ...}]
//! }
//! ```

use serde::Serialize;

use super::{CheckRun, Summary};
use crate::check::{BlockReport, Outcome};
use crate::diag::{Diagnostic, Disposition, Severity};

/// The report format version written in `"version"`.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool<'a>,
    profile: &'static str,
    summary: SummaryOut,
    findings: Vec<Finding<'a>>,
    blocks: Vec<Block<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct SummaryOut {
    #[serde(flatten)]
    counts: Summary,
    exit_code: u8,
}

/// One finding. `rule` is a rule ID or a tool code (`broken-link`).
#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    name: &'a str,
    severity: Severity,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    message: &'a str,
    label: Option<&'a str>,
    help: Option<&'a str>,
    /// Context such as "new in profile 2026-02: not reported under 2020-10"; left out when
    /// there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    block: Option<&'a str>,
    yaml_path: Option<String>,
    suppressed: bool,
    suppression_reason: Option<&'a str>,
    expected: bool,
    fails: bool,
    url: Option<String>,
}

#[derive(Serialize)]
struct Block<'a> {
    id: &'a str,
    file: String,
    line: u32,
    title: Option<&'a str>,
    outcome: Outcome,
    expect: Option<&'a [String]>,
    profile: Option<&'static str>,
    rules: RuleCounts,
}

#[derive(Serialize)]
struct RuleCounts {
    passed: usize,
    failed: usize,
    suppressed: usize,
    expected: usize,
    not_evaluated: usize,
}

/// The JSON report, pretty-printed, with a final newline.
pub fn render(run: &CheckRun) -> String {
    let report = Report {
        version: VERSION,
        tool: Tool { name: "topobook", version: &run.tool_version },
        profile: run.profile.name(),
        summary: {
            let counts = run.summary();
            SummaryOut { counts, exit_code: counts.exit_code() }
        },
        findings: run.diagnostics.iter().map(|d| finding(run, d)).collect(),
        blocks: run.blocks.iter().map(|b| block(run, b)).collect(),
    };
    // Serialising these types cannot fail (string keys, no maps of non-strings).
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_else(|e| {
        format!("{{\"version\": {VERSION}, \"error\": {}}}", serde_json::Value::from(e.to_string()))
    });
    out.push('\n');
    out
}

fn finding<'a>(run: &CheckRun, d: &'a Diagnostic) -> Finding<'a> {
    let loc = d.location.as_ref();
    let end = loc.map(|l| l.end.max(l.start));
    Finding {
        rule: d.code.as_str(),
        name: d.code.name(),
        severity: d.severity,
        file: loc.map(|l| run.path(&l.file)),
        line: loc.map(|l| l.start.line),
        column: loc.map(|l| l.start.column),
        end_line: end.map(|p| p.line),
        end_column: end.map(|p| p.column),
        message: &d.message,
        label: d.label.as_deref(),
        help: d.help.as_deref(),
        note: d.note.as_deref(),
        block: d.block.as_deref(),
        yaml_path: d.yaml_path(),
        suppressed: d.disposition == Disposition::Suppressed,
        suppression_reason: d.suppression_reason.as_deref(),
        expected: d.disposition == Disposition::Expected,
        fails: run.fails(d),
        url: run.url(d),
    }
}

fn block<'a>(run: &CheckRun, b: &'a BlockReport) -> Block<'a> {
    let t = b.tally();
    Block {
        id: &b.id,
        file: run.path(&b.source.page),
        line: b.fence.start.line,
        title: b.options.title.as_deref(),
        outcome: run.outcome(b),
        expect: b.options.expect.as_deref(),
        profile: b.profile.map(|p| p.name()),
        rules: RuleCounts {
            passed: t.passed,
            failed: t.failed,
            suppressed: t.suppressed,
            expected: t.expected,
            not_evaluated: t.not_evaluated,
        },
    }
}
