//! The Terraform front end: the files of a module in, the same typed [`Topology`] a YAML
//! block gives out, with every span in the `.tf` (or `.tfvars`) file the value came from.
//!
//! - [`parse`]: every file read with `hcl-edit` (spans kept); a syntax error is an
//!   `hcl-syntax` error at its position and the other files still import. Then the module
//!   is indexed: variables, tfvars values, locals, resources, data sources, module calls.
//! - [`eval`], [`refs`], [`instances`], [`funcs`]: expressions evaluated the way Terraform plans them, as far
//!   as the code alone says: variable defaults and tfvars, locals, references by address,
//!   templates, `count` and `for_each`, `dynamic` blocks, the common functions. A resource ID
//!   is a [`value::Value::Id`] naming what it points at. What only Azure knows (IDs as text,
//!   IPs it assigns, data sources, module outputs, unknown functions) is
//!   [`value::Value::Unknown`] with the reason.
//! - [`map`]: the azurerm resources of an Azure ML network mapped onto the model; a field
//!   whose value is unknown is left out with a located `cannot-evaluate` note.

mod eval;
mod funcs;
mod instances;
mod map;
mod parse;
mod refs;
mod value;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use super::import::{ImportProblem, Imported};
use super::model::Topology;
use super::sources::SourceSet;
use crate::diag::{Severity, ToolCode};

pub use parse::is_tfvars;

/// Problems met while importing: one a place and code (the instances of a `count` or
/// `for_each` share their code, so the first one speaks for all).
#[derive(Default)]
pub struct Problems {
    list: Vec<ImportProblem>,
    seen: HashSet<(Range<usize>, ToolCode)>,
}

impl Problems {
    pub fn push(
        &mut self,
        severity: Severity,
        code: ToolCode,
        message: String,
        help: Option<String>,
        span: Range<usize>,
    ) {
        if self.seen.insert((span.clone(), code)) {
            self.list.push(ImportProblem { severity, code, message, help, span });
        }
    }

    fn duplicate(&mut self, what: &str, name: &str, span: Range<usize>) {
        self.push(
            Severity::Error,
            ToolCode::HclSyntax,
            format!("{what} `{name}` is declared twice in the module"),
            Some("remove or rename one of them; Terraform refuses the module as it is".into()),
            span,
        );
    }

    pub fn into_vec(mut self) -> Vec<ImportProblem> {
        self.list.sort_by_key(|p| (p.span.start, p.span.end, p.code));
        self.list
    }
}

/// Import a Terraform module: `files` are (book-relative path, text) of every `.tf` file,
/// `terraform.tfvars` and `*.auto.tfvars` (in the order Terraform reads them: a later
/// `.tfvars` file overrides an earlier one), as `load::infra` lists them.
pub fn import(files: &[(Arc<str>, Arc<str>)]) -> Imported {
    let mut sources = SourceSet::new();
    let mut problems = Problems::default();
    let parsed = parse::parse_files(files, &mut sources, &mut problems);
    let cfg = parse::Config::index(&parsed, &mut problems);
    let mut ev = eval::Evaluator::new(&cfg, problems);
    let topology: Topology = map::map(&mut ev);
    Imported { topology, sources, problems: ev.problems.into_vec() }
}

#[cfg(test)]
mod tests;
