//! Inferencing on AKS (AML-AKS): an Azure Kubernetes Service cluster used for scoring must
//! sit in the right VNet and region, have a network profile that does not collide with the
//! address plan, and keep its scoring endpoint and image pulls reachable.

mod common;

mod aks_001;
mod aks_002;
mod aks_003;
mod aks_004;
mod aks_005;
mod aks_006;

use super::Rule;

/// The rules of this area.
pub const RULES: &[&Rule] = &[
    &aks_001::RULE,
    &aks_002::RULE,
    &aks_003::RULE,
    &aks_004::RULE,
    &aks_005::RULE,
    &aks_006::RULE,
];
