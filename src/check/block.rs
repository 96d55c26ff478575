//! Checking one block: read the model, resolve it, run the rules of its profile, apply
//! suppressions and `expect=`, and turn everything into diagnostics located in the book.

use std::ops::Range;
use std::sync::Arc;

use super::{BlockReport, CheckSettings, Outcome, RuleOutcome, RuleState, compare, expect, fields, suppress};
use crate::diag::{Diagnostic, Disposition, LineIndex, Location, ToolCode};
use crate::rules::{self, Profile, RuleStatus};
use crate::topology::model::Topology;
use crate::topology::{BlockSource, Net, SegmentMap, yaml};

/// Where the block's spans point: turns a span of the model into a location in the book.
pub(super) struct Locator<'a> {
    source: &'a BlockSource,
    page_source: &'a str,
    index: &'a LineIndex,
}

impl Locator<'_> {
    pub(super) fn at(&self, span: Range<usize>) -> Location {
        self.source.locate(self.page_source, self.index, span)
    }
}

/// Check one topology block. Never fails: every problem becomes a diagnostic.
pub fn check_block(
    source: Arc<BlockSource>,
    page_source: &str,
    index: &LineIndex,
    settings: &CheckSettings,
) -> BlockReport {
    let (options, mut diagnostics) = source.options(page_source, index);
    let id = options.id.clone().unwrap_or_else(|| source.default_id());
    let locator = Locator { source: &source, page_source, index };
    let fence = source.fence_location(page_source, index);
    let mut report = BlockReport {
        source: source.clone(),
        id,
        options: options.clone(),
        fence: fence.clone(),
        outcome: Outcome::Passed,
        diagnostics: Vec::new(),
        profile: None,
        net: None,
        rules: Vec::new(),
        flows: Vec::new(),
    };
    if options.ignore {
        report.outcome = Outcome::Ignored;
        return finish(report, diagnostics);
    }

    let topo: Topology = match yaml::from_str(&source.yaml) {
        Ok(t) => t,
        Err(e) => {
            let mut d = Diagnostic::error(e.code, e.message).at(locator.at(e.span));
            d.help = e.help;
            diagnostics.push(d);
            report.outcome = Outcome::Invalid;
            return finish(report, diagnostics);
        }
    };
    let net = Net::new(Arc::new(topo));
    for p in &net.problems {
        let mut d =
            Diagnostic::error(p.code, p.message.clone()).at(locator.at(p.span.clone())).about(p.loc.clone());
        d.help = p.help.clone();
        diagnostics.push(d);
    }

    let (profile, baseline) =
        choose_profile(&net, options.profile.as_deref(), settings, &fence, &locator, &mut diagnostics);
    report.profile = Some(profile);
    fields::check(&net, &source.yaml, profile, &locator, &mut diagnostics);

    let results = rules::run(&net, profile);
    let mut findings: Vec<Diagnostic> = results
        .iter()
        .flat_map(|r| {
            r.findings.iter().map(|f| {
                let mut d = Diagnostic::new(r.rule.severity, r.rule, f.message.clone())
                    .at(locator.at(f.span.clone()))
                    .about(f.loc.clone());
                d.help = Some(f.help.clone().unwrap_or_else(|| r.rule.help.to_string()));
                d.label = f.label.clone();
                d.url = Some(settings.rule_url(r.rule));
                d
            })
        })
        .collect();
    if let Some(old) = baseline {
        compare::mark(&net, old, profile, &mut findings, &locator, &mut diagnostics);
    }

    // Flows: answered, and a `flow-mismatch` error for each contradicted `expect:`.
    let (flows, flow_findings) = crate::flows::check(&net, &|span| locator.at(span));
    report.flows = flows;
    findings.extend(flow_findings);

    let suppressions = suppress::read(&net, settings, &locator, &mut diagnostics);
    suppress::apply(&suppressions, &mut findings, &locator, &mut diagnostics);
    let expect_ok = match &options.expect {
        Some(expected) => expect::apply(expected, profile, &mut findings, &fence, &mut diagnostics),
        None => true,
    };

    report.rules = results
        .iter()
        .map(|r| {
            let mine = || findings.iter().filter(|d| d.code.rule().is_some_and(|x| x.id == r.rule.id));
            let state = match &r.status {
                RuleStatus::Passed => RuleState::Passed,
                RuleStatus::NotEvaluated(why) => RuleState::NotEvaluated(why),
                RuleStatus::Failed if mine().any(|d| d.disposition == Disposition::Active) => {
                    RuleState::Failed
                }
                RuleStatus::Failed if mine().any(|d| d.disposition == Disposition::Expected) => {
                    RuleState::Expected
                }
                RuleStatus::Failed => RuleState::Suppressed,
            };
            RuleOutcome { rule: r.rule, state }
        })
        .collect();

    diagnostics.extend(findings);
    let failing = diagnostics.iter().any(|d| d.fails(false));
    report.outcome = match &options.expect {
        Some(_) if expect_ok && !failing => Outcome::ExpectedFail,
        _ if failing || !expect_ok => Outcome::Failed,
        _ => Outcome::Passed,
    };
    report.net = Some(Arc::new(net));
    finish(report, diagnostics)
}

/// Fill the block id into every diagnostic, sort them and hand the report over.
fn finish(mut report: BlockReport, mut diagnostics: Vec<Diagnostic>) -> BlockReport {
    for d in &mut diagnostics {
        d.block = Some(report.id.clone());
    }
    crate::diag::sort(&mut diagnostics);
    report.diagnostics = diagnostics;
    report
}

/// The block's profile: the fence's `profile=`, else `meta.profile`, else `--profile`, else
/// the book's `[check] profile`, else the default (`current`). An unknown name is an error
/// where it was written; the run's profile then applies.
///
/// The second value is the profile to compare with: when `--profile` chose the block's
/// profile and the block would otherwise use another (the book's or the default), that one.
fn choose_profile(
    net: &Net,
    fence_profile: Option<&str>,
    settings: &CheckSettings,
    fence: &Location,
    locator: &Locator,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Profile, Option<Profile>) {
    let meta = net.topo().meta.as_ref().and_then(|m| m.profile.as_ref());
    let (name, at) = match (fence_profile, meta) {
        (Some(p), _) => (p, fence.clone()),
        (None, Some(m)) => (m.value.as_str(), locator.at(m.span.clone())),
        (None, None) => {
            let run = settings.run_profile();
            let own = settings.own_profile();
            return (run, (run != own).then_some(own));
        }
    };
    match name.parse::<Profile>() {
        Ok(p) => (p, None),
        Err(e) => {
            let fallback = settings.run_profile();
            diagnostics.push(
                Diagnostic::error(
                    ToolCode::InvalidValue,
                    format!("{}; checking with `{}`", e.message(), fallback.name()),
                )
                .at(at)
                .with_help(e.help()),
            );
            (fallback, None)
        }
    }
}

/// Check a YAML text on its own, as the only block of a file named `file` whose text is the
/// YAML itself (positions are those of the YAML file). `info` holds the fence options
/// (`yaml topology expect=...`). Used by `topobook explain`, the rule tests and benchmarks.
pub fn check_yaml(file: &str, yaml_text: &str, info: &str, settings: &CheckSettings) -> BlockReport {
    let mut map = SegmentMap::default();
    map.push(0, 0, yaml_text.len());
    let source = BlockSource {
        page: Arc::from(file),
        index: 0,
        info: info.to_string(),
        info_offset: 0,
        fence: 0..yaml_text.len(),
        yaml: yaml_text.to_string(),
        map,
    };
    let index = LineIndex::new(yaml_text);
    check_block(Arc::new(source), yaml_text, &index, settings)
}
