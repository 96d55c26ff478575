//! Reports of a `topobook check` run, in every format CI reads.
//!
//! A [`CheckRun`] holds everything one run found: the [`BlockReport`] of every topology
//! block, in book order, and every diagnostic (block findings and book-level ones such as
//! broken links). From it come the [`Summary`], the exit code ([`CheckRun::exit_code`]) and
//! the reports: [`short`], [`json`], [`sarif`], [`junit`], [`github`] (the rustc-style
//! `human` printer lives beside them). Reports are pure functions `&CheckRun → String`:
//! writing them to a terminal or a file is the caller's business.
//!
//! # Exit codes
//!
//! A stable interface, documented for users in `docs/ci.md`:
//!
//! | code | meaning |
//! |------|---------|
//! | [`EXIT_OK`] (0) | nothing at or above the failing level |
//! | [`EXIT_FINDINGS`] (1) | findings that fail the run: active errors, and warnings under `--deny warnings` |
//! | [`EXIT_ERROR`] (2) | usage, configuration or I/O error: decided by the caller, never by a report |

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod short;

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;

use crate::check::{BlockReport, CheckSettings, Outcome};
use crate::diag::{Diagnostic, Disposition, Severity};
use crate::rules::Profile;

/// Nothing at or above the failing level.
pub const EXIT_OK: u8 = 0;
/// Findings that fail the run.
pub const EXIT_FINDINGS: u8 = 1;
/// Usage, configuration or I/O error (the caller decides; reports never return it).
pub const EXIT_ERROR: u8 = 2;

/// The output formats of `topobook check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with code frames (the default on a terminal).
    Human,
    /// One line per finding: `path:line:col: severity[ID]: message`.
    Short,
    /// The versioned JSON report (`docs/report-schema-v1.json`).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: one test case per block, one test suite per page.
    Junit,
    /// GitHub Actions workflow commands (`::error file=...::message`).
    Github,
}

impl Format {
    pub const ALL: &'static [Format] =
        &[Format::Human, Format::Short, Format::Json, Format::Sarif, Format::Junit, Format::Github];

    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Short => "short",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why [`render`] produced no report.
#[derive(Debug)]
pub enum RenderError {
    /// `human` is rendered by `report::human`, which needs the page sources for code frames.
    Human,
    /// The XML writer failed (it writes to memory; this does not happen in practice).
    Junit(quick_junit::SerializeError),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Human => f.write_str("the `human` format is rendered by `report::human`"),
            RenderError::Junit(e) => write!(f, "cannot write the JUnit report: {e}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// Render a machine-readable report. Every format but `human` (see [`RenderError::Human`]).
pub fn render(run: &CheckRun, format: Format) -> Result<String, RenderError> {
    match format {
        Format::Human => Err(RenderError::Human),
        Format::Short => Ok(short::render(run)),
        Format::Json => Ok(json::render(run)),
        Format::Sarif => Ok(sarif::render(run)),
        Format::Junit => junit::render(run).map_err(RenderError::Junit),
        Format::Github => Ok(github::render(run)),
    }
}

/// Everything one `topobook check` run found.
#[derive(Clone, Debug)]
pub struct CheckRun {
    /// Every topology block, in book order.
    pub blocks: Vec<BlockReport>,
    /// Every diagnostic of the run, block findings and book-level ones (broken links,
    /// configuration, front matter), in report order ([`crate::diag::sort`]).
    pub diagnostics: Vec<Diagnostic>,
    /// `--deny warnings`: warnings fail the run.
    pub deny_warnings: bool,
    /// The topobook version, as reports name the tool.
    pub tool_version: String,
    /// The profile of the run (blocks may choose another with `profile=`).
    pub profile: Profile,
    /// Prefix that turns book-relative paths into paths relative to where the user ran the
    /// command (normally the repository root): `docs/` for `topobook check docs`. Empty for
    /// the current directory. Always ends with `/` when not empty.
    pub path_prefix: String,
    /// Base URL of the rules reference (`https://docs.example.com/rules`); SARIF `helpUri`
    /// is only written with it (SARIF wants absolute URIs).
    pub rules_base_url: Option<String>,
}

impl CheckRun {
    /// A run over `blocks` (book order) and the diagnostics found outside blocks.
    ///
    /// `book_diagnostics` may also contain the blocks' own diagnostics (a pipeline that
    /// collects everything per page): a diagnostic already in a block report is kept once.
    pub fn new(blocks: Vec<BlockReport>, book_diagnostics: Vec<Diagnostic>) -> Self {
        let in_blocks: usize = blocks.iter().map(|b| b.diagnostics.len()).sum();
        let mut diagnostics = Vec::with_capacity(in_blocks + book_diagnostics.len());
        diagnostics.extend(blocks.iter().flat_map(|b| b.diagnostics.iter().cloned()));
        // Only a diagnostic that names a block can be a copy of a block's own.
        let mut seen: Option<HashSet<&Diagnostic>> = None;
        for d in book_diagnostics {
            if d.block.is_some() {
                let seen = seen.get_or_insert_with(|| blocks.iter().flat_map(|b| &b.diagnostics).collect());
                if seen.contains(&d) {
                    continue;
                }
            }
            diagnostics.push(d);
        }
        crate::diag::sort(&mut diagnostics);
        CheckRun {
            blocks,
            diagnostics,
            deny_warnings: false,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            profile: Profile::DEFAULT,
            path_prefix: String::new(),
            rules_base_url: None,
        }
    }

    /// Take the profile and the rules base URL from the settings the blocks were checked with.
    pub fn with_settings(mut self, settings: &CheckSettings) -> Self {
        self.profile = settings.run_profile();
        self.rules_base_url = settings.rules_base_url.clone();
        self
    }

    pub fn with_deny_warnings(mut self, deny: bool) -> Self {
        self.deny_warnings = deny;
        self
    }

    /// Set [`CheckRun::path_prefix`] from the book directory as the user typed it
    /// (`docs`, `./docs/`, `.`, `docs\guide`).
    pub fn with_path_prefix(mut self, book_dir: &str) -> Self {
        self.path_prefix = normalize_prefix(book_dir);
        self
    }

    /// A book-relative path as reports show it: relative to where the command ran.
    pub fn path(&self, file: &str) -> String {
        let file = file.trim_start_matches("./");
        format!("{}{file}", self.path_prefix)
    }

    /// The docs URL of a finding: its own, or the rule's page when the run knows the base URL.
    pub fn url(&self, d: &Diagnostic) -> Option<String> {
        d.url.clone().or_else(|| {
            let base = self.rules_base_url.as_deref()?;
            Some(d.code.rule()?.url(Some(base)))
        })
    }

    /// Does this diagnostic fail the run?
    pub fn fails(&self, d: &Diagnostic) -> bool {
        d.fails(self.deny_warnings)
    }

    /// The verdict on a block for this run: a block that passed (or failed as expected) with
    /// active warnings fails under `--deny warnings`.
    pub fn outcome(&self, block: &BlockReport) -> Outcome {
        match block.outcome {
            Outcome::Passed | Outcome::ExpectedFail if block.diagnostics.iter().any(|d| self.fails(d)) => {
                Outcome::Failed
            }
            other => other,
        }
    }

    /// Diagnostics that belong to no block (broken links, configuration, front matter).
    pub fn book_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.block.is_none())
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary { deny_warnings: self.deny_warnings, ..Summary::default() };
        for b in &self.blocks {
            s.blocks += 1;
            match self.outcome(b) {
                Outcome::Passed => s.passed += 1,
                Outcome::Failed => s.failed += 1,
                Outcome::ExpectedFail => s.expected_fail += 1,
                Outcome::Ignored => s.ignored += 1,
                Outcome::Invalid => s.invalid += 1,
            }
        }
        for d in &self.diagnostics {
            match d.disposition {
                Disposition::Suppressed => s.suppressed += 1,
                Disposition::Expected => s.expected += 1,
                Disposition::Active => match d.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Note => s.notes += 1,
                },
            }
            if self.fails(d) {
                s.failing += 1;
            }
        }
        s
    }

    /// The process exit code for this run: [`EXIT_OK`] or [`EXIT_FINDINGS`].
    pub fn exit_code(&self) -> u8 {
        self.summary().exit_code()
    }
}

/// Is this an absolute URL (`https://...`), as SARIF `helpUri` and annotations need?
/// Without a rules base URL, findings link to the site-relative `rules/<ID>.html`.
pub fn is_absolute_url(url: &str) -> bool {
    url.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

fn normalize_prefix(dir: &str) -> String {
    let mut p = dir.trim().replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    let p = p.trim_end_matches('/');
    if p.is_empty() || p == "." { String::new() } else { format!("{p}/") }
}

/// Counts of one run, for the summary line, the exit code and the reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Topology blocks found (ignored ones included).
    pub blocks: usize,
    pub passed: usize,
    pub failed: usize,
    /// `expect=` blocks that broke exactly the rules they name.
    pub expected_fail: usize,
    pub ignored: usize,
    /// Blocks whose YAML could not be read (no rule ran).
    pub invalid: usize,
    /// Active diagnostics by severity (neither suppressed nor expected).
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Findings silenced by `meta.suppress`.
    pub suppressed: usize,
    /// Findings an `expect=` block asked for.
    pub expected: usize,
    /// Diagnostics that fail the run (errors; warnings too under `--deny warnings`).
    pub failing: usize,
    pub deny_warnings: bool,
}

impl Summary {
    /// [`EXIT_FINDINGS`] when anything fails the run, else [`EXIT_OK`].
    pub fn exit_code(&self) -> u8 {
        if self.failing > 0 || self.failed > 0 || self.invalid > 0 { EXIT_FINDINGS } else { EXIT_OK }
    }

    /// The one-line summary every terminal output ends with:
    /// `12 blocks checked: 10 passed, 1 failed, 1 failed as expected`, then ignored and
    /// invalid blocks and the diagnostic counts when they are not zero.
    pub fn line(&self) -> String {
        let mut out = format!(
            "{} checked: {} passed, {} failed",
            plural(self.blocks, "block", "blocks"),
            self.passed,
            self.failed
        );
        for (n, what) in
            [(self.expected_fail, "failed as expected"), (self.ignored, "ignored"), (self.invalid, "invalid")]
        {
            if n > 0 {
                let _ = write!(out, ", {n} {what}");
            }
        }
        let counts: Vec<String> = [
            (self.errors, "error", "errors"),
            (self.warnings, "warning", "warnings"),
            (self.notes, "note", "notes"),
            (self.suppressed, "suppressed", "suppressed"),
            (self.expected, "expected", "expected"),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| plural(n, one, many))
        .collect();
        if !counts.is_empty() {
            let _ = write!(out, "; {}", counts.join(", "));
        }
        out
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line())
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Make user text safe to print on a terminal: every control character (C0, DEL, C1),
/// bidirectional override or isolate, line or paragraph separator, byte order mark and
/// XML-forbidden noncharacter is replaced by something visible, so that a resource name
/// or title can neither colour, move, clear nor reorder the terminal, nor break a
/// one-line-per-finding format. C0 controls and DEL become their Unicode control pictures
/// (`ESC` → `␛`, newline → `␊`); the others become `\u{202e}`-style escapes.
///
/// Text is returned unchanged (borrowed) when there is nothing to replace. Apply it to each
/// piece of user text, not to a whole multi-line output (it replaces newlines too).
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
            | '\u{fffe}'
            | '\u{ffff}'
    )
}

#[cfg(test)]
mod tests;
