//! Topology blocks in built books, through the real binary: diagrams and status panels in
//! the pages, `figure=`, the rules reference, the book status page, and hostile names.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

mod common;

use common::{build, fragment, without_svg};

#[test]
fn a_book_gets_diagrams_rule_pages_and_a_status_page() {
    let run = build("diagrams");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let secured = run.read("secured.html");
    // Every block: its diagram inline, its panel, its YAML; the stylesheets linked once.
    assert_eq!(secured.matches("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tb-diagram\"").count(), 2);
    assert_eq!(secured.matches("<link rel=\"stylesheet\" href=\"css/diagram.css\">").count(), 1);
    assert!(secured.contains("class=\"topology-panel\""));
    // The author's figure is shown, and copied with the static files.
    assert!(secured.contains(
        "<img src=\"media/overview.svg\" alt=\"Key vault behind a private endpoint (the author's figure)\""
    ));
    assert!(run.site().join("media/overview.svg").is_file());
    assert!(run.site().join("css/diagram.css").is_file() && run.site().join("css/topology.css").is_file());

    // One page per rule of the registry, and the index, grouped by area.
    let rules = std::fs::read_dir(run.site().join("rules")).expect("rules folder").count();
    assert_eq!(rules, topobook::rules::groups().len() + 1);
    let index = run.read("rules/index.html");
    assert!(index.contains("<h2 id=\"key-vault\">Key Vault<a class=\"anchor\""));
    assert!(index.contains("<a href=\"AML-KV-002.html#where-this-rule-fires\">1 on purpose</a>"), "{index}");
    let rule = run.read("rules/AML-KV-002.html");
    insta::assert_snapshot!("rule_fires", fragment(&rule, "<h2 id=\"where-this-rule-fires\">", "</ul>"));
    // The rule's example is drawn and checked: it fails as expected; the fix passes.
    assert!(rule.contains("class=\"topology topology-expected\" id=\"rule-example\""));
    assert!(rule.contains("class=\"topology topology-pass\" id=\"rule-fix\""));
    // A rule whose meaning changed keeps one page, with each version pinned to its profile;
    // the index says which profiles each rule is in.
    let st = run.read("rules/AML-ST-002.html");
    assert!(st.contains("<h2 id=\"profile-2026-02\">In profile 2026-02"), "{st}");
    assert!(st.contains("<h2 id=\"profile-2020-10\">In profile 2020-10"));
    assert!(st.contains("class=\"topology topology-expected\" id=\"rule-example-2026-02\""));
    assert!(st.contains("class=\"topology topology-expected\" id=\"rule-example-2020-10\""));
    assert!(st.contains("class=\"topology topology-pass\" id=\"rule-fix-2026-02\""));
    let row = |id: &str| {
        let at = index.find(&format!("<code>{id}</code>")).expect("a row");
        index[at..].split("</tr>").next().unwrap_or_default().to_string()
    };
    assert!(row("AML-ST-002").contains("<td>2020-10, 2026-02</td>"), "{}", row("AML-ST-002"));
    assert!(row("AML-CMP-002").contains("<td>2020-10</td>"), "{}", row("AML-CMP-002"));
    // Pages may link to rule pages; the link checker knows them.
    assert!(!run.stderr.contains("broken-link"), "{}", run.stderr);
    // The rules are in the search index.
    assert!(run.read("search/docs.json").contains("\"rules/AML-KV-002.html#why\""));

    // The status page, like a test report.
    let status = run.read("status.html");
    insta::assert_snapshot!(
        "status_page",
        without_svg(&fragment(&status, "<article class=\"content status-page\">", "</article>"))
    );
    // The sidebar: a reference section with the status page and the rules.
    let toc = run.read("toc.html");
    assert!(toc.contains("<li class=\"chapter\"><a href=\"status.html\">Book status</a></li>"));
    assert!(toc.contains("<a href=\"rules/AML-KV-002.html\" title=\"A secured key vault lets trusted Microsoft services bypass its firewall\">AML-KV-002</a>"));
}

#[test]
fn a_failing_book_reports_blocks_and_missing_figures_where_they_are() {
    let run = build("diagrams-failing");
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.diagnostics());
    assert!(!run.site().exists(), "a failing build publishes nothing");
}

#[test]
fn hostile_names_and_titles_stay_text() {
    let run = build("hostile-names");
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in
        ["index.html", "status.html", "rules/AML-KV-002.html", "toc.html", "toc.js", "rules/index.html"]
    {
        let html = run.read(page);
        for bad in ["<script>alert", "<img src=x", "<svg onload", "pe\"><svg"] {
            assert!(!html.contains(bad), "`{bad}` in {page}");
        }
    }
    let page = run.read("index.html");
    assert!(page.contains(
        "<span class=\"topology-title\">&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;</span>"
    ));
    assert!(page.contains("key vault <code>kv&lt;script&gt;alert(1)&lt;/script&gt;</code>"));
    let status = run.read("status.html");
    assert!(status.contains("&lt;img src=x onerror=alert(1)&gt; page"), "{status}");
    let rule = run.read("rules/AML-KV-002.html");
    assert!(rule.contains(
        "&lt;img src=x onerror=alert(1)&gt; page › &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"
    ));
}
