//! mdBook's `{{#include file}}`, `{{#rustdoc_include file}}`, `{{#playground file attrs}}`
//! and `{{#title text}}` directives, with line ranges
//! (`file:2`, `file::10`, `file:2:`, `file:2:10`) and anchors (`file:name`, between
//! `ANCHOR: name` and `ANCHOR_END: name` lines). Expanded when a page is read, recursively
//! (up to [`MAX_DEPTH`] levels), with an [`Origin`] map that sends every byte of the expanded
//! text back to the file and offset it came from, so diagnostics still point at real lines.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::MAX_PAGE_BYTES;
use crate::diag::{Diagnostic, LineIndex, Location, ToolCode};

/// How deep includes may nest (an include of an include …), as in mdBook.
pub const MAX_DEPTH: usize = 10;

/// A run of expanded text copied verbatim from `file` at `file_at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub at: usize,
    pub len: usize,
    pub file: Arc<str>,
    pub file_at: usize,
}

/// Where each byte of an expanded page comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pieces: Vec<Piece>,
}

impl Origin {
    /// The file and file range of an expanded range (the piece holding its start decides).
    pub fn map(&self, range: Range<usize>) -> Option<(Arc<str>, Range<usize>)> {
        let i = match self.pieces.binary_search_by(|p| p.at.cmp(&range.start)) {
            Ok(i) => i,
            Err(0) => return self.pieces.first().map(|p| (p.file.clone(), p.file_at..p.file_at)),
            Err(i) => i - 1,
        };
        let p = self.pieces.get(i)?;
        let offset = (range.start - p.at).min(p.len);
        let len = (range.end.saturating_sub(range.start)).min(p.len - offset);
        Some((p.file.clone(), p.file_at + offset..p.file_at + offset + len))
    }

    /// The files other than the page itself that make up the text.
    pub fn files(&self) -> impl Iterator<Item = &Arc<str>> {
        self.pieces.iter().map(|p| &p.file)
    }
}

/// Reads an included file: given its path relative to the book root, the text or a reason.
pub trait IncludeReader {
    fn read(&self, rel: &str) -> Result<Arc<str>, String>;
}

/// The result of expanding a page.
pub struct Expanded {
    pub text: String,
    /// The page title set by `{{#title ...}}`, if any.
    pub title: Option<String>,
    pub origin: Origin,
    /// Every file read, including the page (for code frames), by path relative to the root.
    pub files: HashMap<Arc<str>, Arc<str>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Does `text` contain a directive at all (the fast path for most pages)?
pub fn has_directives(text: &str) -> bool {
    text.contains("{{#") || text.contains("{{ #")
}

/// Expand the directives of `text`, the content of `file` (a path relative to the root).
pub fn expand(file: Arc<str>, text: Arc<str>, reader: &dyn IncludeReader) -> Expanded {
    let mut cx = Cx {
        reader,
        files: HashMap::new(),
        diagnostics: Vec::new(),
        title: None,
        size: text.len(),
        stack: vec![(file.clone(), String::new())],
    };
    cx.files.insert(file.clone(), text.clone());
    let origin = vec![Piece { at: 0, len: text.len(), file: file.clone(), file_at: 0 }];
    let (out, pieces) = cx.expand(&file, &text, &origin, 0);
    Expanded {
        text: out,
        title: cx.title,
        origin: Origin { pieces },
        files: cx.files,
        diagnostics: cx.diagnostics,
    }
}

struct Cx<'a> {
    reader: &'a dyn IncludeReader,
    files: HashMap<Arc<str>, Arc<str>>,
    diagnostics: Vec<Diagnostic>,
    title: Option<String>,
    /// Bytes the expansion has taken in so far: the page and every included piece, counted
    /// once each time it is included (bounded by [`MAX_PAGE_BYTES`]).
    size: usize,
    /// The includes being expanded, outermost first: (file, selection), to refuse a cycle.
    stack: Vec<(Arc<str>, String)>,
}

/// A directive found in a text.
struct Directive<'t> {
    range: Range<usize>,
    name: &'t str,
    args: &'t str,
}

fn next_directive(text: &str, from: usize) -> Option<(Directive<'_>, bool)> {
    let mut pos = from;
    loop {
        let start = pos + text.get(pos..)?.find("{{")?;
        let inner_start = start + 2;
        let end = inner_start + text[inner_start..].find("}}")?;
        let inner = text[inner_start..end].trim_start();
        let escaped = start > 0 && text.as_bytes()[start - 1] == b'\\';
        if let Some(rest) = inner.strip_prefix('#') {
            let name_len =
                rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            let name = &rest[..name_len];
            let after = &rest[name_len..];
            let args = after.trim();
            // As in mdBook, a directive is `{{#name target}}`: the name, white space, then a
            // target. `{{#include}}` alone (prose about the directive) is plain text; an
            // escaped `\{{#...}}` is always taken, to drop its backslash.
            let has_target = after.starts_with(char::is_whitespace) && !args.is_empty();
            if !name.is_empty() && !rest.contains('\n') && (escaped || has_target) {
                let range = if escaped { start - 1..end + 2 } else { start..end + 2 };
                return Some((Directive { range, name, args }, escaped));
            }
        }
        pos = inner_start;
    }
}

/// The pieces of `origin` that cover `range` of the text, moved to start at `out_at`.
fn sub_pieces(origin: &[Piece], range: Range<usize>, out_at: usize, into: &mut Vec<Piece>) {
    for p in origin {
        let s = p.at.max(range.start);
        let e = (p.at + p.len).min(range.end);
        if s < e {
            into.push(Piece {
                at: out_at + (s - range.start),
                len: e - s,
                file: p.file.clone(),
                file_at: p.file_at + (s - p.at),
            });
        }
    }
}

enum Select<'a> {
    All,
    Lines(usize, Option<usize>),
    Anchor(&'a str),
}

fn parse_target(args: &str) -> (&str, Select<'_>) {
    // `path:a:b`; a path itself has no `:` on the platforms we support.
    let mut parts = args.splitn(3, ':');
    let path = parts.next().unwrap_or("").trim();
    let a = parts.next();
    let b = parts.next();
    let num = |s: &str| s.trim().parse::<usize>().ok();
    let sel = match (a, b) {
        (None, _) => Select::All,
        (Some(a), None) => match num(a) {
            Some(n) => Select::Lines(n.max(1), Some(n.max(1))),
            None if a.trim().is_empty() => Select::All,
            None => Select::Anchor(a.trim()),
        },
        (Some(a), Some(b)) => {
            let start = if a.trim().is_empty() { 1 } else { num(a).unwrap_or(1).max(1) };
            let end = if b.trim().is_empty() { None } else { num(b) };
            Select::Lines(start, end)
        }
    };
    (path, sel)
}

fn is_anchor_line(line: &str) -> bool {
    line.contains("ANCHOR:") || line.contains("ANCHOR_END:")
}

fn anchor_name<'l>(line: &'l str, marker: &str) -> Option<&'l str> {
    let i = line.find(marker)?;
    let rest = line[i + marker.len()..].trim_start();
    let n = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
    Some(&rest[..n])
}

/// The lines of `text` as byte ranges (without line terminators).
fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n').trim_end_matches('\r');
        lines.push(pos..pos + body.len());
        pos += line.len();
    }
    lines
}

/// `{{#rustdoc_include}}`: every line of `text`, those outside `sel` marked hidden (rendered
/// with mdBook's `# ` prefix, so Rust blocks keep the whole program but show only the
/// selection). Anchor comment lines are dropped when the selection is an anchor, as in
/// mdBook. `None`: the anchor is missing.
fn rustdoc_lines(text: &str, sel: &Select<'_>) -> Option<Vec<(Range<usize>, bool)>> {
    let lines = line_ranges(text);
    match sel {
        Select::All => Some(lines.into_iter().map(|r| (r, false)).collect()),
        Select::Lines(start, end) => {
            let end = end.unwrap_or(usize::MAX);
            Some(lines.into_iter().enumerate().map(|(i, r)| (r, i + 1 < *start || i + 1 > end)).collect())
        }
        Select::Anchor(name) => {
            let mut out = Vec::new();
            let mut inside = false;
            let mut found = false;
            for r in lines {
                let line = &text[r.clone()];
                if !inside && !found && anchor_name(line, "ANCHOR:") == Some(*name) {
                    inside = true;
                    found = true;
                } else if inside && anchor_name(line, "ANCHOR_END:") == Some(*name) {
                    inside = false;
                } else if !is_anchor_line(line) {
                    out.push((r, !inside));
                }
            }
            found.then_some(out)
        }
    }
}

/// The lines of `text` chosen by `sel`, as byte ranges (without line terminators).
fn select_lines(text: &str, sel: &Select<'_>) -> Option<Vec<Range<usize>>> {
    let lines = line_ranges(text);
    match sel {
        Select::All => None,
        Select::Lines(start, end) => {
            let s = start - 1;
            let e = end.unwrap_or(lines.len()).min(lines.len());
            Some(if s < e { lines[s..e].to_vec() } else { Vec::new() })
        }
        Select::Anchor(name) => {
            let mut out = Vec::new();
            let mut inside = false;
            let mut found = false;
            for r in lines {
                let line = &text[r.clone()];
                if !inside && anchor_name(line, "ANCHOR:") == Some(*name) {
                    inside = true;
                    found = true;
                } else if inside && anchor_name(line, "ANCHOR_END:") == Some(*name) {
                    break;
                } else if inside && !is_anchor_line(line) {
                    out.push(r);
                }
            }
            found.then_some(out)
        }
    }
}

/// Join `a/b.md` and `../c.rs` into `a/../c.rs` normalised to `c.rs`; `None` if it leaves the root.
pub fn join_relative(base_file: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base_file.split('/').collect();
    parts.pop();
    for comp in target.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

impl Cx<'_> {
    fn locate(&self, origin: &[Piece], range: Range<usize>) -> Option<Location> {
        let o = Origin { pieces: origin.to_vec() };
        let (file, r) = o.map(range)?;
        let text = self.files.get(&file)?;
        Some(LineIndex::new(text).location(file, text, r))
    }

    fn expand(
        &mut self,
        file: &Arc<str>,
        text: &str,
        origin: &[Piece],
        depth: usize,
    ) -> (String, Vec<Piece>) {
        let mut out = String::with_capacity(text.len());
        let mut pieces = Vec::new();
        let mut pos = 0;
        while let Some((d, escaped)) = next_directive(text, pos) {
            sub_pieces(origin, pos..d.range.start, out.len(), &mut pieces);
            out.push_str(&text[pos..d.range.start]);
            pos = d.range.end;
            if escaped {
                // `\{{#include x}}` stands for the literal text without the backslash.
                let lit = d.range.start + 1..d.range.end;
                sub_pieces(origin, lit.clone(), out.len(), &mut pieces);
                out.push_str(&text[lit]);
                continue;
            }
            if d.name == "title" && depth == 0 {
                self.title = Some(d.args.to_string());
                continue;
            }
            if d.name == "playground" {
                // A runnable Rust file: the file in a ```rust block, extra words as attributes.
                let (file_arg, attrs) = d.args.split_once(char::is_whitespace).unwrap_or((d.args, ""));
                let attrs: String = attrs.split_whitespace().map(|a| format!(",{a}")).collect();
                let inner = Directive { range: d.range.clone(), name: d.name, args: file_arg };
                if let Some((inc, inc_pieces)) = self.include(file, &inner, origin, depth) {
                    out.push_str(&format!("```rust{attrs}\n"));
                    let at = out.len();
                    pieces.extend(inc_pieces.into_iter().map(|p| Piece { at: p.at + at, ..p }));
                    out.push_str(inc.trim_end_matches('\n'));
                    out.push_str("\n```");
                } else {
                    sub_pieces(origin, d.range.clone(), out.len(), &mut pieces);
                    out.push_str(&text[d.range.clone()]);
                }
                continue;
            }
            if !matches!(d.name, "include" | "rustdoc_include") {
                sub_pieces(origin, d.range.clone(), out.len(), &mut pieces);
                out.push_str(&text[d.range.clone()]);
                continue;
            }
            match self.include(file, &d, origin, depth) {
                Some((inc, inc_pieces)) => {
                    let at = out.len();
                    pieces.extend(inc_pieces.into_iter().map(|p| Piece { at: p.at + at, ..p }));
                    out.push_str(&inc);
                }
                None => {
                    sub_pieces(origin, d.range.clone(), out.len(), &mut pieces);
                    out.push_str(&text[d.range.clone()]);
                }
            }
        }
        sub_pieces(origin, pos..text.len(), out.len(), &mut pieces);
        out.push_str(&text[pos..]);
        (out, pieces)
    }

    fn include(
        &mut self,
        file: &Arc<str>,
        d: &Directive<'_>,
        origin: &[Piece],
        depth: usize,
    ) -> Option<(String, Vec<Piece>)> {
        let (path, sel) = parse_target(d.args);
        let fail = |cx: &mut Self, msg: String, help: &str| {
            let mut diag = Diagnostic::error(ToolCode::Io, msg).with_help(help.to_string());
            diag.location = cx.locate(origin, d.range.clone());
            cx.diagnostics.push(diag);
            None
        };
        if depth >= MAX_DEPTH {
            return fail(
                self,
                format!("`{{{{#{}}}}}` nested more than {MAX_DEPTH} levels deep", d.name),
                "an included file probably includes itself; break the cycle",
            );
        }
        if path.is_empty() {
            return fail(
                self,
                format!("`{{{{#{}}}}}` needs a file", d.name),
                "write `{{#include path/to/file}}`",
            );
        }
        let Some(rel) = join_relative(file, path) else {
            return fail(
                self,
                format!("cannot include `{path}`: it is outside the book folder"),
                "includes stay inside the folder of `book.toml`: copy the file into the book, or move \
                 `book.toml` up to a folder that holds it and set `src` in `[book]` to the pages' folder",
            );
        };
        let rel: Arc<str> = rel.into();
        let content = match self.files.get(&rel) {
            Some(t) => t.clone(),
            None => match self.reader.read(&rel) {
                Ok(t) => {
                    self.files.insert(rel.clone(), t.clone());
                    t
                }
                Err(why) => {
                    return fail(
                        self,
                        format!("cannot include `{path}`: {why}"),
                        "check the path; it is relative to the page that includes it",
                    );
                }
            },
        };
        let (inc, inc_pieces) = match (d.name == "rustdoc_include", &sel) {
            (true, Select::Lines(..) | Select::Anchor(_)) => match rustdoc_lines(&content, &sel) {
                Some(lines) => {
                    let mut s = String::new();
                    let mut ps = Vec::new();
                    for (i, (r, hidden)) in lines.iter().enumerate() {
                        if i > 0 {
                            s.push('\n');
                        }
                        if *hidden {
                            s.push_str(if r.is_empty() { "#" } else { "# " });
                        }
                        ps.push(Piece { at: s.len(), len: r.len(), file: rel.clone(), file_at: r.start });
                        s.push_str(&content[r.clone()]);
                    }
                    (s, ps)
                }
                None => return self.missing_anchor(origin, d, &sel, &rel),
            },
            _ => self.select(&content, &sel, &rel, origin, d)?,
        };
        self.size = self.size.saturating_add(inc.len());
        if self.size > MAX_PAGE_BYTES {
            // An include bomb (ten files that include the next one ten times) grows
            // exponentially with the depth: stop at the page limit.
            let mut diag = Diagnostic::error(
                ToolCode::InputLimit,
                format!("includes expand the page past the limit of {} MiB", MAX_PAGE_BYTES >> 20),
            )
            .with_help("include fewer or smaller files; the rest of the directives are left as they are");
            diag.location = self.locate(origin, d.range.clone());
            if !self.diagnostics.iter().any(|x| x.code == ToolCode::InputLimit) {
                self.diagnostics.push(diag);
            }
            return None;
        }
        if has_directives(&inc) {
            // The same part of the same file again inside itself would repeat until the depth
            // limit, doubling the page at each level when it includes itself twice.
            let key = (rel.clone(), d.args.split_once(':').map(|(_, s)| s.trim()).unwrap_or("").to_string());
            if self.stack.contains(&key) {
                let mut diag = Diagnostic::error(
                    ToolCode::Io,
                    format!("`{{{{#{}}}}}` of `{rel}` includes itself", d.name),
                )
                .with_help(
                    "an included file cannot include itself, directly or through others; break the cycle",
                );
                diag.location = self.locate(origin, d.range.clone());
                self.diagnostics.push(diag);
                return None;
            }
            self.stack.push(key);
            let expanded = self.expand(&rel, &inc, &inc_pieces, depth + 1);
            self.stack.pop();
            Some(expanded)
        } else {
            Some((inc, inc_pieces))
        }
    }

    fn missing_anchor(
        &mut self,
        origin: &[Piece],
        d: &Directive<'_>,
        sel: &Select<'_>,
        rel: &str,
    ) -> Option<(String, Vec<Piece>)> {
        let name = match sel {
            Select::Anchor(n) => *n,
            _ => "",
        };
        let mut diag = Diagnostic::error(ToolCode::Io, format!("anchor `{name}` not found in `{rel}`"))
            .with_help(
                "add `ANCHOR: name` and `ANCHOR_END: name` comment lines to the file, or fix the name"
                    .to_string(),
            );
        diag.location = self.locate(origin, d.range.clone());
        self.diagnostics.push(diag);
        None
    }

    /// `{{#include}}`: the chosen lines of `content` and where they come from.
    fn select(
        &mut self,
        content: &Arc<str>,
        sel: &Select<'_>,
        rel: &Arc<str>,
        origin: &[Piece],
        d: &Directive<'_>,
    ) -> Option<(String, Vec<Piece>)> {
        Some(match select_lines(content, sel) {
            None => {
                if let Select::Anchor(_) = sel {
                    return self.missing_anchor(origin, d, sel, rel);
                }
                (
                    content.to_string(),
                    vec![Piece { at: 0, len: content.len(), file: rel.clone(), file_at: 0 }],
                )
            }
            Some(lines) => {
                let mut s = String::new();
                let mut ps = Vec::new();
                for (i, r) in lines.iter().enumerate() {
                    if i > 0 {
                        s.push('\n');
                    }
                    ps.push(Piece { at: s.len(), len: r.len(), file: rel.clone(), file_at: r.start });
                    s.push_str(&content[r.clone()]);
                }
                (s, ps)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Files(HashMap<&'static str, &'static str>);
    impl IncludeReader for Files {
        fn read(&self, rel: &str) -> Result<Arc<str>, String> {
            self.0.get(rel).map(|s| Arc::from(*s)).ok_or_else(|| "file not found".to_string())
        }
    }

    fn run(page: &str, files: &[(&'static str, &'static str)]) -> Expanded {
        let reader = Files(files.iter().copied().collect());
        expand("src/ch.md".into(), page.into(), &reader)
    }

    const CODE: &str = "fn a() {}\n// ANCHOR: b\nfn b() {}\n// ANCHOR: inner\nfn c() {}\n// ANCHOR_END: inner\n// ANCHOR_END: b\nlast\n";

    #[test]
    fn ranges_and_anchors() {
        let e = run(
            "{{#include code.rs:2}}|{{#include code.rs::1}}|{{#include code.rs:7:}}",
            &[("src/code.rs", CODE)],
        );
        assert_eq!(e.text, "// ANCHOR: b|fn a() {}|// ANCHOR_END: b\nlast");
        // `rustdoc_include` keeps the whole program, the rest hidden behind `# `; anchor
        // comment lines go.
        let e = run("```\n{{#rustdoc_include code.rs:b}}\n```", &[("src/code.rs", CODE)]);
        assert_eq!(e.text, "```\n# fn a() {}\nfn b() {}\nfn c() {}\n# last\n```");
        assert!(e.diagnostics.is_empty());
        // Every byte maps back: `fn c` is on line 5 of the included file.
        let at = e.text.find("fn c").unwrap_or(0);
        let (file, r) = e.origin.map(at..at + 4).unwrap_or(("x".into(), 0..0));
        assert_eq!((&*file, &CODE[r]), ("src/code.rs", "fn c"));
        let after = e.text.len() - 3;
        assert_eq!(e.origin.map(after..after + 3).map(|(f, r)| (f, r.start)), Some(("src/ch.md".into(), 35)));
    }

    #[test]
    fn rustdoc_include_line_ranges_hide_the_other_lines() {
        let e = run("{{#rustdoc_include code.rs:3:3}}", &[("src/code.rs", "a\n\nb\nc\n")]);
        assert_eq!(e.text, "# a\n#\nb\n# c");
        let e = run("{{#rustdoc_include code.rs}}", &[("src/code.rs", "a\nb\n")]);
        assert_eq!(e.text, "a\nb\n");
        let e = run("{{#rustdoc_include code.rs:nope}}", &[("src/code.rs", CODE)]);
        assert!(e.diagnostics[0].message.contains("anchor `nope`"), "{:?}", e.diagnostics);
        assert_eq!(e.text, "{{#rustdoc_include code.rs:nope}}");
    }

    #[test]
    fn a_directive_without_a_target_is_text() {
        // Prose about the directives, as mdBook's own guide writes it: no file, no diagnostic.
        let page = "The `{{ #playground }}`, `{{#include}}` and {{#title}} helpers; {{#include:x}}.";
        let e = run(page, &[]);
        assert_eq!(e.text, page);
        assert!(e.diagnostics.is_empty(), "{:?}", e.diagnostics);
        assert_eq!(e.title, None);
        // Escaped, the backslash still goes.
        assert_eq!(run("\\{{#include}}", &[]).text, "{{#include}}");
        // A target that names no file is still an error.
        let e = run("{{#include :2}}", &[]);
        assert!(e.diagnostics[0].message.contains("needs a file"), "{:?}", e.diagnostics);
    }

    #[test]
    fn playground_and_title() {
        let e = run(
            "{{#title Custom title}}\n{{#playground code.rs editable}}\n",
            &[("src/code.rs", "fn main() {}\n")],
        );
        assert_eq!(e.title.as_deref(), Some("Custom title"));
        assert_eq!(e.text, "\n```rust,editable\nfn main() {}\n```\n");
    }

    #[test]
    fn nested_escaped_missing_and_cycles() {
        let e = run(
            "a {{#include x.md}} \\{{#include y}}",
            &[("src/x.md", "[{{#include sub/y.md}}]"), ("src/sub/y.md", "Y")],
        );
        assert_eq!(e.text, "a [Y] {{#include y}}");
        let e = run("one\n{{#include nope.rs}}", &[]);
        assert_eq!(e.text, "one\n{{#include nope.rs}}");
        assert_eq!(e.diagnostics.len(), 1);
        assert_eq!(e.diagnostics[0].location.as_ref().map(|l| (l.start.line, l.start.column)), Some((2, 1)));
        let e = run("{{#include ch.md}}", &[("src/ch.md", "{{#include ch.md}}")]);
        assert_eq!(e.diagnostics.len(), 1);
        assert!(e.diagnostics[0].message.contains("includes itself"), "{:?}", e.diagnostics);
        // Twice itself, through another file: refused at once, not 2^10 copies (a fuzz find).
        let e = run("a{{#include o.md}}", &[("src/o.md", "{{#include ch.md}}{{#include ch.md}}")]);
        assert_eq!(e.text, "a{{#include ch.md}}{{#include ch.md}}");
        assert_eq!(e.diagnostics.len(), 2, "{:?}", e.diagnostics);
        // A page may include a part of itself.
        let e = run("x\n// ANCHOR: p\nP\n// ANCHOR_END: p\n{{#include ch.md:p}}", &[]);
        assert!(e.diagnostics.is_empty() && e.text.ends_with("\nP"), "{:?} {}", e.diagnostics, e.text);
        let e = run("{{#include ../../x}}", &[]);
        assert!(e.diagnostics[0].message.contains("outside the book folder"));
        let e = run("{{#include code.rs:nope}}", &[("src/code.rs", CODE)]);
        assert!(e.diagnostics[0].message.contains("anchor `nope`"));
    }

    #[test]
    fn include_bombs_stop_at_the_page_limit() {
        // Ten files that each include the next ten times: 10^10 copies of `x.md` unbounded.
        let names: Vec<String> = (0..10).map(|i| format!("src/b{i}.md")).collect();
        let bodies: Vec<String> = (0..10)
            .map(|i| {
                if i == 9 { "x".repeat(1000) } else { format!("{{{{#include b{}.md}}}}\n", i + 1).repeat(10) }
            })
            .collect();
        let files: Vec<(&'static str, &'static str)> =
            names.iter().zip(&bodies).map(|(n, b)| (&*n.clone().leak(), &*b.clone().leak())).collect();
        let started = std::time::Instant::now();
        let e = run("{{#include b0.md}}\n", &files);
        assert!(e.text.len() <= MAX_PAGE_BYTES + 64 * 1024, "{}", e.text.len());
        let limit: Vec<_> = e.diagnostics.iter().filter(|d| d.code == ToolCode::InputLimit).collect();
        assert_eq!(limit.len(), 1, "{:?}", e.diagnostics);
        assert!(started.elapsed().as_secs() < 60);
    }
}
