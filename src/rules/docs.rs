//! A rule's documentation, generated from its declaration: the text of `topobook explain`,
//! the rows of `topobook rules`, and the Markdown of the site's rule reference pages.

use serde::Serialize;

use super::{Profile, Rule, registry};

/// One row of `topobook rules --format json`.
#[derive(Debug, Serialize)]
pub struct RuleSummary {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub title: &'static str,
    pub area: &'static str,
    pub profiles: Vec<&'static str>,
    pub source: &'static str,
    pub source_url: &'static str,
}

impl RuleSummary {
    pub fn of(rule: &'static Rule) -> Self {
        RuleSummary {
            id: rule.id,
            name: rule.name,
            severity: rule.severity.as_str(),
            title: rule.title,
            area: rule.area.slug(),
            profiles: rule.profile_names(),
            source: rule.source,
            source_url: rule.source_url,
        }
    }
}

/// Every rule as JSON (an array of [`RuleSummary`]).
pub fn rules_json() -> String {
    let rows: Vec<RuleSummary> = registry().iter().map(|r| RuleSummary::of(r)).collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".to_string())
}

/// Every rule as an aligned text table (ID, severity, area, title).
pub fn rules_table() -> String {
    let mut out = String::new();
    let w_area = registry().iter().map(|r| r.area.slug().len()).max().unwrap_or(4).max(4);
    out.push_str(&format!("{:<12} {:<8} {:<w_area$} {}\n", "ID", "SEVERITY", "AREA", "TITLE"));
    for r in registry() {
        out.push_str(&format!(
            "{:<12} {:<8} {:<w_area$} {}\n",
            r.id,
            r.severity.as_str(),
            r.area.slug(),
            r.title
        ));
    }
    let in_default = registry().iter().filter(|r| Profile::DEFAULT.includes(r)).count();
    out.push_str(&format!(
        "\n{} rules ({} in profile {})\n",
        registry().len(),
        in_default,
        Profile::DEFAULT.name()
    ));
    out
}

/// The rule's documentation as Markdown, in the fixed sections
/// *What it checks · Why · Example · Fix*, then the source.
/// `heading` is the level of the top heading (`#` for a page, none for the terminal).
pub fn markdown(rule: &Rule, with_heading: bool) -> String {
    markdown_with(rule, with_heading, "yaml", "yaml")
}

/// The Markdown of the rule's page in the site: [`markdown`] with the *Example* and the *Fix*
/// as topology blocks (`rule-example`, `rule-fix`), so the page draws and checks them. The
/// example of an error or warning rule is a counter-example (`expect=`); notes cannot be
/// expected, and a removed rule no longer runs, so theirs are plain topology blocks.
pub fn site_markdown(rule: &Rule) -> String {
    let example = if rule.severity >= crate::diag::Severity::Warning && !rule.removed {
        format!("yaml topology id=rule-example title=\"Breaks {}\" expect={}", rule.id, rule.id)
    } else {
        format!("yaml topology id=rule-example title=\"Example of {}\"", rule.id)
    };
    markdown_with(rule, true, &example, "yaml topology id=rule-fix title=\"The fix\"")
}

fn markdown_with(rule: &Rule, with_heading: bool, example_info: &str, fix_info: &str) -> String {
    let mut s = String::new();
    if with_heading {
        s.push_str(&format!("# {}: {}\n\n", rule.id, rule.title));
    }
    s.push_str(&format!(
        "`{}` · **{}** · {} · profiles: {}\n\n",
        rule.name,
        rule.severity.as_str(),
        rule.area.title(),
        match rule.profile_names() {
            v if v.is_empty() => "none".to_string(),
            v => v.join(", "),
        }
    ));
    s.push_str("## What it checks\n\n");
    s.push_str(rule.checks.trim());
    s.push_str("\n\n## Why\n\n");
    s.push_str(rule.why.trim());
    s.push_str("\n\n## Example\n\nThis topology breaks the rule:\n\n```");
    s.push_str(example_info);
    s.push('\n');
    s.push_str(rule.example.trim_end());
    s.push_str("\n```\n\n## Fix\n\n");
    s.push_str(rule.help.trim());
    s.push_str(":\n\n```");
    s.push_str(fix_info);
    s.push('\n');
    s.push_str(rule.fix.trim_end());
    s.push_str("\n```\n\n## Source\n\n");
    for line in rule.quote.trim().lines() {
        s.push_str("> ");
        s.push_str(line);
        s.push('\n');
    }
    s.push_str(&format!("\n[{}]({})\n", rule.source, rule.source_url));
    if let Some(d) = rule.decision {
        s.push_str("\n## How topobook reads the source\n\n");
        s.push_str(d.trim());
        s.push('\n');
    }
    s
}

/// The text of `topobook explain ID`: the Markdown without the page heading, under a
/// plain title line.
pub fn explain(rule: &Rule) -> String {
    format!("{}: {}\n\n{}", rule.id, rule.title, markdown(rule, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_have_every_section() {
        let rule = super::super::by_id("AML-KV-002").unwrap();
        let md = markdown(rule, true);
        for section in [
            "# AML-KV-002",
            "## What it checks",
            "## Why",
            "## Example",
            "## Fix",
            "## Source",
            "> Set Key Vault",
        ] {
            assert!(md.contains(section), "missing {section}");
        }
        assert!(explain(rule).starts_with("AML-KV-002: "));
        let json: serde_json::Value = serde_json::from_str(&rules_json()).unwrap();
        let first = &json[0];
        for key in ["id", "name", "severity", "title", "area", "profiles", "source"] {
            assert!(first.get(key).is_some(), "missing {key}");
        }
        assert!(rules_table().contains("AML-KV-002"));
    }
}
