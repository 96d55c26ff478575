//! Key Vault (AML-KV): the vault that holds the workspace's secrets must stay reachable from
//! the workspace and its compute once it is locked down.

mod kv_001;
mod kv_002;
mod kv_003;
mod kv_005;

use super::Rule;

/// The rules of this area.
pub const RULES: &[&Rule] = &[&kv_001::RULE, &kv_002::RULE, &kv_003::RULE, &kv_005::RULE];
