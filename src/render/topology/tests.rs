//! Snapshots of the topology figure without its SVG (the diagram has its own tests): one per
//! kind of block, and hostile names.

use std::sync::Arc;

use super::*;
use crate::check::{CheckSettings, check_block};
use crate::diag::{LineIndex, ToolCode};

const FAILING: &str = include_str!("../../../tests/fixtures/diagram/failing.yaml");
const PASSING: &str = "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
key_vaults:
  - name: kv-ml
    network: {default_action: Deny, bypass: [AzureServices]}
    private_endpoints: [{name: pe-kv, subresource: vault, vnet: vnet-ml, subnet: snet-pe}]
";

/// The figure of the only block of a page `# T` holding `yaml` under the fence `info`.
fn figure_of(info: &str, yaml: &str, figure: Option<Figure>) -> String {
    let page = format!("# T\n\n```{info}\n{yaml}```\n");
    let parsed = crate::markdown::parse(&Arc::from("content/t.md"), "t.md", &page, 0);
    let source = parsed.blocks[0].clone();
    let index = LineIndex::new(&page);
    // The fixtures follow profile 2020-10, as a book that pins it.
    let settings = CheckSettings {
        today: time::macros::date!(2026 - 01 - 15),
        book_profile: Some(crate::rules::Profile::P2020_10),
        ..CheckSettings::default()
    };
    let report = check_block(source, &page, &index, &settings);
    let yaml = super::super::yaml::highlight(&report.source.yaml);
    let ctx = BlockContext {
        page_path: "guide/t.html",
        root: "../",
        first_line: 4,
        source_path: "content/t.md",
        figure: figure.as_ref(),
    };
    let (renderer, diags) = crate::render::Renderer::new(&crate::load::theme::builtin());
    assert!(diags.is_empty(), "{diags:?}");
    let html = block_html(&renderer, &report, &yaml, &ctx);
    assert!(renderer.take_block_errors().is_empty());
    html
}

/// The figure with its SVG cut out, one element per line for readable snapshots.
fn without_svg(html: &str) -> String {
    let mut s = html.to_string();
    if let (Some(a), Some(b)) = (s.find("<svg "), s.find("</svg>")) {
        s.replace_range(a..b + 6, "<svg …/>");
    }
    s.replace("><li ", ">\n<li ")
        .replace("<details", "\n<details")
        .replace("<div class=\"topology-panel", "\n<div class=\"topology-panel")
}

#[test]
fn passing_block() {
    let html = figure_of("yaml topology title=\"Key vault behind a private endpoint\"", PASSING, None);
    assert!(html.contains("<svg ") && html.contains("id=\"t-1-diagram\""));
    assert!(!html.contains("<details class=\"topology-source\" open"), "a passing block folds its YAML");
    insta::assert_snapshot!(without_svg(&html));
}

#[test]
fn failing_block() {
    let html = figure_of("yaml topology id=locked", FAILING, None);
    assert!(html.contains("<details class=\"topology-source\" open>"), "a failing block opens its YAML");
    // The error comes first, linked to its rule page and its line; the notes are folded.
    let error = html.find("id=\"locked-finding-3\"").expect("the error's anchor");
    let notes = html.find("finding-group-notes").expect("notes are folded");
    assert!(error < notes);
    assert!(html.contains("href=\"../rules/AML-KV-002.html\">AML-KV-002</a>"));
    assert!(html.contains("class=\"line line-mark line-error\""));
    insta::assert_snapshot!(without_svg(&html));
}

#[test]
fn expected_fail_block() {
    let html = figure_of("yaml topology expect=AML-KV-002", FAILING, None);
    assert!(html.contains("topology-expected") && html.contains("fails as expected"));
    assert!(!html.contains("finding-error"), "nothing reads as broken");
    insta::assert_snapshot!(without_svg(&html));
}

#[test]
fn ignored_block() {
    let html = figure_of("yaml topology ignore", "workspace: {name: draft\n", None);
    assert!(!html.contains("<svg") && !html.contains("<details"));
    insta::assert_snapshot!(html);
}

#[test]
fn invalid_block() {
    let html = figure_of("yaml topology", "vnets:\n  - name: vnet-a\n    subnets: [\n", None);
    assert!(!html.contains("<svg"));
    insta::assert_snapshot!(without_svg(&html));
}

#[test]
fn suppressed_finding_is_listed_with_its_reason() {
    let yaml = format!(
        "meta:\n  suppress:\n    - {{rule: AML-KV-002, reason: \"humans only, see `runbook`\"}}\n{FAILING}"
    );
    let html = figure_of("yaml topology", &yaml, None);
    let folded = html.find("finding-group-suppressed").expect("a suppressed group");
    let reason = html.find("humans only, see <code>runbook</code>").expect("the reason");
    assert!(folded < reason);
    assert!(html.contains("1 suppressed finding"));
}

#[test]
fn figure_block() {
    let figure = Figure { src: "media/secure net.png".into(), problem: None };
    let html = figure_of("yaml topology figure=\"media/secure net.png\"", PASSING, Some(figure));
    let img = html.find("<img src=\"media/secure net.png\"").expect("the author's image");
    assert!(img < html.find("<svg ").expect("and the diagram"), "the author's figure comes first");
    insta::assert_snapshot!(without_svg(&html));
}

#[test]
fn missing_figure_shows_the_problem_and_the_diagram() {
    let problem = Diagnostic::error(ToolCode::MissingFigure, "figure `media/x.png` is not in the book")
        .with_help("add the image at `content/media/x.png`");
    let figure = Figure { src: "media/x.png".into(), problem: Some(problem) };
    let html = figure_of("yaml topology figure=media/x.png", PASSING, Some(figure));
    assert!(!html.contains("<img"));
    assert!(html.contains("figure <code>media/x.png</code> is not in the book"));
    assert!(html.contains("<svg "));
}

#[test]
fn hostile_names_and_titles_are_escaped() {
    let yaml = "key_vaults:\n  - name: \"kv<script>alert(1)</script>\"\n    network: {default_action: Deny, bypass: [None]}\n";
    let html = figure_of("yaml topology title=\"<img src=x onerror=alert(1)>\" id=x", yaml, None);
    assert!(!html.contains("<script") && !html.contains("<img src=x"), "{html}");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("kv&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("aria-label=\"Validation of &lt;img src=x onerror=alert(1)&gt;\""));
}

#[test]
fn backticks_become_code() {
    assert_eq!(inline_code("key vault `kv<1>` blocks"), "key vault <code>kv&lt;1&gt;</code> blocks");
    assert_eq!(inline_code("a `b` c `d"), "a <code>b</code> c `d");
    assert_eq!(inline_code("no code"), "no code");
}

#[test]
fn the_diagram_in_words_names_networks_subnets_and_what_they_hold() {
    let yaml = "workspace:
  name: mlw
  private_endpoints: [{name: pe-ws, vnet: vnet-spoke, subnet: snet-pe}]
vnets:
  - name: vnet-spoke
    address_space: [10.1.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.1.1.0/24}
      - {name: snet-train, prefix: 10.1.2.0/24}
  - name: vnet-hub
    address_space: [10.0.0.0/16]
firewall: {kind: azure_firewall, name: fw-hub, vnet: vnet-hub}
storage_accounts:
  - name: stml
    private_endpoints: [{name: pe-blob, subresource: blob, vnet: vnet-spoke, subnet: snet-gone}]
computes:
  - {name: gpu, type: compute_cluster, vnet: vnet-spoke, subnet: snet-train}
";
    let html = figure_of("yaml topology", yaml, None);
    let start = html.find("<details class=\"topology-words\">").expect("the diagram in words");
    let words = &html[start..start + html[start..].find("</details>").expect("its end")];
    insta::assert_snapshot!(words.replace("<li>", "\n<li>"));
}
