//! The texts a topology was read from, laid end to end in one offset space.
//!
//! Spans in the model ([`super::yaml::Sp`]) are plain byte ranges. A YAML block has one text,
//! but a topology imported from infrastructure code is read from several files (every `.tf`
//! file of a module, a template and its parameters file, an overlay in the fence body). As
//! rustc does with its source map, each file gets a base offset in one space, so a span stays
//! a `Range<usize>` and still says which file it is in: [`SourceSet::locate`] turns it into a
//! file, line and column.

use std::ops::Range;
use std::sync::Arc;

use crate::diag::{LineIndex, Location};

/// One text of a [`SourceSet`].
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the book root, with `/` separators (what reports print).
    pub path: Arc<str>,
    pub text: Arc<str>,
    /// Offset of the text's first byte in the set's space.
    pub base: usize,
    lines: LineIndex,
}

impl SourceFile {
    /// The set's range of this text (its bytes, and the offset just past them).
    pub fn span(&self) -> Range<usize> {
        self.base..self.base + self.text.len()
    }

    /// A location in this file for a range local to its text.
    pub fn location(&self, local: Range<usize>) -> Location {
        self.lines.location(self.path.clone(), &self.text, local)
    }
}

/// Texts in one offset space. Adding a text never moves the others.
#[derive(Clone, Debug, Default)]
pub struct SourceSet {
    files: Vec<SourceFile>,
}

impl SourceSet {
    pub fn new() -> Self {
        SourceSet::default()
    }

    /// Add a text; returns its base offset (add it to offsets in `text` to get spans).
    /// One byte of gap separates two texts, so the end of one is never the start of the next.
    pub fn add(&mut self, path: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> usize {
        let base = self.files.last().map(|f| f.base + f.text.len() + 1).unwrap_or(0);
        let text = text.into();
        let lines = LineIndex::new(&text);
        self.files.push(SourceFile { path: path.into(), text, base, lines });
        base
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file holding `offset` (its end counts as inside it) and the offset in its text.
    pub fn file_of(&self, offset: usize) -> Option<(&SourceFile, usize)> {
        let i = self.files.partition_point(|f| f.base <= offset).checked_sub(1)?;
        let f = &self.files[i];
        (offset <= f.base + f.text.len()).then(|| (f, offset - f.base))
    }

    /// The file, line and column of a span (clamped to the file that holds its start).
    pub fn locate(&self, span: Range<usize>) -> Option<Location> {
        let (file, start) = self.file_of(span.start)?;
        let end = span.end.clamp(span.start, file.base + file.text.len()) - file.base;
        Some(file.location(start..end))
    }

    /// The text a span covers, when it lies in one file.
    pub fn text(&self, span: Range<usize>) -> Option<&str> {
        let (file, start) = self.file_of(span.start)?;
        let end = span.end.checked_sub(file.base)?;
        file.text.get(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_find_their_file_line_and_column() {
        let mut set = SourceSet::new();
        let a = set.add("infra/main.tf", "resource \"x\" \"y\" {\n  name = \"a\"\n}\n");
        let b = set.add("infra/net.tf", "variable \"v\" {}\n");
        assert_eq!(a, 0);
        assert!(b > 30);
        let name = a + set.files()[0].text.find("name").unwrap();
        let at = set.locate(name..name + 10).unwrap();
        assert_eq!(&*at.file, "infra/main.tf");
        assert_eq!((at.start.line, at.start.column), (2, 3));
        assert_eq!(set.text(name..name + 4), Some("name"));
        let at = set.locate(b + 9..b + 12).unwrap();
        assert_eq!(&*at.file, "infra/net.tf");
        assert_eq!((at.start.line, at.start.column, at.end.column), (1, 10, 13));
        // A span running past its file is clamped to it; text across two files is none.
        let end = set.files()[0].span().end;
        let at = set.locate(end - 1..end + 5).unwrap();
        assert_eq!((&*at.file, at.end.line), ("infra/main.tf", 4));
        assert_eq!(&*set.locate(end + 1..end + 2).unwrap().file, "infra/net.tf");
        assert!(set.text(a + 30..b + 2).is_none());
        assert!(SourceSet::new().locate(0..1).is_none());
    }
}
