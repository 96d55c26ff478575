//! How a topology block appears in a page. One function, [`block_html`], that the diagram
//! work replaces: today a figure with the title, the verdict, the diagnostics and the
//! highlighted YAML with numbered lines.

use std::fmt::Write as _;

use crate::diag::Severity;
use crate::markdown::escape;
use crate::topology::{BlockReport, Outcome};

/// Where the block is rendered.
#[derive(Clone, Copy, Debug)]
pub struct BlockContext<'a> {
    /// Site path of the page (`guide/secure.html`).
    pub page_path: &'a str,
    /// Relative path from the page to the site root (`../`, or empty at the root).
    pub root: &'a str,
    /// Line of the page (1-based) holding the first line of the YAML.
    pub first_line: u32,
}

/// The label and CSS class of an outcome.
pub fn outcome_label(outcome: Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Passed => ("passed", "pass"),
        Outcome::Failed => ("failed", "fail"),
        Outcome::ExpectedFail => ("fails as expected", "expected"),
        Outcome::Ignored => ("not checked", "ignored"),
        Outcome::Invalid => ("invalid", "fail"),
    }
}

fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖",
        Severity::Warning => "▲",
        Severity::Note => "ℹ",
    }
}

/// The HTML of one topology block. `highlighted_yaml` is the block's YAML highlighted with
/// one fragment per line (no element spans a newline), see [`super::yaml`].
pub fn block_html(report: &BlockReport, highlighted_yaml: &str, ctx: &BlockContext<'_>) -> String {
    let id = escape(&report.id);
    let (label, class) = outcome_label(report.outcome);
    let mut out = String::with_capacity(highlighted_yaml.len() + 1024);
    let _ = write!(out, "<figure class=\"topology topology-{class}\" id=\"{id}\">");
    let title = report.options.title.as_deref().unwrap_or("Network topology");
    let _ = write!(
        out,
        "<figcaption><span class=\"topology-title\">{}</span> <span class=\"topology-status status-{class}\">{}</span></figcaption>",
        escape(title),
        escape(label)
    );
    let line_count = highlighted_yaml.trim_end_matches('\n').split('\n').count() as u32;
    let shown = ctx.first_line..ctx.first_line + line_count;
    if !report.diagnostics.is_empty() {
        out.push_str("<ul class=\"topology-findings\">");
        for d in &report.diagnostics {
            let sev = d.severity.as_str();
            let line = d.location.as_ref().map(|l| l.start.line);
            let _ = write!(
                out,
                "<li class=\"finding finding-{sev}\"><span class=\"finding-severity\">{} {sev}</span> <code>{}</code> {}",
                severity_icon(d.severity),
                escape(&d.code),
                escape(&d.message)
            );
            if let Some(line) = line.filter(|l| shown.contains(l)) {
                let _ = write!(out, " <a class=\"finding-line\" href=\"#{id}-L{line}\">line {line}</a>");
            }
            if let Some(help) = &d.help {
                let _ = write!(out, "<div class=\"finding-help\">help: {}</div>", escape(help));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    // Lines carry their line number in the page, so findings can link to them.
    out.push_str("<div class=\"code-block\"><pre class=\"hl-code\"><code class=\"language-yaml\">");
    let mut lines = highlighted_yaml.split('\n').peekable();
    let mut n = ctx.first_line;
    while let Some(l) = lines.next() {
        if lines.peek().is_none() && l.is_empty() {
            break;
        }
        let _ = writeln!(out, "<span class=\"line\" id=\"{id}-L{n}\" data-line=\"{n}\">{l}</span>");
        n += 1;
    }
    out.push_str("</code></pre></div></figure>\n");
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diag::LineIndex;
    use crate::topology::{CheckSettings, check_block};

    #[test]
    fn a_failing_block_lists_its_findings_and_links_lines() {
        let page = "# T\n\n```yaml topology title=\"Key <Vault>\" expct=AML-KV-002\nkey_vaults:\n  - name: kv\n```\n";
        let parsed = crate::markdown::parse(&Arc::from("content/t.md"), "t.md", page, 0);
        let source = parsed.blocks[0].clone();
        let report = check_block(source, page, &LineIndex::new(page), &CheckSettings::default());
        let yaml = super::super::yaml::highlight(&report.source.yaml);
        let html = block_html(&report, &yaml, &BlockContext { page_path: "t.html", root: "", first_line: 4 });
        insta::assert_snapshot!(html, @r#"
        <figure class="topology topology-fail" id="t-1"><figcaption><span class="topology-title">Key &lt;Vault&gt;</span> <span class="topology-status status-fail">failed</span></figcaption><ul class="topology-findings"><li class="finding finding-error"><span class="finding-severity">✖ error</span> <code>block-option</code> unknown block option `expct`<div class="finding-help">help: did you mean `expect`?</div></li></ul><div class="code-block"><pre class="hl-code"><code class="language-yaml"><span class="line" id="t-1-L4" data-line="4"><span class="hl-entity hl-name hl-tag">key_vaults</span><span class="hl-punctuation">:</span></span>
        <span class="line" id="t-1-L5" data-line="5">  <span class="hl-punctuation">-</span> <span class="hl-entity hl-name hl-tag">name</span><span class="hl-punctuation">:</span> <span class="hl-string">kv</span></span>
        </code></pre></div></figure>
        "#);
    }
}
