//! Storage accounts, key vaults, container registries, Application Insights, and the private
//! endpoints and DNS zone groups that attach to them.

use super::{Mapper, push, push_to};
use crate::diag::Severity;
use crate::diag::ToolCode;
use crate::topology::arm::cursor::Cur;
use crate::topology::arm::scope::Declared;
use crate::topology::model::*;
use crate::topology::yaml::Sp;

/// Where a private endpoint landed in the model: the owner and the endpoint's index.
#[derive(Clone, Copy, Debug)]
pub enum PeSlot {
    Workspace(usize),
    Storage(usize, usize),
    KeyVault(usize, usize),
    Registry(usize, usize),
}

const ACCESS: &[(&str, Access)] = &[("Enabled", Access::Enabled), ("Disabled", Access::Disabled)];
const ACTION: &[(&str, DefaultAction)] = &[("Allow", DefaultAction::Allow), ("Deny", DefaultAction::Deny)];

impl<'e, 'a> Mapper<'e, 'a> {
    fn access(&self, c: &Cur) -> Option<Sp<Access>> {
        c.path(&["properties", "publicNetworkAccess"]).and_then(|x| x.choice(ACCESS))
    }

    /// `networkAcls` of storage and key vault.
    fn network_rules(&self, acls: &Cur, instances: bool) -> NetworkRules {
        let mut bypass = None;
        if let Some(b) = acls.get("bypass").and_then(|b| b.str()) {
            let mut list = Vec::new();
            for part in b.value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let known = [
                    ("AzureServices", Bypass::AzureServices),
                    ("Logging", Bypass::Logging),
                    ("Metrics", Bypass::Metrics),
                    ("None", Bypass::None),
                ];
                match known.iter().find(|(n, _)| n.eq_ignore_ascii_case(part)) {
                    Some((_, v)) => list.push(Sp::new(*v, b.span.clone())),
                    None => self.ev.report(
                        Severity::Warning,
                        ToolCode::ArmValue,
                        b.span.clone(),
                        format!(
                            "`bypass` holds `{part}`, which the topology model does not know: it is left out"
                        ),
                        Some("topobook knows `AzureServices`, `Logging`, `Metrics` and `None`".into()),
                    ),
                }
            }
            bypass = Some(Sp::new(list, b.span.clone()));
        }
        NetworkRules {
            default_action: acls.get("defaultAction").and_then(|x| x.choice(ACTION)),
            bypass,
            vnet_rules: acls.get("virtualNetworkRules").and_then(|c| c.list(&["id"], vnet_rule)),
            ip_rules: acls.get("ipRules").and_then(|c| c.list(&["value"], Cur::str)),
            resource_instance_rules: if instances {
                acls.get("resourceAccessRules").and_then(|c| c.list(&["resourceId"], Cur::id_name))
            } else {
                None
            },
        }
    }

    pub(super) fn storage(&mut self, d: &Declared<'a>) {
        let c = self.cur(d);
        let s = StorageAccount {
            name: self.name(d),
            region: c.get("location").and_then(|l| l.str()),
            public_network_access: self.access(&c),
            network: c
                .path(&["properties", "networkAcls"])
                .map(|a| Sp::new(self.network_rules(&a, true), a.head())),
            ..Default::default()
        };
        push(&mut self.t.storage_accounts, Sp::new(s, d.node.head()));
    }

    pub(super) fn key_vault(&mut self, d: &Declared<'a>) {
        let c = self.cur(d);
        let k = KeyVault {
            name: self.name(d),
            region: c.get("location").and_then(|l| l.str()),
            public_network_access: self.access(&c),
            network: c
                .path(&["properties", "networkAcls"])
                .map(|a| Sp::new(self.network_rules(&a, false), a.head())),
            private_endpoints: None,
            ..KeyVault::default()
        };
        push(&mut self.t.key_vaults, Sp::new(k, d.node.head()));
    }

    pub(super) fn registry(&mut self, d: &Declared<'a>) {
        let c = self.cur(d);
        let set = c.path(&["properties", "networkRuleSet"]);
        let trusted = c
            .path(&["properties", "networkRuleBypassOptions"])
            .and_then(|b| b.choice(&[("AzureServices", true), ("None", false)]));
        let network = match (set, trusted) {
            (None, None) => None,
            (set, trusted) => {
                let span = set
                    .as_ref()
                    .map(Cur::head)
                    .or(trusted.as_ref().map(|t| t.span.clone()))
                    .unwrap_or_default();
                let list =
                    |key: &str,
                     at: &[&str],
                     read: &dyn Fn(&Cur) -> Option<Sp<String>>|
                     -> Option<List<String>> { set.as_ref()?.get(key)?.list(at, read) };
                Some(Sp::new(
                    RegistryNetwork {
                        default_action: set
                            .as_ref()
                            .and_then(|s| s.get("defaultAction"))
                            .and_then(|x| x.choice(ACTION)),
                        trusted_services: trusted,
                        vnet_rules: list("virtualNetworkRules", &["id"], &vnet_rule),
                        ip_rules: list("ipRules", &["value"], &|c: &Cur| c.str()),
                    },
                    span,
                ))
            }
        };
        let r = ContainerRegistry {
            name: self.name(d),
            region: c.get("location").and_then(|l| l.str()),
            sku: c.path(&["sku", "name"]).and_then(|s| {
                s.choice(&[("Basic", Sku::Basic), ("Standard", Sku::Standard), ("Premium", Sku::Premium)])
            }),
            public_network_access: self.access(&c),
            network,
            private_endpoints: None,
            ..ContainerRegistry::default()
        };
        push(&mut self.t.container_registries, Sp::new(r, d.node.head()));
    }

    pub(super) fn app_insights(&mut self, d: &Declared<'a>) {
        let c = self.cur(d);
        let a = AppInsights {
            name: self.name(d),
            public_network_access: c
                .path(&["properties", "publicNetworkAccessForIngestion"])
                .and_then(|x| x.choice(ACCESS)),
            ..AppInsights::default()
        };
        push(&mut self.t.application_insights, Sp::new(a, d.node.head()));
    }

    /// A private endpoint, attached to the storage account, key vault, registry or workspace
    /// its connection targets.
    pub(super) fn private_endpoint(&mut self, d: &Declared<'a>) {
        let c = self.cur(d);
        let Some(p) = c.get("properties") else { return };
        let conn = p
            .get("privateLinkServiceConnections")
            .or_else(|| p.get("manualPrivateLinkServiceConnections"))
            .and_then(|l| l.items().into_iter().next())
            .and_then(|x| x.get("properties"));
        let Some(conn) = conn else {
            self.not_in_model(
                d.node.head(),
                "this private endpoint has no connection topobook can read: it is left out".into(),
            );
            return;
        };
        let Some(target) = conn.get("privateLinkServiceId").and_then(|t| t.id()) else { return };
        const OWNERS: [&str; 4] = [
            "microsoft.storage/storageaccounts",
            "microsoft.keyvault/vaults",
            "microsoft.containerregistry/registries",
            "microsoft.machinelearningservices/workspaces",
        ];
        if !OWNERS.contains(&target.value.ty.to_ascii_lowercase().as_str()) {
            let message = format!(
                "private endpoints to `{}` are not in the model: this one is left out",
                target.value.ty
            );
            self.not_in_model(target.span.clone(), message);
            return;
        }
        let subresource = conn.get("groupIds").and_then(|g| g.items().into_iter().next()).and_then(|g| {
            g.choice(&[
                ("blob", Subresource::Blob),
                ("file", Subresource::File),
                ("queue", Subresource::Queue),
                ("table", Subresource::Table),
                ("dfs", Subresource::Dfs),
                ("web", Subresource::Web),
                ("vault", Subresource::Vault),
                ("registry", Subresource::Registry),
                ("amlworkspace", Subresource::Amlworkspace),
            ])
        });
        let (vnet, subnet) = match p.get("subnet").and_then(|s| s.subnet()) {
            Some((v, s)) => (Some(v), Some(s)),
            None => (None, None),
        };
        let ip = p
            .get("ipConfigurations")
            .and_then(|l| l.items().into_iter().next())
            .and_then(|x| x.path(&["properties", "privateIPAddress"]))
            .and_then(|x| x.str());
        let name = self.name(d);
        let owner = target.value.name().to_string();
        let at = d.node.head();
        let pe = || PrivateEndpoint {
            name: name.clone(),
            subresource: subresource.clone(),
            vnet: vnet.clone(),
            subnet: subnet.clone(),
            ip: ip.clone(),
            dns_zone: None,
            workspace_mi_reader: None,
        };
        let ty = target.value.ty.to_ascii_lowercase();
        let t = &mut self.t;
        let slot = match ty.as_str() {
            "microsoft.storage/storageaccounts" => attach(
                &mut t.storage_accounts,
                &owner,
                |s| (&s.name, &mut s.private_endpoints),
                Sp::new(pe(), at.clone()),
            )
            .map(|(i, j)| PeSlot::Storage(i, j)),
            "microsoft.keyvault/vaults" => attach(
                &mut t.key_vaults,
                &owner,
                |s| (&s.name, &mut s.private_endpoints),
                Sp::new(pe(), at.clone()),
            )
            .map(|(i, j)| PeSlot::KeyVault(i, j)),
            "microsoft.containerregistry/registries" => attach(
                &mut t.container_registries,
                &owner,
                |s| (&s.name, &mut s.private_endpoints),
                Sp::new(pe(), at.clone()),
            )
            .map(|(i, j)| PeSlot::Registry(i, j)),
            "microsoft.machinelearningservices/workspaces" => match t.workspace.as_mut() {
                Some(w) if w.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(&owner)) => {
                    let wpe = WorkspacePrivateEndpoint {
                        name,
                        resource_group: None,
                        vnet,
                        subnet,
                        ip,
                        private_dns_zone_group: None,
                        ..WorkspacePrivateEndpoint::default()
                    };
                    push_to(&mut w.value.private_endpoints, Sp::new(wpe, at.clone()), w.span.clone());
                    Some(PeSlot::Workspace(
                        w.value.private_endpoints.as_ref().map_or(0, |l| l.value.len() - 1),
                    ))
                }
                _ => None,
            },
            _ => None,
        };
        match slot {
            Some(s) => {
                if let Some(n) = d.name.as_deref() {
                    self.endpoints.push((n.to_ascii_lowercase(), s));
                }
            }
            None => self.not_in_model(
                target.span.clone(),
                format!("this private endpoint targets `{owner}`, which this template does not declare: it is left out"),
            ),
        }
    }

    /// A private endpoint's DNS zone group: the zones the endpoint registers in.
    pub(super) fn zone_group(&mut self, d: &Declared<'a>) {
        let Some(pe) = d.parent_name().map(str::to_ascii_lowercase) else { return };
        let zones = self
            .cur(d)
            .path(&["properties", "privateDnsZoneConfigs"])
            .and_then(|l| l.list(&["properties", "privateDnsZoneId"], Cur::id_name));
        let Some(&(_, slot)) = self.endpoints.iter().find(|(n, _)| *n == pe) else {
            self.not_in_model(
                d.node.head(),
                format!("DNS zone group of `{pe}`, a private endpoint the model does not hold: left out"),
            );
            return;
        };
        let first = zones.as_ref().and_then(|z| z.value.first().cloned());
        let t = &mut self.t;
        match slot {
            PeSlot::Workspace(j) => {
                if let Some(p) = t
                    .workspace
                    .as_mut()
                    .and_then(|w| w.value.private_endpoints.as_mut())
                    .and_then(|l| l.value.get_mut(j))
                {
                    p.value.private_dns_zone_group = zones;
                }
            }
            PeSlot::Storage(i, j) => set_zone(
                t.storage_accounts.as_mut().map(|l| &mut l.value[i].value.private_endpoints),
                j,
                first,
            ),
            PeSlot::KeyVault(i, j) => {
                set_zone(t.key_vaults.as_mut().map(|l| &mut l.value[i].value.private_endpoints), j, first)
            }
            PeSlot::Registry(i, j) => set_zone(
                t.container_registries.as_mut().map(|l| &mut l.value[i].value.private_endpoints),
                j,
                first,
            ),
        }
    }
}

fn set_zone(list: Option<&mut Option<List<PrivateEndpoint>>>, j: usize, zone: Option<Sp<String>>) {
    if let Some(p) = list.and_then(|l| l.as_mut()).and_then(|l| l.value.get_mut(j)) {
        p.value.dns_zone = zone;
    }
}

/// Add a private endpoint to the owner named `owner` (the list spanned at the owner):
/// the owner's index and the endpoint's.
fn attach<T>(
    owners: &mut Option<List<T>>,
    owner: &str,
    parts: impl Fn(&mut T) -> (&Option<Sp<String>>, &mut Option<List<PrivateEndpoint>>),
    pe: Sp<PrivateEndpoint>,
) -> Option<(usize, usize)> {
    let list = owners.as_mut()?;
    for (i, o) in list.value.iter_mut().enumerate() {
        let span = o.span.clone();
        let (name, pes) = parts(&mut o.value);
        if name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(owner)) {
            push_to(pes, pe, span);
            return Some((i, pes.as_ref().map_or(0, |l| l.value.len() - 1)));
        }
    }
    None
}

/// A service-endpoint rule: the subnet ID as `vnet/subnet`.
fn vnet_rule(id: &Cur) -> Option<Sp<String>> {
    let (v, s) = id.subnet()?;
    Some(Sp::new(format!("{}/{}", v.value, s.value), s.span))
}
