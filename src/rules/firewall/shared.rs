//! Helpers shared by the firewall rules: from which addresses the firewall's rules are
//! evaluated, and in which region the regional service tags are required.

use ipnet::IpNet;

use crate::rules::compute::shared::{TRAINING, compute_subnets};
use crate::topology::egress::normalize_region;
use crate::topology::model::{Firewall, items};
use crate::topology::resolve::{Net, SubnetId};

/// A place traffic comes from: a compute subnet routed through the firewall, or (`subnet:
/// None`) any source, when no compute subnet of the block is routed through it.
#[derive(Clone, Copy, Debug)]
pub struct Source {
    pub subnet: Option<SubnetId>,
    pub prefix: Option<IpNet>,
}

/// The compute-instance and compute-cluster subnets whose `0.0.0.0/0` goes to the firewall;
/// `[any]` when there are none, so that a block showing only the firewall is still checked.
pub fn sources(net: &Net) -> Vec<Source> {
    let v: Vec<Source> = compute_subnets(net, TRAINING)
        .into_iter()
        .filter(|cs| net.tunnel(cs.subnet).is_some_and(|t| t.to_firewall))
        .map(|cs| Source { subnet: Some(cs.subnet), prefix: net.subnet_prefix(cs.subnet) })
        .collect();
    if v.is_empty() { vec![Source { subnet: None, prefix: None }] } else { v }
}

/// ` from subnet `vnet/snet`` or nothing.
pub fn from_label(net: &Net, s: Source) -> String {
    match s.subnet {
        Some(id) => format!(" from subnet `{}`", net.subnet_label(id)),
        None => String::new(),
    }
}

/// The region whose regional tags the firewall must allow: the workspace's, else the first
/// training compute's, else the region of the firewall's own regional destination tags.
pub fn region(net: &Net, fw: &Firewall, tag: &str) -> Option<String> {
    net.workspace()
        .and_then(|w| w.region.as_ref())
        .map(|r| normalize_region(r))
        .or_else(|| net.computes_of(TRAINING).find_map(|(i, _)| net.compute_region(i)))
        .or_else(|| {
            crate::topology::addr::tag_region_in(
                tag,
                items(&fw.network_rules).flat_map(|r| items(&r.destinations)).map(|d| d.value.as_str()),
            )
        })
}

/// `a`, `b` and `c` as a backticked list.
pub fn list(v: &[String]) -> String {
    v.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
}
