//! What a front end for infrastructure code (Terraform, ARM, Bicep) hands to the checking
//! stage: the same typed [`Topology`] a YAML block gives, with spans in a [`SourceSet`] of the
//! files it read, and the problems it met on the way.

use std::ops::Range;

use super::model::Topology;
use super::sources::SourceSet;
use crate::diag::{Severity, ToolCode};

/// A problem met while reading infrastructure code: a syntax error, an expression that cannot
/// be evaluated (its fields are left unknown), a resource type that is not mapped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportProblem {
    pub severity: Severity,
    /// What kind of problem (`hcl-syntax`, `cannot-evaluate` …).
    pub code: ToolCode,
    /// Lowercase, names things in backticks, says what is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Where, in the [`SourceSet`]'s offset space.
    pub span: Range<usize>,
}

/// A topology read from infrastructure code.
#[derive(Clone, Debug, Default)]
pub struct Imported {
    pub topology: Topology,
    /// The files read; every span of `topology` and of `problems` is in this space.
    pub sources: SourceSet,
    pub problems: Vec<ImportProblem>,
}
