//! Rules of this area.

use super::Rule;

/// The rules of this area.
pub const RULES: &[&Rule] = &[];
