//! Application Insights (AML-AI): what the documentation of the period says about the
//! workspace's monitoring resource in a secured network.

mod ai_001;

use super::Rule;

/// The rules of this area.
pub const RULES: &[&Rule] = &[&ai_001::RULE];
