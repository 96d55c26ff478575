//! A rule's documentation, generated from its declaration: the text of `topobook explain`,
//! the rows of `topobook rules`, and the Markdown of the site's rule reference pages.
//!
//! A rule ID with several versions (its meaning changed between profiles) is documented on
//! one page: the shared heading, then one section per version, newest first, each with the
//! profiles it is in and its own *What it checks · Why · Example · Fix · Source*.

use serde::Serialize;

use super::{Profile, Rule, for_profile, groups, profiles_of, versions};

/// One row of `topobook rules --format json`.
#[derive(Debug, Serialize)]
pub struct RuleSummary {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub title: &'static str,
    pub area: &'static str,
    /// The profiles the listed version is in (the whole ID's when every version is listed).
    pub profiles: Vec<&'static str>,
    /// How many versions the ID has (2 when its meaning changed between profiles).
    pub versions: usize,
    pub source: &'static str,
    pub source_url: &'static str,
}

impl RuleSummary {
    /// The row of one version, with the profiles that version is in.
    pub fn of(rule: &'static Rule) -> Self {
        RuleSummary {
            id: rule.id,
            name: rule.name,
            severity: rule.severity.as_str(),
            title: rule.title,
            area: rule.area.slug(),
            profiles: rule.profile_names(),
            versions: versions(rule.id).len(),
            source: rule.source,
            source_url: rule.source_url,
        }
    }

    /// The row of a rule ID: its newest version, with every profile any version is in.
    fn of_id(group: &'static [&'static Rule]) -> Self {
        let newest = group[group.len() - 1];
        RuleSummary { profiles: newest.id_profile_names(), ..RuleSummary::of(newest) }
    }
}

/// The rows `topobook rules` lists: the versions a profile runs, or one row per ID.
fn rows(profile: Option<Profile>) -> Vec<RuleSummary> {
    match profile {
        Some(p) => for_profile(p).iter().map(|r| RuleSummary::of(r)).collect(),
        None => groups().iter().map(|g| RuleSummary::of_id(g)).collect(),
    }
}

/// The rules as JSON (an array of [`RuleSummary`]): those of `profile`, or every rule ID.
pub fn rules_json(profile: Option<Profile>) -> String {
    serde_json::to_string_pretty(&rows(profile)).unwrap_or_else(|_| "[]".to_string())
}

/// The rules as an aligned text table (ID, severity, area, profiles, title): those of
/// `profile`, or every rule ID with the profiles it is in.
pub fn rules_table(profile: Option<Profile>) -> String {
    let rows = rows(profile);
    let mut out = String::new();
    let w_area = rows.iter().map(|r| r.area.len()).max().unwrap_or(4).max(4);
    let profiles = |r: &RuleSummary| match r.profiles.as_slice() {
        [] => "none".to_string(),
        p => p.join(","),
    };
    let w_prof = rows.iter().map(|r| profiles(r).len()).max().unwrap_or(8).max(8);
    out.push_str(&format!(
        "{:<12} {:<8} {:<w_area$} {:<w_prof$} {}\n",
        "ID", "SEVERITY", "AREA", "PROFILES", "TITLE"
    ));
    for r in &rows {
        out.push_str(&format!(
            "{:<12} {:<8} {:<w_area$} {:<w_prof$} {}\n",
            r.id,
            r.severity,
            r.area,
            profiles(r),
            r.title
        ));
    }
    match profile {
        Some(p) => out.push_str(&format!("\n{} rules in profile {}\n", rows.len(), p.name())),
        None => {
            let counts: Vec<String> = Profile::ALL
                .iter()
                .map(|p| format!("{} in profile {}", for_profile(*p).len(), p.name()))
                .collect();
            out.push_str(&format!(
                "\n{} rules ({}; `current` is {})\n",
                rows.len(),
                counts.join(", "),
                Profile::CURRENT.name()
            ));
        }
    }
    out
}

/// How the code blocks of one version are written: plain YAML (the terminal) or topology
/// blocks the site checks and draws.
#[derive(Clone, Copy)]
enum Blocks {
    Plain,
    Site,
}

/// The documentation of a rule ID as Markdown: the heading (when `with_heading`), the line
/// with name, severity, area and profiles, then each version's sections.
pub fn markdown(rule: &Rule, with_heading: bool) -> String {
    id_markdown(rule, with_heading, Blocks::Plain)
}

/// The Markdown of the rule's page in the site: [`markdown`] with each version's *Example*
/// and *Fix* as topology blocks pinned to the version's newest profile (`rule-example`,
/// `rule-fix`; `rule-example-2020-10`… when the ID has several versions), so the page draws
/// and checks them. The example of an error or warning rule is a counter-example
/// (`expect=`); notes cannot be expected, and a removed rule no longer runs, so theirs are
/// plain topology blocks.
pub fn site_markdown(rule: &Rule) -> String {
    id_markdown(rule, true, Blocks::Site)
}

fn id_markdown(rule: &Rule, with_heading: bool, blocks: Blocks) -> String {
    let all = versions(rule.id);
    let (all, newest): (&[&Rule], &Rule) = match all.last() {
        Some(n) => (all, n),
        None => (&[], rule),
    };
    let mut s = String::new();
    if with_heading {
        s.push_str(&format!("# {}: {}\n\n", newest.id, newest.title));
    }
    let profiles: Vec<&str> = profiles_of(newest.id).into_iter().map(Profile::name).collect();
    s.push_str(&format!(
        "`{}` · **{}** · {} · profiles: {}\n\n",
        newest.name,
        newest.severity.as_str(),
        newest.area.title(),
        if profiles.is_empty() { "none".to_string() } else { profiles.join(", ") }
    ));
    if all.len() <= 1 {
        version_markdown(&mut s, newest, "##", blocks, "");
        return s;
    }
    s.push_str(&format!(
        "The meaning of this rule changed between profiles: it has {} versions, each with its own \
check and source.\n\n",
        all.len()
    ));
    for v in all.iter().rev() {
        let names = v.profile_names();
        let label = if names.is_empty() { "no profile".to_string() } else { names.join(", ") };
        let suffix = names.last().map(|n| format!("-{n}")).unwrap_or_default();
        // On the site, a short stable anchor per version (`#profile-2026-02`).
        let anchor = match blocks {
            Blocks::Site if !suffix.is_empty() => format!(" {{#profile{suffix}}}"),
            _ => String::new(),
        };
        s.push_str(&format!("## In profile {label}{anchor}\n\n**{}**\n\n", v.title));
        version_markdown(&mut s, v, "###", blocks, &suffix);
    }
    s
}

/// One version's sections under headings of level `h` (`##` or `###`).
fn version_markdown(s: &mut String, rule: &Rule, h: &str, blocks: Blocks, id_suffix: &str) {
    let (example_info, fix_info) = match blocks {
        Blocks::Plain => ("yaml".to_string(), "yaml".to_string()),
        Blocks::Site => {
            let profile = rule.profiles().last().map(|p| format!(" profile={p}")).unwrap_or_default();
            let example = if rule.severity >= crate::diag::Severity::Warning && !rule.removed {
                format!(
                    "yaml topology id=rule-example{id_suffix} title=\"Breaks {}\" expect={}{profile}",
                    rule.id, rule.id
                )
            } else {
                format!("yaml topology id=rule-example{id_suffix} title=\"Example of {}\"{profile}", rule.id)
            };
            (example, format!("yaml topology id=rule-fix{id_suffix} title=\"The fix\"{profile}"))
        }
    };
    s.push_str(&format!("{h} What it checks\n\n"));
    s.push_str(rule.checks.trim());
    s.push_str(&format!("\n\n{h} Why\n\n"));
    s.push_str(rule.why.trim());
    s.push_str(&format!("\n\n{h} Example\n\nThis topology breaks the rule:\n\n```"));
    s.push_str(&example_info);
    s.push('\n');
    s.push_str(rule.example.trim_end());
    s.push_str(&format!("\n```\n\n{h} Fix\n\n"));
    s.push_str(rule.help.trim());
    s.push_str(":\n\n```");
    s.push_str(&fix_info);
    s.push('\n');
    s.push_str(rule.fix.trim_end());
    s.push_str(&format!("\n```\n\n{h} Source\n\n"));
    for line in rule.quote.trim().lines() {
        s.push_str("> ");
        s.push_str(line);
        s.push('\n');
    }
    s.push_str(&format!("\n[{}]({})\n", rule.source, rule.source_url));
    if let Some(d) = rule.decision {
        s.push_str(&format!("\n{h} How topobook reads the source\n\n"));
        s.push_str(d.trim());
        s.push('\n');
    }
}

/// The text of `topobook explain ID`: the Markdown without the page heading, under a
/// plain title line; every version of the ID with the profiles it is in.
pub fn explain(rule: &Rule) -> String {
    let newest = versions(rule.id).last().copied().unwrap_or(rule);
    format!("{}: {}\n\n{}", newest.id, newest.title, markdown(rule, false))
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
        let json: serde_json::Value = serde_json::from_str(&rules_json(None)).unwrap();
        let first = &json[0];
        for key in ["id", "name", "severity", "title", "area", "profiles", "versions", "source"] {
            assert!(first.get(key).is_some(), "missing {key}");
        }
        assert!(rules_table(None).contains("AML-KV-002"));
    }

    #[test]
    fn a_changed_rule_shows_every_version_with_its_profiles() {
        let rule = super::super::by_id("AML-ST-002").unwrap();
        let md = explain(rule);
        let new = md.find("## In profile 2026-02").expect("the 2026-02 version");
        let old = md.find("## In profile 2020-10").expect("the 2020-10 version");
        assert!(new < old, "newest first");
        assert!(md.contains("profiles: 2020-10, 2026-02"));
        assert_eq!(md.matches("### What it checks").count(), 2);
        let site = site_markdown(rule);
        assert!(site.contains(
            "id=rule-example-2026-02 title=\"Breaks AML-ST-002\" expect=AML-ST-002 profile=2026-02"
        ));
        assert!(site.contains("id=rule-fix-2020-10 title=\"The fix\" profile=2020-10"));
        // The listings: one row per ID, or the versions of one profile.
        let all: serde_json::Value = serde_json::from_str(&rules_json(None)).unwrap();
        let row = all.as_array().unwrap().iter().find(|r| r["id"] == "AML-ST-002").unwrap();
        assert_eq!(row["profiles"], serde_json::json!(["2020-10", "2026-02"]));
        assert_eq!(row["versions"], 2);
        let old_only: serde_json::Value = serde_json::from_str(&rules_json(Some(Profile::P2026_02))).unwrap();
        assert!(old_only.as_array().unwrap().iter().all(|r| r["id"] != "AML-CMP-002"));
        assert!(rules_table(Some(Profile::P2020_10)).contains("AML-CMP-002"));
        assert!(!rules_table(Some(Profile::P2026_02)).contains("AML-CMP-002 "));
    }
}
