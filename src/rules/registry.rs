//! The one list of every rule.

use std::sync::LazyLock;

use super::Rule;

static REGISTRY: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    let mut all: Vec<&'static Rule> = [
        super::general::RULES,
        super::workspace::RULES,
        super::network::RULES,
        super::storage::RULES,
        super::keyvault::RULES,
        super::acr::RULES,
        super::ai::RULES,
        super::compute::RULES,
        super::aci::RULES,
        super::aks::RULES,
        super::studio::RULES,
        super::firewall::RULES,
        super::dns::RULES,
    ]
    .concat();
    all.sort_by(|a, b| natural_key(a.id).cmp(&natural_key(b.id)));
    all
});

/// `AML-ST-010` sorts after `AML-ST-009`: area prefix, then number.
fn natural_key(id: &str) -> (&str, u32) {
    match id.rsplit_once('-') {
        Some((prefix, n)) => (prefix, n.parse().unwrap_or(u32::MAX)),
        None => (id, 0),
    }
}

/// Every rule, sorted by ID.
pub fn registry() -> &'static [&'static Rule] {
    &REGISTRY
}

/// Find a rule by ID (case-insensitive).
pub fn by_id(id: &str) -> Option<&'static Rule> {
    REGISTRY.iter().copied().find(|r| r.id.eq_ignore_ascii_case(id.trim()))
}

/// The rule with this ID, for tests that build diagnostics by hand.
#[cfg(test)]
pub(crate) fn rule(id: &str) -> &'static Rule {
    match by_id(id) {
        Some(r) => r,
        None => panic!("{id} is not in the registry"),
    }
}
