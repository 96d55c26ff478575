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

type R<T> = Result<T, Bail>;

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
    check_characters(src.as_bytes())?;
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

/// Refuse characters whose treatment is not plain: control characters (tabs included), a
/// lone CR, DEL, C1 controls (NEL), the BOM, U+2028/U+2029 and the non-characters
/// U+FFFE/U+FFFF.
fn check_characters(s: &[u8]) -> R<()> {
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if (0x20..0x7f).contains(&b) || b == b'\n' {
            i += 1;
            continue;
        }
        let bad = match b {
            b'\r' => s.get(i + 1) != Some(&b'\n'),
            0xc2 => s.get(i + 1).is_some_and(|&n| n < 0xa0),
            0xe2 => s.get(i + 1) == Some(&0x80) && matches!(s.get(i + 2), Some(0xa8 | 0xa9)),
            0xef => matches!(
                (s.get(i + 1), s.get(i + 2)),
                (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
            ),
            0x80.. => false,
            _ => true,
        };
        if bad {
            return Err(Bail);
        }
        i += 1;
    }
    Ok(())
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// What a scalar scanned in block context turned out to be.
struct Scalar {
    kind: Kind,
    start: usize,
    end: usize,
    a: u32,
    b: u32,
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    p: usize,
    line_start: usize,
    /// Indentation of the line at `p` (its first content byte), `None` at the end.
    next_indent: Option<usize>,
    nodes: Vec<Node>,
    strings: Vec<String>,
    /// Key node indexes of the open mappings (for the duplicate check).
    keys: Vec<u32>,
    depth: usize,
    comments: usize,
}

impl Parser<'_> {
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    /// End of input, a space or a line break at `i`.
    fn blank_at(&self, i: usize) -> bool {
        matches!(self.s.get(i), None | Some(b' ' | b'\n' | b'\r'))
    }

    fn eol_at(&self, i: usize) -> bool {
        matches!(self.s.get(i), None | Some(b'\n' | b'\r'))
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize, a: u32, b: u32) -> R<usize> {
        let idx = self.nodes.len();
        if idx + self.comments >= MAX_ITEMS {
            return Err(Bail);
        }
        let next = idx as u32 + 1;
        self.nodes.push(Node { kind, start: start as u32, end: end as u32, next, a, b });
        Ok(idx)
    }

    fn push_scalar(&mut self, sc: &Scalar) -> R<usize> {
        self.push(sc.kind, sc.start, sc.end, sc.a, sc.b)
    }

    /// Close a collection opened at `idx` with `count` children.
    fn close(&mut self, idx: usize, count: u32) {
        let next = self.nodes.len() as u32;
        if let Some(n) = self.nodes.get_mut(idx) {
            n.next = next;
            n.a = count;
        }
        self.depth -= 1;
    }

    fn open(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(Bail) } else { Ok(()) }
    }

    fn skip_spaces(&mut self) -> usize {
        let from = self.p;
        while self.at(self.p) == b' ' {
            self.p += 1;
        }
        self.p - from
    }

    /// Skip a comment (from `#`) to the end of the line, leaving the line break.
    fn skip_comment(&mut self) {
        self.comments += 1;
        while !self.eol_at(self.p) {
            self.p += 1;
        }
    }

    /// Consume a line break at `p` (if any) and start the next line.
    fn line_break(&mut self) {
        match self.at(self.p) {
            b'\r' => self.p += 2,
            b'\n' => self.p += 1,
            _ => return,
        }
        self.line_start = self.p;
    }

    /// After a node: only spaces and a comment may remain on the line. Returns whether
    /// there was a comment.
    fn end_of_line(&mut self, had_space: bool) -> R<bool> {
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
    fn advance_line(&mut self) -> R<usize> {
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
    fn document_marker(&self, i: usize) -> bool {
        let three = self.s.get(i..i + 3);
        (three == Some(b"---") || three == Some(b"...")) && self.blank_at(i + 3)
    }

    fn column(&self) -> usize {
        self.p - self.line_start
    }

    /// A block node at `p` (the first content byte), inside a block collection indented
    /// `parent`. Leaves the parser at the next content line.
    fn block_node(&mut self, parent: isize) -> R<()> {
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
    fn flow_in_block(&mut self, parent: isize) -> R<()> {
        self.flow_node(parent)?;
        let spaces = self.skip_spaces();
        if self.at(self.p) == b':' {
            return Err(Bail); // a collection as a key
        }
        self.end_of_line(spaces > 0)?;
        self.advance_line().map(drop)
    }

    /// A block sequence whose first `-` is at `p`, indented `n`. The reference places an
    /// indentless sequence (`key:` then `- item` at the key's indentation) at its first
    /// item, any other at its first `-`.
    fn block_seq(&mut self, n: usize, indentless: bool) -> R<()> {
        self.open()?;
        let mut at = self.p;
        if indentless {
            at += 1;
            while self.at(at) == b' ' {
                at += 1;
            }
            if self.eol_at(at) || self.at(at) == b'#' {
                return Err(Bail);
            }
        }
        let idx = self.push(Kind::Seq, at, at, 0, 0)?;
        let mut count = 0;
        loop {
            self.p += 1; // the `-`
            let spaces = self.skip_spaces();
            if self.eol_at(self.p) || self.at(self.p) == b'#' {
                let comment = self.end_of_line(spaces > 0)?;
                let run = self.advance_line()? + usize::from(comment);
                match self.next_indent {
                    Some(i) if i > n && run <= MAX_LOOKAHEAD_COMMENTS => self.block_node(n as isize)?,
                    _ => return Err(Bail), // an empty item
                }
            } else {
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
    fn block_map(&mut self, n: usize, first: Scalar) -> R<()> {
        self.open()?;
        let idx = self.push(Kind::Map, first.start, first.start, 0, 0)?;
        let keys_mark = self.keys.len();
        let mut key = first;
        let mut count = 0;
        loop {
            let colon = self.p - 1;
            self.check_key(&key, colon)?;
            let k = self.push_scalar(&key)?;
            self.keys.push(k as u32);
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
    fn inline_value(&mut self, n: usize) -> R<()> {
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
    fn block_scalar(&mut self) -> R<(Scalar, bool)> {
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
    fn plain(&mut self, flow: bool) -> R<(Scalar, bool)> {
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
        let mut q = start;
        let mut colon = false;
        loop {
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
    fn quoted(&mut self) -> R<Scalar> {
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
        let decoded = if quote == b'\'' { inner.replace("''", "'") } else { unescape(inner)? };
        self.strings.push(decoded);
        Ok(Scalar { kind: Kind::Decoded, start, end, a: self.strings.len() as u32 - 1, b: 0 })
    }

    /// Keys the reference compares other than by their text (null, integers), merge keys
    /// (a plain `<<`), keys too long for an implicit key.
    fn check_key(&self, key: &Scalar, colon: usize) -> R<()> {
        let text = match key.kind {
            Kind::Plain => self.src.get(key.start..key.end).ok_or(Bail)?,
            Kind::Quoted | Kind::Decoded => "",
            _ => return Err(Bail),
        };
        let integer = scalar::signed::<i128>(text).is_some() || scalar::unsigned::<u128>(text).is_some();
        if colon - key.start > MAX_KEY_BYTES || integer || text == "<<" {
            return Err(Bail);
        }
        Ok(())
    }

    /// Bail when two keys of the mapping whose keys start at `mark` have the same text.
    fn check_duplicates(&self, mark: usize) -> R<()> {
        let text = |k: &u32| -> &str {
            match self.nodes.get(*k as usize) {
                Some(n) if n.kind == Kind::Decoded => {
                    self.strings.get(n.a as usize).map_or("", String::as_str)
                }
                Some(n) => self.src.get(n.a as usize..n.b as usize).unwrap_or(""),
                None => "",
            }
        };
        let keys = self.keys.get(mark..).unwrap_or(&[]);
        if keys.len() <= 16 {
            for (i, a) in keys.iter().enumerate() {
                let ta = text(a);
                if keys[i + 1..].iter().any(|b| text(b) == ta) {
                    return Err(Bail);
                }
            }
            return Ok(());
        }
        let mut sorted: Vec<&str> = keys.iter().map(text).collect();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) { Err(Bail) } else { Ok(()) }
    }

    /// A flow collection or a flow scalar at `p`, inside a block collection indented
    /// `n`: continuation lines must be indented more than `n`.
    fn flow_node(&mut self, n: isize) -> R<()> {
        match self.at(self.p) {
            b'[' => self.flow_collection(n, false),
            b'{' => self.flow_collection(n, true),
            b'"' | b'\'' => {
                let sc = self.quoted()?;
                self.push_scalar(&sc).map(drop)
            }
            _ => {
                let (sc, colon) = self.plain(true)?;
                if colon {
                    return Err(Bail); // a single-pair mapping in a sequence
                }
                self.push_scalar(&sc).map(drop)
            }
        }
    }

    fn flow_collection(&mut self, n: isize, map: bool) -> R<()> {
        self.open()?;
        let kind = if map { Kind::Map } else { Kind::Seq };
        let idx = self.push(kind, self.p, self.p + 1, 0, 0)?;
        let close = if map { b'}' } else { b']' };
        let keys_mark = self.keys.len();
        self.p += 1;
        let mut count = 0;
        loop {
            self.flow_space(n, false)?;
            if self.at(self.p) == close {
                break;
            }
            if map {
                self.flow_entry(n)?;
            } else {
                self.flow_node(n)?;
            }
            count += 1;
            self.flow_space(n, false)?;
            match self.at(self.p) {
                b',' => self.p += 1,
                c if c == close => break,
                _ => return Err(Bail),
            }
        }
        self.p += 1;
        if map {
            self.check_duplicates(keys_mark)?;
            self.keys.truncate(keys_mark);
        }
        self.close(idx, count);
        Ok(())
    }

    /// `key: value` in a flow mapping.
    fn flow_entry(&mut self, n: isize) -> R<()> {
        let key = match self.at(self.p) {
            b'"' | b'\'' => {
                let sc = self.quoted()?;
                self.skip_spaces();
                if self.at(self.p) != b':' || !self.blank_at(self.p + 1) {
                    return Err(Bail);
                }
                self.p += 1;
                sc
            }
            _ => {
                let (sc, colon) = self.plain(true)?;
                if !colon || !self.blank_at(self.p) {
                    return Err(Bail);
                }
                sc
            }
        };
        let colon = self.p - 1;
        self.check_key(&key, colon)?;
        let k = self.push_scalar(&key)?;
        self.keys.push(k as u32);
        self.flow_space(n, true)?;
        match self.at(self.p) {
            b',' | b'}' => self.push(Kind::Null, colon, colon, 0, 0).map(drop),
            _ => self.flow_node(n),
        }
    }

    /// Spaces, line breaks and comments inside a flow collection.
    fn flow_space(&mut self, n: isize, mut had_space: bool) -> R<()> {
        loop {
            match self.s.get(self.p) {
                Some(b' ') => {
                    self.p += 1;
                    had_space = true;
                }
                Some(b'\n' | b'\r') => {
                    self.line_break();
                    had_space = true;
                    let indent = self.skip_spaces();
                    if !self.eol_at(self.p) && (indent as isize <= n || self.document_marker(self.line_start))
                    {
                        return Err(Bail);
                    }
                }
                Some(b'#') if had_space => self.skip_comment(),
                None => return Err(Bail),
                _ => return Ok(()),
            }
        }
    }
}

/// Decode the escapes of a single-line double-quoted scalar.
fn unescape(inner: &str) -> R<String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match chars.next().ok_or(Bail)? {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            ' ' => ' ',
            '"' => '"',
            '/' => '/',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(&mut chars, 2)?,
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            _ => return Err(Bail),
        };
        out.push(decoded);
    }
    Ok(out)
}

fn hex(chars: &mut std::str::Chars<'_>, digits: usize) -> R<char> {
    let mut v: u32 = 0;
    for _ in 0..digits {
        let d = chars.next().and_then(|c| c.to_digit(16)).ok_or(Bail)?;
        v = v * 16 + d;
    }
    char::from_u32(v).ok_or(Bail)
}
