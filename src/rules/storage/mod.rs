//! Storage accounts (AML-ST): the workspace's storage accounts must stay reachable from the
//! workspace, its compute and its users once they are put behind the virtual network.

mod st_001;
mod st_002;
mod st_003;
mod st_004;
mod st_005;
mod st_008;
mod st_009;
mod st_012;

use super::Rule;
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{Access, ComputeType, List, StorageAccount};
use crate::topology::yaml::Sp;

/// The rules of this area.
pub const RULES: &[&Rule] = &[
    &st_001::RULE,
    &st_002::RULE,
    &st_002::CURRENT,
    &st_003::RULE,
    &st_004::RULE,
    &st_005::RULE,
    &st_008::RULE,
    &st_009::RULE,
    &st_012::RULE,
];

/// Compute that reads and writes the workspace's storage: training and inference targets.
pub(super) const STORAGE_USERS: &[ComputeType] =
    &[ComputeType::ComputeInstance, ComputeType::ComputeCluster, ComputeType::Aks];

/// The text of an optional name, `?` when absent.
pub(super) fn name(n: &Option<Sp<String>>) -> &str {
    n.as_ref().map(|n| n.value.as_str()).unwrap_or("?")
}

static NO_RULES: Option<List<String>> = None;

/// Do the account's service-endpoint rules take effect? Only on a secured account (an open
/// one admits everybody anyway) whose public endpoint is enabled: virtual-network rules are
/// rules of the public endpoint's firewall, so `public_network_access: Disabled` voids them.
pub(super) fn service_endpoints_effective(s: &StorageAccount) -> bool {
    s.secured() && s.public_access() == Access::Enabled && s.has_vnet_rules()
}

/// The account's `vnet_rules` when they take effect, else no rules.
pub(super) fn effective_vnet_rules(s: &StorageAccount) -> &Option<List<String>> {
    match &s.network {
        Some(n) if service_endpoints_effective(s) => &n.vnet_rules,
        _ => &NO_RULES,
    }
}

/// "compute `a`" or "computes `a`, `b`".
pub(super) fn computes_phrase(names: &[&str]) -> String {
    let list = names.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    if names.len() == 1 { format!("compute {list}") } else { format!("computes {list}") }
}
