//! Injection through the real binary, on `tests/books/injection`: names, titles and
//! descriptions carrying `<script>`, `"><svg onload=…>`, `]]>`, `--!>`, ANSI colour codes and
//! OSC 8 hyperlinks; `javascript:` URLs in links and in `figure=`; raw HTML. Every output is
//! parsed, not grepped: the XML reports and the diagrams parse as XML and hold the hostile
//! text as text, the JSON reports parse and hold it as strings, no terminal output carries an
//! escape character, and the HTML runs no script from user text.
//!
//! Raw HTML is the author's (authors are trusted): kept by default, cleaned by ammonia with
//! `[output.html] sanitize = true`. The decision for `javascript:` URLs in Markdown links
//! follows it: kept as written by default (an author may mean it, as with raw HTML), dropped
//! (the link's `href` removed) under `sanitize`. The diagram and status panel are
//! topobook's own markup and come through sanitizing whole.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use serde_json::Value;

const NAME: &str = "kv<script>alert(1)</script>]]>--!>";

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    common::topobook(args, Some(dir))
}

/// `check` in every format; terminal output must hold no escape character.
#[test]
fn check_reports_parse_and_keep_names_as_text() {
    let dir = common::book("injection");
    let dir = dir.path();
    for format in ["human", "short", "github"] {
        let (code, out, err) = run(dir, &["check", "--format", format, "."]);
        assert_eq!(code, 1, "{format}: {err}");
        for (stream, text) in [("stdout", &out), ("stderr", &err)] {
            assert!(!text.contains('\u{1b}'), "{format} {stream} carries an escape character:\n{text}");
            assert!(
                !text.contains('\u{7}') && !text.contains('\u{9b}'),
                "{format} {stream}: control character"
            );
        }
        assert!(
            out.contains("kv<script>alert(1)</script>]]>--!>␛[31m␛]8;;http://evil.example/␇kv␛]8;;␇"),
            "{format}:\n{out}"
        );
    }

    let (_, json, _) = run(dir, &["check", "--format", "json", "."]);
    let v: Value = serde_json::from_str(&json).expect("the JSON report parses");
    common::validate_json("docs/report-schema-v1.json", &v).unwrap_or_else(|e| panic!("{e}"));
    assert!(json_strings(&v).iter().any(|s| s.contains(NAME)), "the name is a JSON string: {json}");

    let (_, sarif, _) = run(dir, &["check", "--format", "sarif", "."]);
    let v: Value = serde_json::from_str(&sarif).expect("the SARIF report parses");
    common::validate_json("tests/schemas/sarif-schema-2.1.0.json", &v).unwrap_or_else(|e| panic!("{e}"));
    assert!(json_strings(&v).iter().any(|s| s.contains(NAME)), "{sarif}");

    let (_, junit, _) = run(dir, &["check", "--format", "junit", "."]);
    let doc = roxmltree::Document::parse(&junit).expect("the JUnit report is XML");
    let text: String = doc.descendants().filter_map(|n| n.text()).collect();
    let attrs: String =
        doc.descendants().flat_map(|n| n.attributes().map(|a| a.value().to_string())).collect();
    assert!(text.contains(NAME) || attrs.contains(NAME), "the name is XML text:\n{junit}");
    assert!(doc.descendants().all(|n| !matches!(n.tag_name().name(), "script" | "svg")), "{junit}");
    assert!(!junit.contains('\u{1b}'), "JUnit output is shown in terminals too");
}

fn json_strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(json_strings).collect(),
        Value::Object(o) => o.values().flat_map(json_strings).collect(),
        _ => Vec::new(),
    }
}

/// Every `<svg>…</svg>` of a page.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<svg") {
        let Some(j) = rest[i..].find("</svg>") else { break };
        out.push(&rest[i..i + j + 6]);
        rest = &rest[i + j + 6..];
    }
    out
}

/// `<script` elements of a page outside `<pre>`/`<code>` that run the book's `alert(…)` (the
/// theme's own scripts, inline or not, run no `alert`).
fn user_scripts(html: &str) -> usize {
    let mut n = 0;
    let mut rest = html;
    let mut in_code = 0i32;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with("<pre") || rest.starts_with("<code") {
            in_code += 1;
        } else if rest.starts_with("</pre") || rest.starts_with("</code") {
            in_code -= 1;
        } else if rest.starts_with("<script") && in_code <= 0 {
            let element = &rest[..rest.find("</script>").unwrap_or(rest.len())];
            if element.contains("alert") {
                n += 1;
            }
        }
        rest = &rest[1..];
    }
    n
}

fn build(sanitize: bool) -> (tempfile::TempDir, String, String) {
    let dir = common::book("injection");
    // The failing block makes the build fail; expect its findings so that the site is written.
    let page = dir.path().join("content/index.md");
    let text = std::fs::read_to_string(&page).expect("page");
    std::fs::write(&page, text.replacen("figure=", "expect=AML-KV-002 figure=", 1)).expect("write");
    if sanitize {
        let toml = dir.path().join("book.toml");
        let t = std::fs::read_to_string(&toml).expect("book.toml");
        std::fs::write(&toml, format!("{t}\n[output.html]\nsanitize = true\n")).expect("write");
    }
    let (code, _, err) = run(dir.path(), &["build", "."]);
    assert!(!err.contains('\u{1b}'), "build output carries an escape character:\n{err}");
    assert_eq!(code, 1, "`figure=javascript:…` is a missing figure, an error: {err}");
    assert!(err.contains("missing-figure"), "{err}");
    // Without the figure the book builds.
    let text = std::fs::read_to_string(&page).expect("page");
    std::fs::write(&page, text.replacen(" figure=javascript:alert(1)", "", 1)).expect("write");
    let (code, _, err) = run(dir.path(), &["build", "."]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(dir.path().join("site/index.html")).expect("index.html");
    (dir, html, err)
}

fn common_checks(dir: &Path, html: &str) {
    // Names and titles are text in the page, in the diagram and in the panel.
    assert!(html.contains("kv&lt;script&gt;alert(1)&lt;/script&gt;]]&gt;--!&gt;"), "{html}");
    assert!(!html.contains("<svg onload") && !html.contains("pe\"><svg"));
    assert!(html.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"), "block title");
    assert!(html.contains("<title>&quot;&gt;&lt;svg onload=alert(&#39;fm&#39;)&gt;"), "page title");
    // Every diagram is well-formed XML whose text holds the name.
    let diagrams = svgs(html);
    assert!(!diagrams.is_empty(), "the diagram is drawn");
    for svg in &diagrams {
        let doc =
            roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("the SVG is not XML: {e}\n{svg}"));
        assert!(doc.descendants().all(|n| n.tag_name().name() != "script"));
        assert!(doc.descendants().all(|n| n.attributes().all(|a| !a.name().starts_with("on"))));
    }
    assert!(
        diagrams.iter().any(|s| roxmltree::Document::parse(s)
            .map(|d| d.descendants().filter_map(|n| n.text()).any(|t| t.contains("kv<script>")))
            .unwrap_or(false)),
        "the diagram names the key vault as text"
    );
    // The status panel is there, with the findings.
    assert!(html.contains("class=\"topology-panel\"") && html.contains("AML-KV-002"));
    // Shared files: sidebar, search index (JSON), status page.
    let site = dir.join("site");
    let search = std::fs::read_to_string(site.join("search/docs.json")).expect("search index");
    serde_json::from_str::<Value>(&search).expect("the search index is JSON");
    for shared in ["toc.html", "status.html"] {
        let h = std::fs::read_to_string(site.join(shared)).expect("shared file");
        assert_eq!(user_scripts(&h), 0, "{shared}");
        assert!(!h.contains("<svg onload"), "{shared}");
    }
}

#[test]
fn raw_html_is_kept_by_default() {
    let (dir, html, _) = build(false);
    common_checks(dir.path(), &html);
    // The author's raw HTML and `javascript:` link are kept as written.
    assert_eq!(user_scripts(&html), 1, "the author's raw <script> only");
    assert!(html.contains("<script>alert('raw')</script>"));
    assert!(html.contains("onclick=\"alert('attr')\""));
    assert!(html.contains("href=\"javascript:alert(&#x27;link&#x27;)\""), "{html}");
    // Code is text.
    assert!(html.contains("in code, shown as text"), "code shows as text (outside the count above)");
}

#[test]
fn sanitize_cleans_the_authors_html_and_keeps_ours() {
    let (dir, html, _) = build(true);
    common_checks(dir.path(), &html);
    assert_eq!(user_scripts(&html), 0, "no script from the page under sanitize");
    assert!(!html.contains("alert('raw')</script>") && !html.contains("onclick="));
    assert!(!html.contains("href=\"javascript:"), "javascript: links lose their href");
    assert!(!html.contains("src=\"javascript:"));
    assert!(html.contains("<a href=\"other.html\">normal link</a>"), "ordinary links stay");
    assert!(html.contains("in code, shown as text"), "code shows as text (outside the count above)");
    // Our markup survives: the diagram with its classes and the finding links, the panel.
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tb-diagram\""));
    assert!(html.contains("class=\"topology topology-expected\""), "{html}");
}
