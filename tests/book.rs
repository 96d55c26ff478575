//! The book's coverage test: every topology block of `content/` is checked by the real rule
//! engine, as `topobook check` will check it.
//!
//! - no block fails or is unreadable (counter-examples carry `expect=` and break exactly
//!   the rules they name), and no block outside `expect=` leaves an active warning, so the
//!   book also passes `topobook check --deny warnings`;
//! - together the blocks fire every error- and warning-level rule of profile `2020-10`;
//! - the full secured scenario (`id=secured-scenario`) passes with no error and no warning.
//!
//! Until the site pipeline lands, blocks are extracted here with pulldown-cmark (fenced code
//! blocks whose info string starts with `yaml topology`, also inside lists and quotes) and
//! checked with `check_yaml`. Set `TOPOBOOK_BOOK_VERBOSE=1` to print every block's verdict.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use topobook::diag::{Disposition, Severity};
use topobook::rules::{Profile, registry};
use topobook::topology::{BlockReport, CheckSettings, Outcome, check_yaml};

/// A topology fence found in a page.
struct Block {
    /// Path relative to the repository (`content/secure-workspace.md`).
    page: String,
    /// 1-based line of the opening fence.
    line: usize,
    info: String,
    yaml: String,
}

fn settings() -> CheckSettings {
    CheckSettings { today: time::macros::date!(2026 - 11 - 27), ..CheckSettings::default() }
}

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// Every `.md` file under `dir`, sorted, so the order is stable.
fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot read {}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Is this fence info a topology block (`yaml topology ...`)?
fn is_topology(info: &str) -> bool {
    let mut words = info.split_whitespace();
    words.next() == Some("yaml") && words.next() == Some("topology")
}

/// The topology fences of one page, with the code block's text as pulldown-cmark gives it
/// (list indentation and quote markers removed).
fn topology_blocks(page: &str, text: &str) -> Vec<Block> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_GFM
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_topology(&info) => {
                current = Some(Block {
                    page: page.to_string(),
                    line: line_of(range.start),
                    info: info.to_string(),
                    yaml: String::new(),
                });
            }
            Event::Text(t) => {
                if let Some(b) = current.as_mut() {
                    b.yaml.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(b) = current.take() {
                    blocks.push(b);
                }
            }
            _ => {}
        }
    }
    blocks
}

fn all_blocks() -> Vec<Block> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for path in markdown_files(&content_dir()) {
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let page = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        out.extend(topology_blocks(&page, &text));
    }
    out
}

/// `page:line` of a diagnostic: the fence line plus the line inside the YAML.
fn describe(block: &Block, report: &BlockReport) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            let line = d.location.as_ref().map(|l| block.line + l.start.line as usize).unwrap_or(block.line);
            let state = match d.disposition {
                Disposition::Active => "",
                Disposition::Expected => " (expected)",
                Disposition::Suppressed => " (suppressed)",
            };
            format!("    {}:{line}: {}[{}]{state}: {}", block.page, d.severity.as_str(), d.code, d.message)
        })
        .collect()
}

/// Rules at warning or error level whose findings show in a block: active, expected or
/// suppressed (a suppressed finding still shows the rule at work on the page).
fn fired(report: &BlockReport) -> BTreeSet<&'static str> {
    report
        .rules
        .iter()
        .filter(|r| r.rule.severity >= Severity::Warning)
        .filter(|r| {
            matches!(
                r.state,
                topobook::topology::RuleState::Failed
                    | topobook::topology::RuleState::Expected
                    | topobook::topology::RuleState::Suppressed
            )
        })
        .map(|r| r.rule.id)
        .collect()
}

#[test]
fn every_block_passes_or_fails_as_expected_and_the_book_covers_every_rule() {
    let blocks = all_blocks();
    assert!(!blocks.is_empty(), "no topology block found under content/");
    let settings = settings();
    let verbose = std::env::var_os("TOPOBOOK_BOOK_VERBOSE").is_some();

    let mut problems = Vec::new();
    let mut covered: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut secured: Vec<(String, BlockReport)> = Vec::new();
    for block in &blocks {
        let report = check_yaml(&block.page, &block.yaml, &block.info, &settings);
        let at = format!("{}:{} ({})", block.page, block.line, report.id);
        let warnings_left = report
            .diagnostics
            .iter()
            .any(|d| d.disposition == Disposition::Active && d.severity >= Severity::Warning);
        let bad = match report.outcome {
            Outcome::Failed | Outcome::Invalid => true,
            Outcome::Passed => warnings_left,
            Outcome::ExpectedFail | Outcome::Ignored => false,
        };
        if bad {
            problems.push(format!("{at}: {:?}\n{}", report.outcome, describe(block, &report).join("\n")));
        }
        let rules = fired(&report);
        if verbose {
            println!("{at}: {:?} {:?}", report.outcome, rules);
        }
        for id in rules {
            covered.entry(id).or_default().push(at.clone());
        }
        if report.id == "secured-scenario" {
            secured.push((at, report));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} blocks fail (or pass with warnings left):\n{}",
        problems.len(),
        blocks.len(),
        problems.join("\n")
    );

    let missing: Vec<&str> = registry()
        .iter()
        .filter(|r| Profile::DEFAULT.includes(r) && r.severity >= Severity::Warning)
        .map(|r| r.id)
        .filter(|id| !covered.contains_key(id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} error/warning rules of profile {} are fired by no block of the book: {}",
        missing.len(),
        Profile::DEFAULT.name(),
        missing.join(", ")
    );

    assert_eq!(secured.len(), 1, "the book has exactly one block with `id=secured-scenario`");
    let (at, report) = &secured[0];
    assert_eq!(report.outcome, Outcome::Passed, "{at}: the secured scenario must pass");
    assert!(report.options.expect.is_none(), "{at}: the secured scenario is not a counter-example");
    let findings: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| format!("{}[{}]: {}", d.severity.as_str(), d.code, d.message))
        .collect();
    assert!(
        findings.is_empty(),
        "{at}: the secured scenario has errors or warnings (suppressed ones included):\n{}",
        findings.join("\n")
    );
}

/// The extraction itself: fences in lists and quotes are found, others are not.
#[test]
fn topology_fences_are_found_in_lists_and_quotes() {
    let page = "---\ntitle: t\n---\n\n1. step\n\n   ```yaml topology id=a\n   vnets: []\n   ```\n\n\
> [!NOTE]\n> ```yaml topology expect=AML-KV-002\n> key_vaults: []\n> ```\n\n```yaml\nnot: topology\n```\n\n\
````yaml topology ignore\nworkspace: {}\n````\n";
    let blocks = topology_blocks("content/x.md", page);
    let got: Vec<(usize, &str, &str)> =
        blocks.iter().map(|b| (b.line, b.info.as_str(), b.yaml.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (7, "yaml topology id=a", "vnets: []\n"),
            (12, "yaml topology expect=AML-KV-002", "key_vaults: []\n"),
            (20, "yaml topology ignore", "workspace: {}\n"),
        ]
    );
}
