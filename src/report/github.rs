//! `--format github`: GitHub Actions workflow commands, which GitHub turns into annotations
//! on the pull request's changed lines:
//!
//! ```text
//! ::error file=docs/content/secure.md,line=48,col=7,endLine=48,endColumn=21,title=AML-KV-002::key vault `kv-ml` blocks trusted Microsoft services%0Ahelp: set `network.bypass: [AzureServices]`
//! ```
//!
//! Errors become `::error`, warnings `::warning`, notes `::notice`. Suppressed and `expect=`
//! findings are not annotated. Values are escaped as the runner expects (`%`, CR and LF in
//! the message; also `:` and `,` in properties), after control characters were made
//! visible with [`terminal_safe`](super::terminal_safe), since the log is shown as a terminal.
//! The output ends with the summary line, which the runner prints as plain log text.

use std::fmt::Write as _;

use super::{CheckRun, is_absolute_url, terminal_safe};
use crate::diag::{Diagnostic, Disposition, Severity};

/// The workflow commands for every active finding, then the summary line.
pub fn render(run: &CheckRun) -> String {
    let mut out = String::new();
    for d in run.diagnostics.iter().filter(|d| d.disposition == Disposition::Active) {
        out.push_str(&command(run, d));
        out.push('\n');
    }
    out.push_str(&terminal_safe(&run.summary().line()));
    out.push('\n');
    out
}

/// One workflow command for one finding.
pub fn command(run: &CheckRun, d: &Diagnostic) -> String {
    let name = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(l) = &d.location {
        props.push(("file", run.path(&l.file)));
        props.push(("line", l.start.line.to_string()));
        props.push(("col", l.start.column.to_string()));
        let end = l.end.max(l.start);
        props.push(("endLine", end.line.to_string()));
        props.push(("endColumn", end.column.to_string()));
    }
    props.push(("title", d.code.to_string()));
    let mut text = terminal_safe(&d.message).into_owned();
    if let Some(help) = &d.help {
        let _ = write!(text, "\nhelp: {}", terminal_safe(help));
    }
    if let Some(note) = &d.note {
        let _ = write!(text, "\nnote: {}", terminal_safe(note));
    }
    if let Some(url) = run.url(d).filter(|u| is_absolute_url(u)) {
        let _ = write!(text, "\nsee: {}", terminal_safe(&url));
    }
    let props: Vec<String> =
        props.iter().map(|(k, v)| format!("{k}={}", escape_property(&terminal_safe(v)))).collect();
    format!("::{name} {}::{}", props.join(","), escape_data(&text))
}

/// Escape the message of a workflow command: `%`, CR and LF.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escape a property value of a workflow command: as data, plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diag::{Location, Position, ToolCode};
    use crate::rules::registry::rule;

    fn run_with(d: Diagnostic) -> CheckRun {
        CheckRun::new(Vec::new(), vec![d]).with_path_prefix("docs")
    }

    fn at(file: &str, line: u32, col: u32, end_col: u32) -> Location {
        Location {
            file: Arc::from(file),
            start: Position { line, column: col },
            end: Position { line, column: end_col },
            bytes: 0..0,
        }
    }

    #[test]
    fn data_escaping() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_data("a:b,c"), "a:b,c");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn property_escaping() {
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        assert_eq!(escape_property("content/x y.md"), "content/x y.md");
    }

    #[test]
    fn levels_and_properties() {
        let run = run_with(Diagnostic::note(ToolCode::Markdown, "y"));
        assert_eq!(command(&run, &run.diagnostics[0]), "::notice title=markdown::y");
        let d = Diagnostic::error(rule("AML-KV-002"), "key vault `kv-ml` blocks trusted Microsoft services")
            .at(at("content/kv.md", 48, 7, 21))
            .with_help("set `network.bypass: [AzureServices]`");
        let run = run_with(d);
        assert_eq!(
            command(&run, &run.diagnostics[0]),
            "::error file=docs/content/kv.md,line=48,col=7,endLine=48,endColumn=21,title=AML-KV-002::\
key vault `kv-ml` blocks trusted Microsoft services%0Ahelp: set `network.bypass: [AzureServices]`"
        );
        let run = run_with(Diagnostic::warning(ToolCode::Suppression, "expired"));
        assert!(command(&run, &run.diagnostics[0]).starts_with("::warning title=suppression::"));
    }

    #[test]
    fn hostile_text_cannot_inject_commands_or_escapes() {
        let d = Diagnostic::error(rule("AML-KV-002"), "vault `a\n::error::forged` \u{1b}[31mred%").at(at(
            "content/we,ird:name.md",
            3,
            1,
            2,
        ));
        let run = run_with(d);
        let cmd = command(&run, &run.diagnostics[0]);
        assert_eq!(cmd.lines().count(), 1, "{cmd}");
        assert!(!cmd.contains('\u{1b}'), "{cmd}");
        assert!(cmd.contains("file=docs/content/we%2Cird%3Aname.md,"), "{cmd}");
        assert!(cmd.ends_with("::vault `a␊::error::forged` ␛[31mred%25"), "{cmd}");
    }

    #[test]
    fn suppressed_and_expected_findings_are_not_annotated() {
        let mut s = Diagnostic::error(rule("AML-KV-002"), "suppressed");
        s.disposition = Disposition::Suppressed;
        let mut e = Diagnostic::error(rule("AML-KV-001"), "expected");
        e.disposition = Disposition::Expected;
        let out = render(&CheckRun::new(Vec::new(), vec![s, e]));
        assert_eq!(out, "0 blocks checked: 0 passed, 0 failed; 1 suppressed, 1 expected\n");
    }
}
