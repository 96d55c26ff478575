//! Typed references to the nodes of the model: what a finding blames.
//!
//! A rule names the element at fault as a [`Node`] (a subnet, an NSG rule, a storage
//! account's private endpoint …) and, below it, the field ([`Loc`]). Everything else is
//! derived from that: the display path of reports and baselines (`vnets[0].subnets[1].nsg`,
//! the same whatever front end the topology came from), the element the diagram badges
//! (`diagram::status`), the parent to fall back to when nothing is drawn for a node. No stage
//! writes or parses a path string.
//!
//! This module is a leaf: it knows the model's shape (section names, nesting) but no model
//! values, so every stage can use it.

use std::fmt::{self, Write as _};

/// A subnet: index of its VNet and its index in that VNet's `subnets`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubnetId {
    pub vnet: usize,
    pub subnet: usize,
}

/// Which resource owns a private endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeOwner {
    Workspace,
    Storage(usize),
    KeyVault(usize),
    Registry(usize),
}

impl PeOwner {
    /// The node of the owning resource.
    pub fn node(self) -> Node {
        match self {
            PeOwner::Workspace => Node::Workspace,
            PeOwner::Storage(i) => Node::Storage(i),
            PeOwner::KeyVault(i) => Node::KeyVault(i),
            PeOwner::Registry(i) => Node::Registry(i),
        }
    }
}

/// A node of the model, by position. Indices are positions in the lists of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// The topology as a whole.
    Root,
    Meta,
    /// An entry of `meta.suppress`.
    Suppression(usize),
    Workspace,
    /// An entry of `workspace.datastores`.
    Datastore(usize),
    Vnet(usize),
    Subnet(SubnetId),
    Nsg(usize),
    NsgRule {
        nsg: usize,
        rule: usize,
    },
    RouteTable(usize),
    Route {
        table: usize,
        route: usize,
    },
    DnsZone(usize),
    Storage(usize),
    KeyVault(usize),
    Registry(usize),
    AppInsights(usize),
    /// A private endpoint, in the `private_endpoints` list of its owner.
    Pe {
        owner: PeOwner,
        index: usize,
    },
    Compute(usize),
    Firewall,
    FirewallNetworkRule(usize),
    FirewallAppRule(usize),
    /// An entry of `firewall.nat_rules` (DNAT).
    FirewallNatRule(usize),
    Dns,
    /// An entry of `dns.custom_servers`.
    DnsServer(usize),
    Clients,
    Policies,
    Quotas,
    /// An entry of `flows:`.
    Flow(usize),
    /// `workspace.managed_network`.
    ManagedNetwork,
    /// An entry of `workspace.managed_network.outbound_rules`.
    OutboundRule(usize),
    /// `workspace.serverless_compute`.
    ServerlessCompute,
    /// An entry of `workspace.connections`.
    Connection(usize),
    /// An entry of `online_endpoints`.
    OnlineEndpoint(usize),
    /// A deployment of an online endpoint.
    Deployment {
        endpoint: usize,
        deployment: usize,
    },
    /// An entry of `service_endpoint_policies`.
    ServiceEndpointPolicy(usize),
}

impl Node {
    /// The node this one is part of (`None` for the root).
    pub fn parent(self) -> Option<Node> {
        Some(match self {
            Node::Root => return None,
            Node::Suppression(_) => Node::Meta,
            Node::Datastore(_) => Node::Workspace,
            Node::Subnet(id) => Node::Vnet(id.vnet),
            Node::NsgRule { nsg, .. } => Node::Nsg(nsg),
            Node::Route { table, .. } => Node::RouteTable(table),
            Node::Pe { owner, .. } => owner.node(),
            Node::FirewallNetworkRule(_) | Node::FirewallAppRule(_) | Node::FirewallNatRule(_) => {
                Node::Firewall
            }
            Node::DnsServer(_) => Node::Dns,
            Node::ManagedNetwork | Node::ServerlessCompute | Node::Connection(_) => Node::Workspace,
            Node::OutboundRule(_) => Node::ManagedNetwork,
            Node::Deployment { endpoint, .. } => Node::OnlineEndpoint(endpoint),
            _ => Node::Root,
        })
    }

    /// A field of this node (`"network.bypass"`: dots for nested keys).
    pub fn field(self, key: &'static str) -> Loc {
        Loc::from(self).field(key)
    }

    /// Write the display path (`vnets[0].subnets[1]`; empty for the root).
    fn write_path(self, out: &mut String) {
        // `write!` into a String cannot fail.
        let _ = match self {
            Node::Root => Ok(()),
            Node::Meta => out.write_str("meta"),
            Node::Suppression(i) => write!(out, "meta.suppress[{i}]"),
            Node::Workspace => out.write_str("workspace"),
            Node::Datastore(i) => write!(out, "workspace.datastores[{i}]"),
            Node::Vnet(i) => write!(out, "vnets[{i}]"),
            Node::Subnet(id) => write!(out, "vnets[{}].subnets[{}]", id.vnet, id.subnet),
            Node::Nsg(i) => write!(out, "nsgs[{i}]"),
            Node::NsgRule { nsg, rule } => write!(out, "nsgs[{nsg}].rules[{rule}]"),
            Node::RouteTable(i) => write!(out, "route_tables[{i}]"),
            Node::Route { table, route } => write!(out, "route_tables[{table}].routes[{route}]"),
            Node::DnsZone(i) => write!(out, "private_dns_zones[{i}]"),
            Node::Storage(i) => write!(out, "storage_accounts[{i}]"),
            Node::KeyVault(i) => write!(out, "key_vaults[{i}]"),
            Node::Registry(i) => write!(out, "container_registries[{i}]"),
            Node::AppInsights(i) => write!(out, "application_insights[{i}]"),
            Node::Pe { owner, index } => {
                owner.node().write_path(out);
                write!(out, ".private_endpoints[{index}]")
            }
            Node::Compute(i) => write!(out, "computes[{i}]"),
            Node::Firewall => out.write_str("firewall"),
            Node::FirewallNetworkRule(i) => write!(out, "firewall.network_rules[{i}]"),
            Node::FirewallAppRule(i) => write!(out, "firewall.application_rules[{i}]"),
            Node::FirewallNatRule(i) => write!(out, "firewall.nat_rules[{i}]"),
            Node::Dns => out.write_str("dns"),
            Node::DnsServer(i) => write!(out, "dns.custom_servers[{i}]"),
            Node::Clients => out.write_str("clients"),
            Node::Policies => out.write_str("policies"),
            Node::Quotas => out.write_str("quotas"),
            Node::Flow(i) => write!(out, "flows[{i}]"),
            Node::ManagedNetwork => out.write_str("workspace.managed_network"),
            Node::OutboundRule(i) => write!(out, "workspace.managed_network.outbound_rules[{i}]"),
            Node::ServerlessCompute => out.write_str("workspace.serverless_compute"),
            Node::Connection(i) => write!(out, "workspace.connections[{i}]"),
            Node::OnlineEndpoint(i) => write!(out, "online_endpoints[{i}]"),
            Node::Deployment { endpoint, deployment } => {
                write!(out, "online_endpoints[{endpoint}].deployments[{deployment}]")
            }
            Node::ServiceEndpointPolicy(i) => write!(out, "service_endpoint_policies[{i}]"),
        };
    }
}

/// One step below a node: a key (dots allowed for nested keys) or a list index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(&'static str),
    Index(usize),
}

/// A place in the model: a node and the field below it that a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub node: Node,
    pub field: Vec<Seg>,
}

impl From<Node> for Loc {
    fn from(node: Node) -> Loc {
        Loc { node, field: Vec::new() }
    }
}

impl Loc {
    /// A key below this place (`"nsg"`, `"network.bypass"`).
    pub fn field(mut self, key: &'static str) -> Loc {
        self.field.push(Seg::Key(key));
        self
    }

    /// An entry of the list this place names (`delegations` → `delegations[0]`).
    pub fn index(mut self, i: usize) -> Loc {
        self.field.push(Seg::Index(i));
        self
    }

    /// The keys of the field up to its first index, joined by dots (`aks.private_cluster`
    /// of `aks.private_cluster`, `delegations` of `delegations[0]`): what a drawn part of a
    /// node is matched against.
    pub fn key_path(&self) -> String {
        let mut out = String::new();
        for seg in &self.field {
            let Seg::Key(k) = seg else { break };
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(k);
        }
        out
    }

    /// The display path: `vnets[0].subnets[1].delegations[0]`.
    pub fn path(&self) -> String {
        let mut out = String::new();
        self.node.write_path(&mut out);
        for seg in &self.field {
            match seg {
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        out
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths() {
        let s = Node::Subnet(SubnetId { vnet: 1, subnet: 0 });
        assert_eq!(s.field("delegations").index(0).path(), "vnets[1].subnets[0].delegations[0]");
        assert_eq!(Loc::from(Node::NsgRule { nsg: 2, rule: 3 }).path(), "nsgs[2].rules[3]");
        let pe = Node::Pe { owner: PeOwner::Storage(1), index: 0 };
        assert_eq!(pe.field("dns_zone").path(), "storage_accounts[1].private_endpoints[0].dns_zone");
        assert_eq!(
            Node::Pe { owner: PeOwner::Workspace, index: 2 }.field("ip").path(),
            "workspace.private_endpoints[2].ip"
        );
        assert_eq!(Node::Root.field("flows").index(1).path(), "flows[1]");
        assert_eq!(Node::KeyVault(0).field("network.bypass").path(), "key_vaults[0].network.bypass");
        assert_eq!(Node::Compute(1).field("aks").field("private_cluster").key_path(), "aks.private_cluster");
        assert_eq!(Node::Vnet(0).field("address_space").index(2).key_path(), "address_space");
    }

    #[test]
    fn parents_lead_to_the_root() {
        let mut n = Node::Pe { owner: PeOwner::Registry(0), index: 1 };
        let mut chain = vec![n];
        while let Some(p) = n.parent() {
            chain.push(p);
            n = p;
        }
        assert_eq!(
            chain,
            [Node::Pe { owner: PeOwner::Registry(0), index: 1 }, Node::Registry(0), Node::Root]
        );
        assert_eq!(Node::Subnet(SubnetId { vnet: 3, subnet: 1 }).parent(), Some(Node::Vnet(3)));
    }

    #[test]
    fn nodes_of_profile_2026_02() {
        let rule = Node::OutboundRule(2);
        assert_eq!(
            rule.field("destination").field("subresource").path(),
            "workspace.managed_network.outbound_rules[2].destination.subresource"
        );
        assert_eq!(rule.parent(), Some(Node::ManagedNetwork));
        assert_eq!(Node::ManagedNetwork.parent(), Some(Node::Workspace));
        let d = Node::Deployment { endpoint: 1, deployment: 0 };
        assert_eq!(d.field("model_storage").path(), "online_endpoints[1].deployments[0].model_storage");
        assert_eq!(d.parent(), Some(Node::OnlineEndpoint(1)));
        assert_eq!(Node::OnlineEndpoint(1).parent(), Some(Node::Root));
        assert_eq!(
            Node::ServerlessCompute.field("custom_subnet").path(),
            "workspace.serverless_compute.custom_subnet"
        );
        assert_eq!(Loc::from(Node::Connection(0)).path(), "workspace.connections[0]");
        assert_eq!(
            Node::ServiceEndpointPolicy(3).field("resources").index(0).path(),
            "service_endpoint_policies[3].resources[0]"
        );
    }
}
