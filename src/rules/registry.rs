//! The one list of every rule version, and the views the rest of the tool needs: the versions
//! of one ID, the versions a profile runs, one group per ID.

use std::sync::LazyLock;

use super::{Period, Profile, Rule};

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
    all.sort_by(|a, b| (natural_key(a.id), first_period(a)).cmp(&(natural_key(b.id), first_period(b))));
    all
});

/// The versions of each ID, as slices of the registry (which is sorted by ID).
static GROUPS: LazyLock<Vec<&'static [&'static Rule]>> = LazyLock::new(|| {
    let all: &'static [&'static Rule] = registry();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=all.len() {
        if i == all.len() || all[i].id != all[start].id {
            out.push(&all[start..i]);
            start = i;
        }
    }
    out
});

/// The versions each profile runs, in registry order (index: position in [`Profile::ALL`]).
static BY_PROFILE: LazyLock<Vec<Vec<&'static Rule>>> = LazyLock::new(|| {
    Profile::ALL.iter().map(|p| registry().iter().copied().filter(|r| p.includes(r)).collect()).collect()
});

/// `AML-ST-010` sorts after `AML-ST-009`: area prefix, then number.
fn natural_key(id: &str) -> (&str, u32) {
    match id.rsplit_once('-') {
        Some((prefix, n)) => (prefix, n.parse().unwrap_or(u32::MAX)),
        None => (id, 0),
    }
}

/// The earliest period of a version (versions of one ID are ordered by it).
fn first_period(r: &Rule) -> Option<Period> {
    r.periods.iter().min().copied()
}

/// Every rule version, sorted by ID, then by period (the `2020-10` version before the
/// `2026-02` one).
pub fn registry() -> &'static [&'static Rule] {
    &REGISTRY
}

/// One slice per rule ID, holding its versions (oldest first), in ID order.
pub fn groups() -> &'static [&'static [&'static Rule]] {
    &GROUPS
}

/// The versions of a rule ID (case-insensitive), oldest first; empty for an unknown ID.
pub fn versions(id: &str) -> &'static [&'static Rule] {
    let id = id.trim();
    GROUPS.iter().copied().find(|g| g[0].id.eq_ignore_ascii_case(id)).unwrap_or(&[])
}

/// The versions `profile` runs, in ID order (at most one per ID).
pub fn for_profile(profile: Profile) -> &'static [&'static Rule] {
    let i = Profile::ALL.iter().position(|p| *p == profile).unwrap_or(0);
    BY_PROFILE.get(i).map(Vec::as_slice).unwrap_or(&[])
}

/// The profiles any version of `id` belongs to, oldest first.
pub fn profiles_of(id: &str) -> Vec<Profile> {
    let vs = versions(id);
    Profile::ALL.iter().copied().filter(|p| vs.iter().any(|r| p.includes(r))).collect()
}

/// A rule as a user names it (`expect=`, suppressions, `explain`, links): by ID,
/// case-insensitive, whatever the version. Returns the newest version, which carries the ID,
/// name and area shared by all of them.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    versions(id).last().copied()
}

/// The version of `id` that `profile` runs, if any.
pub fn in_profile(id: &str, profile: Profile) -> Option<&'static Rule> {
    versions(id).iter().copied().find(|r| profile.includes(r))
}

/// The rule with this ID, for tests that build diagnostics by hand.
#[cfg(test)]
pub(crate) fn rule(id: &str) -> &'static Rule {
    match by_id(id) {
        Some(r) => r,
        None => panic!("{id} is not in the registry"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_cover_the_registry_and_versions_do_not_overlap() {
        let total: usize = groups().iter().map(|g| g.len()).sum();
        assert_eq!(total, registry().len());
        for g in groups() {
            for p in Profile::ALL {
                let n = g.iter().filter(|r| p.includes(r)).count();
                assert!(n <= 1, "{}: {n} versions in profile {p}", g[0].id);
            }
            assert!(g.iter().all(|r| r.id == g[0].id && r.name == g[0].name && r.area == g[0].area));
        }
        for p in Profile::ALL {
            let ids: Vec<&str> = for_profile(*p).iter().map(|r| r.id).collect();
            let mut dedup = ids.clone();
            dedup.dedup();
            assert_eq!(ids, dedup, "profile {p} runs one version per ID");
        }
    }

    #[test]
    fn lookups_ignore_case_and_versions() {
        let st = versions("aml-st-002");
        assert_eq!(st.len(), 2);
        assert!(Profile::P2020_10.includes(st[0]) && Profile::P2026_02.includes(st[1]));
        assert_eq!(by_id(" AML-ST-002 ").map(|r| r.id), Some("AML-ST-002"));
        assert!(std::ptr::eq(in_profile("AML-ST-002", Profile::P2020_10).unwrap(), st[0]));
        assert_eq!(profiles_of("AML-ST-002"), vec![Profile::P2020_10, Profile::P2026_02]);
        assert_eq!(profiles_of("AML-CMP-002"), vec![Profile::P2020_10]);
        assert!(versions("AML-NOPE-001").is_empty() && by_id("AML-NOPE-001").is_none());
    }
}
