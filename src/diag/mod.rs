//! Diagnostics: the one currency every pipeline stage pays in.
//!
//! Every problem topobook finds, from a YAML syntax error to a failed network rule or a
//! broken link, becomes a [`Diagnostic`] with a stable code, a message, a location in a
//! file of the book (line and column computed once, when the diagnostic is made) and, where
//! we know it, a help line. Stages never print; they return diagnostics and go on.

mod code;

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use crate::topology::node::Loc;
pub use code::{Code, ToolCode};

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
    /// A rule of the registry or a tool code.
    pub code: Code,
    /// Lowercase, names things in backticks, says what is wrong.
    pub message: String,
    pub location: Option<Location>,
    /// Short text shown under the underlined source.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// Context that is neither the problem nor the fix (e.g. "new in profile 2026-02: not
    /// reported under 2020-10").
    pub note: Option<String>,
    /// Link to the docs of the rule or code.
    pub url: Option<String>,
    /// Id of the topology block the diagnostic belongs to, if any.
    pub block: Option<String>,
    /// The node of the topology at fault (its display path, e.g. `computes[2].subnet`, is
    /// what reports print and baselines match on).
    #[serde(skip)]
    pub subject: Option<Loc>,
    pub disposition: Disposition,
    /// Reason given by the suppression that silenced this finding.
    pub suppression_reason: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: impl Into<Code>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code: code.into(),
            message: message.into(),
            location: None,
            label: None,
            help: None,
            note: None,
            url: None,
            block: None,
            subject: None,
            disposition: Disposition::Active,
            suppression_reason: None,
        }
    }

    pub fn error(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    pub fn note(code: impl Into<Code>, message: impl Into<String>) -> Self {
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

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    pub fn about(mut self, subject: impl Into<Loc>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The display path of the node at fault (`key_vaults[0].network.bypass`).
    pub fn yaml_path(&self) -> Option<String> {
        self.subject.as_ref().map(Loc::path)
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
            self.code.as_str(),
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
        let mut d = Diagnostic::warning(ToolCode::Suppression, "y");
        assert!(!d.fails(false));
        assert!(d.fails(true));
        d.disposition = Disposition::Suppressed;
        assert!(!d.fails(true));
        assert!(Diagnostic::error(ToolCode::Io, "y").fails(false));
        assert!(!Diagnostic::note(ToolCode::Io, "y").fails(true));
    }
}
