//! A page as the site processes it: front matter, include directives (against an in-memory
//! file set: the page itself and a small fixed file), the Markdown stage, every topology
//! block through `topology::check_block`, and the body rendered to HTML (diagrams and status
//! panels included) with and without sanitizing. Any panic, hang or over-limit allocation is a finding.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use topobook::diag::LineIndex;
use topobook::load::{front_matter, include};
use topobook::render::{BodyContext, body_html};
use topobook::topology::{CheckSettings, check_block};

struct Files(Arc<str>);

impl include::IncludeReader for Files {
    fn read(&self, rel: &str) -> Result<Arc<str>, String> {
        match rel {
            "content/page.md" => Ok(self.0.clone()),
            "content/code.rs" => Ok(Arc::from("fn a() {}\n// ANCHOR: b\nfn b() {}\n// ANCHOR_END: b\n")),
            _ => Err("file not found".to_string()),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path: Arc<str> = Arc::from("content/page.md");
    let (_front, body_start, _diags) = front_matter::split(&path, text);
    let expanded;
    let text = if include::has_directives(text.get(body_start..).unwrap_or("")) {
        expanded = include::expand(path.clone(), Arc::from(text), &Files(Arc::from(text))).text;
        expanded.as_str()
    } else {
        text
    };
    let page = topobook::markdown::parse(&path, "page.md", text, body_start);
    let index = LineIndex::new(text);
    let settings = CheckSettings { today: time::macros::date!(2025 - 06 - 01), ..CheckSettings::default() };
    let reports: Vec<_> = page.blocks.iter().map(|b| check_block(b.clone(), text, &index, &settings)).collect();
    let first_lines: Vec<u32> = vec![1; reports.len()];
    let figures = vec![None; reports.len()];
    for sanitize in [false, true] {
        let cx = BodyContext {
            reports: &reports,
            first_lines: &first_lines,
            page_path: "page.html",
            root: "",
            source_path: "content/page.md",
            figures: &figures,
            sanitize,
        };
        let _ = body_html(&page, &cx);
    }
});

