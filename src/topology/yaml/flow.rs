//! Flow collections (`[a, b]`, `{k: v}`), nested and over several lines, for the fast
//! path's parser.

use super::fast::{Bail, Kind, Parser, R};

impl Parser<'_> {
    /// A flow collection or a flow scalar at `p`, inside a block collection indented
    /// `n`: continuation lines must be indented more than `n`.
    pub(super) fn flow_node(&mut self, n: isize) -> R<()> {
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

    pub(super) fn flow_collection(&mut self, n: isize, map: bool) -> R<()> {
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
    pub(super) fn flow_entry(&mut self, n: isize) -> R<()> {
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
        self.push_key(&key)?;
        self.flow_space(n, true)?;
        match self.at(self.p) {
            b',' | b'}' => self.push(Kind::Null, colon, colon, 0, 0).map(drop),
            _ => self.flow_node(n),
        }
    }

    /// Spaces, line breaks and comments inside a flow collection.
    pub(super) fn flow_space(&mut self, n: isize, mut had_space: bool) -> R<()> {
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
