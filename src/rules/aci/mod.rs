//! Azure Container Instances (AML-ACI): deploying models to ACI inside the virtual network
//! (2020): subnet delegation, resource group, the workspace private endpoint's VNet, the
//! registry outside the VNet and a subnet of its own.

mod aci_001;
mod aci_002;
mod aci_003;
mod aci_004;
mod aci_005;

use super::Rule;

/// The rules of this area.
pub const RULES: &[&Rule] = &[&aci_001::RULE, &aci_002::RULE, &aci_003::RULE, &aci_004::RULE, &aci_005::RULE];
