//! Checking one block: parse, resolve, run the rules, apply suppressions and `expect=`, and
//! turn everything into diagnostics located in the `.md` file.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::model::{Topology, items};
use super::resolve::Net;
use super::yaml;
use super::{BlockReport, BlockSource, CheckSettings, Outcome, RuleOutcome, RuleState};
use crate::diag::{Diagnostic, Disposition, LineIndex, Location, Severity, codes, did_you_mean};
use crate::rules::{self, Profile, RuleStatus};

/// Check one topology block. Never fails: every problem becomes a diagnostic.
pub fn check_block(
    source: Arc<BlockSource>,
    page_source: &str,
    index: &LineIndex,
    settings: &CheckSettings,
) -> BlockReport {
    let (options, mut diagnostics) = source.options(page_source, index);
    let id = options.id.clone().unwrap_or_else(|| source.default_id());
    let loc = |span: std::ops::Range<usize>| source.locate(page_source, index, span);
    let fence = source.fence_location(page_source, index);
    let mut report = BlockReport {
        source: source.clone(),
        id: id.clone(),
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
        report.diagnostics = diagnostics;
        tag_block(&mut report);
        return report;
    }

    let topo: Topology = match yaml::from_str(&source.yaml) {
        Ok(t) => t,
        Err(e) => {
            let mut d = Diagnostic::error(e.code, e.message).at(loc(e.span));
            d.help = e.help;
            diagnostics.push(d);
            report.outcome = Outcome::Invalid;
            report.diagnostics = diagnostics;
            tag_block(&mut report);
            return report;
        }
    };
    let net = Net::new(Arc::new(topo));
    for p in &net.problems {
        let mut d = Diagnostic::error(p.code, p.message.clone()).at(loc(p.span.clone()));
        d.help = p.help.clone();
        d.yaml_path = Some(p.path.clone());
        diagnostics.push(d);
    }

    let profile = choose_profile(&net, &options.profile, settings, &fence, &loc, &mut diagnostics);
    report.profile = Some(profile);

    // Run the rules.
    let results = rules::run(&net, profile);
    let mut rule_diags: Vec<(&'static rules::Rule, Diagnostic)> = Vec::new();
    for r in &results {
        for f in &r.findings {
            let mut d =
                Diagnostic::new(r.rule.severity, r.rule.id, f.message.clone()).at(loc(f.span.clone()));
            d.help = Some(f.help.clone().unwrap_or_else(|| r.rule.help.to_string()));
            d.label = f.label.clone();
            d.url = Some(settings.rule_url(r.rule.id));
            d.yaml_path = Some(f.path.clone());
            rule_diags.push((r.rule, d));
        }
    }

    // Flows: answered, and a `flow-mismatch` error for each contradicted `expect:`.
    let (flows, mut flow_diags) = crate::flows::check(&net, &loc);
    report.flows = flows;

    // Suppressions.
    let suppressions = read_suppressions(&net, settings, &loc, &mut diagnostics);
    let mut used = vec![false; suppressions.len()];
    for (rule, d) in &mut rule_diags {
        if let Some(i) = suppressions.iter().position(|s| s.rule == rule.id) {
            d.disposition = Disposition::Suppressed;
            d.suppression_reason = Some(suppressions[i].reason.clone());
            used[i] = true;
        }
    }
    for (s, used) in suppressions.iter().zip(&used) {
        if !used {
            diagnostics.push(
                Diagnostic::warning(
                    codes::SUPPRESSION,
                    format!("suppression of `{}` matches no finding", s.rule),
                )
                .at(loc(s.span.clone()))
                .with_help("remove the suppression; the rule no longer fires here"),
            );
        }
    }

    // expect=
    let mut expect_ok = true;
    if let Some(expected) = &options.expect {
        let mut wanted = BTreeSet::new();
        for e in expected {
            match rules::by_id(e) {
                Some(r) => {
                    wanted.insert(r.id);
                }
                None if e == codes::FLOW_MISMATCH => {
                    wanted.insert(codes::FLOW_MISMATCH);
                }
                None => {
                    expect_ok = false;
                    let ids = rules::registry().iter().map(|r| r.id).chain([codes::FLOW_MISMATCH]);
                    let help = did_you_mean(e, ids)
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "run `topobook rules` to list the rule IDs".to_string());
                    diagnostics.push(
                        Diagnostic::error(codes::BLOCK_OPTION, format!("`expect=` names unknown rule `{e}`"))
                            .at(fence.clone())
                            .with_help(help),
                    );
                }
            }
        }
        let mut fired: BTreeSet<&str> = rule_diags
            .iter()
            .filter(|(r, d)| d.disposition == Disposition::Active && r.severity >= Severity::Warning)
            .map(|(r, _)| r.id)
            .collect();
        if flow_diags.iter().any(|d| d.severity == Severity::Error) {
            fired.insert(codes::FLOW_MISMATCH);
        }
        if wanted.contains(codes::FLOW_MISMATCH) {
            flow_diags
                .iter_mut()
                .filter(|d| d.severity == Severity::Error)
                .for_each(|d| d.disposition = Disposition::Expected);
        }
        for (rule, d) in &mut rule_diags {
            if wanted.contains(rule.id) && d.disposition == Disposition::Active {
                d.disposition = Disposition::Expected;
            }
        }
        for w in wanted.difference(&fired) {
            expect_ok = false;
            diagnostics.push(
                Diagnostic::error(
                    codes::EXPECT_MISMATCH,
                    format!("this block expects `{w}` to fire, but it did not"),
                )
                .at(fence.clone())
                .with_help(format!(
                    "change the topology so that it breaks `{w}`, or remove it from `expect=`"
                )),
            );
        }
        for f in fired.difference(&wanted) {
            expect_ok = false;
            diagnostics.push(
                Diagnostic::error(
                    codes::EXPECT_MISMATCH,
                    format!("`{f}` fired, but this block does not expect it"),
                )
                .at(fence.clone())
                .with_help(format!("add `{f}` to `expect=` or fix the topology so that it passes `{f}`")),
            );
        }
    }

    // Per-rule outcomes for the status panel.
    report.rules = results
        .iter()
        .map(|r| {
            let mine =
                rule_diags.iter().filter(|(rule, _)| rule.id == r.rule.id).map(|(_, d)| &d.disposition);
            let state = match &r.status {
                RuleStatus::Passed => RuleState::Passed,
                RuleStatus::NotEvaluated(why) => RuleState::NotEvaluated(why),
                RuleStatus::Failed => {
                    let ds: Vec<&Disposition> = mine.collect();
                    if ds.iter().any(|d| **d == Disposition::Active) {
                        RuleState::Failed
                    } else if ds.iter().any(|d| **d == Disposition::Expected) {
                        RuleState::Expected
                    } else {
                        RuleState::Suppressed
                    }
                }
            };
            RuleOutcome { rule: r.rule, state }
        })
        .collect();

    diagnostics.extend(rule_diags.into_iter().map(|(_, d)| d));
    diagnostics.extend(flow_diags);
    let failing = diagnostics.iter().any(|d| d.fails(false));
    report.outcome = match &options.expect {
        Some(_) if expect_ok && !failing => Outcome::ExpectedFail,
        _ if failing || !expect_ok => Outcome::Failed,
        _ => Outcome::Passed,
    };
    report.net = Some(Arc::new(net));
    report.diagnostics = diagnostics;
    tag_block(&mut report);
    report
}

/// Fill the block id into every diagnostic and sort them.
fn tag_block(report: &mut BlockReport) {
    for d in &mut report.diagnostics {
        d.block = Some(report.id.clone());
    }
    crate::diag::sort(&mut report.diagnostics);
}

fn choose_profile(
    net: &Net,
    fence_profile: &Option<String>,
    settings: &CheckSettings,
    fence: &Location,
    loc: &dyn Fn(std::ops::Range<usize>) -> Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> Profile {
    let meta = net.topo().meta.as_ref().and_then(|m| m.profile.as_ref());
    let (name, at) = match (fence_profile, meta, &settings.profile) {
        (Some(p), _, _) => (p.clone(), fence.clone()),
        (None, Some(m), _) => (m.value.clone(), loc(m.span.clone())),
        (None, None, Some(p)) => (p.clone(), fence.clone()),
        (None, None, None) => return Profile::DEFAULT,
    };
    if let Some(p) = Profile::parse(&name) {
        return p;
    }
    let help = if Profile::RESERVED.contains(&name.as_str()) {
        format!("profile `{name}` is planned for a later version; use `{}`", Profile::DEFAULT.name())
    } else {
        format!("known profiles: {}", Profile::NAMES.join(", "))
    };
    diagnostics.push(
        Diagnostic::error(
            codes::INVALID_VALUE,
            format!("unknown profile `{name}`; checking with `{}`", Profile::DEFAULT.name()),
        )
        .at(at)
        .with_help(help),
    );
    Profile::DEFAULT
}

struct Suppression {
    rule: &'static str,
    reason: String,
    span: std::ops::Range<usize>,
}

/// Read `meta.suppress`, reporting entries without a rule or reason, unknown rules, bad or
/// past expiry dates. Only valid, unexpired entries are returned.
fn read_suppressions(
    net: &Net,
    settings: &CheckSettings,
    loc: &dyn Fn(std::ops::Range<usize>) -> Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    let Some(meta) = &net.topo().meta else { return Vec::new() };
    let mut out = Vec::new();
    for (i, s) in items(&meta.suppress).enumerate() {
        let path = format!("meta.suppress[{i}]");
        let mut push = |d: Diagnostic| {
            let mut d = d;
            d.yaml_path = Some(path.clone());
            diagnostics.push(d);
        };
        let Some(rule) = &s.rule else {
            push(
                Diagnostic::error(codes::SUPPRESSION, "suppression without a `rule`")
                    .at(loc(s.span.clone()))
                    .with_help("name the rule: `{rule: AML-ST-008, reason: \"...\"}`"),
            );
            continue;
        };
        let Some(r) = rules::by_id(&rule.value) else {
            let help = did_you_mean(&rule.value, rules::registry().iter().map(|r| r.id))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "run `topobook rules` to list the rule IDs".into());
            push(
                Diagnostic::error(
                    codes::SUPPRESSION,
                    format!("suppression names unknown rule `{}`", rule.value),
                )
                .at(loc(rule.span.clone()))
                .with_help(help),
            );
            continue;
        };
        let reason = s.reason.as_ref().map(|r| r.value.trim()).unwrap_or("");
        if reason.is_empty() {
            push(
                Diagnostic::error(codes::SUPPRESSION, format!("suppression of `{}` has no reason", r.id))
                    .at(loc(rule.span.clone()))
                    .with_help(
                        "say why the finding is acceptable: `reason: \"...\"`; it is not applied without one",
                    ),
            );
            continue;
        }
        if let Some(exp) = &s.expires {
            match parse_date(&exp.value) {
                None => {
                    push(
                        Diagnostic::error(
                            codes::SUPPRESSION,
                            format!("expiry `{}` is not a date", exp.value),
                        )
                        .at(loc(exp.span.clone()))
                        .with_help("write the date as `YYYY-MM-DD`"),
                    );
                    continue;
                }
                Some(date) if date < settings.today => {
                    push(
                        Diagnostic::warning(
                            codes::SUPPRESSION,
                            format!(
                                "suppression of `{}` expired on {}; the finding counts again",
                                r.id, exp.value
                            ),
                        )
                        .at(loc(exp.span.clone()))
                        .with_help("fix the finding, or review the reason and set a new expiry date"),
                    );
                    continue;
                }
                Some(_) => {}
            }
        }
        out.push(Suppression { rule: r.id, reason: reason.to_string(), span: rule.span.clone() });
    }
    out
}

fn parse_date(text: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), &format).ok()
}

/// Check a YAML text on its own, as the only block of a file named `file` whose text is the
/// YAML itself (positions are those of the YAML file). `info` holds the fence options
/// (`yaml topology expect=...`). Used by `topobook explain`, the rule tests and benchmarks.
pub fn check_yaml(file: &str, yaml_text: &str, info: &str, settings: &CheckSettings) -> BlockReport {
    let mut map = super::SegmentMap::default();
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
