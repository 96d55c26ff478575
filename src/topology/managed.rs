//! The questions the rules of profile `2026-02` ask about the workspace managed virtual
//! network, serverless compute, hubs and online endpoints: the helpers of
//! `docs/profiles/2026-02.md` § 3 as methods on [`Net`], and the Azure defaults of the new
//! model fields as accessors.
//!
//! | Spec | Here |
//! |---|---|
//! | `mvn` | [`Net::mvn`] |
//! | `approved` | [`Net::approved`] |
//! | `deps` | [`Net::deps`] |
//! | `required_pe_targets` | [`Net::required_pe_targets`] (sub-resources: [`covered_subresources`]) |
//! | `pe_reachable(r, sub?)` | [`Net::pe_reachable`] |
//! | `selected_ips` | [`Net::selected_ips`] |
//! | `hubish` | [`Net::hubish`] |
//! | `compute_subnets` | [`Net::compute_subnets`] |
//! | C2 (managed compute) | [`Net::managed_compute`] |

use super::addr::{PortRange, parse_ports};
use super::facts::NetworkDefaults;
use super::model::*;
use super::node::{Node, PeOwner, SubnetId};
use super::resolve::Net;
use super::yaml::Sp;

// ----- defaults of the new fields -----

impl ManagedNetwork {
    /// `isolation_mode` (default `Disabled`).
    pub fn mode(&self) -> IsolationMode {
        self.isolation_mode.as_ref().map(|m| m.value).unwrap_or(IsolationMode::Disabled)
    }
    /// `status` (default `Inactive`).
    pub fn status(&self) -> ManagedNetworkStatus {
        self.status.as_ref().map(|s| s.value).unwrap_or(ManagedNetworkStatus::Inactive)
    }
    /// `firewall_sku` (default `Standard`).
    pub fn firewall_sku(&self) -> FirewallSku {
        self.firewall_sku.as_ref().map(|s| s.value).unwrap_or(FirewallSku::Standard)
    }
    /// `spark_ready` (default false).
    pub fn spark_ready(&self) -> bool {
        self.spark_ready.as_ref().is_some_and(|s| s.value)
    }
    /// `connection_approver_role` (default false: not granted since 2025-04-30).
    pub fn connection_approver_role(&self) -> bool {
        self.connection_approver_role.as_ref().is_some_and(|s| s.value)
    }
}

impl OutboundRule {
    /// The portal's Active toggle (default true).
    pub fn is_active(&self) -> bool {
        self.active.as_ref().is_none_or(|a| a.value)
    }
    pub fn kind(&self) -> Option<OutboundRuleType> {
        self.kind.as_ref().map(|k| k.value)
    }
    /// The mapping form of the destination, if written so.
    pub fn fields(&self) -> Option<&DestinationFields> {
        match self.destination.as_ref().map(|d| &d.value) {
            Some(OutboundDestination::Fields(f)) => Some(f.as_ref()),
            _ => None,
        }
    }
    /// The host name of an `FQDN` rule: `destination: host` or `destination: {fqdn: host}`,
    /// with the span of the host name.
    pub fn fqdn(&self) -> Option<Sp<&str>> {
        let d = self.destination.as_ref()?;
        match &d.value {
            OutboundDestination::Host(h) => Some(Sp::new(h.as_str(), d.span.clone())),
            OutboundDestination::Fields(f) => {
                f.fqdn.as_ref().map(|h| Sp::new(h.value.as_str(), h.span.clone()))
            }
        }
    }
    /// The resource a `PrivateEndpoint` rule targets, by name.
    pub fn resource(&self) -> Option<&Sp<String>> {
        self.fields()?.resource.as_ref()
    }
    /// The sub-resource a `PrivateEndpoint` rule targets, as written.
    pub fn subresource(&self) -> Option<&Sp<String>> {
        self.fields()?.subresource.as_ref()
    }
    /// `destination.spark_enabled` (default false).
    pub fn spark_enabled(&self) -> bool {
        self.fields().and_then(|f| f.spark_enabled.as_ref()).is_some_and(|s| s.value)
    }
    /// The service tag of a `ServiceTag` rule.
    pub fn service_tag(&self) -> Option<&Sp<String>> {
        self.fields()?.service_tag.as_ref()
    }
    /// The port ranges of a `ServiceTag` rule (`destination.port_ranges`); `None` when
    /// absent or malformed (reported when resolving).
    pub fn port_ranges(&self) -> Option<Vec<PortRange>> {
        self.fields()?.port_ranges.as_ref().and_then(|p| port_ranges(&p.value))
    }
    /// The intended ports of an `FQDN` rule (`ports`); `None` when absent or malformed.
    pub fn fqdn_ports(&self) -> Option<Vec<PortRange>> {
        self.ports.as_ref().and_then(|p| port_ranges(&p.value))
    }
}

/// The port ranges a [`Ports`] value names; `None` when one is malformed.
pub fn port_ranges(p: &Ports) -> Option<Vec<PortRange>> {
    match p {
        Ports::Number(n) => PortRange::parse(&n.to_string()).map(|r| vec![r]),
        Ports::Text(t) => parse_ports(t),
        Ports::List(items) => {
            let mut out = Vec::new();
            for i in items {
                match i {
                    PortItem::Number(n) => out.push(PortRange::parse(&n.to_string())?),
                    PortItem::Text(t) => out.extend(parse_ports(t)?),
                }
            }
            Some(out)
        }
    }
}

impl ServerlessCompute {
    /// Do serverless nodes get a public IP? `public_ip` (default true), or the CLI's
    /// `no_public_ip` when only that is given.
    pub fn public_ip(&self) -> bool {
        match (&self.public_ip, &self.no_public_ip) {
            (Some(p), _) => p.value,
            (None, Some(n)) => !n.value,
            (None, None) => true,
        }
    }
    /// `custom_subnet` as VNet and subnet names: `vnet/subnet`, or a full ARM subnet ID
    /// (`…/virtualNetworks/<vnet>/subnets/<subnet>`).
    pub fn subnet_names(&self) -> Option<(&str, &str)> {
        split_subnet_ref(&self.custom_subnet.as_ref()?.value)
    }
}

/// `vnet/subnet`, or the VNet and subnet names of an ARM subnet ID.
pub fn split_subnet_ref(text: &str) -> Option<(&str, &str)> {
    let t = text.trim().trim_matches('/');
    let parts: Vec<&str> = t.split('/').collect();
    let named = |key: &str| {
        parts.iter().position(|p| p.eq_ignore_ascii_case(key)).and_then(|i| parts.get(i + 1)).copied()
    };
    match parts.as_slice() {
        [v, s] if !v.is_empty() && !s.is_empty() => Some((v, s)),
        _ => match (named("virtualNetworks"), named("subnets")) {
            (Some(v), Some(s)) if !v.is_empty() && !s.is_empty() => Some((v, s)),
            _ => None,
        },
    }
}

impl OnlineEndpoint {
    /// Inbound scoring from the internet (default `Enabled`).
    pub fn public_access(&self) -> Access {
        self.public_network_access.as_ref().map(|a| a.value).unwrap_or(Access::Enabled)
    }
    /// `created_before_isolation_change` (default false).
    pub fn created_before_isolation_change(&self) -> bool {
        self.created_before_isolation_change.as_ref().is_some_and(|c| c.value)
    }
}

impl Workspace {
    /// `kind` (default `default`).
    pub fn kind(&self) -> WorkspaceKind {
        self.kind.as_ref().map(|k| k.value).unwrap_or(WorkspaceKind::Default)
    }
    /// `v1_legacy_mode` (default false since API 2022-05-01).
    pub fn v1_legacy_mode(&self) -> bool {
        self.v1_legacy_mode.as_ref().is_some_and(|v| v.value)
    }
}

impl AppInsights {
    /// `workspace_based` (default true: new resources are).
    pub fn workspace_based(&self) -> bool {
        self.workspace_based.as_ref().is_none_or(|w| w.value)
    }
}

/// The sub-resources a required private endpoint rule to `target` covers: the default
/// storage's covers `blob` and `file` (the spec's open point O2: `queue` and `table` need
/// user rules).
pub fn covered_subresources(target: PeOwner) -> &'static [Subresource] {
    match target {
        PeOwner::Workspace => &[Subresource::Amlworkspace],
        PeOwner::Storage(_) => &[Subresource::Blob, Subresource::File],
        PeOwner::KeyVault(_) => &[Subresource::Vault],
        PeOwner::Registry(_) => &[Subresource::Registry],
    }
}

/// The sub-resources a private endpoint to a resource of `target`'s kind may name.
pub fn valid_subresources(target: PeOwner) -> &'static [Subresource] {
    match target {
        PeOwner::Workspace => &[Subresource::Amlworkspace],
        PeOwner::Storage(_) => &[
            Subresource::Blob,
            Subresource::File,
            Subresource::Queue,
            Subresource::Table,
            Subresource::Dfs,
            Subresource::Web,
        ],
        PeOwner::KeyVault(_) => &[Subresource::Vault],
        PeOwner::Registry(_) => &[Subresource::Registry],
    }
}

/// What runs in a compute subnet ([`Net::compute_subnets`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComputeMember {
    /// An entry of `computes` (a compute instance or cluster), by index.
    Compute(usize),
    /// Serverless compute, placed by `workspace.serverless_compute.custom_subnet`.
    Serverless,
}

impl ComputeMember {
    /// The model node to point at.
    pub fn node(self) -> Node {
        match self {
            ComputeMember::Compute(i) => Node::Compute(i),
            ComputeMember::Serverless => Node::ServerlessCompute,
        }
    }
}

/// A compute subnet and what runs in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComputeSubnet {
    pub subnet: SubnetId,
    pub member: ComputeMember,
    /// The member's nodes get a public IP.
    pub public_ip: bool,
}

impl Net {
    /// The workspace managed virtual network, as written.
    pub fn managed_network(&self) -> Option<&Sp<ManagedNetwork>> {
        self.workspace()?.managed_network.as_ref()
    }
    /// The managed network's isolation mode (absent: `Disabled`).
    pub fn isolation_mode(&self) -> IsolationMode {
        self.managed_network().map(|m| m.mode()).unwrap_or(IsolationMode::Disabled)
    }
    /// `mvn`: the workspace uses a managed virtual network (internet or approved outbound).
    pub fn mvn(&self) -> bool {
        self.isolation_mode() != IsolationMode::Disabled
    }
    /// `approved`: the managed network allows only approved outbound.
    pub fn approved(&self) -> bool {
        self.isolation_mode() == IsolationMode::AllowOnlyApprovedOutbound
    }
    /// The user-defined outbound rules, with their index.
    pub fn outbound_rules(&self) -> impl Iterator<Item = (usize, &Sp<OutboundRule>)> + '_ {
        let list = self.managed_network().map(|m| &m.outbound_rules).unwrap_or(&NO_RULES);
        items(list).enumerate()
    }

    /// `deps`: the default storage, key vault and container registry the workspace names,
    /// when the block describes them.
    pub fn deps(&self) -> Vec<PeOwner> {
        let Some(w) = self.workspace() else { return Vec::new() };
        let mut out = Vec::new();
        if let Some((i, _)) = w.default_storage.as_ref().and_then(|n| self.storage(&n.value)) {
            out.push(PeOwner::Storage(i));
        }
        if let Some((i, _)) = w.key_vault.as_ref().and_then(|n| self.key_vault(&n.value)) {
            out.push(PeOwner::KeyVault(i));
        }
        if let Some(Sp { value: Some(n), .. }) = &w.container_registry
            && let Some((i, _)) = self.registry(n)
        {
            out.push(PeOwner::Registry(i));
        }
        out
    }

    /// `public_network_access` of a workspace resource (absent: `Enabled`).
    pub fn target_public_access(&self, target: PeOwner) -> Access {
        let t = self.topo();
        match target {
            PeOwner::Workspace => Some(self.workspace_public_access()),
            PeOwner::Storage(i) => items(&t.storage_accounts).nth(i).map(|s| s.public_access()),
            PeOwner::KeyVault(i) => items(&t.key_vaults).nth(i).map(|k| k.public_access()),
            PeOwner::Registry(i) => items(&t.container_registries).nth(i).map(|r| r.public_access()),
        }
        .unwrap_or(Access::Enabled)
    }

    /// The name of a workspace resource, as rules and outbound rules name it.
    pub fn target_name(&self, target: PeOwner) -> Option<&str> {
        let t = self.topo();
        let name = match target {
            PeOwner::Workspace => self.workspace().and_then(|w| w.name.as_ref()),
            PeOwner::Storage(i) => items(&t.storage_accounts).nth(i).and_then(|s| s.name.as_ref()),
            PeOwner::KeyVault(i) => items(&t.key_vaults).nth(i).and_then(|k| k.name.as_ref()),
            PeOwner::Registry(i) => items(&t.container_registries).nth(i).and_then(|r| r.name.as_ref()),
        };
        name.map(|n| n.value.as_str())
    }

    /// The workspace resource an outbound rule's `destination.resource` names: the
    /// workspace, a storage account, key vault or registry of the block (`None`: a resource
    /// outside the block, free text).
    pub fn resolve_target(&self, name: &str) -> Option<PeOwner> {
        if self.workspace().and_then(|w| w.name.as_ref()).is_some_and(|n| n.value == name) {
            return Some(PeOwner::Workspace);
        }
        if let Some((i, _)) = self.storage(name) {
            return Some(PeOwner::Storage(i));
        }
        if let Some((i, _)) = self.key_vault(name) {
            return Some(PeOwner::KeyVault(i));
        }
        self.registry(name).map(|(i, _)| PeOwner::Registry(i))
    }

    /// `required_pe_targets`: the private endpoints the managed network creates by itself.
    /// With approved outbound: the workspace and every member of [`Net::deps`]; with
    /// internet outbound: those of them whose public network access is disabled; else none.
    pub fn required_pe_targets(&self) -> Vec<PeOwner> {
        let all = std::iter::once(PeOwner::Workspace).chain(self.deps());
        match self.isolation_mode() {
            IsolationMode::Disabled => Vec::new(),
            IsolationMode::AllowOnlyApprovedOutbound => all.collect(),
            IsolationMode::AllowInternetOutbound => {
                all.filter(|t| self.target_public_access(*t) == Access::Disabled).collect()
            }
        }
    }

    /// `pe_reachable(r, sub?)`: the managed network reaches `target` (through sub-resource
    /// `sub`, when given) by a private endpoint: a required one that covers `sub`, or an
    /// active user `PrivateEndpoint` rule naming the resource (and `sub`).
    pub fn pe_reachable(&self, target: PeOwner, sub: Option<Subresource>) -> bool {
        if !self.mvn() {
            return false;
        }
        let required = self.required_pe_targets().contains(&target)
            && sub.is_none_or(|s| covered_subresources(target).contains(&s));
        required || self.pe_rule_to(target, sub).is_some()
    }

    /// The first active user `PrivateEndpoint` rule to `target` (and `sub`, when given).
    pub fn pe_rule_to(
        &self,
        target: PeOwner,
        sub: Option<Subresource>,
    ) -> Option<(usize, &Sp<OutboundRule>)> {
        let name = self.target_name(target)?;
        self.outbound_rules().find(|(_, r)| {
            r.is_active()
                && r.kind() == Some(OutboundRuleType::PrivateEndpoint)
                && r.resource().is_some_and(|n| n.value == name)
                && sub
                    .is_none_or(|s| r.subresource().is_some_and(|x| x.value.eq_ignore_ascii_case(s.as_str())))
        })
    }

    /// `selected_ips`: the workspace is public but admits only the addresses of
    /// `workspace.network.ip_rules` ("Enabled from selected IP addresses").
    pub fn selected_ips(&self) -> bool {
        let Some(n) = self.workspace().and_then(|w| w.network.as_ref()) else { return false };
        self.workspace_public_access() != Access::Disabled
            && items(&n.ip_rules).len() > 0
            && n.default_action.as_ref().is_none_or(|d| d.value != DefaultAction::Allow)
    }

    /// The workspace's kind (absent: `default`).
    pub fn workspace_kind(&self) -> WorkspaceKind {
        self.workspace().map(|w| w.kind()).unwrap_or(WorkspaceKind::Default)
    }
    /// `hubish`: a hub or a project workspace.
    pub fn hubish(&self) -> bool {
        matches!(self.workspace_kind(), WorkspaceKind::Hub | WorkspaceKind::Project)
    }

    /// The serverless compute settings, as written.
    pub fn serverless(&self) -> Option<&Sp<ServerlessCompute>> {
        self.workspace()?.serverless_compute.as_ref()
    }
    /// The subnet `serverless_compute.custom_subnet` names, if it resolves.
    pub fn serverless_subnet(&self) -> Option<SubnetId> {
        let (v, s) = self.serverless()?.subnet_names()?;
        self.lookup_vnet_rule(&format!("{v}/{s}"))
    }

    /// `compute_subnets`: the subnets of compute instances and clusters, and the subnet of
    /// serverless compute (`custom_subnet`), with what runs there and whether it has public
    /// IPs. Computes whose subnet does not resolve are left out.
    pub fn compute_subnets(&self) -> Vec<ComputeSubnet> {
        const KINDS: &[ComputeType] = &[ComputeType::ComputeInstance, ComputeType::ComputeCluster];
        let mut out: Vec<ComputeSubnet> = self
            .computes_of(KINDS)
            .filter_map(|(i, c)| {
                Some(ComputeSubnet {
                    subnet: self.compute_subnet(i)?,
                    member: ComputeMember::Compute(i),
                    public_ip: Net::compute_public_ip(c),
                })
            })
            .collect();
        if let (Some(s), Some(subnet)) = (self.serverless(), self.serverless_subnet()) {
            out.push(ComputeSubnet { subnet, member: ComputeMember::Serverless, public_ip: s.public_ip() });
        }
        out
    }

    /// C2: does compute `i` run in the Microsoft-managed network (a compute instance or
    /// cluster of a workspace with a managed network)?
    pub fn managed_compute(&self, i: usize) -> bool {
        const KINDS: &[ComputeType] = &[ComputeType::ComputeInstance, ComputeType::ComputeCluster];
        self.mvn() && self.computes_of(KINDS).any(|(j, _)| j == i)
    }

    /// The managed online endpoints, with their index.
    pub fn online_endpoints(&self) -> impl Iterator<Item = (usize, &Sp<OnlineEndpoint>)> + '_ {
        items(&self.topo().online_endpoints).enumerate()
    }

    /// A service endpoint policy by name.
    pub fn service_endpoint_policy(&self, name: &str) -> Option<(usize, &Sp<ServiceEndpointPolicy>)> {
        items(&self.topo().service_endpoint_policies)
            .enumerate()
            .find(|(_, p)| p.name.as_ref().is_some_and(|n| n.value == name))
    }
}

static NO_RULES: Option<List<OutboundRule>> = None;

#[cfg(test)]
#[path = "managed_tests.rs"]
mod tests;
