//! What every flow of a block needs, computed once: address spaces, the firewall, the
//! gateway, on-premises ranges, peerings.

use ipnet::IpNet;

use super::types::Element;
use crate::topology::addr::Addr;
use crate::topology::egress::normalize_region;
use crate::topology::model::{AccessPath, Cloud, FirewallKind, items};
use crate::topology::resolve::{Net, SubnetId};

/// The firewall, parsed.
pub(crate) struct Fw {
    pub name: String,
    pub azure: bool,
    pub ip: Option<IpNet>,
    pub vnet: Option<usize>,
    /// `AzureFirewallSubnet` of the firewall's VNet, when the model has it.
    pub subnet: Option<SubnetId>,
    pub public_ip: Option<IpNet>,
}

/// How two VNets are peered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Peering {
    /// Both sides declare it: traffic flows. The declaration of the first VNet.
    Connected {
        vnet: usize,
        index: usize,
    },
    /// Only `vnet` declares it (`Initiated` in Azure): no traffic flows.
    OneSided {
        vnet: usize,
        index: usize,
        other: usize,
    },
    None,
}

pub(crate) struct Ctx<'a> {
    pub net: &'a Net,
    pub cloud: Cloud,
    /// Per VNet: its address space, else its subnets' prefixes.
    pub vnet_prefixes: Vec<Vec<IpNet>>,
    pub fw: Option<Fw>,
    /// `clients.onprem_ranges`.
    pub onprem: Vec<IpNet>,
    /// `clients.access_paths` has `vpn` or `expressroute`.
    pub hybrid: bool,
    /// The VNet holding the VPN / ExpressRoute gateway: the one with a `GatewaySubnet`, else
    /// the only VNet.
    pub gateway_vnet: Option<usize>,
    pub gateway_subnet: Option<SubnetId>,
}

fn net_of(text: &str) -> Option<IpNet> {
    Addr::parse(text).ok()?.as_net()
}

impl<'a> Ctx<'a> {
    pub fn new(net: &'a Net) -> Ctx<'a> {
        let t = net.topo();
        let vnet_prefixes = items(&t.vnets)
            .enumerate()
            .map(|(vi, v)| {
                let space: Vec<IpNet> = items(&v.address_space).filter_map(|a| net_of(&a.value)).collect();
                if space.is_empty() {
                    net.subnet_ids().filter(|s| s.vnet == vi).filter_map(|s| net.subnet_prefix(s)).collect()
                } else {
                    space
                }
            })
            .collect();
        let fw = net.firewall().map(|f| {
            let vnet = f.vnet.as_ref().and_then(|v| net.vnet_index(&v.value)).or_else(|| net.sole_vnet());
            let subnet = vnet.and_then(|v| {
                net.subnet_ids().find(|s| s.vnet == v && net.subnet_name(*s) == "AzureFirewallSubnet")
            });
            Fw {
                name: f.name.as_ref().map(|n| n.value.clone()).unwrap_or_else(|| "firewall".into()),
                azure: f.kind() == FirewallKind::AzureFirewall,
                ip: f.private_ip.as_ref().and_then(|i| net_of(&i.value)),
                vnet,
                subnet,
                public_ip: f.public_ip.as_ref().and_then(|i| net_of(&i.value)),
            }
        });
        let clients = t.clients.as_ref();
        let onprem = clients
            .map(|c| items(&c.onprem_ranges).filter_map(|r| net_of(&r.value)).collect())
            .unwrap_or_default();
        let hybrid = clients.is_some_and(|c| {
            items(&c.access_paths).any(|p| matches!(p.value, AccessPath::Vpn | AccessPath::ExpressRoute))
        });
        let gateway_subnet = net.subnet_ids().find(|s| net.subnet_name(*s) == "GatewaySubnet");
        let gateway_vnet = gateway_subnet.map(|s| s.vnet).or_else(|| net.sole_vnet());
        Ctx { net, cloud: net.cloud(), vnet_prefixes, fw, onprem, hybrid, gateway_vnet, gateway_subnet }
    }

    /// The subnet holding `ip`.
    pub fn subnet_of(&self, ip: &IpNet) -> Option<SubnetId> {
        self.net.subnet_ids().find(|s| self.net.subnet_prefix(*s).is_some_and(|p| p.contains(ip)))
    }

    /// The VNet whose address space holds `ip`.
    pub fn vnet_of(&self, ip: &IpNet) -> Option<usize> {
        self.vnet_prefixes.iter().position(|ps| ps.iter().any(|p| p.contains(ip)))
    }

    /// Is `ip` in the on-premises ranges?
    pub fn is_onprem(&self, ip: &IpNet) -> bool {
        self.onprem.iter().any(|r| r.contains(ip))
    }

    /// How VNets `a` and `b` are peered.
    pub fn peering(&self, a: usize, b: usize) -> Peering {
        let decl = |x: usize, y: usize| {
            let name = self.net.vnet_name(y);
            self.net.vnet(x).and_then(|v| items(&v.peerings).position(|p| p.value == name))
        };
        match (decl(a, b), decl(b, a)) {
            (Some(index), Some(_)) => Peering::Connected { vnet: a, index },
            (Some(index), None) => Peering::OneSided { vnet: a, index, other: b },
            (None, Some(index)) => Peering::OneSided { vnet: b, index, other: a },
            (None, None) => Peering::None,
        }
    }

    /// Can traffic go from VNet `a` to VNet `b` (the same VNet, or peered both ways)?
    pub fn connected(&self, a: usize, b: usize) -> bool {
        a == b || matches!(self.peering(a, b), Peering::Connected { .. })
    }

    /// The VNet's region (ARM spelling), else the workspace's.
    pub fn region(&self, vnet: usize) -> Option<String> {
        self.net
            .vnet(vnet)
            .and_then(|v| v.region.as_ref())
            .or_else(|| self.net.workspace().and_then(|w| w.region.as_ref()))
            .map(|r| normalize_region(r))
    }

    /// Does on-premises traffic reach VNet `v` through the gateway (the gateway's VNet, or one
    /// peered with it, whose peering uses the remote gateway)?
    pub fn gateway_reaches(&self, v: usize) -> bool {
        self.hybrid && self.gateway_vnet.is_some_and(|g| self.connected(g, v))
    }

    /// The gateway as an element.
    pub fn gateway_element(&self) -> Element {
        Element::Gateway(self.gateway_subnet)
    }

    /// Name of a subnet for the trace: `vnet-ml/snet-training`.
    pub fn subnet_label(&self, s: SubnetId) -> String {
        self.net.subnet_label(s)
    }

    /// The firewall when `ip` is its private address.
    pub fn firewall_at(&self, ip: &str) -> Option<&Fw> {
        let ip = net_of(ip)?;
        self.fw.as_ref().filter(|f| f.ip == Some(ip))
    }
}
