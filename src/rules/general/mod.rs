//! General topology (AML-GEN): the address plan and the overall shape of a secured
//! workspace: one VNet for everything, subnets that fit and do not collide, and the
//! advisory notes of the 2020 overview (reserved addresses, Enterprise edition, control
//! plane, scenario table).

mod gen_001;
mod gen_005;
mod gen_006;
mod gen_007;
mod gen_008;
mod gen_009;
mod gen_010;

use std::ops::Range;

use ipnet::IpNet;

use super::Rule;
use crate::topology::model::{Compute, ComputeType, Subresource, items};
use crate::topology::resolve::{Net, SubnetId};
use crate::topology::yaml::Sp;

/// The rules of this area.
pub const RULES: &[&Rule] = &[
    &gen_001::RULE,
    &gen_005::RULE,
    &gen_006::RULE,
    &gen_007::RULE,
    &gen_008::RULE,
    &gen_009::RULE,
    &gen_010::RULE,
];

/// The value of an optional name, `?` when absent (for messages).
pub(crate) fn nm(name: &Option<Sp<String>>) -> &str {
    name.as_ref().map(|n| n.value.as_str()).unwrap_or("?")
}

/// Usable addresses of an IPv4 subnet (`None` for IPv6 or a prefix too small to hold any).
pub(crate) fn usable(prefix: &IpNet) -> Option<u64> {
    match prefix {
        IpNet::V4(p) => (1u64 << (32 - u32::from(p.prefix_len()))).checked_sub(5),
        IpNet::V6(_) => None,
    }
}

/// A private endpoint of any resource, seen without building paths (cheaper than
/// `Net::private_endpoints` for checks that only need placements).
pub(crate) struct EndpointRef<'a> {
    /// The workspace's own endpoint (it takes two addresses: API and notebooks).
    pub workspace: bool,
    pub name: &'a str,
    pub subresource: Option<Subresource>,
    pub ip: Option<&'a Sp<String>>,
    pub subnet: Option<SubnetId>,
}

/// Every private endpoint of the topology: workspace, storage, key vaults, registries.
pub(crate) fn endpoints(net: &Net) -> impl Iterator<Item = EndpointRef<'_>> {
    let t = net.topo();
    let ws = net.workspace_pes().map(|pe| EndpointRef {
        workspace: true,
        name: nm(&pe.name),
        subresource: Some(Subresource::Amlworkspace),
        ip: pe.ip.as_ref(),
        subnet: net.lookup_subnet(pe.vnet.as_ref(), pe.subnet.as_ref()),
    });
    let lists = items(&t.storage_accounts)
        .map(|s| &s.private_endpoints)
        .chain(items(&t.key_vaults).map(|k| &k.private_endpoints))
        .chain(items(&t.container_registries).map(|r| &r.private_endpoints));
    let others = lists.flat_map(items).map(|pe| EndpointRef {
        workspace: false,
        name: nm(&pe.name),
        subresource: pe.subresource.as_ref().map(|s| s.value),
        ip: pe.ip.as_ref(),
        subnet: net.lookup_subnet(pe.vnet.as_ref(), pe.subnet.as_ref()),
    });
    ws.chain(others)
}

/// A compute's kind in words (`compute cluster`), for messages.
pub(crate) fn kind_words(c: &Compute) -> &'static str {
    match c.kind.as_ref().map(|k| k.value) {
        Some(ComputeType::ComputeInstance) => "compute instance",
        Some(ComputeType::ComputeCluster) => "compute cluster",
        Some(ComputeType::Aks) => "AKS cluster",
        Some(ComputeType::Aci) => "container instance",
        Some(ComputeType::Databricks) => "Databricks workspace",
        Some(ComputeType::Vm) => "virtual machine",
        Some(ComputeType::HdInsight) => "HDInsight cluster",
        Some(ComputeType::Kubernetes) => "attached Kubernetes cluster",
        None => "compute",
    }
}

/// The VNet an object placed by `vnet:` / `subnet:` sits in, and the node to point at when
/// that placement is wrong (the `vnet:` value, else the `subnet:` value, else `fallback`).
pub(crate) fn placement(
    net: &Net,
    vnet: Option<&Sp<String>>,
    subnet: Option<&Sp<String>>,
    fallback: &Range<usize>,
) -> Option<(usize, Range<usize>)> {
    let vi = match net.lookup_subnet(vnet, subnet) {
        Some(id) => id.vnet,
        None => match vnet {
            Some(v) => net.vnet_index(&v.value)?,
            None if subnet.is_some() => net.sole_vnet()?,
            None => return None,
        },
    };
    let span = vnet.or(subnet).map(|s| s.span.clone()).unwrap_or_else(|| fallback.clone());
    Some((vi, span))
}
