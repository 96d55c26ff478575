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
mod aks_007;
mod aks_008;
mod aks_009;
mod aks_010;
mod aks_011;
mod aks_012;
mod aks_013;
mod aks_014;
mod aks_015;
mod aks_018;
mod aks_019;
mod aks_020;

use super::Rule;

/// The rules of this area.
pub const RULES: &[&Rule] = &[
    &aks_001::RULE,
    &aks_002::RULE,
    &aks_003::RULE,
    &aks_004::RULE,
    &aks_005::RULE,
    &aks_006::RULE,
    &aks_007::RULE,
    &aks_008::RULE,
    &aks_009::RULE,
    &aks_010::RULE,
    &aks_011::RULE,
    &aks_012::RULE,
    &aks_013::RULE,
    &aks_014::RULE,
    &aks_015::RULE,
    &aks_018::RULE,
    &aks_019::RULE,
    &aks_020::RULE,
];
