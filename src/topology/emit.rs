//! The model written back as YAML, in the style topology blocks are written in: block
//! mappings and sequences, flow style (`[a, b]`) for short lists of scalars, references by
//! name, absent fields left out and an explicit `null` kept (`container_registry: null`).
//!
//! The model derives `Serialize`; a small serializer here turns it into a tree of [`Node`]s
//! and a printer lays the tree out. [`Sp`](super::yaml::Sp) serializes as a newtype struct
//! named `SP_MARKER`, which is how a field that is present but null (`Some(Sp(None))`) is told
//! apart from an absent one (`None`). Every scalar that YAML would read as something else (a
//! number, a boolean, null, an alias, a comment, a flow indicator) or that holds a character a
//! terminal could misread is double-quoted with escapes, so the text reads back to the same
//! model ([`super::yaml::from_str`]).

use std::fmt::{self, Write as _};

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::model::Topology;
use super::yaml::SP_MARKER;

/// The widest line a flow list may make; longer lists are written one item a line.
const FLOW_WIDTH: usize = 100;

/// `topo` as YAML text (ends with a newline).
pub fn to_yaml(topo: &Topology) -> String {
    match topo.serialize(NodeSer) {
        Ok(Node::Map(entries)) if !entries.is_empty() => {
            let mut out = String::new();
            write_map(&mut out, &entries, 0);
            out
        }
        // The model always serializes to a mapping; an empty one is `{}`.
        _ => "{}\n".to_string(),
    }
}

/// A serialized value.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    /// An `Option::None`: the field is left out.
    Absent,
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    fn is_scalar(&self) -> bool {
        !matches!(self, Node::Seq(_) | Node::Map(_))
    }
}

fn write_map(out: &mut String, entries: &[(String, Node)], indent: usize) {
    for (i, (key, value)) in entries.iter().enumerate() {
        // The first entry of a mapping inside a sequence item follows its `- `.
        if i > 0 || indent == 0 || !out.ends_with("- ") {
            push_indent(out, indent);
        }
        out.push_str(key);
        out.push(':');
        write_value(out, value, indent, key.len() + 2);
    }
}

/// The value of a key (the key and its `:` are written), `used` columns into the line.
fn write_value(out: &mut String, value: &Node, indent: usize, used: usize) {
    match value {
        Node::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Node::Map(entries) => {
            out.push('\n');
            write_map(out, entries, indent + 2);
        }
        Node::Seq(items) => match flow(items) {
            Some(text) if indent + used + text.len() <= FLOW_WIDTH => {
                out.push(' ');
                out.push_str(&text);
                out.push('\n');
            }
            _ => {
                out.push('\n');
                write_seq(out, items, indent + 2);
            }
        },
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar, false));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Node], indent: usize) {
    for item in items {
        push_indent(out, indent);
        out.push_str("- ");
        match item {
            Node::Map(entries) if !entries.is_empty() => write_map(out, entries, indent + 2),
            Node::Map(_) => out.push_str("{}\n"),
            Node::Seq(inner) => match flow(inner) {
                Some(text) => {
                    out.push_str(&text);
                    out.push('\n');
                }
                None => {
                    // A sequence of sequences of collections: not in the model, but valid.
                    out.pop();
                    out.push('\n');
                    write_seq(out, inner, indent + 2);
                }
            },
            scalar => {
                out.push_str(&scalar_text(scalar, false));
                out.push('\n');
            }
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// `[a, b]` when every item is a scalar.
fn flow(items: &[Node]) -> Option<String> {
    if !items.iter().all(Node::is_scalar) {
        return None;
    }
    let parts: Vec<String> = items.iter().map(|n| scalar_text(n, true)).collect();
    Some(format!("[{}]", parts.join(", ")))
}

fn scalar_text(node: &Node, in_flow: bool) -> String {
    match node {
        Node::Absent | Node::Null => "null".to_string(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Float(f) if f.is_finite() => {
            let s = f.to_string();
            if s.contains('.') || s.contains('e') { s } else { format!("{s}.0") }
        }
        Node::Float(f) if f.is_nan() => ".nan".to_string(),
        Node::Float(f) => (if *f > 0.0 { ".inf" } else { "-.inf" }).to_string(),
        Node::Str(s) if plain_ok(s, in_flow) => s.clone(),
        Node::Str(s) => quoted(s),
        Node::Seq(_) | Node::Map(_) => String::new(),
    }
}

/// Can `s` be written as a plain scalar and read back as the same string?
fn plain_ok(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if s.trim() != s || !s.chars().all(safe_char) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains(':') || s.ends_with(':') {
        return false;
    }
    if in_flow && s.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~") {
        return false;
    }
    // Anything a YAML reader could take for a number.
    let digits = lower.trim_start_matches(['+', '-']);
    if s.parse::<f64>().is_ok()
        || digits.starts_with("0x")
        || digits.starts_with("0o")
        || digits.starts_with("0b")
        || digits.starts_with(".inf")
        || digits.starts_with(".nan")
        || (digits.starts_with(|c: char| c.is_ascii_digit()) && digits.chars().all(|c| c.is_ascii_digit() || c == '_'))
    {
        return false;
    }
    true
}

/// Printable and harmless on a terminal: no control characters, line or paragraph
/// separators, byte order marks or bidirectional overrides.
fn safe_char(c: char) -> bool {
    !c.is_control()
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{200e}' | '\u{200f}')
        && !('\u{202a}'..='\u{202e}').contains(&c)
        && !('\u{2066}'..='\u{2069}').contains(&c)
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if safe_char(c) => out.push(c),
            c if (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Why a value could not be serialized (only a map key that is not a scalar).
#[derive(Debug)]
struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Serializes any value into a [`Node`].
struct NodeSer;

type R = Result<Node, Error>;

impl ser::Serializer for NodeSer {
    type Ok = Node;
    type Error = Error;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = SeqSer;
    type SerializeMap = MapSer;
    type SerializeStruct = MapSer;
    type SerializeStructVariant = MapSer;

    fn serialize_bool(self, v: bool) -> R {
        Ok(Node::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u8(self, v: u8) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> R {
        Ok(Node::Int(v.into()))
    }
    fn serialize_f32(self, v: f32) -> R {
        Ok(Node::Float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> R {
        Ok(Node::Float(v))
    }
    fn serialize_char(self, v: char) -> R {
        Ok(Node::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> R {
        Ok(Node::Str(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        Ok(Node::Seq(v.iter().map(|b| Node::Int((*b).into())).collect()))
    }
    fn serialize_none(self) -> R {
        Ok(Node::Absent)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        Ok(Node::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R {
        Ok(Node::Null)
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> R {
        Ok(Node::Str(variant.to_string()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, name: &'static str, value: &T) -> R {
        let node = value.serialize(NodeSer)?;
        // A present node (`Sp`) holding `None` is an explicit null.
        Ok(if name == SP_MARKER && node == Node::Absent { Node::Null } else { node })
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        Ok(Node::Map(vec![(variant.to_string(), value.serialize(NodeSer)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer, Error> {
        Ok(SeqSer { items: Vec::with_capacity(len.unwrap_or(0)), variant: None })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSer, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqSer, Error> {
        Ok(SeqSer { items: Vec::with_capacity(len), variant: Some(variant) })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapSer, Error> {
        Ok(MapSer { entries: Vec::with_capacity(len.unwrap_or(0)), key: None, variant: None })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapSer, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<MapSer, Error> {
        Ok(MapSer { entries: Vec::with_capacity(len), key: None, variant: Some(variant) })
    }
}

struct SeqSer {
    items: Vec<Node>,
    variant: Option<&'static str>,
}

impl SeqSer {
    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let node = value.serialize(NodeSer)?;
        self.items.push(if node == Node::Absent { Node::Null } else { node });
        Ok(())
    }
    fn finish(self) -> R {
        let seq = Node::Seq(self.items);
        Ok(match self.variant {
            Some(v) => Node::Map(vec![(v.to_string(), seq)]),
            None => seq,
        })
    }
}

impl ser::SerializeSeq for SeqSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for SeqSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> R {
        self.finish()
    }
}

struct MapSer {
    entries: Vec<(String, Node)>,
    key: Option<String>,
    variant: Option<&'static str>,
}

impl MapSer {
    /// Absent values (`None` fields) are left out.
    fn entry(&mut self, key: String, value: Node) {
        if value != Node::Absent {
            self.entries.push((key, value));
        }
    }
    fn finish(self) -> R {
        let map = Node::Map(self.entries);
        Ok(match self.variant {
            Some(v) => Node::Map(vec![(v.to_string(), map)]),
            None => map,
        })
    }
}

impl ser::SerializeMap for MapSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySer)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().ok_or_else(|| Error("a map value without a key".into()))?;
        let value = value.serialize(NodeSer)?;
        self.entry(key, value);
        Ok(())
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeStruct for MapSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let value = value.serialize(NodeSer)?;
        self.entry(key.to_string(), value);
        Ok(())
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeStructVariant for MapSer {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let value = value.serialize(NodeSer)?;
        self.entry(key.to_string(), value);
        Ok(())
    }
    fn end(self) -> R {
        self.finish()
    }
}

/// Map keys: strings (and the scalars that print as one).
struct KeySer;

fn key_error() -> Error {
    Error("map keys must be scalars".into())
}

impl ser::Serializer for KeySer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    fn serialize_bool(self, v: bool) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f64(self, v: f64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(if plain_ok(v, false) { v.to_string() } else { quoted(v) })
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(self, _n: &'static str, _i: u32, variant: &'static str) -> Result<String, Error> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _n: &'static str, v: &T) -> Result<String, Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(self, _n: &'static str, _l: usize) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(self, _n: &'static str, _l: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::yaml::from_str;

    fn round_trip(yaml: &str) -> String {
        let topo: Topology = from_str(yaml).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
        let text = to_yaml(&topo);
        let again: Topology = from_str(&text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        assert_eq!(to_yaml(&again), text, "emit → parse → emit changed the text");
        text
    }

    #[test]
    fn every_rule_example_and_fix_round_trips() {
        for rule in crate::rules::registry() {
            for yaml in [rule.example, rule.fix] {
                if from_str::<Topology>(yaml).is_ok() {
                    round_trip(yaml);
                }
            }
        }
    }

    #[test]
    fn the_model_style() {
        let text = round_trip(
            "workspace: {name: mlw, image_build_compute: null, container_registry: null, features: [studio]}\n\
             vnets:\n  - name: vnet-ml\n    address_space: [10.0.0.0/16]\n    dns_servers: []\n    subnets:\n      \
             - {name: snet, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage, Microsoft.KeyVault]}\n\
             nsgs:\n  - name: nsg-a\n    rules:\n      - {name: r, priority: 100, protocol: '*', source: '*', destination_ports: '443', source_ports: [80, '8080-8081']}\n\
             storage_accounts:\n  - {name: st, network: {}}\n",
        );
        insta::assert_snapshot!(text, @r#"
        workspace:
          name: mlw
          image_build_compute: null
          container_registry: null
          features: [studio]
        vnets:
          - name: vnet-ml
            address_space: [10.0.0.0/16]
            dns_servers: []
            subnets:
              - name: snet
                prefix: 10.0.1.0/24
                service_endpoints: [Microsoft.Storage, Microsoft.KeyVault]
        nsgs:
          - name: nsg-a
            rules:
              - name: r
                priority: 100
                protocol: "*"
                source: "*"
                source_ports: [80, 8080-8081]
                destination_ports: "443"
        storage_accounts:
          - name: st
            network: {}
        "#);
    }

    #[test]
    fn hostile_strings_are_quoted_and_read_back() {
        let names = [
            "true", "No", "n", "null", "~", "443", "1e5", "0x1f", ".inf", "1_000", "-x", "a: b", "a #b", "#x",
            "*.anaconda.com", "Http:80", "tab\there", "line\nbreak", "quote\"back\\slash", "\u{1b}[31mred",
            "bidi\u{202e}txt", "[x]", "{x}", "a,b", " lead", "trail ", "", "ümlaut-ok", "emoji 🙂",
        ];
        let mut yaml = String::from("vnets:\n");
        for (i, n) in names.iter().enumerate() {
            let q = quoted(n);
            yaml.push_str(&format!("  - name: {q}\n    address_space: [{q}, plain{i}]\n"));
        }
        let text = round_trip(&yaml);
        let topo: Topology = from_str(&text).expect("reads back");
        let read: Vec<String> = super::super::model::items(&topo.vnets)
            .map(|v| v.name.as_ref().map(|n| n.value.clone()).unwrap_or_default())
            .collect();
        assert_eq!(read, names);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "{text}");
        assert!(text.contains("name: ümlaut-ok\n") && text.contains("\"\\x1b[31mred\""), "{text}");
    }

    #[test]
    fn long_lists_are_written_one_item_a_line() {
        let zones: Vec<String> = (0..8).map(|i| format!("privatelink{i}.api.azureml.ms")).collect();
        let yaml = format!(
            "workspace:\n  private_endpoints:\n    - name: pe\n      private_dns_zone_group: [{}]\n",
            zones.join(", ")
        );
        let text = round_trip(&yaml);
        assert!(text.contains("private_dns_zone_group:\n        - privatelink0.api.azureml.ms\n"), "{text}");
        assert_eq!(to_yaml(&Topology::default()), "{}\n");
    }
}
