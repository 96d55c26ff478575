//! The code the fuzz targets run (`fuzz/fuzz_targets/`), here so that every input a fuzz
//! run finds can be replayed by a normal test (`tests/fuzz_regressions.rs`) through exactly
//! the same path. Not part of the tool: nothing else calls it.

use std::sync::Arc;

use crate::check::{CheckSettings, check_block, check_yaml};
use crate::diag::{LineIndex, ToolCode};
use crate::diagram::{self, DiagramOptions};
use crate::load::{config, front_matter, include, summary};
use crate::render::{BodyContext, Renderer, body_html};
use crate::topology::yaml::differential::{Mismatch, check_topology};

fn settings() -> CheckSettings {
    CheckSettings { today: time::macros::date!(2025 - 06 - 01), ..CheckSettings::default() }
}

/// The files an included directive can read: the page itself and a small fixed file.
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

/// A page as the site processes it: front matter, include directives, the Markdown stage,
/// every topology block through `check_block`, and the body rendered to HTML (diagrams and
/// status panels included) with and without sanitizing.
pub fn markdown_page(data: &[u8]) {
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
    let page = crate::markdown::parse(&path, "page.md", text, body_start);
    let index = LineIndex::new(text);
    let settings = settings();
    let reports: Vec<_> =
        page.blocks.iter().map(|b| check_block(b.clone(), text, &index, &settings)).collect();
    let first_lines: Vec<u32> = vec![1; reports.len()];
    let figures = vec![None; reports.len()];
    let renderer = renderer();
    for sanitize in [false, true] {
        let cx = BodyContext {
            renderer,
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
}

/// A topology block's YAML through the model, `Net`, every rule of the default profile and
/// the diagram; then the differential check: whenever the fast YAML path accepts the text,
/// the reference parser must give the same value and spans (`Err` when they differ).
pub fn topology_yaml(data: &[u8]) -> Result<(), Mismatch> {
    let Ok(text) = std::str::from_utf8(data) else { return Ok(()) };
    let report = check_yaml("content/page.md", text, "yaml topology", &settings());
    let _ = diagram::render(&report, &DiagramOptions { standalone: true, legend: true, link_findings: true });
    check_topology(text).map(|_| ())
}

/// The book's own files: `SUMMARY.md`, `book.toml` and front matter parsers on one text.
pub fn book_files(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = summary::parse(Arc::from("content/SUMMARY.md"), text);
    let _ = config::parse(Arc::from("book.toml"), text);
    let _ = front_matter::split(&Arc::from("content/page.md"), text);
}

/// A Terraform module (files separated by NUL bytes: `main.tf`, `variables.tf`,
/// `terraform.tfvars`, then `extra-N.tf`) through the import, every problem located, the
/// topology written as YAML and read back to the same text (within the YAML limits), and
/// every rule of the default profile on it.
pub fn terraform_module(data: &[u8]) {
    use crate::topology::{emit, model::Topology, resolve::Net, terraform, yaml};
    let Ok(text) = std::str::from_utf8(data) else { return };
    let names = ["main.tf", "variables.tf", "terraform.tfvars"];
    let files: Vec<(Arc<str>, Arc<str>)> = text
        .split('\0')
        .enumerate()
        .map(|(i, t)| {
            let name = names.get(i).map_or_else(|| format!("extra-{i}.tf"), |n| n.to_string());
            (Arc::from(name), Arc::from(t))
        })
        .collect();
    let imported = terraform::import(&files);
    for p in &imported.problems {
        assert!(imported.sources.locate(p.span.clone()).is_some(), "problem not located: {p:?}");
    }
    let text = emit::to_yaml(&imported.topology);
    match yaml::from_str::<Topology>(&text) {
        Ok(back) => assert_eq!(emit::to_yaml(&back), text, "the emitted YAML reads back differently"),
        Err(e) => {
            assert_eq!(e.code, ToolCode::InputLimit, "the emitted YAML does not read back: {e:?}\n{text}")
        }
    }
    let net = Net::new(Arc::new(imported.topology));
    let _ = crate::rules::run(&net, crate::rules::Profile::DEFAULT);
}

/// The built-in theme's templates, compiled once per process.
fn renderer() -> &'static Renderer {
    static RENDERER: std::sync::LazyLock<Renderer> =
        std::sync::LazyLock::new(|| Renderer::new(&crate::load::theme::builtin()).0);
    &RENDERER
}
