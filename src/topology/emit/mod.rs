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

mod ser;

use std::fmt::Write as _;

use serde::Serialize;

use super::model::Topology;
use ser::NodeSer;

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
pub(super) enum Node {
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
pub(super) fn plain_ok(s: &str, in_flow: bool) -> bool {
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
        || (digits.starts_with(|c: char| c.is_ascii_digit())
            && digits.chars().all(|c| c.is_ascii_digit() || c == '_'))
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

pub(super) fn quoted(s: &str) -> String {
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
            "true",
            "No",
            "n",
            "null",
            "~",
            "443",
            "1e5",
            "0x1f",
            ".inf",
            "1_000",
            "-x",
            "a: b",
            "a #b",
            "#x",
            "*.anaconda.com",
            "Http:80",
            "tab\there",
            "line\nbreak",
            "quote\"back\\slash",
            "\u{1b}[31mred",
            "bidi\u{202e}txt",
            "[x]",
            "{x}",
            "a,b",
            " lead",
            "trail ",
            "",
            "ümlaut-ok",
            "emoji 🙂",
        ];
        let mut yaml = String::from("vnets:\n");
        for (i, n) in names.iter().enumerate() {
            let q = quoted(n);
            yaml.push_str(&format!("  - name: {q}\n    address_space: [{q}, plain{i}]\n"));
        }
        let text = round_trip(&yaml);
        let topo: Topology = from_str(&text).expect("reads back");
        let read: Vec<String> = crate::topology::model::items(&topo.vnets)
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
