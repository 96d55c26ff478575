//! Link destinations: which are internal, where they point, and their `.html` spelling.

/// Where a link points, as far as the link checker cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Another file of the book: a path relative to the source folder (`guide/a.md`,
    /// `img/x.png`, `guide/` for a folder) and an optional anchor.
    Internal { path: String, anchor: Option<String> },
    /// `#anchor` on the same page.
    SamePage(String),
    /// A path that climbs out of the source folder.
    Outside,
    /// Anything with a scheme (`https:`, `mailto:`), protocol-relative, or empty.
    External,
}

/// A link found in a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub dest: String,
    pub target: Target,
    /// Byte range of the whole link in the page.
    pub range: std::ops::Range<usize>,
    pub image: bool,
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

/// Resolve `dest`, written in the page `page_rel` (relative to the source folder).
pub fn classify(page_rel: &str, dest: &str) -> Target {
    let dest = dest.trim();
    if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
        return Target::External;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let anchor = anchor.map(|a| percent_encoding::percent_decode_str(a).decode_utf8_lossy().into_owned());
    if path.is_empty() {
        return match anchor {
            Some(a) if !a.is_empty() => Target::SamePage(a),
            _ => Target::External,
        };
    }
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy().into_owned();
    let joined = if let Some(abs) = path.strip_prefix('/') {
        crate::load::include::join_relative("x", abs)
    } else {
        crate::load::include::join_relative(page_rel, &path)
    };
    match joined {
        Some(mut p) => {
            if path.ends_with('/') && !p.is_empty() {
                p.push('/');
            }
            Target::Internal { path: p, anchor: anchor.filter(|a| !a.is_empty()) }
        }
        None => Target::Outside,
    }
}

/// The site path of a page (`guide/README.md` → `guide/index.html`, `a.md` → `a.html`).
pub fn page_output_path(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    match stem.rsplit_once('/') {
        Some((dir, "README" | "index")) => format!("{dir}/index.html"),
        None if stem == "README" || stem == "index" => "index.html".to_string(),
        _ => format!("{stem}.html"),
    }
}

/// Rewrite a destination for the site: `x.md#a` → `x.html#a`, `README.md` → `index.html`.
/// External links and non-Markdown files are left alone.
pub fn rewrite(dest: &str) -> Option<String> {
    if has_scheme(dest) || dest.starts_with("//") {
        return None;
    }
    let (path, rest) = match dest.find(['#', '?']) {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
    };
    if !path.ends_with(".md") {
        return None;
    }
    let file = path.rsplit('/').next().unwrap_or(path);
    let dir = &path[..path.len() - file.len()];
    let new = if file == "README.md" || file == "index.md" {
        format!("{dir}index.html")
    } else {
        format!("{}{}.html", dir, &file[..file.len() - 3])
    };
    Some(format!("{new}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies() {
        assert_eq!(classify("a/b.md", "https://x.test/y.md"), Target::External);
        assert_eq!(classify("a/b.md", "mailto:me@x.test"), Target::External);
        assert_eq!(classify("a/b.md", "#top"), Target::SamePage("top".into()));
        assert_eq!(
            classify("a/b.md", "../c.md#Some%20Thing"),
            Target::Internal { path: "c.md".into(), anchor: Some("Some Thing".into()) }
        );
        assert_eq!(classify("a/b.md", "d/"), Target::Internal { path: "a/d/".into(), anchor: None });
        assert_eq!(
            classify("a/b.md", "/img/x.png"),
            Target::Internal { path: "img/x.png".into(), anchor: None }
        );
        assert_eq!(classify("b.md", "../../x.md"), Target::Outside);
    }

    #[test]
    fn rewrites() {
        assert_eq!(rewrite("a/b.md#x").as_deref(), Some("a/b.html#x"));
        assert_eq!(rewrite("../README.md").as_deref(), Some("../index.html"));
        assert_eq!(rewrite("x.png"), None);
        assert_eq!(rewrite("https://h.test/a.md"), None);
        assert_eq!(page_output_path("guide/README.md"), "guide/index.html");
        assert_eq!(page_output_path("index.md"), "index.html");
        assert_eq!(page_output_path("a/b.md"), "a/b.html");
    }
}
