//! The rules reference of the site: one page per rule ID at `rules/<ID>.html` (the URLs CI
//! reports link to), rendered from [`rules::docs::site_markdown`] through the same Markdown and
//! theme pipeline as the book's pages, plus where the rule fires in this book; and
//! `rules/index.html`, every rule grouped by area with the profiles it is in. A rule whose
//! meaning changed between profiles keeps one page, showing each version (its profiles,
//! check, quote, source, example and fix; the examples checked under their profile).
//!
//! A rule page depends on the book only through its list of [`Fire`]s: [`Site::fires`]
//! computes them all, and an incremental update re-renders the pages whose list changed.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::{Value, context};
use rayon::prelude::*;
use serde::Serialize;

use super::Site;
use super::build::{LinkCtx, PageCtx, TocCtx};
use crate::check::{BlockReport, CheckSettings, check_yaml};
use crate::diag::{Diagnostic, Disposition, ToolCode};
use crate::diagram::finding_anchor;
use crate::markdown::{self, ParsedPage};
use crate::render::{BodyContext, body_html, value};
use crate::rules::{self, Area, Rule};

/// One finding of a rule somewhere in the book.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fire {
    pub page_title: String,
    /// The finding in its page, from the site root (`guide/a.html#block-finding-3`).
    pub url: String,
    /// The block id and its title (if it has one).
    pub block: String,
    pub block_title: Option<String>,
    pub message: String,
    /// `error`, `warning`, `note`.
    pub severity: &'static str,
    /// `active`, `expected` (a counter-example) or `suppressed`.
    pub disposition: &'static str,
    pub reason: Option<String>,
}

/// Every rule's fires, by rule ID (rules that never fire have no entry).
pub type Fires = BTreeMap<&'static str, Vec<Fire>>;

/// The site path of a rule's page.
pub fn rule_path(id: &str) -> String {
    format!("rules/{id}.html")
}

pub const INDEX_PATH: &str = "rules/index.html";

/// A rendered page (site path, HTML) or why it could not be rendered.
pub(super) type Rendered = (String, Result<Vec<u8>, Box<Diagnostic>>);

/// The id of the "where it fires" section of a rule page.
const FIRES_ANCHOR: &str = "where-this-rule-fires";

fn disposition(d: &Diagnostic) -> &'static str {
    match d.disposition {
        Disposition::Active => "active",
        Disposition::Expected => "expected",
        Disposition::Suppressed => "suppressed",
    }
}

#[derive(Serialize)]
struct RuleCtx {
    id: &'static str,
    name: &'static str,
    title: &'static str,
    severity: &'static str,
    area: &'static str,
    area_title: &'static str,
    profiles: Vec<&'static str>,
    removed: bool,
    /// Counts in this book: active findings, expected ones, suppressed ones.
    fires: usize,
    expected: usize,
    suppressed: usize,
}

fn rule_ctx(rule: &'static Rule, fires: Option<&Vec<Fire>>) -> RuleCtx {
    let count = |what: &str| fires.map_or(0, |f| f.iter().filter(|x| x.disposition == what).count());
    RuleCtx {
        id: rule.id,
        name: rule.name,
        title: rule.title,
        severity: rule.severity.as_str(),
        area: rule.area.slug(),
        area_title: rule.area.title(),
        profiles: rule.id_profile_names(),
        removed: rule.removed,
        fires: count("active"),
        expected: count("expected"),
        suppressed: count("suppressed"),
    }
}

#[derive(Serialize)]
struct AreaCtx {
    slug: &'static str,
    title: &'static str,
    rules: Vec<RuleCtx>,
}

/// The rule IDs grouped by area, in area order, IDs in registry order (each shown by its
/// newest version).
fn areas(fires: &Fires) -> Vec<AreaCtx> {
    let mut by_area: BTreeMap<Area, Vec<&'static Rule>> = BTreeMap::new();
    for r in rules::groups().iter().map(|g| newest(g)) {
        by_area.entry(r.area).or_default().push(r);
    }
    by_area
        .into_iter()
        .map(|(area, rs)| AreaCtx {
            slug: area.slug(),
            title: area.title(),
            rules: rs.into_iter().map(|r| rule_ctx(r, fires.get(r.id))).collect(),
        })
        .collect()
}

/// The version that stands for a rule ID in listings and page titles: the newest.
pub(super) fn newest(group: &'static [&'static Rule]) -> &'static Rule {
    group[group.len() - 1]
}

/// The Markdown of a rule page (every version of its ID), parsed (its headings, sections and
/// code blocks).
pub(super) fn parse_rule(rule: &Rule) -> ParsedPage {
    let path: Arc<str> = Arc::from(format!("rules/{}.md", rule.id));
    markdown::parse(&path, &format!("rules/{}.md", rule.id), &rules::docs::site_markdown(rule), 0)
}

/// The examples and fixes of a rule page, checked on their own (lines count from the first
/// line of each YAML; each block names its version's profile): what the page draws.
fn check_examples(rule: &Rule, parsed: &ParsedPage, settings: &CheckSettings) -> Vec<BlockReport> {
    parsed.blocks.iter().map(|b| check_yaml(&example_file(rule), &b.yaml, &b.info, settings)).collect()
}

/// The file name the examples of a rule page are checked under.
fn example_file(rule: &Rule) -> String {
    format!("rules/{}.yaml", rule.id)
}

impl Site {
    /// Where every rule fires in the book, in reading order.
    pub(super) fn fires(&self) -> Fires {
        let mut out: Fires = BTreeMap::new();
        for &i in self.reading_order().iter() {
            let Some(p) = self.pages.get(i) else { continue };
            for r in &p.reports {
                for (n, d) in r.diagnostics.iter().enumerate() {
                    let Some(rule) = d.code.rule() else { continue };
                    out.entry(rule.id).or_default().push(Fire {
                        page_title: p.title.clone(),
                        url: format!("{}#{}", p.out_path, finding_anchor(&r.id, n)),
                        block: r.id.clone(),
                        block_title: r.options.title.clone(),
                        message: d.message.clone(),
                        severity: d.severity.as_str(),
                        disposition: disposition(d),
                        reason: d.suppression_reason.clone(),
                    });
                }
            }
        }
        out
    }

    /// Page indices in reading order, then the pages outside the navigation.
    pub(super) fn reading_order(&self) -> Vec<usize> {
        let n = self.pages.len();
        let mut seen = vec![false; n];
        let mut order = Vec::with_capacity(n);
        for i in self.nav.order.iter().copied().chain(0..n) {
            if i < n && !seen[i] {
                seen[i] = true;
                order.push(i);
            }
        }
        order
    }

    /// The page of the rule ID at `index` in [`rules::groups`].
    pub(super) fn render_rule(&self, index: usize, fires: &Fires) -> Result<Vec<u8>, Box<Diagnostic>> {
        let all = rules::groups();
        let Some(rule) = all.get(index).map(|g| newest(g)) else {
            return Err(Box::new(Diagnostic::error(ToolCode::Io, "no such rule")));
        };
        let parsed = parse_rule(rule);
        let path = rule_path(rule.id);
        let reports = check_examples(rule, &parsed, &self.options.check);
        let first_lines = vec![1; reports.len()];
        let source_path = example_file(rule);
        let body = body_html(
            &parsed,
            &BodyContext {
                renderer: &self.renderer,
                reports: &reports,
                first_lines: &first_lines,
                page_path: &path,
                root: "../",
                source_path: &source_path,
                figures: &[],
                sanitize: false,
            },
        );
        let title = format!("{}: {}", rule.id, rule.title);
        let mut toc: Vec<TocCtx<'_>> = parsed
            .headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level))
            .map(|h| TocCtx { level: h.level, id: &h.id, text: &h.text })
            .collect();
        toc.push(TocCtx { level: 2, id: FIRES_ANCHOR, text: "Where this rule fires" });
        let link = |g: Option<&&'static [&'static Rule]>| {
            g.map(|g| newest(g))
                .map(|r| LinkCtx { title: format!("{}: {}", r.id, r.title), url: format!("{}.html", r.id) })
        };
        let page = PageCtx {
            title: &title,
            description: Some(rule.title),
            path: &path,
            source: "",
            root: "../",
            toc,
            prev: link(index.checked_sub(1).and_then(|p| all.get(p))),
            next: link(all.get(index + 1)),
            edit_url: None,
            canonical: self.canonical(&path),
            failing: 0,
        };
        let ctx = context! {
            book => value(self.book_ctx()),
            page => value(&page),
            rule => value(rule_ctx(rule, fires.get(rule.id))),
            fires => value(fires.get(rule.id).map(Vec::as_slice).unwrap_or(&[])),
            fires_anchor => FIRES_ANCHOR,
            content => Value::from_safe_string(body),
        };
        self.renderer.render("rule.html", &ctx).map(String::into_bytes)
    }

    /// `rules/index.html`: every rule, grouped by area, with how often it fires here.
    pub(super) fn render_rules_index(&self, fires: &Fires) -> Result<Vec<u8>, Box<Diagnostic>> {
        let areas = areas(fires);
        let toc: Vec<TocCtx<'_>> =
            areas.iter().map(|a| TocCtx { level: 2, id: a.slug, text: a.title }).collect();
        let page = PageCtx {
            title: "Rules reference",
            description: Some("Every rule topobook checks, grouped by area"),
            path: INDEX_PATH,
            source: "",
            root: "../",
            toc,
            prev: None,
            next: None,
            edit_url: None,
            canonical: self.canonical(INDEX_PATH),
            failing: 0,
        };
        let ctx = context! {
            book => value(self.book_ctx()),
            page => value(&page),
            areas => value(&areas),
            count => rules::groups().len(),
        };
        self.renderer.render("rules-index.html", &ctx).map(String::into_bytes)
    }

    /// The rule pages to write: all of them (`only` = `None`), or those of the given IDs,
    /// and the index. Rendered in parallel.
    pub(super) fn rule_pages(&self, fires: &Fires, only: Option<&[&'static str]>) -> Vec<Rendered> {
        let picked: Vec<usize> = rules::groups()
            .iter()
            .enumerate()
            .filter(|(_, g)| only.is_none_or(|ids| ids.contains(&g[0].id)))
            .map(|(i, _)| i)
            .collect();
        let mut out: Vec<Rendered> = picked
            .into_par_iter()
            .map(|i| (rule_path(rules::groups()[i][0].id), self.render_rule(i, fires)))
            .collect();
        out.push((INDEX_PATH.to_string(), self.render_rules_index(fires)));
        out
    }

    /// The sidebar's rules section: areas and their rules (IDs and titles).
    pub(super) fn sidebar_rules(&self) -> Value {
        value(areas(&Fires::new()))
    }
}

/// The rules whose fires differ between two computations.
pub(super) fn changed_rules(before: &Fires, after: &Fires) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> =
        before.keys().chain(after.keys()).copied().filter(|id| before.get(id) != after.get(id)).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
