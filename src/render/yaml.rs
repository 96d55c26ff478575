//! A fast, line-oriented YAML highlighter for topology blocks and ```` ```yaml ```` fences.
//!
//! syntect's YAML grammar costs about 45 µs a line (a 40-line block per page makes it the
//! largest cost of a 5,000-page build); this one costs well under 1 µs. It emits the same
//! `hl-…` classes as syntect so the palettes apply, and **no element ever spans a newline**:
//! the output split on `\n` gives one valid HTML fragment per source line, which the
//! topology figure uses to number lines and mark offending ones.

use std::fmt::Write as _;

use crate::escape;

const KEY: &str = "hl-entity hl-name hl-tag";
const COMMENT: &str = "hl-comment";
const STRING: &str = "hl-string";
const NUMBER: &str = "hl-constant hl-numeric";
const LITERAL: &str = "hl-constant hl-language";
const ANCHOR: &str = "hl-variable hl-other";
const TAG: &str = "hl-storage hl-type";
const PUNCT: &str = "hl-punctuation";
const BLOCK: &str = "hl-keyword hl-control";

fn span(out: &mut String, class: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    let _ = write!(out, "<span class=\"{class}\">{}</span>", escape::html(text));
}

/// Length of a quoted scalar starting at `s[0]` (the quote), closing quote included, or the
/// whole rest of the line if it does not close.
fn quoted_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let q = bytes[0];
    let mut i = 1;
    while i < bytes.len() {
        if q == b'"' && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i] == q {
            if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    s.len()
}

/// Where a ` #` comment starts in a plain (unquoted) run, if anywhere.
fn comment_start(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t'))
}

/// End of a key in `s` (a plain scalar up to `: ` or `:` at the end), if `s` starts with one.
/// Inside a flow collection (`in_flow`) a key cannot run past a flow indicator: in
/// `{name: pe-a, vnet: v}` the text after `name:` is the value `pe-a`, not a key `pe-a, vnet`.
fn key_len(s: &str, in_flow: bool) -> Option<usize> {
    let first = s.as_bytes().first()?;
    if matches!(first, b'"' | b'\'') {
        let q = quoted_len(s);
        let rest = &s[q..];
        let colon = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        return rest[colon..].starts_with(':').then_some(q).filter(|_| {
            let after = &rest[colon + 1..];
            after.is_empty() || after.starts_with([' ', '\t'])
        });
    }
    if matches!(first, b'#' | b'[' | b'{' | b'&' | b'*' | b'!' | b'|' | b'>') {
        return None;
    }
    let bytes = s.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b':' if i + 1 == bytes.len() || matches!(bytes[i + 1], b' ' | b'\t') => {
                return Some(s[..i].trim_end().len());
            }
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t') => return None,
            b',' | b'[' | b']' | b'{' | b'}' if in_flow => return None,
            _ => {}
        }
    }
    None
}

fn scalar_class(v: &str) -> &'static str {
    match v {
        "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "Null" | "NULL" | "~" => LITERAL,
        _ => {
            let t = v.strip_prefix(['-', '+']).unwrap_or(v);
            let numeric = !t.is_empty()
                && (t.bytes().all(|b| b.is_ascii_digit() || b == b'_')
                    || (t.starts_with("0x") && t.len() > 2 && t[2..].bytes().all(|b| b.is_ascii_hexdigit()))
                    || (t.parse::<f64>().is_ok() && t.bytes().next().is_some_and(|b| b.is_ascii_digit())));
            if numeric { NUMBER } else { STRING }
        }
    }
}

/// Highlight a value: everything after `key:` or `- `, up to the end of the line.
fn value(out: &mut String, s: &str) -> bool {
    let mut rest = s;
    let mut block_scalar = false;
    while !rest.is_empty() {
        let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        out.push_str(&rest[..ws]);
        rest = &rest[ws..];
        let Some(c) = rest.chars().next() else { break };
        let n = match c {
            '#' => {
                span(out, COMMENT, rest);
                break;
            }
            '"' | '\'' => {
                let n = quoted_len(rest);
                span(out, STRING, &rest[..n]);
                n
            }
            '&' | '*' | '!' => {
                let n = rest.find([' ', '\t', ',', ']', '}']).unwrap_or(rest.len());
                span(out, if c == '!' { TAG } else { ANCHOR }, &rest[..n]);
                n
            }
            '[' | ']' | '{' | '}' | ',' => {
                span(out, PUNCT, &rest[..1]);
                1
            }
            '|' | '>' => {
                let n = rest.find([' ', '\t']).unwrap_or(rest.len());
                span(out, BLOCK, &rest[..n]);
                block_scalar = true;
                n
            }
            _ => {
                // A key inside a flow mapping (`{name: a}`), else a plain scalar up to a comment
                // or a flow indicator.
                if let Some(k) = key_len(rest, true).filter(|&k| k < rest.len()) {
                    span(out, KEY, &rest[..k]);
                    let colon = rest[k..].find(':').map(|i| k + i).unwrap_or(k);
                    out.push_str(&escape::html(&rest[k..colon]));
                    span(out, PUNCT, ":");
                    colon + 1
                } else {
                    // Look for a comment only up to the next flow indicator: scanning the whole
                    // rest of the line for every item made `[a, a, …]` quadratic (40 KB on one
                    // line took 6 s).
                    let stop = rest.find([',', ']', '}']).unwrap_or(rest.len());
                    let end = comment_start(&rest[..stop]).unwrap_or(stop);
                    let v = rest[..end].trim_end();
                    let n = if v.is_empty() { end.max(1).min(rest.len()) } else { v.len() };
                    span(out, scalar_class(&rest[..n]), &rest[..n]);
                    n
                }
            }
        };
        rest = &rest[n.min(rest.len())..];
    }
    block_scalar
}

/// Highlight YAML text. Output lines correspond one to one with input lines.
pub fn highlight(code: &str) -> String {
    let mut out = String::with_capacity(code.len() * 3);
    // Indentation of the line that opened a block scalar (`key: |`), while inside it.
    let mut block_parent: Option<usize> = None;
    for (i, raw) in code.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let body = &line[indent..];
        if let Some(parent) = block_parent {
            if body.is_empty() || indent > parent {
                out.push_str(&line[..indent]);
                span(&mut out, STRING, body);
                out.push_str(&raw[line.len()..]);
                continue;
            }
            block_parent = None;
        }
        out.push_str(&line[..indent]);
        if body == "---" || body == "..." || body.starts_with("--- ") {
            span(&mut out, PUNCT, body);
            continue;
        }
        let mut rest = body;
        // Sequence dashes: `- - key: v`.
        while rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t") {
            span(&mut out, PUNCT, "-");
            let after = &rest[1..];
            let ws = after.len() - after.trim_start_matches([' ', '\t']).len();
            out.push_str(&after[..ws]);
            rest = &after[ws..];
        }
        let opened = if let Some(k) = key_len(rest, false) {
            span(&mut out, KEY, &rest[..k]);
            let colon = rest[k..].find(':').map(|i| k + i).unwrap_or(k);
            out.push_str(&escape::html(&rest[k..colon]));
            span(&mut out, PUNCT, ":");
            value(&mut out, rest.get(colon + 1..).unwrap_or(""))
        } else {
            value(&mut out, rest)
        };
        if opened {
            block_parent = Some(indent);
        }
        out.push_str(&raw[line.len()..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_flow_lines_take_linear_time() {
        let line = format!("key_vaults: [{}b] # end", "a, ".repeat(200_000));
        let started = std::time::Instant::now();
        let html = highlight(&line);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        assert_eq!(html.matches("<span class=\"hl-string\">a</span>").count(), 200_000);
        assert!(html.ends_with("<span class=\"hl-comment\"># end</span>"), "{}", &html[html.len() - 200..]);
    }

    #[test]
    fn keys_values_comments() {
        let html = highlight(
            "vnets:\n  - name: hub # the hub\n    prefix: \"10.0.0.0/16\"\n    count: 3\n    on: true\n",
        );
        let lines: Vec<&str> = html.split('\n').collect();
        assert_eq!(lines.len(), 6);
        assert_eq!(
            lines[0],
            "<span class=\"hl-entity hl-name hl-tag\">vnets</span><span class=\"hl-punctuation\">:</span>"
        );
        assert_eq!(
            lines[1],
            "  <span class=\"hl-punctuation\">-</span> <span class=\"hl-entity hl-name hl-tag\">name</span><span class=\"hl-punctuation\">:</span> <span class=\"hl-string\">hub</span> <span class=\"hl-comment\"># the hub</span>"
        );
        assert!(lines[2].contains("<span class=\"hl-string\">&quot;10.0.0.0/16&quot;</span>"));
        assert!(lines[3].contains("<span class=\"hl-constant hl-numeric\">3</span>"));
        assert!(lines[4].contains("<span class=\"hl-constant hl-language\">true</span>"));
    }

    #[test]
    fn flow_block_scalars_and_odd_input() {
        let html =
            highlight("tags: {env: prod, n: 2}\nscript: |\n  echo <b>\n\n  done\nnext: [a, 'b''c']\r\n");
        assert!(html.contains("<span class=\"hl-entity hl-name hl-tag\">env</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-string\">echo &lt;b&gt;</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-entity hl-name hl-tag\">next</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-string\">&#39;b&#39;&#39;c&#39;</span>"), "{html}");
        assert_eq!(html.split('\n').count(), 7);
        // In a flow mapping, values stop at commas: `pe-a` is a value, `vnet` a key.
        let html = highlight("- {name: pe-a, vnet: v-1}");
        assert!(html.contains("<span class=\"hl-string\">pe-a</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-entity hl-name hl-tag\">vnet</span>"), "{html}");
        // Nothing panics on fragments and stray characters.
        for s in ["\"", "- ", ":", "a: \"x", "&", "{", "key: 'unterminated", "ü: ä # ö", "-\t-", "#"] {
            let h = highlight(s);
            assert!(!h.contains('\n'));
        }
    }
}
