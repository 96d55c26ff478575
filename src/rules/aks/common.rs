//! What the AKS rules share: the AKS computes of a block, their settings with the values
//! Azure fills in when a field is absent, and a few address helpers.
//!
//! Defaults are applied only where we know who chose the value:
//! - a cluster created from the workspace (`aks.attach: false`) gets the AKS defaults for its
//!   network profile (service CIDR `10.0.0.0/16`, DNS service IP `10.0.0.10`, Docker bridge
//!   `172.17.0.1/16`) and, in a VNet, Azure CNI (Azure ML creates VNet clusters with advanced
//!   networking);
//! - an attached cluster (`attach: true`) or one whose origin is not stated was configured by
//!   someone else: an absent field is unknown, and rules that need it skip the cluster.
//!
//! `load_balancer` defaults to `public` everywhere: that is the Azure ML default (`PublicIp`)
//! for both created and attached clusters.

use std::ops::Range;

use ipnet::IpNet;

use crate::topology::addr::Addr;
use crate::topology::model::{Aks, Compute, ComputeType, LoadBalancer, NetworkPlugin};
use crate::topology::node::{Loc, Node};
use crate::topology::resolve::{Net, SubnetId};
use crate::topology::yaml::Sp;

const AKS: &[ComputeType] = &[ComputeType::Aks];

/// The name of a named object, or `?`.
pub(super) fn name_of(n: &Option<Sp<String>>) -> &str {
    n.as_ref().map(|n| n.value.as_str()).unwrap_or("?")
}

/// Azure region names compare without case and spaces (`East US` is `eastus`).
pub(super) fn same_region(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_lowercase())
    }
    norm(a).eq(norm(b))
}

/// An AKS compute of the block.
pub(super) struct Cluster<'a> {
    /// Index in `computes`.
    pub index: usize,
    pub compute: &'a Sp<Compute>,
    /// Its `aks:` settings, when given.
    pub aks: Option<&'a Sp<Aks>>,
}

/// Every compute of type `aks`.
pub(super) fn clusters(net: &Net) -> impl Iterator<Item = Cluster<'_>> {
    net.computes_of(AKS).map(|(index, compute)| Cluster { index, compute, aks: compute.aks.as_ref() })
}

/// A network-profile field of an AKS cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
    ServiceCidr,
    DnsServiceIp,
    DockerBridgeCidr,
    PodCidr,
}

impl Field {
    pub fn key(self) -> &'static str {
        match self {
            Field::ServiceCidr => "service_cidr",
            Field::DnsServiceIp => "dns_service_ip",
            Field::DockerBridgeCidr => "docker_bridge_cidr",
            Field::PodCidr => "pod_cidr",
        }
    }

    /// The value AKS uses when a cluster is created without it.
    fn default_text(self) -> Option<&'static str> {
        match self {
            Field::ServiceCidr => Some("10.0.0.0/16"),
            Field::DnsServiceIp => Some("10.0.0.10"),
            Field::DockerBridgeCidr => Some("172.17.0.1/16"),
            Field::PodCidr => None,
        }
    }
}

/// The effective value of a network-profile field.
pub(super) struct Setting<'a> {
    pub field: Field,
    pub net: IpNet,
    /// The text as written (or the default).
    pub text: &'a str,
    /// The value in the YAML, or the `aks` mapping when the default applies.
    pub span: Range<usize>,
    /// True when the value is Azure's default, not written in the block.
    pub defaulted: bool,
    compute: usize,
}

impl Setting<'_> {
    /// `computes[i].aks.service_cidr` (also for a default: the key that is missing).
    pub fn path(&self) -> Loc {
        Node::Compute(self.compute).field("aks").field(self.field.key())
    }

    /// How to name the value in a message: `` `10.2.0.0/16` ``, or for a default
    /// `` `10.0.0.0/16` (the AKS default, `service_cidr` is not set) ``.
    pub fn describe(&self) -> String {
        if self.defaulted {
            format!("`{}` (the AKS default, `{}` is not set)", self.text, self.field.key())
        } else {
            format!("`{}`", self.text)
        }
    }
}

/// The network plugin of a cluster and where it comes from.
pub(super) struct Plugin {
    pub value: NetworkPlugin,
    pub span: Range<usize>,
    /// `network_plugin`, `pod_cidr` (implies kubenet) or `attach` (created in a VNet).
    pub from: &'static str,
}

impl<'a> Cluster<'a> {
    pub fn name(&self) -> &'a str {
        name_of(&self.compute.name)
    }

    /// `computes[i]`.
    pub fn path(&self) -> Loc {
        Node::Compute(self.index).into()
    }

    /// `computes[i].aks.<key>`.
    pub fn aks_path(&self, key: &'static str) -> Loc {
        Node::Compute(self.index).field("aks").field(key)
    }

    /// Where a missing AKS setting belongs: the `aks` mapping, else the compute.
    pub fn anchor(&self) -> Range<usize> {
        self.aks.map(|a| a.span.clone()).unwrap_or(self.compute.span.clone())
    }

    /// `aks.attach`: attached after creation (`true`), created from the workspace
    /// (`false`), or not stated.
    pub fn attach(&self) -> Option<&'a Sp<bool>> {
        self.aks.and_then(|a| a.attach.as_ref())
    }

    /// Created by Azure ML from the workspace (`attach: false`).
    pub fn created_by_workspace(&self) -> bool {
        self.attach().is_some_and(|a| !a.value)
    }

    /// Attached after creation (`attach: true`).
    pub fn attached(&self) -> bool {
        self.attach().is_some_and(|a| a.value)
    }

    pub fn private_cluster(&self) -> Option<&'a Sp<bool>> {
        self.aks.and_then(|a| a.private_cluster.as_ref()).filter(|p| p.value)
    }

    /// The scoring load balancer (Azure ML default: public).
    pub fn load_balancer(&self) -> LoadBalancer {
        self.aks.and_then(|a| a.load_balancer.as_ref()).map(|l| l.value).unwrap_or(LoadBalancer::Public)
    }

    /// The effective network plugin, when it can be known.
    pub fn plugin(&self) -> Option<Plugin> {
        let aks = self.aks?;
        if let Some(p) = &aks.network_plugin {
            return Some(Plugin { value: p.value, span: p.span.clone(), from: "network_plugin" });
        }
        if let Some(p) = &aks.pod_cidr {
            return Some(Plugin { value: NetworkPlugin::Kubenet, span: p.span.clone(), from: "pod_cidr" });
        }
        match self.attach() {
            Some(a) if !a.value && self.compute.subnet.is_some() => {
                Some(Plugin { value: NetworkPlugin::Azure, span: a.span.clone(), from: "attach" })
            }
            _ => None,
        }
    }

    /// The effective value of a network-profile field: as written, or Azure's default for
    /// a cluster created from the workspace. `None` when unknown or not an address.
    pub fn setting(&self, field: Field) -> Option<Setting<'a>> {
        let written = self.aks.and_then(|a| match field {
            Field::ServiceCidr => a.service_cidr.as_ref(),
            Field::DnsServiceIp => a.dns_service_ip.as_ref(),
            Field::DockerBridgeCidr => a.docker_bridge_cidr.as_ref(),
            Field::PodCidr => a.pod_cidr.as_ref(),
        });
        let (text, span, defaulted) = match written {
            Some(w) => (w.value.as_str(), w.span.clone(), false),
            None if self.created_by_workspace() => (field.default_text()?, self.anchor(), true),
            None => return None,
        };
        let net = Addr::parse(text).ok()?.as_net()?;
        Some(Setting { field, net, text, span, defaulted, compute: self.index })
    }

    /// The node subnet.
    pub fn subnet(&self, net: &Net) -> Option<SubnetId> {
        net.compute_subnet(self.index)
    }

    /// The VNet of the cluster.
    pub fn vnet(&self, net: &Net) -> Option<usize> {
        net.compute_vnet(self.index)
    }

    /// Where the cluster's placement is written: `vnet`, else `subnet`, else the compute.
    pub fn placement(&self) -> (Range<usize>, Loc) {
        match (&self.compute.vnet, &self.compute.subnet) {
            (Some(v), _) => (v.span.clone(), Node::Compute(self.index).field("vnet")),
            (None, Some(s)) => (s.span.clone(), Node::Compute(self.index).field("subnet")),
            (None, None) => (self.compute.span.clone(), self.path()),
        }
    }

    /// The region of the cluster: its `region`, or for a cluster created from the workspace
    /// without one, the workspace's region (the Azure ML SDK default). The flag says whether
    /// it came from the workspace.
    pub fn region(&self, net: &'a Net) -> Option<(&'a Sp<String>, bool)> {
        if let Some(r) = &self.compute.region {
            return Some((r, false));
        }
        if self.created_by_workspace() {
            return net.workspace().and_then(|w| w.region.as_ref()).map(|r| (r, true));
        }
        None
    }
}

/// Subnets of a VNet and of every VNet peered with it: the address ranges the cluster's
/// nodes can reach directly.
pub(super) fn reachable_subnets(net: &Net, vnet: usize) -> impl Iterator<Item = (SubnetId, IpNet)> + '_ {
    net.subnet_ids()
        .filter(move |id| id.vnet == vnet || net.peered(vnet, id.vnet))
        .filter_map(|id| net.subnet_prefix(id).map(|p| (id, p)))
}

/// A region for service tags: the cluster's, else its VNet's, else the workspace's.
pub(super) fn tag_region<'a>(net: &'a Net, c: &Cluster<'a>) -> Option<&'a str> {
    c.region(net)
        .map(|(r, _)| r.value.as_str())
        .or_else(|| {
            c.vnet(net).and_then(|v| net.vnet(v)).and_then(|v| v.region.as_ref()).map(|r| r.value.as_str())
        })
        .or_else(|| net.workspace().and_then(|w| w.region.as_ref()).map(|r| r.value.as_str()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn net(yaml: &str) -> Net {
        Net::new(Arc::new(crate::topology::yaml::from_str(yaml).unwrap()))
    }

    #[test]
    fn defaults_apply_only_to_clusters_created_from_the_workspace() {
        let n = net("vnets: [{name: v, subnets: [{name: s, prefix: 10.0.8.0/22}]}]
computes:
  - {name: created, type: aks, subnet: s, aks: {attach: false}}
  - {name: attached, type: aks, subnet: s, aks: {attach: true}}
  - {name: unknown, type: aks, subnet: s}
  - {name: kubenet, type: aks, aks: {pod_cidr: 10.244.0.0/16, service_cidr: 10.2.0.0/16}}
");
        let cs: Vec<Cluster> = clusters(&n).collect();
        let svc = cs[0].setting(Field::ServiceCidr).unwrap();
        assert!(svc.defaulted);
        assert_eq!(svc.text, "10.0.0.0/16");
        assert_eq!(svc.path().path(), "computes[0].aks.service_cidr");
        assert_eq!(cs[0].setting(Field::DnsServiceIp).map(|d| d.text), Some("10.0.0.10"));
        assert_eq!(cs[0].plugin().map(|p| p.value), Some(NetworkPlugin::Azure));
        assert!(cs[1].setting(Field::ServiceCidr).is_none());
        assert!(cs[1].plugin().is_none());
        assert!(cs[2].setting(Field::DockerBridgeCidr).is_none());
        assert_eq!(cs[3].plugin().map(|p| (p.value, p.from)), Some((NetworkPlugin::Kubenet, "pod_cidr")));
        assert!(cs[3].setting(Field::ServiceCidr).is_some_and(|s| !s.defaulted));
        assert!(cs[3].setting(Field::DockerBridgeCidr).is_none());
    }

    #[test]
    fn regions_compare_like_azure() {
        assert!(same_region("East US", "eastus"));
        assert!(same_region("westeurope", "WestEurope"));
        assert!(!same_region("eastus", "eastus2"));
    }
}
