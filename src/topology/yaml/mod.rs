//! The one module that knows which YAML parser topobook uses.
//!
//! The reference is `serde-saphyr`: a maintained, serde-based YAML deserializer that gives a
//! location (line, column, byte offset) for every node through `Spanned<T>`, rejects
//! duplicate keys, and enforces a budget on events, nodes, depth and alias expansion, so
//! alias bombs and deep nesting are refused quickly. It defines the semantics and produces
//! every error message.
//!
//! In front of it runs a fast path ([`fast`] parses, [`de`] deserializes): a byte-level
//! parser for the YAML subset topology blocks are written in, about ten times cheaper
//! (0.2 M instructions instead of 2.3 M for the engine benchmark's 67-line block). It
//! returns a value only for input it fully understands and that deserializes without error;
//! on anything else it bails and [`from_str`] runs the reference. For every input it
//! accepts it gives the same value and the same spans as the reference: the differential
//! check ([`differential`]) is its specification, run over a corpus by the tests.
//!
//! Everything else in topobook sees only [`Sp`] and [`YamlError`], so the parsers can be
//! swapped here without touching the model or the rules.

mod de;
pub mod differential;
mod fast;
mod flow;
mod lex;
mod scalar;

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, Range};

use serde::de::{Deserialize, DeserializeOwned, Deserializer, SeqAccess, Visitor};

use crate::diag::{ToolCode, did_you_mean};

/// The newtype-struct name under which [`Sp`] asks a deserializer for a span. The fast
/// path's deserializer answers with a sequence `(start, end, value)`; any other (the
/// reference) treats it as a plain newtype and `Sp` reads the span through
/// `serde_saphyr::Spanned`.
pub(crate) const SP_MARKER: &str = "__topobook_sp";

/// A value with the byte range of the YAML node it came from.
///
/// For a scalar the range covers its text, quotes included. For a block mapping or sequence
/// it is an empty range where the collection starts: its first key or `-` (a sequence
/// written at its key's own indentation starts at its first item). For a flow collection it
/// is the opening bracket. For an empty value (`key:`) it is an empty range at the `:`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sp<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Sp { value, span }
    }
}

impl<T> Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Display> fmt::Display for Sp<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(SP_MARKER, SpVisitor(PhantomData))
    }
}

struct SpVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SpVisitor<T> {
    type Value = Sp<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML node")
    }

    /// The reference parser (or any deserializer that does not know the marker).
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Sp<T>, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        let span = s.referenced.span();
        let start = span.byte_offset().unwrap_or(0) as usize;
        let len = span.byte_len().unwrap_or(0) as usize;
        Ok(Sp { value: s.value, span: start..start + len })
    }

    /// The fast path: `(start, end, value)`.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Sp<T>, A::Error> {
        use serde::de::Error;
        let start: usize = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(0, &self))?;
        let end: usize = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(1, &self))?;
        let value: T = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(2, &self))?;
        Ok(Sp { value, span: start..end })
    }
}

/// Written as its value, wrapped in a newtype struct named [`SP_MARKER`] so that a serializer
/// that cares (`topology::emit`) can tell an explicit `null` (`Some(Sp(None))`) from an absent
/// field (`None`); any other serializer sees the value alone.
impl<T: serde::Serialize> serde::Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(SP_MARKER, &self.value)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// Deserialize a field that may be explicitly `null` (`container_registry: null` means "not
/// created yet"), keeping absent (`None`) apart from null (`Some(Sp { value: None })`).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Sp<Option<T>>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Sp::<Option<T>>::deserialize(deserializer).map(Some)
}

/// Why a YAML text could not be read into the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// One of the `yaml-*` / `unknown-key` / `duplicate-key` / `input-limit` codes.
    pub code: ToolCode,
    pub message: String,
    pub help: Option<String>,
    /// Byte range in the YAML text.
    pub span: Range<usize>,
}

/// Limits that keep hostile input cheap: a topology is a few hundred lines at most.
pub mod limits {
    /// Largest YAML text accepted in one block (bytes).
    pub const MAX_BYTES: usize = 4 * 1024 * 1024;
    /// Deepest nesting of collections.
    pub const MAX_DEPTH: usize = 64;
    /// Most nodes (after alias expansion) in one block.
    pub const MAX_NODES: usize = 250_000;
    /// Most alias references in one block.
    pub const MAX_ALIASES: usize = 1_000;
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: limits::MAX_DEPTH,
            max_nodes: limits::MAX_NODES,
            max_aliases: limits::MAX_ALIASES,
            max_documents: 1,
        },
        strict_booleans: true,
    }
}

/// Parse `text` into `T`. The first problem stops the parse and is returned with its span.
///
/// The fast path runs first; whatever it does not handle goes to the reference parser.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check_size(text)?;
    match de::from_str(text) {
        Some(value) => Ok(value),
        None => reference(text),
    }
}

/// The fast path alone: `Some` only for input it handles (see the module docs). For tests,
/// benchmarks and fuzzing; use [`from_str`].
pub fn fast_from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    check_size(text).ok()?;
    de::from_str(text)
}

/// The reference parser alone (serde-saphyr). For tests, benchmarks and fuzzing; use
/// [`from_str`].
pub fn reference_from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check_size(text)?;
    reference(text)
}

fn check_size(text: &str) -> Result<(), YamlError> {
    if text.len() > limits::MAX_BYTES {
        return Err(YamlError {
            code: ToolCode::InputLimit,
            message: format!(
                "topology block is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits::MAX_BYTES
            ),
            help: Some("split the topology into smaller blocks".to_string()),
            span: 0..0,
        });
    }
    Ok(())
}

fn reference<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| {
        // The typed parse stops at the first mismatch, which can hide a syntax error further
        // on (an unclosed bracket reads as "expected a string"). Report the syntax error first.
        match serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(text, options()) {
            Err(syntax) => convert(&syntax, text, true),
            Ok(_) => convert(&e, text, false),
        }
    })
}

fn byte_range(loc: &serde_saphyr::Location, text: &str) -> Range<usize> {
    let span = loc.span();
    if let Some(start) = span.byte_offset() {
        let start = (start as usize).min(text.len());
        let len = span.byte_len().unwrap_or(0) as usize;
        return start..(start + len).min(text.len());
    }
    // Fall back to line/column (1-based, characters).
    let (line, col) = (loc.line() as usize, loc.column() as usize);
    if line == 0 {
        return 0..0;
    }
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let in_line: usize = l.chars().take(col.saturating_sub(1)).map(char::len_utf8).sum();
            return offset + in_line..offset + in_line;
        }
        offset += l.len();
    }
    text.len()..text.len()
}

/// Strip the " at line N, column M" suffixes that the parser appends to messages.
fn bare_message(message: &str) -> String {
    let cut = [" at line ", " (defined at line ", " (used at line "]
        .iter()
        .filter_map(|pat| message.find(pat))
        .min()
        .unwrap_or(message.len());
    message[..cut].trim().to_string()
}

/// What a breached budget means, in the words of the limits (not the parser's debug form).
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    match breach {
        B::Depth { .. } => format!("collections nested more than {} levels deep", limits::MAX_DEPTH),
        B::Nodes { .. } => format!("more than {} values, aliases expanded", limits::MAX_NODES),
        B::Aliases { .. } => format!("more than {} aliases (`*name`)", limits::MAX_ALIASES),
        B::Documents { .. } => "more than one YAML document (`---`)".to_string(),
        other => format!("over a parser limit ({other:?})"),
    }
}

fn convert(err: &serde_saphyr::Error, text: &str, untyped: bool) -> YamlError {
    use serde_saphyr::Error as E;
    let mut inner = err.without_snippet();
    // An error met while expanding an alias (an alias bomb's budget) comes wrapped.
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = inner {
        inner = error;
    }
    let span = err.location().map(|l| byte_range(&l, text)).unwrap_or(0..0);
    let plain = bare_message(&inner.to_string());
    match inner {
        E::SerdeUnknownField { field, expected, .. } => {
            let help = match did_you_mean(field, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if expected.is_empty() => "remove this key".to_string(),
                None => format!("known keys here: {}", expected.join(", ")),
            };
            // The span of an unknown field points at the key; extend it over the key text.
            let key_end = text[span.start..].find([':', '\n']).map(|n| span.start + n).unwrap_or(span.start);
            YamlError {
                code: ToolCode::UnknownKey,
                message: format!("unknown key `{field}`"),
                help: Some(help),
                span: span.start..key_end.max(span.end),
            }
        }
        E::SerdeUnknownVariant { variant, expected, .. } => {
            let help = match did_you_mean(variant, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("expected one of: {}", expected.join(", ")),
            };
            YamlError {
                code: ToolCode::YamlType,
                message: format!("unknown value `{variant}`"),
                help: Some(help),
                span,
            }
        }
        E::Budget { breach, .. } => YamlError {
            code: ToolCode::InputLimit,
            message: format!("topology block refused: {}", budget_message(breach)),
            help: Some(format!(
                "a topology needs no more than {} levels of nesting, {} aliases and {} nodes; \
                 remove the deep nesting or the alias expansion",
                limits::MAX_DEPTH,
                limits::MAX_ALIASES,
                limits::MAX_NODES
            )),
            span,
        },
        _ => {
            let lower = plain.to_ascii_lowercase();
            let code = if lower.contains("duplicate") {
                ToolCode::DuplicateKey
            } else if lower.contains("budget") || lower.contains("limit") || lower.contains("depth") {
                ToolCode::InputLimit
            } else if untyped {
                ToolCode::YamlSyntax
            } else {
                ToolCode::YamlType
            };
            if plain == "recursion limit exceeded" {
                // The scanner's own bound on open flow collections (`[[[[...`), far above ours.
                return YamlError {
                    code: ToolCode::InputLimit,
                    message: format!(
                        "topology block refused: brackets nested more than {} levels deep",
                        limits::MAX_DEPTH
                    ),
                    help: Some(
                        "a topology needs a few levels of nesting; remove the deep nesting".to_string(),
                    ),
                    span,
                };
            }
            let help = match code {
                ToolCode::DuplicateKey => Some("remove one of the two keys".to_string()),
                ToolCode::YamlSyntax => {
                    Some("fix the YAML syntax: check indentation, colons and brackets".to_string())
                }
                _ => None,
            };
            YamlError { code, message: plain, help, span }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        name: Sp<String>,
        #[serde(default)]
        items: Vec<Sp<Item>>,
        #[serde(default, deserialize_with = "nullable")]
        reg: Option<Sp<Option<String>>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        prefix: Sp<String>,
    }

    #[test]
    fn spans_are_byte_ranges_on_both_paths() {
        let text = "name: vnet\nitems:\n  - prefix: 10.0.0.0/24\n";
        let fast: Doc = fast_from_str(text).unwrap();
        let reference: Doc = reference_from_str(text).unwrap();
        for d in [fast, reference] {
            assert_eq!(&text[d.name.span.clone()], "vnet");
            assert_eq!(&text[d.items[0].prefix.span.clone()], "10.0.0.0/24");
            assert!(d.reg.is_none());
        }
        let text = "name: x\nreg: null\n";
        let fast: Doc = fast_from_str(text).unwrap();
        let reference: Doc = reference_from_str(text).unwrap();
        for d in [fast, reference] {
            assert_eq!(d.reg.map(|r| (r.value, r.span)), Some((None, 13..17)));
        }
    }

    #[test]
    fn fast_path_falls_back_to_the_reference() {
        // An anchor is outside the fast path's subset: the reference reads it.
        let text = "name: &n vnet\nitems:\n  - prefix: *n\n";
        assert!(fast_from_str::<Doc>(text).is_none());
        let d: Doc = from_str(text).unwrap();
        assert_eq!(d.items[0].prefix.value, "vnet");
    }

    #[test]
    fn serde_saphyr_wrappers_go_to_the_reference() {
        // `Spanned` is serde-saphyr's own: the fast path does not pretend to know it.
        assert!(fast_from_str::<serde_saphyr::Spanned<String>>("a: b\n").is_none());
        let s: serde_saphyr::Spanned<String> = from_str("b\n").unwrap();
        assert_eq!(s.value, "b");
    }

    #[test]
    fn sp_works_with_other_deserializers() {
        // Without span information (here JSON), a value gets an empty span.
        let s: Sp<String> = serde_json::from_str("\"x\"").unwrap();
        assert_eq!((s.value.as_str(), s.span), ("x", 0..0));
    }

    #[test]
    fn unknown_keys_suggest() {
        let text = "name: vnet\nitems:\n  - prefx: 10.0.0.0/24\n";
        let e = from_str::<Doc>(text).unwrap_err();
        assert_eq!(e.code, ToolCode::UnknownKey);
        assert_eq!(e.message, "unknown key `prefx`");
        assert_eq!(e.help.as_deref(), Some("did you mean `prefix`?"));
        assert_eq!(&text[e.span], "prefx");
    }

    #[test]
    fn duplicates_and_syntax() {
        let e = from_str::<Doc>("name: a\nname: b\n").unwrap_err();
        assert_eq!(e.code, ToolCode::DuplicateKey);
        let e = from_str::<Doc>("name: [a\n").unwrap_err();
        assert_eq!(e.code, ToolCode::YamlSyntax, "{e:?}");
        let e = from_str::<Doc>("name: [a]\n").unwrap_err();
        assert_eq!(e.code, ToolCode::YamlType, "{e:?}");
    }

    #[test]
    fn hostile_input_is_refused_quickly() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            bomb.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = c;
        }
        // Refused by the alias budget, before expanding it (tests/hostile.rs bounds the time).
        let e =
            from_str::<std::collections::BTreeMap<String, Vec<serde::de::IgnoredAny>>>(&bomb).unwrap_err();
        assert_eq!(e.code, ToolCode::InputLimit, "{e:?}");
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = from_str::<serde::de::IgnoredAny>(&deep).unwrap_err();
        assert_eq!(e.code, ToolCode::InputLimit, "{e:?}");
    }
}
