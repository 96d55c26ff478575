//! From declared resources to the model.
//!
//! Three passes over the registry, so declaration order never matters: resources that stand
//! alone (VNets, NSGs, route tables, zones, storage, key vaults, registries, Application
//! Insights, the workspace, AKS clusters, firewalls and their policies, Bastion, gateways),
//! then those that attach to one of them (child subnets, rules and routes, peerings, zone
//! links and records, private endpoints, computes), then those that attach to the second kind
//! (private DNS zone groups, firewall policy rule collection groups, clusters no workspace
//! attaches). A resource type the model does not describe is one note per type.

mod firewall;
mod network;
pub mod pending;
mod services;
mod workspace;

use std::collections::BTreeSet;
use std::ops::Range;

use super::cursor::Cur;
use super::eval::Eval;
use super::scope::Declared;
use crate::diag::Severity;
use crate::diag::ToolCode;
use crate::topology::model::{List, Topology};
use crate::topology::yaml::Sp;

pub use services::PeSlot;
pub use workspace::Cluster;

/// The model being built, and what later passes attach to.
pub struct Mapper<'e, 'a> {
    pub ev: &'e Eval<'a>,
    pub t: Topology,
    /// Private endpoints by name (lowercase) and where they landed.
    pub endpoints: Vec<(String, PeSlot)>,
    /// AKS clusters declared in the template.
    pub clusters: Vec<Cluster>,
    /// The policy of the firewall (lowercase name).
    pub firewall_policy: Option<String>,
    pub unmapped: BTreeSet<String>,
}

/// Build the topology from everything the evaluator collected.
pub fn build(ev: &Eval<'_>) -> Topology {
    let list: Vec<Declared> = {
        let reg = ev.registry.borrow();
        reg.list
            .iter()
            .enumerate()
            .filter(|(i, d)| reg.is_first(*i) && !d.existing && d.deployment.is_none() && d.ty.is_some())
            .map(|(_, d)| d.clone())
            .filter(|d| !d.is("Microsoft.Resources/deployments"))
            .collect()
    };
    let mut m = Mapper {
        ev,
        t: Topology::default(),
        endpoints: Vec::new(),
        clusters: Vec::new(),
        firewall_policy: None,
        unmapped: BTreeSet::new(),
    };
    let mut later = Vec::new();
    for d in &list {
        if !m.standalone(d) {
            later.push(d);
        }
    }
    let mut last = Vec::new();
    for d in later {
        if !m.attached(d) {
            last.push(d);
        }
    }
    for d in last {
        if !m.attached_late(d) {
            m.unmapped(d);
        }
    }
    m.unattached_clusters();
    m.t
}

impl<'e, 'a> Mapper<'e, 'a> {
    fn standalone(&mut self, d: &Declared<'a>) -> bool {
        let ty = d.ty.as_deref().unwrap_or("").to_ascii_lowercase();
        match ty.as_str() {
            "microsoft.network/virtualnetworks" => self.vnet(d),
            "microsoft.network/networksecuritygroups" => self.nsg(d),
            "microsoft.network/routetables" => self.route_table(d),
            "microsoft.network/privatednszones" => self.zone(d),
            "microsoft.storage/storageaccounts" => self.storage(d),
            "microsoft.keyvault/vaults" => self.key_vault(d),
            "microsoft.containerregistry/registries" => self.registry(d),
            "microsoft.insights/components" => self.app_insights(d),
            "microsoft.machinelearningservices/workspaces" => self.workspace(d),
            "microsoft.containerservice/managedclusters" => self.cluster(d),
            "microsoft.network/azurefirewalls" => self.firewall(d),
            "microsoft.network/firewallpolicies" => self.firewall_policy(d),
            "microsoft.network/bastionhosts" => self.bastion(d),
            "microsoft.network/virtualnetworkgateways" => self.gateway(d),
            _ => return false,
        }
        true
    }

    fn attached(&mut self, d: &Declared<'a>) -> bool {
        let ty = d.ty.as_deref().unwrap_or("").to_ascii_lowercase();
        match ty.as_str() {
            "microsoft.network/virtualnetworks/subnets" => self.child_subnet(d),
            "microsoft.network/virtualnetworks/virtualnetworkpeerings" => self.peering(d),
            "microsoft.network/networksecuritygroups/securityrules" => self.child_rule(d),
            "microsoft.network/routetables/routes" => self.child_route(d),
            "microsoft.network/privatednszones/virtualnetworklinks" => self.zone_link(d),
            "microsoft.network/privatednszones/a" => self.zone_record(d),
            "microsoft.network/privateendpoints" => self.private_endpoint(d),
            "microsoft.machinelearningservices/workspaces/computes" => self.compute(d),
            "microsoft.machinelearningservices/workspaces/outboundrules" => self.outbound_rule(d),
            _ => return false,
        }
        true
    }

    fn attached_late(&mut self, d: &Declared<'a>) -> bool {
        let ty = d.ty.as_deref().unwrap_or("").to_ascii_lowercase();
        match ty.as_str() {
            "microsoft.network/privateendpoints/privatednszonegroups" => self.zone_group(d),
            "microsoft.network/firewallpolicies/rulecollectiongroups" => self.rule_collection_group(d),
            _ => return false,
        }
        true
    }

    fn unmapped(&mut self, d: &Declared<'a>) {
        let ty = d.ty.clone().unwrap_or_default();
        if self.unmapped.insert(ty.to_ascii_lowercase()) {
            let span = d.node.get("type").map(|t| t.span.clone()).unwrap_or_else(|| d.node.head());
            self.ev.report(
                Severity::Note,
                ToolCode::NotInModel,
                span,
                format!("resources of type `{ty}` are not part of the topology model: they are left out"),
                None,
            );
        }
    }

    /// A note that something read is not in the model yet.
    pub fn not_in_model(&self, span: Range<usize>, message: String) {
        self.ev.report(Severity::Note, ToolCode::NotInModel, span, message, None);
    }

    /// A cursor on the resource object.
    pub fn cur(&self, d: &Declared<'a>) -> Cur<'e, 'a> {
        Cur::of(self.ev, d.node, &d.at, "resource")
    }

    /// The resource's own name (last segment), spanned at its `name` property.
    pub fn name(&self, d: &Declared<'a>) -> Option<Sp<String>> {
        let c = self.cur(d).get("name")?;
        let short = d.short_name()?.to_string();
        Some(Sp::new(short, c.span))
    }

    /// The parent's name (`vnet-ml` of `vnet-ml/snet-pe`), spanned at the `name` property.
    pub fn parent(&self, d: &Declared<'a>) -> Option<Sp<String>> {
        let c = self.cur(d).get("name")?;
        Some(Sp::new(d.parent_name()?.to_string(), c.span))
    }
}

/// Append to an optional list (created at the item's span).
pub fn push<T>(list: &mut Option<List<T>>, item: Sp<T>) {
    let span = item.span.start..item.span.start;
    push_to(list, item, span);
}

/// Append to an optional list of something an owner holds through separate resources (a
/// storage account's private endpoints, a VNet's child subnets): a list created here is
/// spanned at the owner, where a finding about a missing entry belongs.
pub fn push_to<T>(list: &mut Option<List<T>>, item: Sp<T>, owner: Range<usize>) {
    match list {
        Some(l) => l.value.push(item),
        None => *list = Some(Sp::new(vec![item], owner)),
    }
}

/// An array property of strings (numbers as text) as a list spanned at the property.
pub fn strings(c: Option<Cur>) -> Option<List<String>> {
    c?.list(&[], Cur::text)
}

/// The index of the entry named `name` (ignoring case).
pub fn find<T>(list: &Option<List<T>>, name: &str, get: impl Fn(&T) -> Option<&str>) -> Option<usize> {
    list.as_ref()?.value.iter().position(|e| get(&e.value).is_some_and(|n| n.eq_ignore_ascii_case(name)))
}
