//! Workspace and its private endpoint (AML-WS): where a private-link workspace is available,
//! how its endpoint is placed, and who can still reach it.

mod ws_001;
mod ws_003;
mod ws_004;
mod ws_007;

use super::Rule;

/// The rules of this area.
pub const RULES: &[&Rule] = &[&ws_001::RULE, &ws_003::RULE, &ws_004::RULE, &ws_007::RULE];
