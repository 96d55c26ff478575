//! Baselines: the known findings of a book, so that a repository that already has findings
//! can adopt `topobook check` without editing every block first.
//!
//! `topobook check --write-baseline FILE` records every finding that would fail a run
//! (errors and warnings, neither suppressed nor expected; not problems of `book.toml`,
//! `SUMMARY.md` or the theme, which stop a build). `--baseline FILE`, or `[check] baseline`
//! in `book.toml`, then marks the findings the file lists as
//! [`Disposition::Baselined`](crate::diag::Disposition::Baselined): listed in every report
//! and on the site, never failing. A finding is matched by its SARIF fingerprint (rule, file,
//! block id and YAML path; rule, file and message outside blocks), never by its line, so text
//! moved around a block keeps it matched. An entry that matches nothing is stale: a note
//! says so, and the next `--write-baseline` drops it.
//!
//! The file is JSON written for review: one entry per line, sorted by file, block, rule and
//! path, no dates and no line numbers, so that a diff shows exactly the findings added or
//! fixed.
//!
//! ```json
//! {
//!   "version": 1,
//!   "about": "…",
//!   "findings": [
//!     {"file": "content/a.md", "block": "a-1", "rule": "AML-KV-002", "path": "key_vaults[0].network", "message": "…", "fingerprint": "…"}
//!   ]
//! }
//! ```

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::sarif;
use crate::diag::{Code, Diagnostic, Disposition, LineIndex, Location, Severity, ToolCode};

/// The baseline format version written in `"version"`.
pub const VERSION: u32 = 1;

/// What the `about` field of a written baseline says.
const ABOUT: &str = "Known findings of this book: `topobook check --baseline FILE` (or `[check] baseline` in \
book.toml) reports them as baselined instead of failing. Entries match by rule, file, block and YAML path, \
not by line. Rewrite with `topobook check --write-baseline FILE`.";

/// One known finding. The fields besides `fingerprint` say what it is in words; the
/// fingerprint is computed from them and identifies it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file of the finding, relative to the book root.
    pub file: String,
    /// The block id, `null` outside topology blocks.
    pub block: Option<String>,
    /// The rule ID or tool code.
    pub rule: String,
    /// The YAML path of the finding in its block, `null` when it has none.
    pub path: Option<String>,
    /// The message, for the reader (it identifies findings without a YAML path).
    pub message: String,
    /// [`sarif::fingerprint`] of the finding: what matching compares.
    pub fingerprint: String,
}

impl Entry {
    /// The entry of a finding (which must have a location).
    pub fn of(d: &Diagnostic) -> Option<Entry> {
        let file = d.location.as_ref()?.file.to_string();
        Some(Entry {
            fingerprint: sarif::fingerprint(d, &file),
            block: d.block.clone(),
            rule: d.code.to_string(),
            path: if d.block.is_some() { d.yaml_path() } else { None },
            message: d.message.clone(),
            file,
        })
    }

    /// The fingerprint the other fields give.
    fn expected_fingerprint(&self) -> String {
        let last = match (&self.block, &self.path) {
            (Some(_), Some(p)) => p.as_str(),
            _ => self.message.as_str(),
        };
        sarif::fingerprint_of(&self.rule, &self.file, self.block.as_deref().unwrap_or(""), last)
    }
}

/// Can this diagnostic be baselined? Findings that would fail a run: active errors and
/// warnings with a location, except problems of the book's structure (`book.toml`,
/// `SUMMARY.md`, the theme), which stop the build whatever a baseline says.
pub fn eligible(d: &Diagnostic) -> bool {
    matches!(d.disposition, Disposition::Active | Disposition::Baselined)
        && d.severity >= Severity::Warning
        && d.location.is_some()
        && !matches!(
            d.code,
            Code::Tool(ToolCode::Config | ToolCode::Summary | ToolCode::Theme | ToolCode::Baseline)
        )
}

/// A baseline file, read.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    /// Sorted; unique fingerprints.
    pub entries: Vec<Entry>,
    /// The 1-based line of each entry in the file it was read from (0 for entries made here).
    pub lines: Vec<u32>,
    fingerprints: BTreeSet<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    about: Option<String>,
    findings: Vec<Entry>,
}

/// Why a baseline file could not be read: the message, and the byte range it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub message: String,
    pub help: String,
    pub bytes: std::ops::Range<usize>,
}

impl ReadError {
    /// As a diagnostic located in `file`, whose text is `text`.
    pub fn diagnostic(&self, file: Arc<str>, text: &str) -> Diagnostic {
        Diagnostic::error(ToolCode::Baseline, self.message.clone())
            .with_help(self.help.clone())
            .at(Location::new(file, text, self.bytes.clone()))
    }
}

/// Byte offset of 1-based `line` and `column` in `text`.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let index = LineIndex::new(text);
    let start = index.line_start(line.saturating_sub(1));
    let rest = &text[start.min(text.len())..];
    start + rest.char_indices().nth(column.saturating_sub(1)).map_or(rest.len(), |(i, _)| i)
}

/// The byte range of the line of `text` that holds `needle` (the whole text when absent).
fn line_of(text: &str, needle: &str) -> std::ops::Range<usize> {
    match text.find(needle) {
        Some(at) => {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            start..end
        }
        None => 0..0,
    }
}

impl Baseline {
    /// A baseline of `entries` (sorted and made unique here).
    pub fn new(mut entries: Vec<Entry>) -> Baseline {
        entries.sort();
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        let fingerprints = entries.iter().map(|e| e.fingerprint.clone()).collect();
        let lines = vec![0; entries.len()];
        Baseline { entries, lines, fingerprints }
    }

    /// Read a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, ReadError> {
        let help = "fix the JSON, restore the file from version control, or rewrite it with \
`topobook check --write-baseline FILE`";
        let file: FileFormat = serde_json::from_str(text).map_err(|e| {
            let at = offset(text, e.line(), e.column());
            ReadError {
                message: format!("the baseline is not valid: {e}")
                    .replace(&format!(" at line {} column {}", e.line(), e.column()), ""),
                help: help.to_string(),
                bytes: at..at,
            }
        })?;
        if file.version != VERSION {
            return Err(ReadError {
                message: format!(
                    "baseline version {} is not supported; this topobook reads version {VERSION}",
                    file.version
                ),
                help: "rewrite the file with `topobook check --write-baseline FILE`".to_string(),
                bytes: line_of(text, "\"version\""),
            });
        }
        let mut seen = BTreeSet::new();
        for e in &file.findings {
            let bytes = line_of(text, &format!("\"{}\"", e.fingerprint));
            if e.fingerprint != e.expected_fingerprint() {
                return Err(ReadError {
                    message: "the `fingerprint` of this baseline entry does not match its `rule`, `file`, \
`block` and `path`"
                        .to_string(),
                    help: "restore the entry from version control, or rewrite the file with \
`topobook check --write-baseline FILE`"
                        .to_string(),
                    bytes,
                });
            }
            if !seen.insert(e.fingerprint.clone()) {
                return Err(ReadError {
                    message: format!("baseline entry `{}` is listed twice", e.fingerprint),
                    help: "remove one of the two lines (a merge may have duplicated it)".to_string(),
                    bytes,
                });
            }
        }
        let mut b = Baseline::new(file.findings);
        b.lines = b
            .entries
            .iter()
            .map(|e| {
                let at = line_of(text, &format!("\"{}\"", e.fingerprint)).start;
                (LineIndex::new(text).line_of(at) + 1) as u32
            })
            .collect();
        Ok(b)
    }

    /// Does the baseline know this finding?
    pub fn knows(&self, d: &Diagnostic) -> bool {
        eligible(d)
            && d.location
                .as_ref()
                .is_some_and(|l| self.fingerprints.contains(&sarif::fingerprint(d, &l.file)))
    }

    /// The entries none of `baselined` (fingerprints of the findings it matched) covers.
    pub fn stale<'a>(&'a self, matched: &BTreeSet<String>) -> impl Iterator<Item = (&'a Entry, u32)> + 'a {
        let matched = matched.clone();
        self.entries
            .iter()
            .zip(self.lines.iter().copied())
            .filter(move |(e, _)| !matched.contains(&e.fingerprint))
    }

    /// The file's text: one entry per line, sorted, with a final newline.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("{\n  \"version\": 1,\n  \"about\": ");
        out.push_str(&json(ABOUT));
        out.push_str(",\n  \"findings\": [");
        for (i, e) in self.entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            let opt = |v: &Option<String>| v.as_deref().map_or("null".to_string(), json);
            out.push_str(&format!(
                "{{\"file\": {}, \"block\": {}, \"rule\": {}, \"path\": {}, \"message\": {}, \"fingerprint\": {}}}",
                json(&e.file),
                opt(&e.block),
                json(&e.rule),
                opt(&e.path),
                json(&e.message),
                json(&e.fingerprint)
            ));
        }
        out.push_str(if self.entries.is_empty() { "]\n}\n" } else { "\n  ]\n}\n" });
        out
    }
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The note for a stale entry. `at`: where the entry is (the baseline file inside the book and
/// its line), or the file's name as the user typed it.
pub fn stale_note(entry: &Entry, at: Result<Location, String>) -> Diagnostic {
    let what = match (&entry.block, &entry.path) {
        (Some(b), Some(p)) => format!("`{}` at `{p}` of block `{b}` in `{}`", entry.rule, entry.file),
        (Some(b), None) => format!("`{}` in block `{b}` of `{}`", entry.rule, entry.file),
        _ => format!("`{}` in `{}` ({})", entry.rule, entry.file, entry.message),
    };
    let (location, named) = match at {
        Ok(l) => (Some(l), String::new()),
        Err(name) => (None, format!(" (`{name}`)")),
    };
    let mut d = Diagnostic::note(ToolCode::Baseline, format!("stale baseline entry{named}: {what} no longer fires"))
        .with_help("the finding was fixed or moved to another file; `topobook check --write-baseline FILE` drops the entry");
    d.location = location;
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Position;
    use crate::topology::node::Node;

    fn finding(line: u32, vault: usize) -> Diagnostic {
        let p = Position { line, column: 3 };
        let rule = crate::rules::registry::rule("AML-KV-002");
        let mut d = Diagnostic::error(rule, "key vault `kv` blocks trusted services").at(Location {
            file: Arc::from("content/a.md"),
            start: p,
            end: p,
            bytes: 0..0,
        });
        d.block = Some("a-1".into());
        d.subject = Some(Node::KeyVault(vault).field("network"));
        d
    }

    #[test]
    fn round_trip_sorted_and_stable() {
        let b = Baseline::new(vec![
            Entry::of(&finding(9, 1)).unwrap_or_else(|| unreachable!()),
            Entry::of(&finding(3, 0)).unwrap_or_else(|| unreachable!()),
        ]);
        let text = b.render();
        assert!(text.lines().nth(4).is_some_and(|l| l.contains("key_vaults[0]")), "{text}");
        let again = Baseline::parse(&text).unwrap_or_default();
        assert_eq!(again.entries, b.entries);
        assert_eq!(again.lines, [5, 6]);
        assert_eq!(again.render(), text);
        // Matched by fingerprint, not by line.
        assert!(again.knows(&finding(40, 0)));
        assert!(!again.knows(&finding(3, 2)));
        let empty = Baseline::new(Vec::new()).render();
        assert!(Baseline::parse(&empty).is_ok_and(|b| b.entries.is_empty()), "{empty}");
    }

    #[test]
    fn broken_files_are_located() {
        let b = Baseline::new(vec![Entry::of(&finding(9, 0)).unwrap_or_else(|| unreachable!())]);
        let text = b.render();
        // A missing comma.
        let broken = text.replacen("\"rule\"", "\"rule\" \"x\"", 1);
        let e = Baseline::parse(&broken).err().unwrap_or_else(|| unreachable!());
        assert_eq!(LineIndex::new(&broken).line_of(e.bytes.start) + 1, 5, "{e:?}");
        assert!(e.message.starts_with("the baseline is not valid: expected"), "{e:?}");
        // A hand-edited rule: the fingerprint no longer matches.
        let edited = text.replacen("AML-KV-002", "AML-KV-001", 1);
        let e = Baseline::parse(&edited).err().unwrap_or_else(|| unreachable!());
        assert!(e.message.contains("does not match"), "{e:?}");
        assert_eq!(LineIndex::new(&edited).line_of(e.bytes.start) + 1, 5);
        let e = Baseline::parse("{\"version\": 2, \"findings\": []}").err().unwrap_or_else(|| unreachable!());
        assert!(e.message.contains("version 2"), "{e:?}");
    }
}
