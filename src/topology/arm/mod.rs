//! The ARM template front end: an Azure Resource Manager deployment template (and its
//! parameters file) read into the same typed [`Topology`](crate::topology::model::Topology) a YAML block gives.
//!
//! [`json`] parses with a span for every value; [`expr`] parses the `[...]` expression
//! language and [`eval`] / [`funcs`] evaluate it in the scope of each template ([`scope`]:
//! parameters, variables, `copy` loops, conditions, nested deployments with inner scope, as
//! Bicep modules compile to); [`map`] turns the declared resources into the model, reading
//! their properties through [`cursor`]. Every model value is spanned at the JSON property it
//! was read from, in the [`SourceSet`] of the template and the parameters file; a value
//! computed by an expression is spanned at that expression. What cannot be known (a runtime
//! property, a parameter without value, an unsupported function) is one `cannot-evaluate`
//! note where it arises, and the model fields that need it stay empty: never a guess.
//!
//! Files are read by `load::arm`; this module only sees texts.

pub mod cursor;
pub mod eval;
pub mod expr;
pub mod funcs;
pub mod json;
pub mod map;
pub mod resid;
pub mod scope;
pub mod value;

use std::sync::Arc;

use super::import::{ImportProblem, Imported};
use super::sources::SourceSet;
use crate::diag::Severity;
use crate::diag::ToolCode;
use eval::{At, Env, Eval};
use json::J;

/// The help of `cannot-evaluate` notes.
pub(crate) fn note_help() -> Option<String> {
    Some(
        "what depends on it is left unknown (rules that need it are not evaluated); give the value in the parameters file or as a literal if the checks need it"
            .into(),
    )
}

/// Import an ARM template (book-relative path and text) and its parameters file.
pub fn import(template: (Arc<str>, Arc<str>), parameters: Option<(Arc<str>, Arc<str>)>) -> Imported {
    let mut sources = SourceSet::new();
    let template_base = sources.add(template.0.clone(), template.1.clone());
    let params_base = parameters.as_ref().map(|(p, t)| sources.add(p.clone(), t.clone()));
    let mut problems = Vec::new();

    let Some(root) = read(&template.0, &template.1, template_base, &mut problems) else {
        return Imported { topology: Default::default(), sources, problems };
    };
    if !is_template(&template.0, &root, &mut problems) {
        return Imported { topology: Default::default(), sources, problems };
    }
    let params = match (&parameters, params_base) {
        (Some((path, text)), Some(base)) => match read(path, text, base, &mut problems) {
            Some(p) if is_parameters(path, &p, &mut problems) => Some(p),
            Some(_) => return Imported { topology: Default::default(), sources, problems },
            None => return Imported { topology: Default::default(), sources, problems },
        },
        _ => None,
    };

    let ev = Eval::new();
    let scope = scope::root(&ev, &root, params.as_ref());
    let at = At { scope, env: Env::default() };
    scope::collect(&ev, &root, &at, 0);
    let topology = map::build(&ev);
    problems.extend(ev.into_problems());
    Imported { topology, sources, problems }
}

/// Parse one file, reporting a syntax error and duplicate keys.
fn read(path: &str, text: &str, base: usize, problems: &mut Vec<ImportProblem>) -> Option<J> {
    match json::parse(text, base) {
        Ok((j, dups)) => {
            for d in dups {
                problems.push(ImportProblem {
                    severity: Severity::Error,
                    code: ToolCode::DuplicateKey,
                    message: format!("`{}` appears twice in this object: the first one is read", d.key),
                    help: Some("remove one of them".into()),
                    span: d.span,
                });
            }
            Some(j)
        }
        Err(e) => {
            problems.push(ImportProblem {
                severity: Severity::Error,
                code: ToolCode::JsonSyntax,
                message: format!("`{path}` is not valid JSON: {}", e.message),
                help: Some(
                    "fix the JSON here; ARM templates are JSON, with `//` and `/* */` comments allowed"
                        .into(),
                ),
                span: e.span,
            });
            None
        }
    }
}

fn schema(j: &J) -> Option<&str> {
    j.get("$schema").and_then(J::as_str)
}

fn is_template(path: &str, j: &J, problems: &mut Vec<ImportProblem>) -> bool {
    let s = schema(j).unwrap_or("");
    let lower = s.to_ascii_lowercase();
    if lower.contains("deploymenttemplate.json") && j.is_object() {
        return true;
    }
    let (message, help) = if lower.contains("deploymentparameters.json") {
        (
            format!("`{path}` is a parameters file, not an ARM template"),
            "point `src=` at the template and `parameters=` at this file".to_string(),
        )
    } else {
        let found = match j.get("$schema") {
            Some(_) => format!("its `$schema` is `{s}`"),
            None if j.is_object() => "it has no `$schema`".to_string(),
            None => format!("it is {}, not an object", j.kind_name()),
        };
        (
            format!("`{path}` is not an ARM template: {found}"),
            "a `json topology` block reads an Azure Resource Manager deployment template, whose `$schema` ends in `deploymentTemplate.json#` (`bicep build` writes one)".to_string(),
        )
    };
    let span = j.get("$schema").map(|s| s.span.clone()).unwrap_or_else(|| j.head());
    problems.push(ImportProblem {
        severity: Severity::Error,
        code: ToolCode::NotArmTemplate,
        message,
        help: Some(help),
        span,
    });
    false
}

fn is_parameters(path: &str, j: &J, problems: &mut Vec<ImportProblem>) -> bool {
    let lower = schema(j).unwrap_or("").to_ascii_lowercase();
    let problem = if lower.contains("deploymenttemplate.json") {
        Some((
            format!("`{path}` is an ARM template, not a parameters file"),
            "point `parameters=` at the parameters file (`azuredeploy.parameters.json`)",
        ))
    } else if !j.get("parameters").is_some_and(J::is_object) {
        Some((
            format!("`{path}` is not a parameters file: it has no `parameters` object"),
            "write `{\"parameters\": {\"name\": {\"value\": ...}}}`",
        ))
    } else {
        None
    };
    match problem {
        Some((message, help)) => {
            let span = j.get("$schema").map(|s| s.span.clone()).unwrap_or_else(|| j.head());
            problems.push(ImportProblem {
                severity: Severity::Error,
                code: ToolCode::ArmParameters,
                message,
                help: Some(help.into()),
                span,
            });
            false
        }
        None => true,
    }
}

#[cfg(test)]
mod tests;
