//! The baseline of a site: which findings are known ([`crate::report::baseline`]), applied to
//! every page so that the pages, the status page, the rules reference and every report show
//! them as baselined, and the stale entries as notes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{PageState, Site};
use crate::check::{BlockReport, Outcome};
use crate::diag::{Diagnostic, Disposition, Location, ToolCode};
use crate::report::baseline::{Baseline, Entry, stale_note};
use crate::report::sarif;

/// Where the baseline of a run comes from.
#[derive(Clone, Debug, Default)]
pub enum BaselineChoice {
    /// `[check] baseline` in `book.toml`, if it names one (`build`, `serve`, `check`).
    #[default]
    FromConfig,
    /// A file named on the command line (`check --baseline FILE`), relative to the current
    /// folder; it may be outside the book.
    File(PathBuf),
}

/// The baseline in use.
#[derive(Clone, Debug)]
pub(super) struct Loaded {
    pub(super) baseline: Baseline,
    /// How reports name the file: relative to the book root when it is inside the book
    /// (`in_book`), else as the user typed it.
    pub(super) name: String,
    /// The file relative to the book root, when it is inside the book (diagnostics point
    /// into it, and a save of it rebuilds the preview).
    pub(super) in_book: Option<Arc<str>>,
    /// Its text, for code frames.
    pub(super) text: Arc<str>,
}

/// `path` (relative to the current folder) relative to the book `root`, when it is inside.
fn inside_book(root: &Path, path: &Path) -> Option<String> {
    let real_root = root.canonicalize().ok()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.canonicalize().ok()?,
        _ => std::env::current_dir().ok()?.canonicalize().ok()?,
    };
    let real = parent.join(path.file_name()?);
    let rel = real.strip_prefix(&real_root).ok()?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Mark the findings of one block `known` knows, and settle its outcome again when that
/// changed anything. Returns whether it did.
fn baseline_block(r: &mut BlockReport, known: Option<&Baseline>) -> bool {
    let mut changed = false;
    for d in &mut r.diagnostics {
        changed |= mark(d, known);
    }
    if changed && !matches!(r.outcome, Outcome::Ignored | Outcome::Invalid) {
        let failing = r.diagnostics.iter().any(|d| d.fails(false));
        let expected_ok = r.options.expect.is_some()
            && r.diagnostics.iter().any(|d| d.disposition == Disposition::Expected)
            && !r.diagnostics.iter().any(|d| d.code == ToolCode::ExpectMismatch);
        r.outcome = if failing {
            Outcome::Failed
        } else if expected_ok {
            Outcome::ExpectedFail
        } else {
            Outcome::Passed
        };
    }
    changed
}

/// Baselined when the baseline knows it; back to active when it was baselined and no longer
/// is (another baseline). Returns whether the disposition changed.
fn mark(d: &mut Diagnostic, known: Option<&Baseline>) -> bool {
    let want = if known.is_some_and(|b| b.knows(d)) {
        Disposition::Baselined
    } else if d.disposition == Disposition::Baselined {
        Disposition::Active
    } else {
        return false;
    };
    let changed = d.disposition != want;
    d.disposition = want;
    changed
}

/// Apply `known` to every diagnostic of a page.
pub(super) fn baseline_page(p: &mut PageState, known: Option<&Baseline>) {
    for d in p
        .source
        .diagnostics
        .iter_mut()
        .chain(p.parsed.diagnostics.iter_mut())
        .chain(p.link_diagnostics.iter_mut())
    {
        mark(d, known);
    }
    for f in p.figures.iter_mut().flatten() {
        if let Some(d) = &mut f.problem {
            mark(d, known);
        }
    }
    for r in &mut p.reports {
        baseline_block(r, known);
    }
}

impl Site {
    /// Read the baseline the options name. A file that cannot be read is an error of the book
    /// (a build writes nothing); a missing one is an empty baseline when `missing_ok`
    /// (`check --write-baseline` creates it).
    pub(super) fn read_baseline(&mut self) {
        self.baseline = None;
        let root = self.root.clone();
        let (name, in_book, read, key) = match &self.options.baseline {
            BaselineChoice::File(path) => {
                let in_book = inside_book(&root, path);
                let name = in_book.clone().unwrap_or_else(|| path.display().to_string());
                let read = if path.exists() { Some(crate::load::read_user_file(path)) } else { None };
                (name, in_book, read, None)
            }
            BaselineChoice::FromConfig => {
                let Some((rel, span)) = self.book.config.baseline.clone() else { return };
                let read = if root.join(&rel).exists() {
                    Some(self.guard.read_text(&rel).map(|t| t.to_string()).map_err(|d| d.message))
                } else {
                    None
                };
                (rel.clone(), Some(rel), read, Some(span))
            }
        };
        let in_book: Option<Arc<str>> = in_book.map(Arc::from);
        let text = match read {
            Some(Ok(text)) => text,
            Some(Err(e)) => {
                let d = Diagnostic::error(ToolCode::Baseline, format!("cannot read the baseline `{name}`: {e}"))
                    .with_help("check that the file is readable, or rewrite it with `topobook check --write-baseline FILE`");
                self.global.push(match &key {
                    Some(span) => d.at(self.config_location(span.clone())),
                    None => d,
                });
                return;
            }
            None if self.options.baseline_missing_ok => String::new(),
            None => {
                let d =
                    Diagnostic::error(ToolCode::Baseline, format!("the baseline `{name}` does not exist"))
                        .with_help(format!(
                            "create it with `topobook check --write-baseline {name}`{}",
                            if key.is_some() { ", or remove `baseline` from `[check]`" } else { "" }
                        ));
                self.global.push(match &key {
                    Some(span) => d.at(self.config_location(span.clone())),
                    None => d,
                });
                return;
            }
        };
        let parsed = if text.is_empty() { Ok(Baseline::default()) } else { Baseline::parse(&text) };
        match parsed {
            Ok(baseline) => {
                self.baseline = Some(Loaded { baseline, name, in_book, text: Arc::from(text) });
            }
            Err(e) => {
                let d = match &in_book {
                    Some(file) => e.diagnostic(file.clone(), &text),
                    None => {
                        let index = crate::diag::LineIndex::new(&text);
                        let at = index.position(&text, e.bytes.start);
                        Diagnostic::error(
                            ToolCode::Baseline,
                            format!("{} (`{name}`, line {}, column {})", e.message, at.line, at.column),
                        )
                        .with_help(e.help.clone())
                    }
                };
                self.global.push(d);
            }
        }
    }

    fn config_location(&self, span: std::ops::Range<usize>) -> Location {
        let text = self.book.files.get("book.toml").cloned().unwrap_or_else(|| Arc::from(""));
        Location::new("book.toml".into(), &text, span)
    }

    /// Mark the known findings of every page as baselined (and those no longer known as
    /// active again), and recompute the stale entries.
    pub(super) fn apply_baseline(&mut self) {
        let known = self.baseline.as_ref().map(|b| &b.baseline);
        for p in &mut self.pages {
            baseline_page(p, known);
        }
        self.stale = self.stale_entries().into_iter().map(|(_, d)| d).collect();
    }

    /// Use `baseline`, just written to `file` (relative to the current folder), from now on
    /// (`check --write-baseline`).
    pub fn set_baseline(&mut self, baseline: Baseline, file: &Path) {
        let text: Arc<str> = Arc::from(baseline.render());
        // Line numbers of the file as written.
        let baseline = Baseline::parse(&text).unwrap_or(baseline);
        let in_book = inside_book(&self.root, file);
        let name = in_book.clone().unwrap_or_else(|| file.display().to_string());
        self.baseline = Some(Loaded { baseline, name, in_book: in_book.map(Arc::from), text });
        self.apply_baseline();
    }

    /// The baseline in use: the file, its name (relative to the book root when it is inside
    /// the book, else as typed) and whether it is inside the book.
    pub fn baseline(&self) -> Option<(&Baseline, &str, bool)> {
        self.baseline.as_ref().map(|l| (&l.baseline, l.name.as_str(), l.in_book.is_some()))
    }

    /// The file of the baseline relative to the book root, when it is inside the book.
    pub(super) fn baseline_file(&self) -> Option<&str> {
        self.baseline.as_ref().and_then(|l| l.in_book.as_deref()).or_else(|| match self.options.baseline {
            BaselineChoice::FromConfig => self.book.config.baseline.as_ref().map(|(p, _)| p.as_str()),
            BaselineChoice::File(_) => None,
        })
    }

    /// Entries of the baseline that match no finding, each with its note.
    pub fn stale_entries(&self) -> Vec<(Entry, Diagnostic)> {
        let Some(l) = &self.baseline else { return Vec::new() };
        let mut matched = BTreeSet::new();
        for p in &self.pages {
            for d in p.diagnostics().filter(|d| d.disposition == Disposition::Baselined) {
                if let Some(loc) = &d.location {
                    matched.insert(sarif::fingerprint(d, &loc.file));
                }
            }
        }
        l.baseline
            .stale(&matched)
            .map(|(e, line)| {
                let at = match &l.in_book {
                    Some(file) if line > 0 => {
                        let index = crate::diag::LineIndex::new(&l.text);
                        let line_start = index.line_start(line as usize - 1);
                        let indent = l.text[line_start..].len() - l.text[line_start..].trim_start().len();
                        let start = line_start + indent;
                        let end = l.text[start..].find('\n').map_or(l.text.len(), |i| start + i);
                        Ok(index.location(file.clone(), &l.text, start..end))
                    }
                    _ => Err(l.name.clone()),
                };
                (e.clone(), stale_note(e, at))
            })
            .collect()
    }
}
