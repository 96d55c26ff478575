//! Reading the files of a module with `hcl-edit` (which keeps the byte span of every node)
//! and indexing what they declare: variables and their values, locals, resources, data
//! sources and module calls.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, BlockLabel, Body};

use super::Problems;
use crate::diag::{Severity, ToolCode};
use crate::topology::sources::SourceSet;

/// A parsed file and where its text starts in the `SourceSet`.
pub struct ParsedFile {
    pub base: usize,
    pub body: Body,
    pub tfvars: bool,
}

/// Is `path` a variable definitions file (`terraform.tfvars`, `*.auto.tfvars`)?
pub fn is_tfvars(path: &str) -> bool {
    path.ends_with(".tfvars")
}

/// Parse every file; a file with a syntax error is reported and left out.
pub fn parse_files(
    files: &[(Arc<str>, Arc<str>)],
    sources: &mut SourceSet,
    problems: &mut Problems,
) -> Vec<ParsedFile> {
    let mut out = Vec::new();
    for (path, text) in files {
        let mut base = sources.add(path.clone(), text.clone());
        // hcl-edit does not skip a byte order mark.
        let body_text = match text.strip_prefix('\u{feff}') {
            Some(rest) => {
                base += '\u{feff}'.len_utf8();
                rest
            }
            None => text,
        };
        match hcl_edit::parser::parse_body(body_text) {
            Ok(body) => out.push(ParsedFile { base, body, tfvars: is_tfvars(path) }),
            Err(e) => {
                // The parser clamps an error at the end of the text to its last byte, which
                // may fall inside a character.
                let mut local = e.location().offset().min(body_text.len());
                while !body_text.is_char_boundary(local) {
                    local -= 1;
                }
                let at = base + local;
                let end = body_text[local..].chars().next().map_or(at, |c| at + c.len_utf8());
                problems.push(
                    Severity::Error,
                    ToolCode::HclSyntax,
                    format!("not valid HCL: {}", e.message()),
                    Some(
                        "fix the syntax at this position; the other files of the module are still read"
                            .into(),
                    ),
                    at..end,
                );
            }
        }
    }
    out
}

/// A node's span in the `SourceSet`.
pub fn span_of(node: &impl hcl_edit::Span, base: usize) -> Range<usize> {
    node.span().map_or(base..base, |s| base + s.start..base + s.end)
}

/// The header of a block (`resource "azurerm_subnet" "x"`): where findings about the whole
/// block or about something missing from it point.
pub fn header_span(block: &Block, base: usize) -> Range<usize> {
    let start = block.ident.span().map(|s| s.start);
    let end = block.labels.last().and_then(|l| l.span()).or_else(|| block.ident.span()).map(|s| s.end);
    match (start, end) {
        (Some(s), Some(e)) => base + s..base + e,
        _ => span_of(block, base),
    }
}

pub fn label(l: &BlockLabel) -> &str {
    match l {
        BlockLabel::Ident(i) => i.as_str(),
        BlockLabel::String(s) => s.as_str(),
    }
}

/// An expression and the base of the file it is in.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub expr: &'a Expression,
    pub base: usize,
}

/// A `variable` block.
pub struct Variable<'a> {
    pub default: Option<At<'a>>,
    /// The `type` constraint, for conversions.
    pub ty: Option<&'a Expression>,
    pub header: Range<usize>,
}

/// A `resource` block.
pub struct Resource<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub body: &'a Body,
    pub base: usize,
    pub header: Range<usize>,
}

impl Resource<'_> {
    pub fn address(&self) -> String {
        format!("{}.{}", self.kind, self.name)
    }
}

/// Everything the module declares.
#[derive(Default)]
pub struct Config<'a> {
    pub variables: BTreeMap<&'a str, Variable<'a>>,
    /// Values from `terraform.tfvars` and `*.auto.tfvars` (a later file wins).
    pub tfvars: HashMap<&'a str, At<'a>>,
    pub locals: HashMap<&'a str, At<'a>>,
    pub resources: Vec<Resource<'a>>,
    pub by_address: HashMap<(&'a str, &'a str), usize>,
    /// Data sources: `(type, name)` → header span.
    pub data: HashMap<(&'a str, &'a str), Range<usize>>,
    /// Module calls: name → header span.
    pub modules: BTreeMap<&'a str, Range<usize>>,
}

impl<'a> Config<'a> {
    /// Index the parsed files (in order: a later `.tfvars` value overrides an earlier one).
    pub fn index(files: &'a [ParsedFile], problems: &mut Problems) -> Config<'a> {
        let mut cfg = Config::default();
        for f in files {
            if f.tfvars {
                for attr in f.body.attributes() {
                    cfg.tfvars.insert(attr.key.as_str(), At { expr: &attr.value, base: f.base });
                }
                continue;
            }
            for block in f.body.blocks() {
                cfg.block(f, block, problems);
            }
        }
        cfg
    }

    fn block(&mut self, f: &'a ParsedFile, block: &'a Block, problems: &mut Problems) {
        let labels: Vec<&str> = block.labels.iter().map(label).collect();
        let header = header_span(block, f.base);
        match (block.ident.as_str(), labels.as_slice()) {
            ("variable", [name]) => {
                let default =
                    block.body.get_attribute("default").map(|a| At { expr: &a.value, base: f.base });
                let ty = block.body.get_attribute("type").map(|a| &a.value);
                if self.variables.insert(name, Variable { default, ty, header: header.clone() }).is_some() {
                    problems.duplicate("variable", name, header);
                }
            }
            ("locals", []) => {
                for attr in block.body.attributes() {
                    let at = At { expr: &attr.value, base: f.base };
                    if self.locals.insert(attr.key.as_str(), at).is_some() {
                        problems.duplicate("local value", attr.key.as_str(), span_of(attr, f.base));
                    }
                }
            }
            ("resource", [kind, name]) => {
                let i = self.resources.len();
                if self.by_address.insert((kind, name), i).is_some() {
                    problems.duplicate("resource", &format!("{kind}.{name}"), header.clone());
                }
                self.resources.push(Resource { kind, name, body: &block.body, base: f.base, header });
            }
            ("data", [kind, name]) => {
                self.data.insert((kind, name), header);
            }
            ("module", [name]) => {
                self.modules.insert(name, header.clone());
                let source = block.body.get_attribute("source").and_then(|a| a.value.as_str()).unwrap_or("");
                problems.push(
                    Severity::Note,
                    ToolCode::CannotEvaluate,
                    format!(
                        "module `{name}` (`{source}`) is not read: what it declares is not in the topology"
                    ),
                    Some("import the module's folder on its own, or describe what it adds in YAML".into()),
                    header,
                );
            }
            _ => {}
        }
    }
}
