//! Front matter: a YAML block between `---` lines or a TOML block between `+++` lines at the
//! very top of a page. Known keys: `title`, `weight`, `description`.

use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;

use crate::diag::{Diagnostic, LineIndex, ToolCode, did_you_mean};

/// What a page says about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub weight: Option<i64>,
    pub description: Option<String>,
}

const KEYS: &[&str] = &["title", "weight", "description"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    title: Option<String>,
    weight: Option<i64>,
    description: Option<String>,
}

/// Find the front matter of `text`: (delimiter, whole block range, inner range).
fn find(text: &str) -> Option<(&'static str, Range<usize>, Range<usize>)> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let delim = if body.starts_with("---") {
        "---"
    } else if body.starts_with("+++") {
        "+++"
    } else {
        return None;
    };
    // The opening line must be exactly the delimiter.
    let first_end = body.find('\n')?;
    if body[..first_end].trim_end() != delim {
        return None;
    }
    let inner_start = bom + first_end + 1;
    let mut pos = inner_start;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map(|n| pos + n).unwrap_or(text.len());
        if text[pos..line_end].trim_end() == delim {
            let block_end = (line_end + 1).min(text.len());
            return Some((delim, 0..block_end, inner_start..pos));
        }
        if line_end >= text.len() {
            break;
        }
        pos = line_end + 1;
    }
    None
}

/// Parse the front matter. Returns it, the byte offset where the Markdown starts (0 without
/// front matter; the Markdown stage parses from there, so offsets stay offsets in the file)
/// and the problems found.
pub fn split(file: &Arc<str>, text: &str) -> (FrontMatter, usize, Vec<Diagnostic>) {
    let Some((delim, block, inner)) = find(text) else {
        return (FrontMatter::default(), 0, Vec::new());
    };
    let mut diags = Vec::new();
    let index = LineIndex::new(text);
    let src = &text[inner.clone()];
    let at = |range: Range<usize>| index.location(file.clone(), text, range);
    let fm = if delim == "---" {
        match crate::topology::yaml::from_str::<Option<Raw>>(src) {
            Ok(raw) => raw.map(FrontMatter::from).unwrap_or_default(),
            Err(e) => {
                let span = inner.start + e.span.start..inner.start + e.span.end;
                let unknown = e.code == ToolCode::UnknownKey;
                let mut d = if unknown {
                    Diagnostic::warning(ToolCode::FrontMatter, format!("{} in front matter", e.message))
                } else {
                    Diagnostic::error(ToolCode::FrontMatter, format!("front matter: {}", e.message))
                };
                d.help = e.help.or(Some(format!("front matter keys are {}", KEYS.join(", "))));
                diags.push(d.at(at(span)));
                if unknown { lenient_yaml(src) } else { FrontMatter::default() }
            }
        }
    } else {
        toml_front_matter(src, inner.start, &at, &mut diags)
    };
    (fm, block.end, diags)
}

impl From<Raw> for FrontMatter {
    fn from(r: Raw) -> Self {
        FrontMatter { title: r.title, weight: r.weight, description: r.description }
    }
}

/// After an unknown key, still honour the known ones: read line by line.
fn lenient_yaml(src: &str) -> FrontMatter {
    let mut fm = FrontMatter::default();
    for line in src.lines() {
        let Some((k, v)) = line.split_once(':') else { continue };
        let v = v.trim().trim_matches('"').trim_matches('\'').to_string();
        match k {
            "title" => fm.title = Some(v),
            "description" => fm.description = Some(v),
            "weight" => fm.weight = v.parse().ok(),
            _ => {}
        }
    }
    fm
}

fn toml_front_matter(
    src: &str,
    base: usize,
    at: &dyn Fn(Range<usize>) -> crate::diag::Location,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut fm = FrontMatter::default();
    let table = match toml::de::DeTable::parse(src) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().lines().next().unwrap_or("invalid TOML").to_ascii_lowercase();
            diags.push(
                Diagnostic::error(ToolCode::FrontMatter, format!("front matter is not valid TOML: {msg}"))
                    .with_help("write `key = value` lines between the `+++` lines")
                    .at(at(base + span.start..base + span.end)),
            );
            return fm;
        }
    };
    for (k, v) in table.get_ref() {
        let span = base + v.span().start..base + v.span().end;
        let bad_type = |want: &str| {
            Diagnostic::error(ToolCode::FrontMatter, format!("front matter `{}` must be {want}", k.get_ref()))
                .with_help(format!("write `{} = ...` with {want}", k.get_ref()))
                .at(at(span.clone()))
        };
        match k.get_ref().as_ref() {
            "title" => match v.get_ref().as_str() {
                Some(s) => fm.title = Some(s.to_string()),
                None => diags.push(bad_type("a string")),
            },
            "description" => match v.get_ref().as_str() {
                Some(s) => fm.description = Some(s.to_string()),
                None => diags.push(bad_type("a string")),
            },
            "weight" => {
                match v.get_ref().as_integer().and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok()) {
                    Some(w) => fm.weight = Some(w),
                    None => diags.push(bad_type("an integer")),
                }
            }
            other => {
                let help = did_you_mean(other, KEYS.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("front matter keys are {}", KEYS.join(", ")));
                let ks = base + k.span().start..base + k.span().end;
                diags.push(
                    Diagnostic::warning(
                        ToolCode::FrontMatter,
                        format!("unknown key `{other}` in front matter"),
                    )
                    .with_help(help)
                    .at(at(ks)),
                );
            }
        }
    }
    fm
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (FrontMatter, usize, Vec<Diagnostic>) {
        split(&Arc::from("content/p.md"), text)
    }

    #[test]
    fn yaml_and_toml() {
        let (fm, start, d) = run("---\ntitle: Hello\nweight: 3\n---\n# Body\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(fm.title.as_deref(), Some("Hello"));
        assert_eq!(fm.weight, Some(3));
        assert_eq!(start, 31);
        let (fm, _, d) = run("+++\ntitle = \"T\"\nweight = 2\n+++\nx");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!((fm.title.as_deref(), fm.weight), (Some("T"), Some(2)));
    }

    #[test]
    fn problems_are_located() {
        let (fm, _, d) = run("---\ntitle: Hi\ntitel: x\n---\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location.as_ref().map(|l| l.start.line), Some(3));
        assert_eq!(fm.title.as_deref(), Some("Hi"));
        let (_, _, d) = run("---\nweight: heavy\n---\n");
        assert_eq!(d[0].severity, crate::diag::Severity::Error);
        let (_, _, d) = run("+++\nweight = \"x\"\nfoo = 1\n+++\n");
        assert_eq!(d.len(), 2);
        // An unclosed block is not front matter (a thematic break).
        let (_, b, d) = run("---\ntext\n");
        assert!(b == 0 && d.is_empty());
    }
}
