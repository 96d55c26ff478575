//! JSON with a span for every value, read with `jsonc-parser` (comments allowed, as Azure's
//! own tools accept them; everything else strict JSON).
//!
//! The parser's tree borrows the text; [`J`] owns its values and keeps spans already moved
//! into the [`SourceSet`](crate::topology::sources::SourceSet)'s offset space, so the rest of
//! the front end never adds a base offset by hand.

use std::ops::Range;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

/// A JSON value and the bytes it was written in.
#[derive(Clone, Debug, PartialEq)]
pub struct J {
    pub span: Range<usize>,
    pub kind: JKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum JKind {
    Null,
    Bool(bool),
    /// The number as written (`120`, `-1`, `1.5e3`).
    Num(String),
    Str(JStr),
    Arr(Vec<J>),
    Obj(Vec<Member>),
}

/// A string, and whether its text between the quotes is its value byte for byte (no escape
/// sequences), so offsets into the value are offsets into the file.
#[derive(Clone, Debug, PartialEq)]
pub struct JStr {
    pub value: String,
    pub verbatim: bool,
}

/// One property of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: J,
}

/// Why a text is not JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// In the set's offset space.
    pub span: Range<usize>,
}

/// A property met twice in one object (the first one is used).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub key: String,
    /// The second occurrence's key.
    pub span: Range<usize>,
}

/// Parse `text` whose first byte is at `base` in the set's space.
pub fn parse(text: &str, base: usize) -> Result<(J, Vec<Duplicate>), SyntaxError> {
    let options = ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
        let r = e.range();
        SyntaxError { message: lowercase_first(&e.kind().to_string()), span: base + r.start..base + r.end }
    })?;
    let Some(value) = parsed.value else {
        return Err(SyntaxError { message: "the file holds no JSON value".into(), span: base..base });
    };
    let mut dups = Vec::new();
    let j = convert(&value, text, base, &mut dups);
    Ok((j, dups))
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn convert(v: &Value<'_>, text: &str, base: usize, dups: &mut Vec<Duplicate>) -> J {
    let r = v.range();
    let span = base + r.start..base + r.end;
    let kind = match v {
        Value::NullKeyword(_) => JKind::Null,
        Value::BooleanLit(b) => JKind::Bool(b.value),
        Value::NumberLit(n) => JKind::Num(n.value.to_string()),
        Value::StringLit(s) => {
            let raw = text.get(r.start + 1..r.end.saturating_sub(1)).unwrap_or("");
            JKind::Str(JStr { verbatim: raw == s.value, value: s.value.to_string() })
        }
        Value::Array(a) => JKind::Arr(a.elements.iter().map(|e| convert(e, text, base, dups)).collect()),
        Value::Object(o) => {
            let mut members: Vec<Member> = Vec::with_capacity(o.properties.len());
            for p in &o.properties {
                let (key, kr) = match &p.name {
                    ObjectPropName::String(s) => (s.value.to_string(), s.range),
                    ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                };
                let key_span = base + kr.start..base + kr.end;
                if members.iter().any(|m| m.key.eq_ignore_ascii_case(&key)) {
                    dups.push(Duplicate { key, span: key_span });
                    continue;
                }
                members.push(Member { key, key_span, value: convert(&p.value, text, base, dups) });
            }
            JKind::Obj(members)
        }
    };
    J { span, kind }
}

impl J {
    /// A property, by name (ARM property names are case-insensitive).
    pub fn get(&self, key: &str) -> Option<&J> {
        self.member(key).map(|m| &m.value)
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.kind {
            JKind::Obj(ms) => ms.iter().find(|m| m.key.eq_ignore_ascii_case(key)),
            _ => None,
        }
    }

    pub fn members(&self) -> &[Member] {
        match &self.kind {
            JKind::Obj(ms) => ms,
            _ => &[],
        }
    }

    pub fn elements(&self) -> &[J] {
        match &self.kind {
            JKind::Arr(es) => es,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JKind::Str(s) => Some(&s.value),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.kind, JKind::Obj(_))
    }

    /// What kind of value this is, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            JKind::Null => "null",
            JKind::Bool(_) => "a boolean",
            JKind::Num(_) => "a number",
            JKind::Str(_) => "a string",
            JKind::Arr(_) => "an array",
            JKind::Obj(_) => "an object",
        }
    }

    /// The span of the opening `{` or `[` of a collection (one byte), or the whole value.
    pub fn head(&self) -> Range<usize> {
        match self.kind {
            JKind::Obj(_) | JKind::Arr(_) => self.span.start..self.span.start + 1,
            _ => self.span.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_spans_in_the_set() {
        let text =
            "{\n  // a comment\n  \"a\": [1, \"x\\u0041\", true, null],\n  \"B\": {\"c\": \"[p('x')]\"}\n}";
        let (j, dups) = parse(text, 100).unwrap();
        assert!(dups.is_empty());
        let a = j.get("a").unwrap();
        assert_eq!(&text[a.span.start - 100..a.span.end - 100], "[1, \"x\\u0041\", true, null]");
        let JKind::Str(s) = &a.elements()[1].kind else { panic!() };
        assert_eq!((s.value.as_str(), s.verbatim), ("xA", false));
        let c = j.get("b").unwrap().get("C").unwrap();
        let JKind::Str(s) = &c.kind else { panic!() };
        assert!(s.verbatim);
        assert_eq!(&text[c.span.start - 100..c.span.end - 100], "\"[p('x')]\"");
        assert_eq!(j.head(), 100..101);
    }

    #[test]
    fn syntax_errors_and_duplicates_are_located() {
        let e = parse("{\"a\": 1,}", 10).unwrap_err();
        assert_eq!(e.span.start, 17);
        assert!(e.message.starts_with("trailing commas"), "{}", e.message);
        assert!(parse("{'a': 1}", 0).is_err());
        assert!(parse("", 0).is_err());
        let (j, dups) = parse("{\"a\": 1, \"A\": 2}", 0).unwrap();
        assert_eq!(dups, vec![Duplicate { key: "A".into(), span: 9..12 }]);
        assert_eq!(j.members().len(), 1);
    }
}
