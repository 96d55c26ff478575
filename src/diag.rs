//! Diagnostics: the one currency every pipeline stage pays in.
//!
//! Every problem topobook finds, from a YAML syntax error to a failed network rule or a
//! broken link, becomes a [`Diagnostic`] with a stable code, a message, a location in a
//! file of the book (line and column computed once, when the diagnostic is made) and, where
//! we know it, a help line. Stages never print; they return diagnostics and go on.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

/// How bad a diagnostic is. Ordered: `Note < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advisory (info-level rules): shown, never fails a run.
    Note,
    /// Fails a run only with `--deny warnings`.
    Warning,
    /// Always fails a run (unless suppressed or expected).
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line and column. Columns count Unicode scalar values, as rustc does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Where a diagnostic points: a file of the book and a range in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    /// Path relative to the book root, with `/` separators (e.g. `content/intro.md`).
    pub file: Arc<str>,
    pub start: Position,
    /// End of the range (exclusive column). Equal to `start` for a point.
    pub end: Position,
    /// Byte range in the file, for code frames.
    #[serde(skip)]
    pub bytes: Range<usize>,
}

impl Location {
    /// A location covering `bytes` of `source`, which is the text of `file`.
    pub fn new(file: Arc<str>, source: &str, bytes: Range<usize>) -> Self {
        LineIndex::new(source).location(file, source, bytes)
    }

    /// A location for a whole file (line 1, column 1).
    pub fn file_start(file: Arc<str>) -> Self {
        let p = Position { line: 1, column: 1 };
        Location { file, start: p, end: p, bytes: 0..0 }
    }
}

/// What happened to a finding after suppressions and `expect=` were applied.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Disposition {
    /// Counts: fails the run at its severity.
    #[default]
    Active,
    /// Accepted on purpose by `meta.suppress`; listed, never fails.
    Suppressed,
    /// Asked for by the block's `expect=`; listed, never fails.
    Expected,
}

/// One problem, with everything a report format needs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A rule ID (`AML-KV-002`) or a tool code (see [`codes`]).
    pub code: Cow<'static, str>,
    /// Lowercase, names things in backticks, says what is wrong.
    pub message: String,
    pub location: Option<Location>,
    /// Short text shown under the underlined source.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// Link to the docs of the rule or code.
    pub url: Option<String>,
    /// Id of the topology block the diagnostic belongs to, if any.
    pub block: Option<String>,
    /// Path of the offending node inside the topology, e.g. `computes[2].subnet`.
    pub yaml_path: Option<String>,
    pub disposition: Disposition,
    /// Reason given by the suppression that silenced this finding.
    pub suppression_reason: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code: code.into(),
            message: message.into(),
            location: None,
            label: None,
            help: None,
            url: None,
            block: None,
            yaml_path: None,
            disposition: Disposition::Active,
            suppression_reason: None,
        }
    }

    pub fn error(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    pub fn note(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, message)
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Does this diagnostic fail a run? `deny_warnings` makes warnings fail too.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.disposition == Disposition::Active
            && match self.severity {
                Severity::Error => true,
                Severity::Warning => deny_warnings,
                Severity::Note => false,
            }
    }

    /// Sort key: file, position, code. Reports sort with it so output is deterministic.
    pub fn sort_key(&self) -> (Option<&str>, Position, &str, &str) {
        (
            self.location.as_ref().map(|l| &*l.file),
            self.location.as_ref().map(|l| l.start).unwrap_or_default(),
            &self.code,
            &self.message,
        )
    }
}

/// Sort diagnostics into report order (file, line, column, code, message).
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Byte offsets of line starts, to turn byte offsets into lines and columns.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(source.as_bytes()));
        LineIndex { starts }
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or_else(|| *self.starts.last().unwrap_or(&0))
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based position of `offset` in `source` (clamped to the text, snapped to a char boundary).
    pub fn position(&self, source: &str, offset: usize) -> Position {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.starts[line];
        let column = source[start..offset].chars().count() + 1;
        Position { line: (line + 1) as u32, column: column as u32 }
    }

    pub fn location(&self, file: Arc<str>, source: &str, bytes: Range<usize>) -> Location {
        let start = self.position(source, bytes.start);
        let end = self.position(source, bytes.end.max(bytes.start));
        Location { file, start, end, bytes }
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1)
}

/// Codes of the diagnostics topobook itself raises (rule IDs come from the rule registry).
///
/// These strings are a stable interface: reports, suppressions and CI filters use them.
pub mod codes {
    /// The YAML of a topology block is not well-formed.
    pub const YAML_SYNTAX: &str = "yaml-syntax";
    /// A value has the wrong type or an unknown variant.
    pub const YAML_TYPE: &str = "yaml-type";
    /// A key that the topology model does not know.
    pub const UNKNOWN_KEY: &str = "unknown-key";
    /// The same key twice in one mapping.
    pub const DUPLICATE_KEY: &str = "duplicate-key";
    /// Input refused because it exceeds a safety limit (size, depth, aliases, nesting).
    pub const INPUT_LIMIT: &str = "input-limit";
    /// Two entries of one list share a name.
    pub const DUPLICATE_NAME: &str = "duplicate-name";
    /// A reference by name to something the topology does not contain.
    pub const DANGLING_REFERENCE: &str = "dangling-reference";
    /// A malformed value that the YAML type allows (a bad CIDR, an unknown service tag).
    pub const INVALID_VALUE: &str = "invalid-value";
    /// A bad option on a ```` ```yaml topology ```` fence line.
    pub const BLOCK_OPTION: &str = "block-option";
    /// An `expect=` rule that did not fire, or a rule that fired in an `expect=` block.
    pub const EXPECT_MISMATCH: &str = "expect-mismatch";
    /// A suppression without a reason, past its expiry date, or matching nothing.
    pub const SUPPRESSION: &str = "suppression";
    /// An internal link to a page that does not exist.
    pub const BROKEN_LINK: &str = "broken-link";
    /// A link to an `#anchor` that the target page does not define.
    pub const BROKEN_ANCHOR: &str = "broken-anchor";
    /// A problem in `book.toml`.
    pub const CONFIG: &str = "config";
    /// A problem in `SUMMARY.md`.
    pub const SUMMARY: &str = "summary";
    /// Front matter that does not parse or has unknown keys.
    pub const FRONT_MATTER: &str = "front-matter";
    /// A file that cannot be read or written.
    pub const IO: &str = "io";
    /// A `figure=` image that does not exist.
    pub const MISSING_FIGURE: &str = "missing-figure";
    /// A theme template that fails to load or render.
    pub const THEME: &str = "theme";
    /// Markdown that probably does not say what its author meant (a code fence never closed).
    pub const MARKDOWN: &str = "markdown";
    /// A flow whose `expect:` the topology contradicts (error), or cannot decide (warning).
    pub const FLOW_MISMATCH: &str = "flow-mismatch";
}

/// The closest candidate to `input` (for "did you mean"), if one is close enough.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&input.to_ascii_lowercase(), &c.to_ascii_lowercase());
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_and_lines() {
        let src = "ab\nçd\n\nx";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(src, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(src, 3), Position { line: 2, column: 1 });
        // 'ç' is two bytes: offset 5 is 'd', the second char of line 2.
        assert_eq!(idx.position(src, 5), Position { line: 2, column: 2 });
        assert_eq!(idx.position(src, 7), Position { line: 3, column: 1 });
        assert_eq!(idx.position(src, 8), Position { line: 4, column: 1 });
        // Past the end and inside a char are clamped, never a panic.
        assert_eq!(idx.position(src, 100), Position { line: 4, column: 2 });
        assert_eq!(idx.position(src, 4), Position { line: 2, column: 1 });
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("prefx", ["name", "prefix", "nsg"]), Some("prefix"));
        assert_eq!(did_you_mean("zzz", ["name", "prefix"]), None);
    }

    #[test]
    fn failing_levels() {
        let mut d = Diagnostic::warning("x", "y");
        assert!(!d.fails(false));
        assert!(d.fails(true));
        d.disposition = Disposition::Suppressed;
        assert!(!d.fails(true));
        assert!(Diagnostic::error("x", "y").fails(false));
        assert!(!Diagnostic::note("x", "y").fails(true));
    }
}
