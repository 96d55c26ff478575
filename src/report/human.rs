//! Diagnostics printed the way rustc prints them, with annotate-snippets: a header with the
//! code, the file:line:col, the source line with the span underlined, then `help` and `note`.

use std::collections::BTreeMap;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::diag::{Diagnostic, Disposition, LineIndex, Severity};

/// Where the printer finds the text of a file a diagnostic points into.
pub trait Sources {
    fn text(&self, file: &str) -> Option<&str>;
}

impl Sources for BTreeMap<Arc<str>, Arc<str>> {
    fn text(&self, file: &str) -> Option<&str> {
        self.get(file).map(|t| &**t)
    }
}

/// Should output be coloured? Only on a terminal, and only when `NO_COLOR` is unset.
pub fn use_color(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// Render one diagnostic.
pub fn render_one(d: &Diagnostic, sources: &dyn Sources, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut elements: Vec<annotate_snippets::Element<'_>> = Vec::new();
    if let Some(loc) = &d.location {
        let text = sources.text(&loc.file);
        let frame = text.and_then(|text| {
            let index = LineIndex::new(text);
            // Only a location whose bytes agree with its line and column gets a code frame.
            let start = loc.bytes.start.min(text.len());
            (index.position(text, start) == loc.start && text.is_char_boundary(start)).then(|| {
                let first = index.line_of(start);
                let end = loc.bytes.end.clamp(start, text.len());
                let last = index.line_of(end.saturating_sub(usize::from(end > start)).max(start));
                let from = index.line_start(first);
                let to = if last + 1 < index.line_count() { index.line_start(last + 1) } else { text.len() };
                let slice = text.get(from..to).unwrap_or("").trim_end_matches(['\n', '\r']);
                let span = (start - from).min(slice.len())..(end - from).min(slice.len());
                (slice, first + 1, span)
            })
        });
        match frame {
            Some((slice, line, span)) => {
                let mut ann = AnnotationKind::Primary.span(span);
                if let Some(label) = &d.label {
                    ann = ann.label(label.as_str());
                }
                elements
                    .push(Snippet::source(slice).line_start(line).path(&*loc.file).annotation(ann).into());
            }
            None => {
                elements.push(
                    Origin::path(&*loc.file)
                        .line(loc.start.line as usize)
                        .char_column(loc.start.column as usize)
                        .into(),
                );
            }
        }
    }
    if let Some(help) = &d.help {
        elements.push(Level::HELP.message(help.as_str()).into());
    }
    if let Some(note) = &d.note {
        elements.push(Level::NOTE.message(note.as_str()).into());
    }
    // A finding that does not count says so: it is not a broken build.
    match d.disposition {
        Disposition::Active => {}
        Disposition::Expected => elements.push(
            Level::NOTE
                .message(
                    "expected: this block breaks the rule on purpose (`expect=`); it does not fail the build",
                )
                .into(),
        ),
        Disposition::Suppressed => elements.push(
            Level::NOTE
                .message(format!(
                    "suppressed ({}); it does not fail the build",
                    d.suppression_reason.as_deref().unwrap_or("no reason given")
                ))
                .into(),
        ),
    }
    if let Some(url) = &d.url {
        elements.push(Level::NOTE.message(format!("see {url}")).into());
    }
    let title = level(d.severity).primary_title(d.message.as_str()).id(d.code.as_str());
    let report: [Group<'_>; 1] = [title.elements(elements)];
    renderer.render(&report)
}

/// Render every diagnostic, in the given order, separated by blank lines.
pub fn render_all(diags: &[Diagnostic], sources: &dyn Sources, color: bool) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_one(d, sources, color));
        out.push_str("\n\n");
    }
    out
}

/// `2 errors, 1 warning` (notes, expected and suppressed findings are not counted).
pub fn counts(diags: &[Diagnostic]) -> String {
    let active = |s: Severity| {
        diags.iter().filter(|d| d.severity == s && d.disposition == Disposition::Active).count()
    };
    let (errors, warnings) = (active(Severity::Error), active(Severity::Warning));
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Location, ToolCode};

    #[test]
    fn renders_a_code_frame() {
        let text = "[book]\ntitle = \"x\"\nauthor = []\n";
        let mut sources = BTreeMap::new();
        sources.insert(Arc::from("book.toml"), Arc::from(text));
        let d = Diagnostic::error(ToolCode::Config, "unknown key `book.author` in `book.toml`")
            .with_label("unknown key")
            .with_help("did you mean `authors`?")
            .at(Location::new("book.toml".into(), text, 19..25));
        let out = render_one(&d, &sources, false);
        insta::assert_snapshot!(out, @r"
        error[config]: unknown key `book.author` in `book.toml`
         --> book.toml:3:1
          |
        3 | author = []
          | ^^^^^^ unknown key
          |
          = help: did you mean `authors`?
        ");
        let d = Diagnostic::warning(ToolCode::Theme, "no file").at(Location::file_start("gone.md".into()));
        assert!(render_one(&d, &sources, false).contains("--> gone.md:1:1"));
        assert_eq!(counts(&[d]), "0 errors, 1 warning");
    }
}
