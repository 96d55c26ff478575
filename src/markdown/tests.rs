use super::*;

fn parse_str(text: &str) -> ParsedPage {
    parse(&Arc::from("content/p.md"), "p.md", text, 0)
}

/// Every byte of every block's YAML maps to the same byte in the page.
fn assert_maps_exactly(text: &str, page: &ParsedPage) {
    assert!(!page.blocks.is_empty(), "no topology block found");
    for b in &page.blocks {
        for (i, byte) in b.yaml.bytes().enumerate() {
            let md = b.map.to_md(i);
            assert_eq!(
                text.as_bytes().get(md).copied(),
                Some(byte),
                "yaml byte {i} ({:?}) maps to page byte {md}",
                byte as char
            );
        }
        assert!(text[b.info_offset..].starts_with("yaml topology"), "info offset {}", b.info_offset);
    }
}

#[test]
fn topology_block_at_top_level() {
    let text = "# T\n\n```yaml topology title=\"x\"\nvnets:\n  - name: a\n```\n";
    let page = parse_str(text);
    assert_eq!(page.blocks.len(), 1);
    assert_eq!(page.blocks[0].yaml, "vnets:\n  - name: a\n");
    assert_eq!(page.blocks[0].info, "yaml topology title=\"x\"");
    assert_maps_exactly(text, &page);
    assert!(page.body.iter().any(|f| matches!(f, Fragment::Topology(0))));
}

#[test]
fn topology_block_in_quote_and_nested_list_maps_every_line() {
    let quote = "Intro\n\n> Note:\n>\n> ```yaml topology\n> vnets:\n>   - name: a\n>     prefix: 10.0.0.0/16\n> ```\n";
    let page = parse_str(quote);
    assert_eq!(page.blocks[0].yaml, "vnets:\n  - name: a\n    prefix: 10.0.0.0/16\n");
    assert_maps_exactly(quote, &page);

    let list =
        "- one\n  - two\n\n    ```yaml topology id=n\n    vnets:\n      - name: b\n    ```\n  - three\n";
    let page = parse_str(list);
    assert_eq!(page.blocks[0].yaml, "vnets:\n  - name: b\n");
    assert_maps_exactly(list, &page);

    let both = "> - item\n>\n>   ~~~yaml topology\n>   a: 1\n>   b:\n>     - 2\n>   ~~~\n";
    let page = parse_str(both);
    assert_eq!(page.blocks[0].yaml, "a: 1\nb:\n  - 2\n");
    assert_maps_exactly(both, &page);
}

#[test]
fn crlf_pages_map_exactly() {
    let text = "# T\r\n\r\n> ```yaml topology\r\n> a: 1\r\n> b: 2\r\n> ```\r\n\r\n- x\r\n\r\n  ```yaml topology\r\n  c: 3\r\n  ```\r\n";
    let page = parse_str(text);
    assert_eq!(page.blocks.len(), 2);
    assert_maps_exactly(text, &page);
    assert_eq!(page.blocks[1].index, 1);
}

#[test]
fn headings_get_unique_ids_and_anchors() {
    let page =
        parse_str("# Intro\n\n## Setup\n\n## Setup\n\n## Custom {#own .wide}\n\n<a id=\"legacy\"></a>\n");
    let ids: Vec<_> = page.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["intro", "setup", "setup-1", "own"]);
    assert!(page.anchors.contains("legacy"));
    let html: String = page
        .body
        .iter()
        .filter_map(|f| if let Fragment::Html(h) = f { Some(h.as_str()) } else { None })
        .collect();
    assert!(html.contains("<h2 id=\"own\" class=\"wide\">Custom<a class=\"anchor\" href=\"#own\""), "{html}");
    assert_eq!(page.first_h1(), Some("Intro"));
}

#[test]
fn links_are_rewritten_and_recorded() {
    let page = parse_str("See [a](guide/a.md#x), [b](https://x.test), ![i](img/p.png) and [top](#intro).\n");
    let html: String = page
        .body
        .iter()
        .filter_map(|f| if let Fragment::Html(h) = f { Some(h.as_str()) } else { None })
        .collect();
    assert!(html.contains("href=\"guide/a.html#x\""), "{html}");
    assert_eq!(page.links.len(), 4);
    assert_eq!(
        page.links[0].target,
        Target::Internal { path: "guide/a.md".into(), anchor: Some("x".into()) }
    );
    assert_eq!(&"See [a](guide/a.md#x), "[page.links[0].range.clone()], "[a](guide/a.md#x)");
    assert!(page.links[2].image);
}

#[test]
fn code_blocks_become_fragments_inside_their_containers() {
    let page = parse_str("- item\n\n  ```rust,ignore\n  fn main() {}\n  ```\n");
    let kinds: Vec<_> = page
        .body
        .iter()
        .map(|f| match f {
            Fragment::Html(h) => format!("html:{}", h.trim()),
            Fragment::Code { lang, code } => format!("code:{lang}:{code}"),
            Fragment::Topology(i) => format!("topo:{i}"),
        })
        .collect();
    assert_eq!(kinds, ["html:<ul>\n<li>\n<p>item</p>", "code:rust:fn main() {}\n", "html:</li>\n</ul>"]);
}

#[test]
fn alerts_and_sections() {
    let page = parse_str("Before.\n\n> [!WARNING]\n> Mind the *gap*.\n\n## Next\n\nAfter `code`.\n");
    let html: String = page
        .body
        .iter()
        .filter_map(|f| if let Fragment::Html(h) = f { Some(h.as_str()) } else { None })
        .collect();
    assert!(
        html.contains(
            "<div class=\"alert alert-warning\" role=\"note\"><p class=\"alert-title\">Warning</p>"
        ),
        "{html}"
    );
    assert_eq!(page.sections.len(), 2);
    assert_eq!(&*page.sections[0].text, "Before. Mind the gap .");
    assert_eq!(&*page.sections[1].text, "After code .");
}

#[test]
fn parsing_after_front_matter_keeps_file_offsets() {
    let text = "---\ntitle: x\n---\n# T\n\n```yaml topology\na: 1\n```\n[l](#t)\n";
    let page = parse(&Arc::from("content/p.md"), "p.md", text, 17);
    assert_maps_exactly(text, &page);
    assert_eq!(&text[page.headings[0].range.clone()], "# T\n");
    assert_eq!(&text[page.links[0].range.clone()], "[l](#t)");
}
