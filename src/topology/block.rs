//! A topology block as the Markdown stage hands it over: the fence options, the YAML text and
//! the map from YAML byte offsets back to the `.md` file.

use std::ops::Range;
use std::sync::Arc;

use crate::diag::{Diagnostic, LineIndex, Location, ToolCode, did_you_mean};

/// The info-string word that marks a topology block: ```` ```yaml topology ````.
pub const INFO_PREFIX: &[&str] = &["yaml", "topology"];

/// Is this fenced code block info string a topology block?
pub fn is_topology_info(info: &str) -> bool {
    let mut words = info.split_whitespace();
    words.next() == Some("yaml") && words.next() == Some("topology")
}

/// One contiguous piece of YAML text and where it sits in the Markdown file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    yaml_start: usize,
    md_start: usize,
    len: usize,
}

/// Maps byte offsets in a block's YAML text to byte offsets in its `.md` file.
///
/// A block inside a list or a block quote has its container prefix (`> `, indentation)
/// stripped from every line, so the YAML is the concatenation of several pieces of the page;
/// the map keeps one segment per piece.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentMap {
    segments: Vec<Segment>,
}

impl SegmentMap {
    /// Append a piece of YAML text that starts at `md_start` in the page. When the text is
    /// not a verbatim copy of the source (a tab expanded by the Markdown parser), pass the
    /// page source so that the piece is split line by line as far as it matches.
    pub fn push(&mut self, yaml_start: usize, md_start: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.segments.last_mut()
            && last.yaml_start + last.len == yaml_start
            && last.md_start + last.len == md_start
        {
            last.len += len;
            return;
        }
        self.segments.push(Segment { yaml_start, md_start, len });
    }

    /// The page offset of a YAML offset. Offsets past the last piece map to its end.
    pub fn to_md(&self, yaml_offset: usize) -> usize {
        if self.segments.is_empty() {
            return 0;
        }
        let i = match self.segments.binary_search_by(|s| s.yaml_start.cmp(&yaml_offset)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let s = self.segments[i];
        s.md_start + (yaml_offset - s.yaml_start.min(yaml_offset)).min(s.len)
    }

    /// The page range of a YAML range.
    pub fn range_to_md(&self, yaml: Range<usize>) -> Range<usize> {
        let start = self.to_md(yaml.start);
        let end = if yaml.end > yaml.start { self.to_md(yaml.end - 1) + 1 } else { start };
        start..end.max(start)
    }
}

/// Options written after `yaml topology` on the fence line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockOptions {
    /// Rules this block is meant to break (`expect=ID,ID`). `None`: an ordinary block.
    pub expect: Option<Vec<String>>,
    /// `ignore`: shown, not checked.
    pub ignore: bool,
    /// `title="..."`: the diagram caption.
    pub title: Option<String>,
    /// `id=...`: a stable anchor.
    pub id: Option<String>,
    /// `profile=...`: overrides `meta.profile`.
    pub profile: Option<String>,
    /// `figure=path`: an author's own image, shown with the status.
    pub figure: Option<String>,
}

/// The option names, for "did you mean".
pub const OPTION_NAMES: &[&str] = &["expect", "ignore", "title", "id", "profile", "figure"];

/// A word of the info string and its byte range inside the info string.
struct Word {
    key: String,
    value: Option<String>,
    range: Range<usize>,
}

/// Split an info string into `key` / `key=value` / `key="quoted value"` words.
fn words(info: &str) -> Result<Vec<Word>, (String, Range<usize>)> {
    let bytes = info.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'=' {
            i += 1;
        }
        let key = info[start..i].to_string();
        let mut value = None;
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                i += 1;
                let vstart = i;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
                if i >= bytes.len() {
                    return Err((format!("unterminated quote in option `{key}`"), start..bytes.len()));
                }
                value = Some(info[vstart..i].to_string());
                i += 1;
            } else {
                let vstart = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = Some(info[vstart..i].to_string());
            }
        }
        out.push(Word { key, value, range: start..i });
    }
    Ok(out)
}

/// A problem with a fence option: message, help, byte range in the info string.
pub type OptionProblem = (String, Option<String>, Range<usize>);

/// Parse the options of a topology info string (the text after the fence, e.g.
/// `yaml topology expect=AML-KV-002 title="Key Vault"`). Problems are returned as
/// (message, help, byte range in `info`); the valid options still apply.
pub fn parse_options(info: &str) -> (BlockOptions, Vec<OptionProblem>) {
    let mut opts = BlockOptions::default();
    let mut problems = Vec::new();
    let words = match words(info) {
        Ok(w) => w,
        Err((msg, range)) => {
            problems.push((msg, Some("close the quote: `title=\"...\"`".to_string()), range));
            return (opts, problems);
        }
    };
    for w in words.into_iter().skip(INFO_PREFIX.len()) {
        let need_value = |problems: &mut Vec<_>, w: &Word| -> Option<String> {
            match &w.value {
                Some(v) if !v.is_empty() => Some(v.clone()),
                _ => {
                    problems.push((
                        format!("option `{}` needs a value", w.key),
                        Some(format!("write `{}=...`", w.key)),
                        w.range.clone(),
                    ));
                    None
                }
            }
        };
        match w.key.as_str() {
            "expect" => {
                if let Some(v) = need_value(&mut problems, &w) {
                    let ids: Vec<String> =
                        v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
                    opts.expect.get_or_insert_with(Vec::new).extend(ids);
                }
            }
            "ignore" => {
                if w.value.is_some() {
                    problems.push((
                        "option `ignore` takes no value".to_string(),
                        Some("write `ignore` alone".to_string()),
                        w.range.clone(),
                    ));
                }
                opts.ignore = true;
            }
            "title" => opts.title = need_value(&mut problems, &w),
            "id" => {
                if let Some(v) = need_value(&mut problems, &w) {
                    if v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                        opts.id = Some(v);
                    } else {
                        problems.push((
                            format!("block id `{v}` may only contain letters, digits, `-` and `_`"),
                            Some("use an id like `secure-workspace`".to_string()),
                            w.range.clone(),
                        ));
                    }
                }
            }
            "profile" => opts.profile = need_value(&mut problems, &w),
            "figure" => opts.figure = need_value(&mut problems, &w),
            other => {
                let help = did_you_mean(other, OPTION_NAMES.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some(format!("known options: {}", OPTION_NAMES.join(", "))));
                problems.push((format!("unknown block option `{other}`"), help, w.range.clone()));
            }
        }
    }
    (opts, problems)
}

/// A topology block extracted from a page, with everything needed to point back into it.
#[derive(Clone, Debug)]
pub struct BlockSource {
    /// Path of the page, relative to the book root (`content/secure.md`).
    pub page: Arc<str>,
    /// 0-based index among the topology blocks of the page.
    pub index: usize,
    /// The whole info string (`yaml topology expect=...`).
    pub info: String,
    /// Byte offset of the info string in the page.
    pub info_offset: usize,
    /// Byte range of the whole fenced block in the page.
    pub fence: Range<usize>,
    /// The YAML text, container prefixes removed.
    pub yaml: String,
    pub map: SegmentMap,
}

impl BlockSource {
    /// Location in the page of a byte range of the YAML text.
    pub fn locate(&self, page_source: &str, index: &LineIndex, yaml: Range<usize>) -> Location {
        let md = if self.yaml.is_empty() {
            self.fence.start..self.fence.start
        } else {
            self.map.range_to_md(yaml)
        };
        index.location(self.page.clone(), page_source, md)
    }

    /// Location of the fence line (for problems with the block as a whole).
    pub fn fence_location(&self, page_source: &str, index: &LineIndex) -> Location {
        let end = page_source[self.fence.start.min(page_source.len())..]
            .find('\n')
            .map(|n| self.fence.start + n)
            .unwrap_or(page_source.len());
        index.location(self.page.clone(), page_source, self.fence.start..end.max(self.fence.start))
    }

    /// Parse the fence options, turning problems into diagnostics at the fence line.
    pub fn options(&self, page_source: &str, index: &LineIndex) -> (BlockOptions, Vec<Diagnostic>) {
        let (opts, problems) = parse_options(&self.info);
        let diags = problems
            .into_iter()
            .map(|(msg, help, range)| {
                let md = self.info_offset + range.start..self.info_offset + range.end;
                let mut d = Diagnostic::error(ToolCode::BlockOption, msg).at(index.location(
                    self.page.clone(),
                    page_source,
                    md,
                ));
                d.help = help;
                d
            })
            .collect();
        (opts, diags)
    }

    /// The block id: the `id=` option, or one derived from the page path and position
    /// (`secure-workspace-2` for the second block of `content/secure-workspace.md`).
    pub fn default_id(&self) -> String {
        default_block_id(&self.page, self.index)
    }
}

/// `content/guide/Secure Workspace.md`, 1 → `guide-secure-workspace-2`.
pub fn default_block_id(page: &str, index: usize) -> String {
    let without_ext = page.strip_suffix(".md").unwrap_or(page);
    // Drop the source folder (the first component) so ids do not all start with it.
    let rel = without_ext.split_once('/').map(|(_, r)| r).unwrap_or(without_ext);
    let mut slug = String::new();
    for c in rel.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "page" } else { slug };
    format!("{slug}-{}", index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_topology_fences() {
        assert!(is_topology_info("yaml topology"));
        assert!(is_topology_info("yaml  topology expect=AML-KV-002"));
        assert!(!is_topology_info("yaml"));
        assert!(!is_topology_info("yaml topologyx"));
        assert!(!is_topology_info("topology yaml"));
    }

    #[test]
    fn parses_all_options() {
        let (o, p) = parse_options(
            r#"yaml topology expect=AML-KV-002,AML-ST-001 title="Key Vault, locked" id=kv-1 profile=2020-10 figure=media/x.png"#,
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(o.expect.as_deref(), Some(&["AML-KV-002".to_string(), "AML-ST-001".to_string()][..]));
        assert_eq!(o.title.as_deref(), Some("Key Vault, locked"));
        assert_eq!(o.id.as_deref(), Some("kv-1"));
        assert_eq!(o.profile.as_deref(), Some("2020-10"));
        assert_eq!(o.figure.as_deref(), Some("media/x.png"));
        assert!(!o.ignore);
        let (o, p) = parse_options("yaml topology ignore");
        assert!(o.ignore && p.is_empty());
    }

    #[test]
    fn reports_bad_options_with_ranges() {
        let info = "yaml topology expct=AML-KV-002 title=\"open";
        let (_, p) = parse_options(info);
        assert_eq!(p.len(), 1);
        assert!(p[0].0.contains("unterminated"));
        let info = "yaml topology expct=AML-KV-002 id=a/b";
        let (o, p) = parse_options(info);
        assert_eq!(p.len(), 2);
        assert_eq!(&info[p[0].2.clone()], "expct=AML-KV-002");
        assert_eq!(p[0].1.as_deref(), Some("did you mean `expect`?"));
        assert!(o.id.is_none());
    }

    #[test]
    fn maps_segments_back_to_the_page() {
        // "> a: 1\n> b: 2\n" with the quote prefix stripped.
        let mut m = SegmentMap::default();
        m.push(0, 2, 5); // "a: 1\n" at page offset 2
        m.push(5, 9, 5); // "b: 2\n" at page offset 9
        assert_eq!(m.to_md(0), 2);
        assert_eq!(m.to_md(3), 5);
        assert_eq!(m.to_md(5), 9);
        assert_eq!(m.to_md(8), 12);
        assert_eq!(m.to_md(100), 14);
        assert_eq!(m.range_to_md(5..9), 9..13);
        // Adjacent pieces merge.
        let mut m = SegmentMap::default();
        m.push(0, 10, 3);
        m.push(3, 13, 3);
        assert_eq!(m.segments.len(), 1);
    }

    #[test]
    fn derives_ids_from_paths() {
        assert_eq!(default_block_id("content/guide/Secure Workspace.md", 1), "guide-secure-workspace-2");
        assert_eq!(default_block_id("intro.md", 0), "intro-1");
        assert_eq!(default_block_id("content/!!!.md", 0), "page-1");
    }
}
