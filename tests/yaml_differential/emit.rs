//! Re-emit a parsed document in other styles: block or flow from a given depth, several
//! indentation widths, `key:` followed by a sequence at the same indentation, plain or
//! quoted scalars, comments and blank lines. Each style is a new input for the
//! differential check; what it means does not matter, both parsers read the same text.

use topobook::topology::yaml::Sp;

use crate::probe::Tree;
use crate::rng::Rng;

#[derive(Clone, Copy, Debug)]
pub enum Quote {
    /// Plain where safe, else double-quoted.
    Plain,
    Single,
    Double,
    /// Double with escapes for ordinary characters too (`\x41`, `\u00e9`).
    Escaped,
    Random,
}

#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Collections at this depth or deeper are written in flow style.
    pub flow_from: usize,
    pub indent: usize,
    /// `key:` then `- item` at the key's own indentation.
    pub seq_same_indent: bool,
    /// `- key: value` (else `-` alone, the mapping on the next lines).
    pub compact: bool,
    /// Break flow collections after each comma.
    pub multiline_flow: bool,
    pub quote: Quote,
    pub comments: bool,
}

pub struct Emitter<'r> {
    pub style: Style,
    pub rng: &'r mut Rng,
    out: String,
}

impl<'r> Emitter<'r> {
    pub fn new(style: Style, rng: &'r mut Rng) -> Self {
        Emitter { style, rng, out: String::new() }
    }

    pub fn document(mut self, tree: &Tree) -> String {
        self.node_line(tree, 0, 0);
        self.out
    }

    fn block(&self, t: &Tree, depth: usize) -> bool {
        depth < self.style.flow_from
            && match t {
                Tree::Map(e) => !e.is_empty(),
                Tree::Seq(i) => !i.is_empty(),
                _ => false,
            }
    }

    fn comment_line(&mut self, indent: usize) {
        if self.style.comments && self.rng.below(4) == 0 {
            let pad = if self.rng.below(2) == 0 { indent } else { 0 };
            self.out.push_str(&" ".repeat(pad));
            self.out.push_str("# a note: with `code`, - dashes and [brackets]\n");
            if self.rng.below(2) == 0 {
                self.out.push('\n');
            }
        }
    }

    fn end_line(&mut self) {
        if self.style.comments && self.rng.below(3) == 0 {
            self.out.push_str("   # why: because");
        }
        self.out.push('\n');
    }

    /// A node that starts a line (the root).
    fn node_line(&mut self, t: &Tree, indent: usize, depth: usize) {
        match t {
            Tree::Map(entries) if self.block(t, depth) => self.map(entries, indent, depth, None),
            Tree::Seq(items) if self.block(t, depth) => self.seq(items, indent, depth, None),
            _ => {
                self.out.push_str(&" ".repeat(indent));
                let text = self.inline(t, indent);
                self.out.push_str(&text);
                self.end_line();
            }
        }
    }

    /// A block mapping; `prefix` replaces the indentation of the first line (`- `).
    fn map(
        &mut self,
        entries: &[(Sp<Tree>, Sp<Tree>)],
        indent: usize,
        depth: usize,
        mut prefix: Option<String>,
    ) {
        for (k, v) in entries {
            match prefix.take() {
                Some(p) => self.out.push_str(&p),
                None => {
                    self.comment_line(indent);
                    self.out.push_str(&" ".repeat(indent));
                }
            }
            let key = self.scalar(&k.value, true);
            self.out.push_str(&key);
            self.out.push(':');
            match &v.value {
                Tree::Map(e) if self.block(&v.value, depth + 1) => {
                    self.end_line();
                    self.map(e, indent + self.style.indent, depth + 1, None);
                }
                Tree::Seq(i) if self.block(&v.value, depth + 1) => {
                    self.end_line();
                    let inner = if self.style.seq_same_indent { indent } else { indent + self.style.indent };
                    self.seq(i, inner, depth + 1, None);
                }
                Tree::Unit | Tree::None if self.rng.below(2) == 0 => self.end_line(),
                other => {
                    self.out.push(' ');
                    let text = self.inline(other, indent);
                    self.out.push_str(&text);
                    self.end_line();
                }
            }
        }
    }

    fn seq(&mut self, items: &[Sp<Tree>], indent: usize, depth: usize, mut prefix: Option<String>) {
        for item in items {
            let lead = match prefix.take() {
                Some(p) => p,
                None => {
                    self.comment_line(indent);
                    " ".repeat(indent)
                }
            };
            match &item.value {
                Tree::Map(e) if self.block(&item.value, depth + 1) => {
                    if self.style.compact {
                        self.map(e, indent + 2, depth + 1, Some(format!("{lead}- ")));
                    } else {
                        self.out.push_str(&lead);
                        self.out.push('-');
                        self.end_line();
                        self.map(e, indent + self.style.indent, depth + 1, None);
                    }
                }
                Tree::Seq(i) if self.block(&item.value, depth + 1) => {
                    self.seq(i, indent + 2, depth + 1, Some(format!("{lead}- ")));
                }
                other => {
                    self.out.push_str(&lead);
                    self.out.push_str("- ");
                    let text = self.inline(other, indent);
                    self.out.push_str(&text);
                    self.end_line();
                }
            }
        }
    }

    /// A node in flow style; continuation lines are indented past `indent`.
    fn inline(&mut self, t: &Tree, indent: usize) -> String {
        let sep = if self.style.multiline_flow {
            format!(",\n{}", " ".repeat(indent + self.style.indent + 1))
        } else {
            ", ".to_string()
        };
        match t {
            Tree::Seq(items) => {
                let parts: Vec<String> = items.iter().map(|i| self.inline(&i.value, indent)).collect();
                format!("[{}]", parts.join(&sep))
            }
            Tree::Map(entries) => {
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| {
                        let key = self.scalar(&k.value, true);
                        let value = match &v.value {
                            Tree::Unit | Tree::None if self.rng.below(2) == 0 => String::new(),
                            other => self.inline(other, indent),
                        };
                        format!("{key}: {value}")
                    })
                    .collect();
                format!("{{{}}}", parts.join(&sep))
            }
            other => self.scalar(other, false),
        }
    }

    fn scalar(&mut self, t: &Tree, key: bool) -> String {
        match t {
            Tree::Unit | Tree::None => ["~", "null", "Null"][self.rng.below(3)].to_string(),
            Tree::Bool(b) => {
                let s = if *b { ["true", "True", "TRUE"] } else { ["false", "False", "FALSE"] };
                s[self.rng.below(3)].to_string()
            }
            Tree::U64(v) => match self.rng.below(4) {
                0 => format!("0x{v:X}"),
                1 => format!("+{v}"),
                _ => v.to_string(),
            },
            Tree::I64(v) => v.to_string(),
            Tree::F64(v) => format!("{v:?}"),
            Tree::Str(s) => self.string(s, key),
            Tree::Seq(_) | Tree::Map(_) => "~".to_string(),
        }
    }

    fn string(&mut self, s: &str, key: bool) -> String {
        let quote = match self.style.quote {
            Quote::Random => [Quote::Plain, Quote::Single, Quote::Double, Quote::Escaped][self.rng.below(4)],
            q => q,
        };
        let plain_safe = !s.is_empty()
            && !s.starts_with(|c: char| " -?:,[]{}#&*!|>'\"%@`~".contains(c))
            && !s.ends_with([' ', ':'])
            && !s.contains(": ")
            && !s.contains(" #")
            && !s.contains(|c: char| c.is_control() || ",[]{}".contains(c));
        match quote {
            Quote::Plain if plain_safe && !(key && s.parse::<i128>().is_ok()) => s.to_string(),
            Quote::Single if !s.contains(|c: char| c.is_control()) => format!("'{}'", s.replace('\'', "''")),
            Quote::Escaped => {
                let mut out = String::from("\"");
                for c in s.chars() {
                    match self.rng.below(3) {
                        0 if c.is_ascii() => out.push_str(&format!("\\x{:02X}", c as u32)),
                        1 if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
                        1 => out.push_str(&format!("\\U{:08X}", c as u32)),
                        _ => push_escaped(&mut out, c),
                    }
                }
                out.push('"');
                out
            }
            _ => {
                let mut out = String::from("\"");
                s.chars().for_each(|c| push_escaped(&mut out, c));
                out.push('"');
                out
            }
        }
    }
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    }
}
