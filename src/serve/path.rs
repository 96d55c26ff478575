//! From a request path to a site path: the one gate between a URL and the in-memory site.
//!
//! The site is a map of site paths (`guide/a.html`), so nothing outside it can be served
//! whatever the path says; this gate still refuses every path that tries to leave the site
//! or is ambiguous, so that such a request is a plain 404 and never a lookup.

use crate::output::is_safe_path;

/// A request path, normalised.
#[derive(Debug, PartialEq, Eq)]
pub struct SitePath {
    /// Site path without a trailing slash (`guide/a.html`, `guide`, or empty for `/`).
    pub path: String,
    /// The request ended with `/` (or was `/`): it names a folder, served as its `index.html`.
    pub folder: bool,
}

impl SitePath {
    /// The file to look up first: the path itself, or the folder's `index.html`.
    pub fn file(&self) -> String {
        match (self.folder, self.path.is_empty()) {
            (_, true) => "index.html".to_string(),
            (true, false) => format!("{}/index.html", self.path),
            (false, false) => self.path.clone(),
        }
    }
}

/// Normalise the raw (still percent-encoded) path of a request. `None` when the path is
/// refused: not absolute, an encoded slash or backslash, a backslash, a `.` or `..`
/// segment in any encoding, an empty segment (`a//b`, `//etc`), a NUL or another control
/// character, or bytes that are not UTF-8 once decoded. Percent-decoding happens exactly
/// once, so `%252e%252e` is the literal name `%2e%2e`, not `..`.
pub fn normalise(raw: &str) -> Option<SitePath> {
    let rest = raw.strip_prefix('/')?;
    let lower = rest.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(rest).decode_utf8().ok()?;
    if decoded.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    if decoded.is_empty() {
        return Some(SitePath { path: String::new(), folder: true });
    }
    let (path, folder) = match decoded.strip_suffix('/') {
        Some(p) => (p, true),
        None => (&*decoded, false),
    };
    is_safe_path(path).then(|| SitePath { path: path.to_string(), folder })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(raw: &str) -> Option<String> {
        normalise(raw).map(|p| p.file())
    }

    #[test]
    fn plain_paths_and_folders() {
        assert_eq!(file("/"), Some("index.html".into()));
        assert_eq!(file("/a.html"), Some("a.html".into()));
        assert_eq!(file("/guide/"), Some("guide/index.html".into()));
        assert_eq!(file("/guide"), Some("guide".into()));
        assert_eq!(file("/css/theme.css"), Some("css/theme.css".into()));
        assert_eq!(file("/my%20page.html"), Some("my page.html".into()));
        assert_eq!(file("/caf%C3%A9.html"), Some("café.html".into()));
        assert_eq!(normalise("/guide/"), Some(SitePath { path: "guide".into(), folder: true }));
    }

    #[test]
    fn traversal_in_every_encoding_is_refused() {
        for raw in [
            "",
            "a.html",
            "/..",
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/a/..",
            "/./a.html",
            "/a/./b.html",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/.%2e/etc/passwd",
            "/%2e./etc/passwd",
            "/a/%2e%2e/%2e%2e/etc/passwd",
            "/..%2fetc%2fpasswd",
            "/..%2Fetc/passwd",
            "/a%2f..%2f..%2fetc",
            "/..\\etc\\passwd",
            "/..%5cetc%5cpasswd",
            "/a%5C..%5C..",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/a//b.html",
            "/a.html%00.png",
            "/a%00",
            "/%0a",
            "/a%7f",
            "/%c0%ae%c0%ae/etc/passwd",
            "/%ff",
            "/a/.",
        ] {
            assert_eq!(normalise(raw), None, "{raw}");
        }
    }

    #[test]
    fn decoding_happens_once() {
        // `%252e%252e` decodes to the literal name `%2e%2e`, which is no traversal (and no
        // file of any site); the lookup simply misses.
        assert_eq!(file("/%252e%252e/etc/passwd"), Some("%2e%2e/etc/passwd".into()));
        assert_eq!(file("/%25"), Some("%".into()));
    }
}
