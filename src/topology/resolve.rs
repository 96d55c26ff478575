//! The resolved network graph: names turned into indices, Azure defaults applied, and the
//! cross-resource questions the rules ask ("which subnet is this compute in?", "is this
//! storage account secured?") answered in one place.
//!
//! Resolution reports duplicate names, references to nothing and malformed addresses as
//! [`Problem`]s; it never fails. A reference into a section the block does not contain at
//! all (a partial block that names `vnet-ml` but has no `vnets:`) is not an error: it points
//! outside the block, and rules that need the target are not evaluated.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use ipnet::IpNet;

use super::addr::Addr;
use super::model::*;
use super::node::{Loc, Node};
pub use super::node::{PeOwner, SubnetId};
use super::yaml::Sp;
use crate::diag::{ToolCode, did_you_mean};

/// A problem found while resolving: code, message, help, span in the source, the node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub code: ToolCode,
    pub message: String,
    pub help: Option<String>,
    pub span: Range<usize>,
    pub loc: Loc,
}

/// A private endpoint of any resource, resolved.
#[derive(Clone, Debug)]
pub struct PeView<'a> {
    pub owner: PeOwner,
    /// Index in the owner's `private_endpoints`.
    pub index: usize,
    pub name: Option<&'a str>,
    pub subresource: Option<Subresource>,
    pub subnet: Option<SubnetId>,
    pub span: Range<usize>,
}

impl PeView<'_> {
    /// The model node of the endpoint.
    pub fn node(&self) -> Node {
        Node::Pe { owner: self.owner, index: self.index }
    }
}

/// The resolved topology. Cheap to build (a few maps of indices); owns its model.
#[derive(Debug)]
pub struct Net {
    pub topo: Arc<Topology>,
    vnet_by_name: HashMap<String, usize>,
    subnet_by_name: HashMap<(usize, String), usize>,
    /// Parsed subnet prefixes, by SubnetId.
    subnet_prefix: HashMap<SubnetId, IpNet>,
    nsg_by_name: HashMap<String, usize>,
    route_table_by_name: HashMap<String, usize>,
    zone_by_name: HashMap<String, usize>,
    storage_by_name: HashMap<String, usize>,
    key_vault_by_name: HashMap<String, usize>,
    registry_by_name: HashMap<String, usize>,
    appi_by_name: HashMap<String, usize>,
    compute_by_name: HashMap<String, usize>,
    compute_subnet: Vec<Option<SubnetId>>,
    pub problems: Vec<Problem>,
}

fn name_of<T>(x: &Option<Sp<String>>) -> Option<&str> {
    let _ = std::marker::PhantomData::<T>;
    x.as_ref().map(|s| s.value.as_str())
}

/// Index a list by its `name` fields, reporting duplicates at the second occurrence.
pub(super) fn index_names<'a, T: 'a>(
    items: impl Iterator<Item = (usize, &'a Sp<T>)>,
    name: impl Fn(&T) -> &Option<Sp<String>>,
    node: impl Fn(usize) -> Node,
    what: &str,
    problems: &mut Vec<Problem>,
) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, item) in items {
        if let Some(n) = name(&item.value) {
            if map.contains_key(&n.value) {
                problems.push(Problem {
                    code: ToolCode::DuplicateName,
                    message: format!("{what} `{}` is declared twice", n.value),
                    help: Some(format!("give each {what} a unique name")),
                    span: n.span.clone(),
                    loc: node(i).field("name"),
                });
            } else {
                map.insert(n.value.clone(), i);
            }
        }
    }
    map
}

impl Net {
    /// Resolve a parsed topology.
    pub fn new(topo: Arc<Topology>) -> Net {
        let t = &*topo;
        let mut problems = Vec::new();
        let vnet_by_name =
            index_names(items(&t.vnets).enumerate(), |v| &v.name, Node::Vnet, "vnet", &mut problems);
        let mut subnet_by_name = HashMap::new();
        let mut subnet_prefix = HashMap::new();
        for (vi, v) in items(&t.vnets).enumerate() {
            let m = index_names(
                items(&v.subnets).enumerate(),
                |s| &s.name,
                |si| Node::Subnet(SubnetId { vnet: vi, subnet: si }),
                "subnet",
                &mut problems,
            );
            for (name, si) in m {
                subnet_by_name.insert((vi, name), si);
            }
            for (si, s) in items(&v.subnets).enumerate() {
                if let Some(p) = &s.prefix
                    && let Ok(Addr::Net(n)) = Addr::parse(&p.value)
                {
                    subnet_prefix.insert(SubnetId { vnet: vi, subnet: si }, n);
                }
            }
        }
        let nsg_by_name =
            index_names(items(&t.nsgs).enumerate(), |n| &n.name, Node::Nsg, "NSG", &mut problems);
        let route_table_by_name = index_names(
            items(&t.route_tables).enumerate(),
            |n| &n.name,
            Node::RouteTable,
            "route table",
            &mut problems,
        );
        let zone_by_name = index_names(
            items(&t.private_dns_zones).enumerate(),
            |n| &n.name,
            Node::DnsZone,
            "private DNS zone",
            &mut problems,
        );
        let storage_by_name = index_names(
            items(&t.storage_accounts).enumerate(),
            |n| &n.name,
            Node::Storage,
            "storage account",
            &mut problems,
        );
        let key_vault_by_name = index_names(
            items(&t.key_vaults).enumerate(),
            |n| &n.name,
            Node::KeyVault,
            "key vault",
            &mut problems,
        );
        let registry_by_name = index_names(
            items(&t.container_registries).enumerate(),
            |n| &n.name,
            Node::Registry,
            "container registry",
            &mut problems,
        );
        let appi_by_name = index_names(
            items(&t.application_insights).enumerate(),
            |n| &n.name,
            Node::AppInsights,
            "Application Insights resource",
            &mut problems,
        );
        let compute_by_name =
            index_names(items(&t.computes).enumerate(), |n| &n.name, Node::Compute, "compute", &mut problems);
        let mut net = Net {
            topo: topo.clone(),
            vnet_by_name,
            subnet_by_name,
            subnet_prefix,
            nsg_by_name,
            route_table_by_name,
            zone_by_name,
            storage_by_name,
            key_vault_by_name,
            registry_by_name,
            appi_by_name,
            compute_by_name,
            compute_subnet: Vec::new(),
            problems,
        };
        net.compute_subnet =
            items(&t.computes).map(|c| net.lookup_subnet(c.vnet.as_ref(), c.subnet.as_ref())).collect();
        let mut problems = std::mem::take(&mut net.problems);
        super::references::check(&net, &mut problems);
        super::references_current::check(&net, &mut problems);
        net.problems = problems;
        net
    }

    pub fn topo(&self) -> &Topology {
        &self.topo
    }

    // ----- names -----

    pub fn vnet_index(&self, name: &str) -> Option<usize> {
        self.vnet_by_name.get(name).copied()
    }
    pub fn vnet(&self, i: usize) -> Option<&Sp<Vnet>> {
        items(&self.topo.vnets).nth(i)
    }
    pub fn vnet_name(&self, i: usize) -> &str {
        self.vnet(i).and_then(|v| name_of::<Vnet>(&v.name)).unwrap_or("?")
    }
    /// The only VNet, when the topology has exactly one (a `vnet:` may then be left out).
    pub fn sole_vnet(&self) -> Option<usize> {
        (items(&self.topo.vnets).len() == 1).then_some(0)
    }
    pub fn subnet(&self, id: SubnetId) -> Option<&Sp<Subnet>> {
        self.vnet(id.vnet).and_then(|v| items(&v.subnets).nth(id.subnet))
    }
    pub fn subnet_name(&self, id: SubnetId) -> &str {
        self.subnet(id).and_then(|s| name_of::<Subnet>(&s.name)).unwrap_or("?")
    }
    /// `vnet-ml/snet-training`.
    pub fn subnet_label(&self, id: SubnetId) -> String {
        format!("{}/{}", self.vnet_name(id.vnet), self.subnet_name(id))
    }
    pub fn subnet_prefix(&self, id: SubnetId) -> Option<IpNet> {
        self.subnet_prefix.get(&id).copied()
    }
    /// Every subnet of every VNet.
    pub fn subnet_ids(&self) -> impl Iterator<Item = SubnetId> + '_ {
        items(&self.topo.vnets)
            .enumerate()
            .flat_map(|(vi, v)| (0..items(&v.subnets).len()).map(move |si| SubnetId { vnet: vi, subnet: si }))
    }

    /// Resolve a `vnet:` + `subnet:` reference (the VNet defaults to the only one).
    pub fn lookup_subnet(&self, vnet: Option<&Sp<String>>, subnet: Option<&Sp<String>>) -> Option<SubnetId> {
        let vi = match vnet {
            Some(v) => self.vnet_index(&v.value)?,
            None => self.sole_vnet()?,
        };
        let si = self.subnet_by_name.get(&(vi, subnet?.value.clone())).copied()?;
        Some(SubnetId { vnet: vi, subnet: si })
    }

    /// Resolve a service-endpoint rule `vnet/subnet`.
    pub fn lookup_vnet_rule(&self, rule: &str) -> Option<SubnetId> {
        let (v, s) = rule.split_once('/')?;
        let vi = self.vnet_index(v.trim())?;
        let si = self.subnet_by_name.get(&(vi, s.trim().to_string())).copied()?;
        Some(SubnetId { vnet: vi, subnet: si })
    }

    /// Subnet IDs named by a `vnet_rules` list.
    pub fn vnet_rule_subnets(&self, rules: &Option<List<String>>) -> Vec<SubnetId> {
        items(rules).filter_map(|r| self.lookup_vnet_rule(&r.value)).collect()
    }

    pub fn nsg(&self, name: &str) -> Option<(usize, &Sp<Nsg>)> {
        let i = *self.nsg_by_name.get(name)?;
        items(&self.topo.nsgs).nth(i).map(|n| (i, n))
    }
    /// The NSG attached to a subnet.
    pub fn subnet_nsg(&self, id: SubnetId) -> Option<(usize, &Sp<Nsg>)> {
        self.nsg(&self.subnet(id)?.nsg.as_ref()?.value)
    }
    pub fn route_table(&self, name: &str) -> Option<(usize, &Sp<RouteTable>)> {
        let i = *self.route_table_by_name.get(name)?;
        items(&self.topo.route_tables).nth(i).map(|n| (i, n))
    }
    /// The route table attached to a subnet.
    pub fn subnet_route_table(&self, id: SubnetId) -> Option<(usize, &Sp<RouteTable>)> {
        self.route_table(&self.subnet(id)?.route_table.as_ref()?.value)
    }
    pub fn zone(&self, name: &str) -> Option<(usize, &Sp<PrivateDnsZone>)> {
        let i = *self.zone_by_name.get(name)?;
        items(&self.topo.private_dns_zones).nth(i).map(|n| (i, n))
    }
    pub fn storage(&self, name: &str) -> Option<(usize, &Sp<StorageAccount>)> {
        let i = *self.storage_by_name.get(name)?;
        items(&self.topo.storage_accounts).nth(i).map(|n| (i, n))
    }
    pub fn key_vault(&self, name: &str) -> Option<(usize, &Sp<KeyVault>)> {
        let i = *self.key_vault_by_name.get(name)?;
        items(&self.topo.key_vaults).nth(i).map(|n| (i, n))
    }
    pub fn registry(&self, name: &str) -> Option<(usize, &Sp<ContainerRegistry>)> {
        let i = *self.registry_by_name.get(name)?;
        items(&self.topo.container_registries).nth(i).map(|n| (i, n))
    }
    pub fn app_insights(&self, name: &str) -> Option<(usize, &Sp<AppInsights>)> {
        let i = *self.appi_by_name.get(name)?;
        items(&self.topo.application_insights).nth(i).map(|n| (i, n))
    }
    pub fn compute(&self, name: &str) -> Option<(usize, &Sp<Compute>)> {
        let i = *self.compute_by_name.get(name)?;
        items(&self.topo.computes).nth(i).map(|n| (i, n))
    }

    pub(super) fn known_names(&self, section: Section) -> Vec<&str> {
        let m = match section {
            Section::Vnets => &self.vnet_by_name,
            Section::Nsgs => &self.nsg_by_name,
            Section::RouteTables => &self.route_table_by_name,
            Section::Zones => &self.zone_by_name,
            Section::Storage => &self.storage_by_name,
            Section::KeyVaults => &self.key_vault_by_name,
            Section::Registries => &self.registry_by_name,
            Section::AppInsights => &self.appi_by_name,
            Section::Computes => &self.compute_by_name,
            Section::ServiceEndpointPolicies => {
                let mut v: Vec<&str> = items(&self.topo.service_endpoint_policies)
                    .filter_map(|p| name_of::<ServiceEndpointPolicy>(&p.name))
                    .collect();
                v.sort_unstable();
                return v;
            }
        };
        let mut v: Vec<&str> = m.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Subnet names of a VNet, for "did you mean".
    pub(super) fn subnet_names(&self, vnet: usize) -> Vec<&str> {
        self.vnet(vnet)
            .map(|v| items(&v.subnets).filter_map(|s| name_of::<Subnet>(&s.name)).collect())
            .unwrap_or_default()
    }

    // ----- workspace and its resources -----

    pub fn workspace(&self) -> Option<&Sp<Workspace>> {
        self.topo.workspace.as_ref()
    }
    pub fn cloud(&self) -> Cloud {
        self.topo.meta.as_ref().and_then(|m| m.cloud.as_ref()).map(|c| c.value).unwrap_or(Cloud::AzureCloud)
    }
    pub fn scenario(&self) -> Option<Scenario> {
        self.topo.meta.as_ref().and_then(|m| m.scenario.as_ref()).map(|s| s.value)
    }
    pub fn has_feature(&self, f: Feature) -> bool {
        self.workspace().is_some_and(|w| items(&w.features).any(|x| x.value == f))
    }
    /// The workspace's private endpoints.
    pub fn workspace_pes(&self) -> std::slice::Iter<'_, Sp<WorkspacePrivateEndpoint>> {
        match self.workspace() {
            Some(w) => items(&w.private_endpoints),
            None => [].iter(),
        }
    }
    pub fn workspace_has_pe(&self) -> bool {
        self.workspace_pes().len() > 0
    }
    /// `public_network_access` of the workspace (ARM default `Enabled`).
    pub fn workspace_public_access(&self) -> Access {
        self.workspace()
            .and_then(|w| w.public_network_access.as_ref())
            .map(|a| a.value)
            .unwrap_or(Access::Enabled)
    }
    /// VNets that hold a workspace private endpoint.
    pub fn workspace_pe_vnets(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .workspace_pes()
            .filter_map(|pe| {
                self.lookup_subnet(pe.vnet.as_ref(), pe.subnet.as_ref()).map(|s| s.vnet).or_else(|| match &pe
                    .vnet
                {
                    Some(n) => self.vnet_index(&n.value),
                    None => self.sole_vnet(),
                })
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The default storage account: the one the workspace names, else the only one.
    pub fn default_storage(&self) -> Option<(usize, &Sp<StorageAccount>)> {
        match self.workspace().and_then(|w| w.default_storage.as_ref()) {
            Some(n) => self.storage(&n.value),
            None if self.workspace().is_none() && items(&self.topo.storage_accounts).len() == 1 => {
                items(&self.topo.storage_accounts).next().map(|s| (0, s))
            }
            None => None,
        }
    }

    /// Storage accounts the workspace uses: its default, its datastores' and the labeling
    /// account. A block without a workspace, or whose workspace names no storage, is about
    /// its storage accounts: all of them.
    pub fn workspace_storages(&self) -> Vec<(usize, &Sp<StorageAccount>)> {
        let Some(w) = self.workspace() else {
            return items(&self.topo.storage_accounts).enumerate().collect();
        };
        let mut idx: Vec<usize> = Vec::new();
        let mut add = |n: Option<&Sp<String>>| {
            if let Some((i, _)) = n.and_then(|n| self.storage(&n.value)) {
                idx.push(i);
            }
        };
        add(w.default_storage.as_ref());
        add(w.labeling_storage.as_ref());
        for d in items(&w.datastores) {
            add(d.storage.as_ref());
        }
        idx.sort_unstable();
        idx.dedup();
        if idx.is_empty() {
            return items(&self.topo.storage_accounts).enumerate().collect();
        }
        idx.into_iter().filter_map(|i| items(&self.topo.storage_accounts).nth(i).map(|s| (i, s))).collect()
    }

    /// The workspace's key vault: the one it names, else (no workspace, or it names none)
    /// every key vault of the block.
    pub fn workspace_key_vaults(&self) -> Vec<(usize, &Sp<KeyVault>)> {
        match self.workspace().and_then(|w| w.key_vault.as_ref()) {
            Some(n) => self.key_vault(&n.value).into_iter().collect(),
            None => items(&self.topo.key_vaults).enumerate().collect(),
        }
    }

    /// The workspace's container registry (see [`Net::workspace_key_vaults`]).
    pub fn workspace_registries(&self) -> Vec<(usize, &Sp<ContainerRegistry>)> {
        match self.workspace().and_then(|w| w.container_registry.as_ref()) {
            Some(Sp { value: Some(n), .. }) => self.registry(n).into_iter().collect(),
            Some(Sp { value: None, .. }) => Vec::new(),
            None => items(&self.topo.container_registries).enumerate().collect(),
        }
    }

    // ----- computes -----

    /// The subnet a compute is placed in, if it resolves.
    pub fn compute_subnet(&self, compute: usize) -> Option<SubnetId> {
        self.compute_subnet.get(compute).copied().flatten()
    }
    /// The VNet a compute is placed in (from its subnet, or its `vnet:` alone).
    pub fn compute_vnet(&self, compute: usize) -> Option<usize> {
        if let Some(s) = self.compute_subnet(compute) {
            return Some(s.vnet);
        }
        let c = items(&self.topo.computes).nth(compute)?;
        match &c.vnet {
            Some(v) => self.vnet_index(&v.value),
            None if c.subnet.is_some() => self.sole_vnet(),
            None => None,
        }
    }
    /// Computes of the given kinds, with their index.
    pub fn computes_of<'a>(
        &'a self,
        kinds: &'a [ComputeType],
    ) -> impl Iterator<Item = (usize, &'a Sp<Compute>)> + 'a {
        items(&self.topo.computes)
            .enumerate()
            .filter(move |(_, c)| c.kind.as_ref().is_some_and(|k| kinds.contains(&k.value)))
    }
    /// The region a compute runs in: its own `region`, else its VNet's, else the
    /// workspace's (ARM spelling, see [`super::egress::normalize_region`]).
    pub fn compute_region(&self, compute: usize) -> Option<String> {
        let c = items(&self.topo.computes).nth(compute)?;
        let vnet_region = || self.compute_vnet(compute).and_then(|v| self.vnet(v)?.region.as_ref());
        let ws_region = || self.workspace()?.region.as_ref();
        c.region.as_ref().or_else(vnet_region).or_else(ws_region).map(|r| super::egress::normalize_region(r))
    }
    /// Does the compute have a public IP (ARM default true)?
    pub fn compute_public_ip(c: &Compute) -> bool {
        c.public_ip.as_ref().map(|p| p.value).unwrap_or(true)
    }

    // ----- private endpoints -----

    /// Every private endpoint of the topology: workspace, storage, key vaults, registries.
    pub fn private_endpoints(&self) -> Vec<PeView<'_>> {
        let mut out = Vec::new();
        for (i, pe) in self.workspace_pes().enumerate() {
            out.push(PeView {
                owner: PeOwner::Workspace,
                index: i,
                name: name_of::<()>(&pe.name),
                subresource: Some(Subresource::Amlworkspace),
                subnet: self.lookup_subnet(pe.vnet.as_ref(), pe.subnet.as_ref()),
                span: pe.span.clone(),
            });
        }
        let t = &*self.topo;
        let groups = items(&t.storage_accounts)
            .enumerate()
            .map(|(i, s)| (PeOwner::Storage(i), &s.private_endpoints))
            .chain(
                items(&t.key_vaults).enumerate().map(|(i, s)| (PeOwner::KeyVault(i), &s.private_endpoints)),
            )
            .chain(
                items(&t.container_registries)
                    .enumerate()
                    .map(|(i, s)| (PeOwner::Registry(i), &s.private_endpoints)),
            );
        for (owner, list) in groups {
            for (i, pe) in items(list).enumerate() {
                out.push(PeView {
                    owner,
                    index: i,
                    name: name_of::<()>(&pe.name),
                    subresource: pe.subresource.as_ref().map(|s| s.value),
                    subnet: self.lookup_subnet(pe.vnet.as_ref(), pe.subnet.as_ref()),
                    span: pe.span.clone(),
                });
            }
        }
        out
    }

    /// VNets in which the endpoints of a list sit.
    pub fn pe_vnets(&self, list: &Option<List<PrivateEndpoint>>) -> Vec<usize> {
        let mut v: Vec<usize> = items(list)
            .filter_map(|pe| match &pe.vnet {
                Some(n) => self.vnet_index(&n.value),
                None => self.sole_vnet(),
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Subnets through which a resource is reached from the network: those its
    /// service-endpoint `vnet_rules` name and those holding its private endpoints (sorted,
    /// without duplicates). References that do not resolve are left out. Pass `&None` as
    /// `vnet_rules` when the rules have no effect (an open account, public access disabled).
    pub fn attachment_subnets(
        &self,
        vnet_rules: &Option<List<String>>,
        endpoints: &Option<List<PrivateEndpoint>>,
    ) -> Vec<SubnetId> {
        let mut v = self.vnet_rule_subnets(vnet_rules);
        v.extend(items(endpoints).filter_map(|pe| self.lookup_subnet(pe.vnet.as_ref(), pe.subnet.as_ref())));
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Are two VNets peered (either side declares it)?
    pub fn peered(&self, a: usize, b: usize) -> bool {
        let declares = |x: usize, y: usize| {
            let yname = self.vnet_name(y);
            self.vnet(x).is_some_and(|v| items(&v.peerings).any(|p| p.value == yname))
        };
        a == b || declares(a, b) || declares(b, a)
    }
}

/// Sections that references point into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Section {
    Vnets,
    Nsgs,
    RouteTables,
    Zones,
    Storage,
    KeyVaults,
    Registries,
    AppInsights,
    Computes,
    ServiceEndpointPolicies,
}

/// Suggest a name for a dangling reference.
pub(super) fn suggest(name: &str, known: &[&str]) -> Option<String> {
    match did_you_mean(name, known.iter().copied()) {
        Some(s) => Some(format!("did you mean `{s}`?")),
        None if known.is_empty() => None,
        None if known.len() <= 6 => Some(format!("known names: {}", known.join(", "))),
        None => None,
    }
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
