//! The fast path's parser: one pass over the bytes of the YAML subset that topology blocks
//! are written in, building a flat tree of [`Node`]s with the exact byte spans the reference
//! parser reports.
//!
//! The subset: comments and blank lines; block mappings (plain or quoted single-line keys);
//! block sequences (with `- key: value` compact mappings and nested `- - x`); flow mappings
//! and sequences, nested, over several lines; single-line plain, single- and double-quoted
//! scalars; empty values. Anything else (anchors, aliases, tags, block scalars, multi-line
//! scalars, explicit keys, documents markers, directives, tabs, control characters...) and
//! anything the reference would refuse (duplicate keys, deep nesting, budgets) is a [`Bail`]:
//! the caller then runs the reference parser, which produces the value or the error.
//!
//! Linear time: every byte is looked at a bounded number of times; recursion is bounded by
//! [`MAX_DEPTH`]; duplicate keys are found by sorting when a mapping is large.

use super::lex::{self, STOP, STOP_BLOCK, STOP_FLOW, is_flow_indicator};
use super::scalar;

/// Nesting the fast path handles; deeper input goes to the reference (its limit is
/// [`super::limits::MAX_DEPTH`]).
pub(super) const MAX_DEPTH: usize = 32;
/// Nodes plus comments the fast path handles; the reference counts both against its event
/// budget, far above this.
const MAX_ITEMS: usize = 100_000;
/// Comment lines between `key:` (or `- `) and a value on the following lines; the reference
/// buffers them while it looks ahead, up to a limit of its own (32).
const MAX_LOOKAHEAD_COMMENTS: usize = 16;
/// Longest implicit key (bytes up to its `:`); the reference's limit is 1,024 characters.
const MAX_KEY_BYTES: usize = 512;

/// Input the fast path does not handle (the reference decides).
#[derive(Debug)]
pub(super) struct Bail;

pub(super) type R<T> = Result<T, Bail>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A plain scalar that is not null; text `a..b`.
    Plain,
    /// A quoted scalar without escapes; text `a..b` (inside the quotes).
    Quoted,
    /// A quoted scalar with escapes; text is `Doc::strings[a]`.
    Decoded,
    /// An empty value or a plain `~`/`null`.
    Null,
    /// A sequence of `a` items.
    Seq,
    /// A mapping of `a` entries (key node, value node).
    Map,
}

/// One node of the tree, in document order. `start..end` is the span the reference reports.
#[derive(Clone, Copy, Debug)]
pub(super) struct Node {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
    /// Index of the first node after this one's subtree.
    pub next: u32,
    pub a: u32,
    pub b: u32,
}

/// A parsed document: nodes in document order, the root first.
pub(super) struct Doc<'a> {
    pub src: &'a str,
    pub nodes: Vec<Node>,
    pub strings: Vec<String>,
}

impl<'a> Doc<'a> {
    /// The text of a scalar node.
    pub fn text(&self, n: &Node) -> &str {
        match n.kind {
            Kind::Decoded => self.strings.get(n.a as usize).map_or("", String::as_str),
            _ => self.src.get(n.a as usize..n.b as usize).unwrap_or(""),
        }
    }
}

/// Parse `src`, or bail.
pub(super) fn parse(src: &str) -> R<Doc<'_>> {
    lex::check_characters(src.as_bytes())?;
    let mut p = Parser {
        s: src.as_bytes(),
        src,
        p: 0,
        line_start: 0,
        next_indent: None,
        nodes: Vec::with_capacity(src.len() / 12 + 8),
        strings: Vec::new(),
        keys: Vec::new(),
        depth: 0,
        comments: 0,
    };
    p.advance_line()?;
    if p.next_indent.is_none() {
        return Err(Bail); // an empty document
    }
    p.block_node(-1)?;
    if p.next_indent.is_some() || p.nodes.len() + p.comments >= MAX_ITEMS {
        return Err(Bail);
    }
    Ok(Doc { src, nodes: p.nodes, strings: p.strings })
}

/// What a scalar scanned in block context turned out to be.
pub(super) struct Scalar {
    kind: Kind,
    start: usize,
    end: usize,
    a: u32,
    b: u32,
}

pub(super) struct Parser<'a> {
    pub(super) s: &'a [u8],
    pub(super) src: &'a str,
    pub(super) p: usize,
    pub(super) line_start: usize,
    /// Indentation of the line at `p` (its first content byte), `None` at the end.
    pub(super) next_indent: Option<usize>,
    pub(super) nodes: Vec<Node>,
    pub(super) strings: Vec<String>,
    /// Keys of the open mappings (for the duplicate check): node index and a cheap
    /// fingerprint of the text (length, first and last byte).
    pub(super) keys: Vec<(u32, u32)>,
    pub(super) depth: usize,
    pub(super) comments: usize,
}

impl Parser<'_> {
    pub(super) fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    /// End of input, a space or a line break at `i`.
    pub(super) fn blank_at(&self, i: usize) -> bool {
        matches!(self.s.get(i), None | Some(b' ' | b'\n' | b'\r'))
    }

    pub(super) fn eol_at(&self, i: usize) -> bool {
        matches!(self.s.get(i), None | Some(b'\n' | b'\r'))
    }

    pub(super) fn push(&mut self, kind: Kind, start: usize, end: usize, a: u32, b: u32) -> R<usize> {
        let idx = self.nodes.len();
        if idx + self.comments >= MAX_ITEMS {
            return Err(Bail);
        }
        let next = idx as u32 + 1;
        self.nodes.push(Node { kind, start: start as u32, end: end as u32, next, a, b });
        Ok(idx)
    }

    pub(super) fn push_scalar(&mut self, sc: &Scalar) -> R<usize> {
        self.push(sc.kind, sc.start, sc.end, sc.a, sc.b)
    }

    /// Place the collection at `idx` at `at` (an empty span).
    pub(super) fn set_span(&mut self, idx: usize, at: usize) {
        if let Some(n) = self.nodes.get_mut(idx) {
            (n.start, n.end) = (at as u32, at as u32);
        }
    }

    /// Close a collection opened at `idx` with `count` children.
    pub(super) fn close(&mut self, idx: usize, count: u32) {
        let next = self.nodes.len() as u32;
        if let Some(n) = self.nodes.get_mut(idx) {
            n.next = next;
            n.a = count;
        }
        self.depth -= 1;
    }

    pub(super) fn open(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(Bail) } else { Ok(()) }
    }

    pub(super) fn skip_spaces(&mut self) -> usize {
        let from = self.p;
        while self.at(self.p) == b' ' {
            self.p += 1;
        }
        self.p - from
    }

    /// Skip a comment (from `#`) to the end of the line, leaving the line break.
    pub(super) fn skip_comment(&mut self) {
        self.comments += 1;
        while !self.eol_at(self.p) {
            self.p += 1;
        }
    }

    /// Consume a line break at `p` (if any) and start the next line.
    pub(super) fn line_break(&mut self) {
        match self.at(self.p) {
            b'\r' => self.p += 2,
            b'\n' => self.p += 1,
            _ => return,
        }
        self.line_start = self.p;
    }

    /// After a node: only spaces and a comment may remain on the line. Returns whether
    /// there was a comment.
    pub(super) fn end_of_line(&mut self, had_space: bool) -> R<bool> {
        let spaces = self.skip_spaces();
        let comment = self.at(self.p) == b'#' && (had_space || spaces > 0);
        if comment {
            self.skip_comment();
        }
        if !self.eol_at(self.p) {
            return Err(Bail);
        }
        self.line_break();
        Ok(comment)
    }

    /// From the start of a line, skip blank and comment lines; leave `p` at the first
    /// content byte of the next content line and set `next_indent`. Returns the number of
    /// comment lines skipped.
    pub(super) fn advance_line(&mut self) -> R<usize> {
        let mut comments = 0;
        loop {
            if self.p >= self.s.len() {
                self.next_indent = None;
                return Ok(comments);
            }
            let indent = self.skip_spaces();
            match self.at(self.p) {
                b'\n' | b'\r' => self.line_break(),
                b'#' => {
                    comments += 1;
                    self.skip_comment();
                    self.line_break();
                }
                0 if self.p >= self.s.len() => {}
                _ => {
                    if indent == 0 && self.document_marker(self.p) {
                        return Err(Bail);
                    }
                    self.next_indent = Some(indent);
                    return Ok(comments);
                }
            }
        }
    }

    /// `---` or `...` at the start of a line.
    pub(super) fn document_marker(&self, i: usize) -> bool {
        let three = self.s.get(i..i + 3);
        (three == Some(b"---") || three == Some(b"...")) && self.blank_at(i + 3)
    }

    pub(super) fn column(&self) -> usize {
        self.p - self.line_start
    }

    /// A block node at `p` (the first content byte), inside a block collection indented
    /// `parent`. Leaves the parser at the next content line.
    pub(super) fn block_node(&mut self, parent: isize) -> R<()> {
        let col = self.column();
        match self.at(self.p) {
            b'-' if self.blank_at(self.p + 1) => self.block_seq(col, false),
            b'[' | b'{' => self.flow_in_block(parent),
            _ => {
                let (sc, is_key) = self.block_scalar()?;
                if is_key {
                    return self.block_map(col, sc);
                }
                self.push_scalar(&sc)?;
                self.end_of_line(false)?;
                self.advance_line().map(drop)
            }
        }
    }

    /// A flow collection that is a node of block context, alone on its (first) line.
    pub(super) fn flow_in_block(&mut self, parent: isize) -> R<()> {
        self.flow_node(parent)?;
        let spaces = self.skip_spaces();
        if self.at(self.p) == b':' {
            return Err(Bail); // a collection as a key
        }
        self.end_of_line(spaces > 0)?;
        self.advance_line().map(drop)
    }

    /// A block sequence whose first `-` is at `p`, indented `n`. The reference places an
    /// indentless sequence (`key:` then `- item` at the key's indentation) where its first
    /// item starts, or at the end of the first `-` line when the item is on the next lines;
    /// any other sequence at its first `-`.
    pub(super) fn block_seq(&mut self, n: usize, indentless: bool) -> R<()> {
        self.open()?;
        let idx = self.push(Kind::Seq, self.p, self.p, 0, 0)?;
        let mut count = 0;
        loop {
            self.p += 1; // the `-`
            let spaces = self.skip_spaces();
            if self.eol_at(self.p) || self.at(self.p) == b'#' {
                if count == 0 && indentless {
                    let mut end = self.p;
                    while !self.eol_at(end) {
                        end += 1;
                    }
                    self.set_span(idx, end);
                }
                let comment = self.end_of_line(spaces > 0)?;
                let run = self.advance_line()? + usize::from(comment);
                match self.next_indent {
                    Some(i) if i > n && run <= MAX_LOOKAHEAD_COMMENTS => self.block_node(n as isize)?,
                    _ => return Err(Bail), // an empty item
                }
            } else {
                if count == 0 && indentless {
                    self.set_span(idx, self.p);
                }
                self.block_node(n as isize)?;
            }
            count += 1;
            match self.next_indent {
                Some(i) if i == n && self.at(self.p) == b'-' && self.blank_at(self.p + 1) => {}
                Some(i) if i > n => return Err(Bail),
                _ => break,
            }
        }
        self.close(idx, count);
        Ok(())
    }

    /// A block mapping indented `n` whose first key has just been scanned (`p` is after its
    /// `:`).
    pub(super) fn block_map(&mut self, n: usize, first: Scalar) -> R<()> {
        self.open()?;
        let idx = self.push(Kind::Map, first.start, first.start, 0, 0)?;
        let keys_mark = self.keys.len();
        let mut key = first;
        let mut count = 0;
        loop {
            let colon = self.p - 1;
            self.check_key(&key, colon)?;
            self.push_key(&key)?;
            let spaces = self.skip_spaces();
            if self.eol_at(self.p) || self.at(self.p) == b'#' {
                // The value is on the following lines, or empty.
                let comment = self.end_of_line(true)?;
                let run = self.advance_line()? + usize::from(comment);
                if run > MAX_LOOKAHEAD_COMMENTS {
                    return Err(Bail);
                }
                match self.next_indent {
                    Some(i) if i > n => self.block_node(n as isize)?,
                    Some(i) if i == n && self.at(self.p) == b'-' && self.blank_at(self.p + 1) => {
                        self.block_seq(n, true)?
                    }
                    _ => {
                        self.push(Kind::Null, colon, colon, 0, 0)?;
                    }
                }
            } else {
                if spaces == 0 {
                    return Err(Bail);
                }
                self.inline_value(n)?;
            }
            count += 1;
            match self.next_indent {
                Some(i) if i == n => {
                    let (sc, is_key) = self.block_scalar()?;
                    if !is_key {
                        return Err(Bail);
                    }
                    key = sc;
                }
                Some(i) if i > n => return Err(Bail),
                _ => break,
            }
        }
        self.check_duplicates(keys_mark)?;
        self.keys.truncate(keys_mark);
        self.close(idx, count);
        Ok(())
    }

    /// The value after `key: ` on the same line.
    pub(super) fn inline_value(&mut self, n: usize) -> R<()> {
        match self.at(self.p) {
            b'-' if self.blank_at(self.p + 1) => Err(Bail),
            b'[' | b'{' => self.flow_in_block(n as isize),
            _ => {
                let (sc, is_key) = self.block_scalar()?;
                if is_key {
                    return Err(Bail); // `a: b: c`
                }
                self.push_scalar(&sc)?;
                self.end_of_line(false)?;
                self.advance_line().map(drop)
            }
        }
    }

    /// A scalar in block context at `p`, and whether it is a key (then `p` is after its
    /// `:`); otherwise `p` is at its end.
    pub(super) fn block_scalar(&mut self) -> R<(Scalar, bool)> {
        match self.at(self.p) {
            b'"' | b'\'' => {
                let sc = self.quoted()?;
                let after = self.p;
                self.skip_spaces();
                if self.at(self.p) == b':' && self.blank_at(self.p + 1) {
                    self.p += 1;
                    return Ok((sc, true));
                }
                self.p = after;
                Ok((sc, false))
            }
            _ => self.plain(false),
        }
    }

    /// A plain scalar at `p`; in flow context it also ends at flow indicators. Returns the
    /// scalar and whether it ended at a `:` indicator (then `p` is after the `:`).
    pub(super) fn plain(&mut self, flow: bool) -> R<(Scalar, bool)> {
        let start = self.p;
        let first = self.at(start);
        let starts_ok = match first {
            b'-' => {
                let next = self.at(start + 1);
                !(self.blank_at(start + 1) || (flow && is_flow_indicator(next)))
            }
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>'
            | b'\'' | b'"' | b'%' | b'@' | b'`' => false,
            _ => !self.eol_at(start) && first != b' ',
        };
        if !starts_ok {
            return Err(Bail);
        }
        let mask = if flow { STOP_FLOW } else { STOP_BLOCK };
        let mut q = start;
        let mut colon = false;
        loop {
            // Skip the bytes that cannot end a plain scalar.
            q += self
                .s
                .get(q..)
                .unwrap_or(&[])
                .iter()
                .position(|&b| STOP[b as usize] & mask != 0)
                .unwrap_or(self.s.len() - q);
            match self.s.get(q) {
                None | Some(b'\n' | b'\r') => break,
                Some(b':') => {
                    let next = self.at(q + 1);
                    if self.blank_at(q + 1) || (flow && is_flow_indicator(next)) {
                        colon = true;
                        break;
                    }
                }
                Some(b'#') if self.s.get(q.wrapping_sub(1)) == Some(&b' ') => break,
                Some(&c) if flow && is_flow_indicator(c) => break,
                _ => {}
            }
            q += 1;
        }
        let mut end = q;
        while end > start && self.s[end - 1] == b' ' {
            end -= 1;
        }
        self.p = if colon { q + 1 } else { end };
        let text = self.src.get(start..end).ok_or(Bail)?;
        let kind = if scalar::is_null(text) { Kind::Null } else { Kind::Plain };
        Ok((Scalar { kind, start, end, a: start as u32, b: end as u32 }, colon))
    }

    /// A single-line quoted scalar at `p`; `p` ends after the closing quote.
    pub(super) fn quoted(&mut self) -> R<Scalar> {
        let start = self.p;
        let quote = self.s[start];
        let mut q = start + 1;
        let mut escaped = false;
        loop {
            match self.s.get(q) {
                None | Some(b'\n' | b'\r') => return Err(Bail),
                Some(&c) if c == quote => {
                    if quote == b'\'' && self.at(q + 1) == b'\'' {
                        escaped = true;
                        q += 2;
                        continue;
                    }
                    break;
                }
                Some(b'\\') if quote == b'"' => {
                    if self.eol_at(q + 1) {
                        return Err(Bail); // an escaped line break: a multi-line scalar
                    }
                    escaped = true;
                    q += 2;
                }
                _ => q += 1,
            }
        }
        let end = q + 1;
        self.p = end;
        let inner = self.src.get(start + 1..q).ok_or(Bail)?;
        if !escaped {
            return Ok(Scalar { kind: Kind::Quoted, start, end, a: start as u32 + 1, b: q as u32 });
        }
        let decoded = if quote == b'\'' { inner.replace("''", "'") } else { lex::unescape(inner)? };
        self.strings.push(decoded);
        Ok(Scalar { kind: Kind::Decoded, start, end, a: self.strings.len() as u32 - 1, b: 0 })
    }

    /// Keys the reference compares other than by their text (null, integers), merge keys
    /// (a plain `<<`), keys too long for an implicit key.
    pub(super) fn check_key(&self, key: &Scalar, colon: usize) -> R<()> {
        let text = match key.kind {
            Kind::Plain => self.src.get(key.start..key.end).ok_or(Bail)?,
            Kind::Quoted | Kind::Decoded => "",
            _ => return Err(Bail),
        };
        let integer = matches!(text.as_bytes().first(), Some(b'0'..=b'9' | b'+' | b'-'))
            && (scalar::signed::<i128>(text).is_some() || scalar::unsigned::<u128>(text).is_some());
        if colon - key.start > MAX_KEY_BYTES || integer || text == "<<" {
            return Err(Bail);
        }
        Ok(())
    }

    pub(super) fn key_text(&self, idx: u32) -> &str {
        match self.nodes.get(idx as usize) {
            Some(n) if n.kind == Kind::Decoded => self.strings.get(n.a as usize).map_or("", String::as_str),
            Some(n) => self.src.get(n.a as usize..n.b as usize).unwrap_or(""),
            None => "",
        }
    }

    /// Push a key node and remember it for the duplicate check.
    pub(super) fn push_key(&mut self, key: &Scalar) -> R<()> {
        let idx = self.push_scalar(key)? as u32;
        let text = self.key_text(idx).as_bytes();
        let (first, last) = (text.first().copied().unwrap_or(0), text.last().copied().unwrap_or(0));
        let fingerprint = (text.len() as u32) << 16 | u32::from(first) << 8 | u32::from(last);
        self.keys.push((idx, fingerprint));
        Ok(())
    }

    /// Bail when two keys of the mapping whose keys start at `mark` have the same text.
    pub(super) fn check_duplicates(&self, mark: usize) -> R<()> {
        let keys = self.keys.get(mark..).unwrap_or(&[]);
        if keys.len() <= 16 {
            for (i, &(a, fa)) in keys.iter().enumerate() {
                for &(b, fb) in &keys[i + 1..] {
                    if fa == fb && self.key_text(a) == self.key_text(b) {
                        return Err(Bail);
                    }
                }
            }
            return Ok(());
        }
        let mut sorted: Vec<&str> = keys.iter().map(|&(k, _)| self.key_text(k)).collect();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) { Err(Bail) } else { Ok(()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<(Kind, &str)> {
        let doc = parse(text).unwrap_or_else(|_| panic!("bailed on {text:?}"));
        doc.nodes.iter().map(|n| (n.kind, &text[n.start as usize..n.end as usize])).collect()
    }

    #[test]
    fn nodes_in_document_order_with_the_reference_spans() {
        use Kind::*;
        let text = "a: x  # c\nb:\n  - 'q'\n  - {k: }\nc:\n- 1\n";
        assert_eq!(
            spans(text),
            [
                (Map, ""),
                (Plain, "a"),
                (Plain, "x"),
                (Plain, "b"),
                (Seq, ""),
                (Quoted, "'q'"),
                (Map, "{"),
                (Plain, "k"),
                (Null, ""),
                (Plain, "c"),
                (Seq, ""),
                (Plain, "1"),
            ]
        );
        let doc = parse(text).map_err(|_| ()).unwrap();
        // `next` skips subtrees: the value of `b` ends where `c` starts.
        assert_eq!(doc.nodes[4].next, 9);
        assert_eq!(doc.nodes[4].a, 2);
    }

    #[test]
    fn outside_the_subset_bails() {
        for text in [
            "",
            "# only comments\n",
            "a: &x 1\n",
            "a: *x\n",
            "a: !t 1\n",
            "a: |\n  x\n",
            "a: >\n  x\n",
            "a: b\n  c\n",
            "a: 'b\n  c'\n",
            "? a\n: b\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "%YAML 1.2\n---\na: 1\n",
            "a:\tb\n",
            "a: 1\na: 2\n",
            "a: 1\n'a': 2\n",
            "1: a\n",
            "~: a\n",
            "<<: {a: 1}\n",
            "a: b: c\n",
            "[a]: b\n",
            "a: [b\n",
            "a: \"b\\\n c\"\n",
            "- \n- a\n",
        ] {
            assert!(parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn hostile_input_bails_or_parses_in_linear_time() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&deep).is_err());
        let deep_block: String = (0..MAX_DEPTH + 1).map(|d| format!("{}k:\n", " ".repeat(d))).collect();
        assert!(parse(&deep_block).is_err());
        let long: String = (0..40_000).map(|i| format!("k{i}: v\n")).collect();
        assert_eq!(parse(&long).map(|d| d.nodes.len()).ok(), Some(80_001));
        let wide = format!("a: [{}]\n", vec!["x"; 200_000].join(", "));
        assert!(parse(&wide).is_err(), "more items than the fast path takes");
        let line = format!("a: {}\n", "v".repeat(3_000_000));
        assert!(parse(&line).is_ok());
    }
}
