//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. A test
//! validates the output against the OASIS schema (`tests/schemas/sarif-schema-2.1.0.json`).
//!
//! - `tool.driver.rules` describes every rule and tool code (`broken-link`...) the run
//!   reports: name, title, what it checks, why, example and fix as help Markdown, `helpUri`
//!   when the run knows the rules base URL, default level.
//! - Regions are exact (`startLine`, `startColumn`, `endLine`, `endColumn`, the end column
//!   exclusive) and columns count Unicode code points (`columnKind: unicodeCodePoints`).
//! - `artifactLocation.uri` is relative to `%SRCROOT%` (where `check` ran, normally the
//!   repository root) and percent-encoded.
//! - `partialFingerprints` identify a finding without its line: rule, file, block id and
//!   YAML path (rule, file and message outside blocks), so alerts survive moved lines. They
//!   are written under `topobook/v1` and under `primaryLocationLineHash`, the key GitHub
//!   matches alerts by (its upload action then logs that it computed another value for
//!   the line and keeps ours).
//! - Suppressed findings carry a `suppressions` entry with the reason; `expect=` findings
//!   too, justified as deliberate counter-examples. Diagnostics without a location are
//!   tool execution notifications of the invocation.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hasher as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;
use serde_sarif::sarif as s;
use siphasher::sip128::{Hasher128, SipHasher13};

use super::{CheckRun, is_absolute_url};
use crate::diag::{Code, Diagnostic, Disposition, Location, Severity};
use crate::rules::Rule;

/// The `uriBaseId` of every artifact location: the directory `check` ran in.
pub const SRCROOT: &str = "%SRCROOT%";
/// Our own `partialFingerprints` key.
pub const FINGERPRINT_KEY: &str = "topobook/v1";
const GITHUB_FINGERPRINT_KEY: &str = "primaryLocationLineHash";

/// Characters kept as they are in a relative URI path.
const PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// The SARIF log, pretty-printed, with a final newline.
pub fn render(run: &CheckRun) -> String {
    let mut out = serde_json::to_string_pretty(&log(run)).unwrap_or_else(|e| {
        // Unreachable in practice: every map of the log has string keys.
        format!(
            "{{\"version\": \"2.1.0\", \"runs\": [], \"properties\": {{\"error\": {}}}}}",
            json!(e.to_string())
        )
    });
    out.push('\n');
    out
}

/// The SARIF log of a run (one SARIF run).
pub fn log(run: &CheckRun) -> s::Sarif {
    let descriptors = Descriptors::new(run);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut results = Vec::with_capacity(run.diagnostics.len());
    let mut notifications = Vec::new();
    for d in &run.diagnostics {
        let index = descriptors.index(d.code.as_str());
        match &d.location {
            Some(loc) => results.push(result(run, d, loc, index, &mut seen)),
            None => notifications.push(notification(d, index)),
        }
    }

    let summary = run.summary();
    let mut invocation = s::Invocation::builder().execution_successful(true).build();
    invocation.exit_code = Some(i64::from(summary.exit_code()));
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }

    let mut driver = s::ToolComponent::builder().name("topobook").build();
    driver.version = Some(run.tool_version.clone());
    driver.semantic_version = Some(run.tool_version.clone());
    driver.rules = Some(descriptors.list);

    let mut sarif_run = s::Run::builder().tool(s::Tool::builder().driver(driver).build()).build();
    sarif_run.results = Some(results);
    sarif_run.invocations = Some(vec![invocation]);
    sarif_run.column_kind = Some(json!("unicodeCodePoints"));
    sarif_run.properties = Some(bag(
        None,
        [
            ("profile", json!(run.profile.name())),
            ("summary", serde_json::to_value(summary).unwrap_or_default()),
        ],
    ));

    let mut log = s::Sarif::builder().version(json!("2.1.0")).runs(vec![sarif_run]).build();
    log.schema = Some(s::SCHEMA_URL.to_string());
    log
}

/// `tool.driver.rules` and the index of each code in it.
struct Descriptors {
    list: Vec<s::ReportingDescriptor>,
    by_code: HashMap<String, usize>,
}

impl Descriptors {
    /// Descriptors for the codes the run reports (sorted by code), so that the log stays
    /// small however many rules the registry holds.
    fn new(run: &CheckRun) -> Self {
        let mut d = Descriptors { list: Vec::new(), by_code: HashMap::new() };
        let codes: BTreeMap<&str, Code> = run.diagnostics.iter().map(|x| (x.code.as_str(), x.code)).collect();
        for (name, code) in codes {
            let desc = match code {
                Code::Rule(r) => rule_descriptor(run, r),
                Code::Tool(t) => {
                    let mut desc = descriptor(name, name, t.title(), t.description(), t.level());
                    desc.help = Some(text(t.description()));
                    desc
                }
            };
            d.push(name, desc);
        }
        d
    }

    fn push(&mut self, code: &str, desc: s::ReportingDescriptor) {
        self.by_code.insert(code.to_string(), self.list.len());
        self.list.push(desc);
    }

    fn index(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }
}

fn descriptor(id: &str, name: &str, title: &str, full: &str, level: Severity) -> s::ReportingDescriptor {
    let mut desc = s::ReportingDescriptor::builder().id(id).build();
    desc.name = Some(name.to_string());
    desc.short_description = Some(text(title));
    desc.full_description = Some(text(full));
    desc.default_configuration =
        Some(s::ReportingConfiguration { level: Some(json!(level_name(level))), ..Default::default() });
    desc
}

fn rule_descriptor(run: &CheckRun, r: &Rule) -> s::ReportingDescriptor {
    let mut desc = descriptor(r.id, r.name, r.title, r.checks, r.severity);
    desc.help = Some(s::MultiformatMessageString {
        text: help_text(r),
        markdown: Some(help_markdown(r)),
        properties: None,
    });
    desc.help_uri = run
        .rules_base_url
        .as_deref()
        .map(|base| format!("{}/{}.html", base.trim_end_matches('/'), r.id))
        .filter(|u| is_absolute_url(u));
    let profiles: Vec<&str> = r.profile_names();
    desc.properties = Some(bag(
        Some(vec!["topobook".to_string(), r.area.slug().to_string()]),
        [
            ("area", json!(r.area.title())),
            ("profiles", json!(profiles)),
            ("source", json!(r.source)),
            ("sourceUrl", json!(r.source_url)),
        ],
    ));
    desc
}

fn help_text(r: &Rule) -> String {
    format!(
        "{}\n\nWhat it checks: {}\n\nWhy: {}\n\nFix: {}\n\nSource: {} ({})\nQuote: {}",
        r.title, r.checks, r.why, r.help, r.source, r.source_url, r.quote
    )
}

fn help_markdown(r: &Rule) -> String {
    let quote: Vec<String> = r.quote.lines().map(|l| format!("> {l}")).collect();
    format!(
        "**{}**\n\n**What it checks.** {}\n\n**Why.** {}\n\n**Fix.** {}\n\n\
**Example** (breaks the rule):\n\n```yaml\n{}```\n\n**Fixed:**\n\n```yaml\n{}```\n\n{}\n\n\
Source: [{}]({})\n",
        r.title,
        r.checks,
        r.why,
        r.help,
        with_newline(r.example),
        with_newline(r.fix),
        quote.join("\n"),
        r.source,
        r.source_url
    )
}

fn with_newline(s: &str) -> String {
    if s.ends_with('\n') { s.to_string() } else { format!("{s}\n") }
}

fn result(
    run: &CheckRun,
    d: &Diagnostic,
    loc: &Location,
    index: Option<usize>,
    seen: &mut HashMap<String, usize>,
) -> s::Result {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    if let Some(note) = &d.note {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    let mut r = s::Result::builder().message(s::Message::from(message.as_str())).build();
    r.rule_id = Some(d.code.to_string());
    r.rule_index = index.map(|i| i as i64);
    r.level = Some(result_level(d.severity));
    let mut location = s::Location {
        physical_location: Some(s::PhysicalLocation {
            artifact_location: Some(artifact(run, &loc.file)),
            region: Some(region(loc)),
            ..Default::default()
        }),
        ..Default::default()
    };
    if let Some(label) = &d.label {
        location.message = Some(s::Message::from(label.as_str()));
    }
    r.locations = Some(vec![location]);

    let hash = fingerprint(d, &loc.file);
    let n = seen.entry(hash.clone()).or_insert(0);
    *n += 1;
    let value = format!("{hash}:{n}");
    r.partial_fingerprints = Some(BTreeMap::from([
        (FINGERPRINT_KEY.to_string(), value.clone()),
        (GITHUB_FINGERPRINT_KEY.to_string(), value),
    ]));

    let justification = match d.disposition {
        Disposition::Active => None,
        Disposition::Suppressed => Some(match &d.suppression_reason {
            Some(reason) => format!("suppressed in `meta.suppress`: {reason}"),
            None => "suppressed in `meta.suppress`".to_string(),
        }),
        Disposition::Expected => {
            Some("deliberate counter-example: the block's `expect=` option asks for this finding".to_string())
        }
    };
    if let Some(justification) = justification {
        let mut sup = s::Suppression::builder().kind(json!("inSource")).build();
        sup.status = Some(json!("accepted"));
        sup.justification = Some(justification);
        r.suppressions = Some(vec![sup]);
    }

    let mut props = Vec::new();
    if let Some(b) = &d.block {
        props.push(("block", json!(b)));
    }
    if let Some(p) = d.yaml_path() {
        props.push(("yamlPath", json!(p)));
    }
    if let Some(u) = run.url(d) {
        props.push(("docs", json!(u)));
    }
    if !props.is_empty() {
        r.properties = Some(bag(None, props));
    }
    r
}

fn notification(d: &Diagnostic, index: Option<usize>) -> s::Notification {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    if let Some(note) = &d.note {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    let mut n = s::Notification::builder().message(s::Message::from(message.as_str())).build();
    n.level = Some(json!(level_name(d.severity)));
    n.descriptor = Some(s::ReportingDescriptorReference {
        id: Some(d.code.to_string()),
        index: index.map(|i| i as i64),
        ..Default::default()
    });
    n
}

/// An artifact location for a book-relative file: a percent-encoded URI relative to
/// [`SRCROOT`], or a `file://` URI when the run's path prefix made it absolute.
pub fn artifact(run: &CheckRun, file: &str) -> s::ArtifactLocation {
    let path = run.path(file);
    let is_drive = matches!(path.as_bytes(), [d, b':', b'/', ..] if d.is_ascii_alphabetic());
    if path.starts_with('/') || is_drive {
        let (drive, rest) = if is_drive { path.split_at(2) } else { ("", path.as_str()) };
        let slash = if is_drive { "/" } else { "" };
        return s::ArtifactLocation {
            uri: Some(format!("file://{slash}{drive}{}", utf8_percent_encode(rest, PATH))),
            ..Default::default()
        };
    }
    s::ArtifactLocation {
        uri: Some(utf8_percent_encode(&path, PATH).to_string()),
        uri_base_id: Some(SRCROOT.to_string()),
        ..Default::default()
    }
}

fn region(loc: &Location) -> s::Region {
    let end = loc.end.max(loc.start);
    s::Region {
        start_line: Some(i64::from(loc.start.line.max(1))),
        start_column: Some(i64::from(loc.start.column.max(1))),
        end_line: Some(i64::from(end.line.max(1))),
        end_column: Some(i64::from(end.column.max(1))),
        ..Default::default()
    }
}

/// The line-independent identity of a finding (hex of a 128-bit SipHash-1-3 with zero keys,
/// stable across topobook versions and platforms).
pub fn fingerprint(d: &Diagnostic, file: &str) -> String {
    let path = d.yaml_path();
    let last = match (&d.block, &path) {
        (Some(_), Some(path)) => path.as_str(),
        _ => d.message.as_str(),
    };
    let parts = [d.code.as_str(), file, d.block.as_deref().unwrap_or(""), last];
    let mut h = SipHasher13::new_with_keys(0, 0);
    for p in parts {
        h.write(p.as_bytes());
        h.write(&[0x1f]);
    }
    format!("{:032x}", h.finish128().as_u128())
}

fn level_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn result_level(s: Severity) -> s::ResultLevel {
    match s {
        Severity::Error => s::ResultLevel::Error,
        Severity::Warning => s::ResultLevel::Warning,
        Severity::Note => s::ResultLevel::Note,
    }
}

fn text(t: &str) -> s::MultiformatMessageString {
    s::MultiformatMessageString { text: t.to_string(), markdown: None, properties: None }
}

fn bag<'a>(
    tags: Option<Vec<String>>,
    props: impl IntoIterator<Item = (&'a str, serde_json::Value)>,
) -> s::PropertyBag {
    s::PropertyBag {
        tags,
        additional_properties: props.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diag::{Position, ToolCode};
    use crate::topology::node::Node;

    fn at(file: &str, line: u32) -> Location {
        let p = Position { line, column: 3 };
        Location { file: Arc::from(file), start: p, end: Position { line, column: 9 }, bytes: 0..0 }
    }

    #[test]
    fn fingerprints_ignore_lines_but_not_identity() {
        let rule = crate::rules::by_id("AML-KV-002").expect("AML-KV-002 is in the registry");
        let mut a = Diagnostic::error(rule, "key vault `kv` blocks").at(at("content/a.md", 10));
        a.block = Some("kv-1".into());
        a.subject = Some(Node::KeyVault(0).field("network.bypass"));
        let mut moved = a.clone();
        moved.location = Some(at("content/a.md", 42));
        moved.message = "reworded".into();
        assert_eq!(fingerprint(&a, "content/a.md"), fingerprint(&moved, "content/a.md"));
        let mut other = a.clone();
        other.subject = Some(Node::KeyVault(1).field("network.bypass"));
        assert_ne!(fingerprint(&a, "content/a.md"), fingerprint(&other, "content/a.md"));
        assert_ne!(fingerprint(&a, "content/a.md"), fingerprint(&a, "content/b.md"));
        // Outside blocks: code + file + message.
        let link = Diagnostic::error(ToolCode::BrokenLink, "link to `x.md`").at(at("content/a.md", 3));
        let mut link_moved = link.clone();
        link_moved.location = Some(at("content/a.md", 30));
        assert_eq!(fingerprint(&link, "content/a.md"), fingerprint(&link_moved, "content/a.md"));
        // Pinned: the value must not change between versions, or every alert is re-opened.
        assert_eq!(fingerprint(&link, "content/a.md"), "ca1c8410ea3d492f1b39058a1d4d1bee");
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        let run = CheckRun::new(Vec::new(), Vec::new()).with_path_prefix("my docs");
        let a = artifact(&run, "content/Secure Workspace#1.md");
        assert_eq!(a.uri.as_deref(), Some("my%20docs/content/Secure%20Workspace%231.md"));
        assert_eq!(a.uri_base_id.as_deref(), Some(SRCROOT));
        let run = CheckRun::new(Vec::new(), Vec::new()).with_path_prefix("/srv/book");
        let a = artifact(&run, "content/a.md");
        assert_eq!(a.uri.as_deref(), Some("file:///srv/book/content/a.md"));
        assert_eq!(a.uri_base_id, None);
        let run = CheckRun::new(Vec::new(), Vec::new()).with_path_prefix("C:\\book");
        assert_eq!(artifact(&run, "a.md").uri.as_deref(), Some("file:///C:/book/a.md"));
        let run = CheckRun::new(Vec::new(), Vec::new());
        assert_eq!(artifact(&run, "c:notes.md").uri.as_deref(), Some("c%3Anotes.md"));
    }
}
