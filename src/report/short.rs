//! `--format short`: one line per finding, the shape editors and `grep` understand:
//!
//! ```text
//! docs/content/secure.md:48:7: error[AML-KV-002]: key vault `kv-ml` blocks trusted Microsoft services
//! ```
//!
//! Only active findings are listed (suppressed and `expect=` findings are counted in the
//! summary line that ends the output). A finding without a location has no path prefix.
//! User text goes through [`terminal_safe`](super::terminal_safe).

use std::fmt::Write as _;

use super::{CheckRun, terminal_safe};
use crate::diag::{Diagnostic, Disposition};

/// The report, one line per active finding, then the summary line.
pub fn render(run: &CheckRun) -> String {
    let mut out = String::new();
    for d in run.diagnostics.iter().filter(|d| d.disposition == Disposition::Active) {
        out.push_str(&line(run, d));
        out.push('\n');
    }
    out.push_str(&run.summary().line());
    out.push('\n');
    out
}

/// One finding: `path:line:col: severity[ID]: message`.
pub fn line(run: &CheckRun, d: &Diagnostic) -> String {
    let mut out = String::new();
    if let Some(l) = &d.location {
        let _ = write!(out, "{}:{}:{}: ", terminal_safe(&run.path(&l.file)), l.start.line, l.start.column);
    }
    let _ = write!(out, "{}[{}]: {}", d.severity, terminal_safe(d.code.as_str()), terminal_safe(&d.message));
    if let Some(note) = &d.note {
        let _ = write!(out, " ({})", terminal_safe(note));
    }
    out
}
