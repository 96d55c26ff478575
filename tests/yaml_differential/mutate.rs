//! Systematic and random text mutations of the seed inputs.

use crate::rng::Rng;

/// Multiply the indentation by `k`, `- ` prefixes included, so that the structure stays.
pub fn reindent(text: &str, k: usize) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let mut out = String::new();
            let mut rest = line;
            let mut col = 0; // in the original line
            loop {
                let spaces = rest.len() - rest.trim_start_matches(' ').len();
                col += spaces;
                rest = &rest[spaces..];
                out.push_str(&" ".repeat(col * k - out.len()));
                match rest.strip_prefix('-') {
                    Some(after) if after.starts_with(' ') => {
                        out.push('-');
                        col += 1;
                        rest = after;
                    }
                    _ => break,
                }
            }
            out.push_str(rest);
            out
        })
        .collect()
}

/// Line breaks as CRLF.
pub fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// A comment after every line that has none, and a comment line before every line.
pub fn comment_everything(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        out.push_str(&format!("{}# about the next line\n", " ".repeat(indent)));
        out.push_str(line);
        if !line.contains('#') && !line.trim().is_empty() {
            out.push_str("  # trailing: note");
        }
        out.push('\n');
    }
    out
}

/// Every prefix of `text` that ends on a character boundary.
pub fn truncations(text: &str) -> impl Iterator<Item = &str> {
    (0..=text.len()).filter(|&i| text.is_char_boundary(i)).map(move |i| &text[..i])
}

/// Fragments that matter to a YAML parser: indicators, whitespace of every kind, characters
/// the fast path refuses, scalars that resolve to other types.
const TOKENS: &[&str] = &[
    ":",
    ": ",
    " ",
    "  ",
    "-",
    "- ",
    "#",
    " #",
    " # c",
    "[",
    "]",
    "{",
    "}",
    ",",
    ", ",
    "'",
    "\"",
    "\n",
    "\n  ",
    "\n- ",
    "\t",
    "\r\n",
    "\r",
    "&a ",
    "*a",
    "!t ",
    "!!str ",
    "|",
    "|\n  x",
    ">",
    "? ",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "@",
    "`",
    "~",
    "null",
    "\\",
    "\\x41",
    "\\u00e9",
    "\\q",
    "é",
    "\u{85}",
    "\u{a0}",
    "\u{feff}",
    "\u{2028}",
    "\u{fffe}",
    "\u{7f}",
    "\u{0}",
    "\u{1b}",
    "0x1F",
    "-1",
    "+1",
    "010",
    "1e3",
    ".inf",
    ".nan",
    "true",
    "yes",
    "True",
    "<<: ",
    "''",
    "\"\"",
    "a",
    "x: y",
    "{a: 1}",
    "[1, 2]",
];

/// One random edit: insert a token, delete a few characters, duplicate, drop or swap a line,
/// shift a line's indentation, join two lines.
pub fn random_edit(text: &str, rng: &mut Rng) -> String {
    let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
    let at = boundaries[rng.below(boundaries.len())];
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line = if lines.is_empty() { 0 } else { rng.below(lines.len()) };
    match rng.below(8) {
        0..=2 => format!("{}{}{}", &text[..at], TOKENS[rng.below(TOKENS.len())], &text[at..]),
        3 => {
            let end = boundaries.iter().copied().find(|&b| b >= at + 1 + rng.below(5)).unwrap_or(text.len());
            format!("{}{}", &text[..at], &text[end..])
        }
        4 => {
            let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            if !l.is_empty() {
                match rng.below(3) {
                    0 => l.insert(line, l[line].clone()),
                    1 => drop(l.remove(line)),
                    _ => {
                        let other = rng.below(l.len());
                        l.swap(line, other);
                    }
                }
            }
            l.concat()
        }
        5 | 6 => lines
            .iter()
            .enumerate()
            .map(|(i, l)| match (i == line, rng.below(3)) {
                (true, 0) => format!(" {l}"),
                (true, 1) => format!("  {l}"),
                (true, _) => l.strip_prefix(' ').unwrap_or(l).to_string(),
                _ => l.to_string(),
            })
            .collect(),
        _ => match text[at..].find('\n') {
            Some(n) => format!("{}{}", &text[..at + n], &text[at + n + 1..]),
            None => text.to_string(),
        },
    }
}
