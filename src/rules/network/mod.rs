//! VNet, subnet and NSG basics (AML-NET): the subnet that hosts compute instances and
//! clusters must have room for them, must not be delegated, must not be blocked by policies,
//! locks or quotas, and its own NSG must not contradict the one Azure Batch configures.

mod net_001;
mod net_002;
mod net_003;
mod net_004;
mod net_005;

use super::Rule;
use crate::topology::model::{Compute, ComputeType};
use crate::topology::resolve::Net;
use crate::topology::yaml::Sp;

/// The rules of this area.
pub const RULES: &[&Rule] = &[&net_001::RULE, &net_002::RULE, &net_003::RULE, &net_004::RULE, &net_005::RULE];

/// Compute instances and compute clusters: the Azure Batch–backed training compute these
/// rules speak about.
const TRAINING: [ComputeType; 2] = [ComputeType::ComputeInstance, ComputeType::ComputeCluster];

/// Training compute (instances and clusters) that has a public IP (ARM default), with index.
fn public_ip_training(net: &Net) -> impl Iterator<Item = (usize, &Sp<Compute>)> {
    net.computes_of(&TRAINING).filter(|(_, c)| Net::compute_public_ip(c))
}

/// Is the compute placed in a VNet (by `vnet:` or `subnet:`)?
fn in_vnet(c: &Compute) -> bool {
    c.vnet.is_some() || c.subnet.is_some()
}
