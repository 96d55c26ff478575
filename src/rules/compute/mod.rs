//! Training compute (AML-CMP): compute instances and clusters (Azure Batch underneath),
//! Databricks and attached VMs in the virtual network: placement, the inbound ports Azure
//! Batch and Azure Machine Learning need, forced tunneling and restricted outbound.

mod cmp_001;
mod cmp_002;
mod cmp_003;
mod cmp_004;
mod cmp_009;
mod cmp_010;
mod cmp_011;
mod cmp_012;
mod cmp_013;
mod cmp_014;
mod cmp_015;
mod cmp_017;
mod cmp_021;
mod cmp_022;
pub(crate) mod shared;

use super::Rule;

/// The rules of this area.
pub const RULES: &[&Rule] = &[
    &cmp_001::RULE,
    &cmp_002::RULE,
    &cmp_003::RULE,
    &cmp_004::RULE,
    &cmp_009::RULE,
    &cmp_010::RULE,
    &cmp_011::RULE,
    &cmp_012::RULE,
    &cmp_013::RULE,
    &cmp_014::RULE,
    &cmp_015::RULE,
    &cmp_017::RULE,
    &cmp_021::RULE,
    &cmp_022::RULE,
];
