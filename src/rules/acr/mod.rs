//! Azure Container Registry (AML-ACR): a registry put behind the virtual network changes how
//! the workspace builds images, and constrains where the registry, the storage account and
//! the compute may sit.

mod acr_001;
mod acr_002;
mod acr_003;
mod acr_004;
mod acr_010;

use std::ops::Range;

use super::Rule;
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{Access, ComputeType, ContainerRegistry, List, StorageAccount};
use crate::topology::node::{Loc, Node, PeOwner};
use crate::topology::resolve::{Net, SubnetId};
use crate::topology::yaml::Sp;

/// The rules of this area.
pub const RULES: &[&Rule] = &[&acr_001::RULE, &acr_002::RULE, &acr_003::RULE, &acr_004::RULE, &acr_010::RULE];

/// Compute used for training or inference, which pulls images from the registry.
pub(super) const IMAGE_USERS: &[ComputeType] =
    &[ComputeType::ComputeInstance, ComputeType::ComputeCluster, ComputeType::Aks];

/// The text of an optional name, `?` when absent.
pub(super) fn name(n: &Option<Sp<String>>) -> &str {
    n.as_ref().map(|n| n.value.as_str()).unwrap_or("?")
}

static NO_RULES: Option<List<String>> = None;

/// The registry's service-endpoint rules when they take effect: the registry is secured and
/// its public endpoint (whose firewall holds the rules) is enabled.
pub(super) fn effective_vnet_rules(r: &ContainerRegistry) -> &Option<List<String>> {
    match &r.network {
        Some(n) if r.secured() && r.public_access() == Access::Enabled && r.has_vnet_rules() => &n.vnet_rules,
        _ => &NO_RULES,
    }
}

/// Is the registry in a virtual network: reached through a private endpoint, or locked to
/// service-endpoint rules that take effect?
pub(super) fn in_vnet(r: &ContainerRegistry) -> bool {
    r.has_private_endpoints() || effective_vnet_rules(r).is_some()
}

/// Subnets where the registry is attached (service-endpoint rules and private endpoints).
pub(super) fn registry_subnets(net: &Net, r: &ContainerRegistry) -> Vec<SubnetId> {
    net.attachment_subnets(effective_vnet_rules(r), &r.private_endpoints)
}

/// Subnets where a storage account is attached: its service-endpoint rules (when they take
/// effect) and its private endpoints.
pub(super) fn storage_subnets(net: &Net, s: &StorageAccount) -> Vec<SubnetId> {
    let rules_apply = s.secured() && s.public_access() == Access::Enabled;
    let rules = match &s.network {
        Some(n) if rules_apply => &n.vnet_rules,
        _ => &NO_RULES,
    };
    net.attachment_subnets(rules, &s.private_endpoints)
}

/// Where to point at a registry's placement: the `subnet` of its first private endpoint,
/// else its `network.vnet_rules`, else the registry itself.
pub(super) fn placement_at(r: &Sp<ContainerRegistry>, index: usize) -> (Range<usize>, Loc) {
    let base = Node::Registry(index);
    if let Some(list) = r.private_endpoints.as_ref().filter(|l| !l.value.is_empty()) {
        let pe = &list.value[0];
        let node = Node::Pe { owner: PeOwner::Registry(index), index: 0 };
        return match &pe.subnet {
            Some(s) => (s.span.clone(), node.field("subnet")),
            None => (pe.span.clone(), node.into()),
        };
    }
    match r.network.as_ref().and_then(|n| n.vnet_rules.as_ref()) {
        Some(l) => (l.span.clone(), base.field("network.vnet_rules")),
        None => (r.span.clone(), base.into()),
    }
}

/// `vnet/a`, `vnet/b` for messages.
pub(super) fn subnet_list(net: &Net, ids: &[SubnetId]) -> String {
    ids.iter().map(|s| format!("`{}`", net.subnet_label(*s))).collect::<Vec<_>>().join(", ")
}
