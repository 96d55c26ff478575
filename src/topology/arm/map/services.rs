//! Storage accounts, key vaults, container registries, Application Insights, and the private
//! endpoints and DNS zone groups that attach to them.

use super::{Mapper, find, push};
use crate::diag::Severity;
use crate::topology::arm::codes;
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

fn named<T>(list: &Option<List<T>>, name: &str, get: impl Fn(&T) -> &Option<Sp<String>>) -> Option<usize> {
    find(list, name, |x| get(x).as_ref().map(|n| n.value.as_str()))
}

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
                        codes::ARM_VALUE,
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
        let list = |key: &str, read: &dyn Fn(&Cur) -> Option<Sp<String>>| -> Option<List<String>> {
            let c = acls.get(key)?;
            Some(Sp::new(c.items().iter().filter_map(read).collect(), c.head()))
        };
        NetworkRules {
            default_action: acls.get("defaultAction").and_then(|x| x.choice(ACTION)),
            bypass,
            vnet_rules: list("virtualNetworkRules", &vnet_rule),
            ip_rules: list("ipRules", &|r| r.get("value").and_then(|v| v.str())),
            resource_instance_rules: if instances {
                list("resourceAccessRules", &|r| r.get("resourceId").and_then(|v| v.id_name()))
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
                let list = |key: &str, read: &dyn Fn(&Cur) -> Option<Sp<String>>| -> Option<List<String>> {
                    let c = set.as_ref()?.get(key)?;
                    Some(Sp::new(c.items().iter().filter_map(read).collect(), c.head()))
                };
                Some(Sp::new(
                    RegistryNetwork {
                        default_action: set
                            .as_ref()
                            .and_then(|s| s.get("defaultAction"))
                            .and_then(|x| x.choice(ACTION)),
                        trusted_services: trusted,
                        vnet_rules: list("virtualNetworkRules", &vnet_rule),
                        ip_rules: list("ipRules", &|r| r.get("value").and_then(|v| v.str())),
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
        let slot = match ty.as_str() {
            "microsoft.storage/storageaccounts" => {
                named(&self.t.storage_accounts, &owner, |s| &s.name).map(|i| {
                    let l = &mut self.t.storage_accounts.as_mut().expect("found").value[i]
                        .value
                        .private_endpoints;
                    push(l, Sp::new(pe(), at.clone()));
                    PeSlot::Storage(i, l.as_ref().map_or(0, |l| l.value.len() - 1))
                })
            }
            "microsoft.keyvault/vaults" => named(&self.t.key_vaults, &owner, |s| &s.name).map(|i| {
                let l = &mut self.t.key_vaults.as_mut().expect("found").value[i].value.private_endpoints;
                push(l, Sp::new(pe(), at.clone()));
                PeSlot::KeyVault(i, l.as_ref().map_or(0, |l| l.value.len() - 1))
            }),
            "microsoft.containerregistry/registries" => {
                named(&self.t.container_registries, &owner, |s| &s.name).map(|i| {
                    let l = &mut self.t.container_registries.as_mut().expect("found").value[i]
                        .value
                        .private_endpoints;
                    push(l, Sp::new(pe(), at.clone()));
                    PeSlot::Registry(i, l.as_ref().map_or(0, |l| l.value.len() - 1))
                })
            }
            "microsoft.machinelearningservices/workspaces" => match self.t.workspace.as_mut() {
                Some(w) if w.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(&owner)) => {
                    let wpe = WorkspacePrivateEndpoint {
                        name,
                        resource_group: None,
                        vnet,
                        subnet,
                        ip,
                        private_dns_zone_group: None,
                    };
                    push(&mut w.value.private_endpoints, Sp::new(wpe, at.clone()));
                    Some(PeSlot::Workspace(
                        w.value.private_endpoints.as_ref().map_or(0, |l| l.value.len() - 1),
                    ))
                }
                _ => None,
            },
            _ => {
                self.not_in_model(
                    target.span.clone(),
                    format!(
                        "private endpoints to `{}` are not in the model: this one is left out",
                        target.value.ty
                    ),
                );
                return;
            }
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
        let zones: Vec<Sp<String>> = self
            .cur(d)
            .path(&["properties", "privateDnsZoneConfigs"])
            .map(|l| l.items())
            .unwrap_or_default()
            .iter()
            .filter_map(|z| z.path(&["properties", "privateDnsZoneId"]).and_then(|x| x.id_name()))
            .collect();
        let Some(&(_, slot)) = self.endpoints.iter().find(|(n, _)| *n == pe) else {
            self.not_in_model(
                d.node.head(),
                format!("DNS zone group of `{pe}`, a private endpoint the model does not hold: left out"),
            );
            return;
        };
        let first = zones.first().cloned();
        let t = &mut self.t;
        match slot {
            PeSlot::Workspace(j) => {
                if let Some(p) = t
                    .workspace
                    .as_mut()
                    .and_then(|w| w.value.private_endpoints.as_mut())
                    .and_then(|l| l.value.get_mut(j))
                {
                    let span = zones.first().map(|z| z.span.clone()).unwrap_or_else(|| d.node.head());
                    p.value.private_dns_zone_group = Some(Sp::new(zones, span));
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

/// A service-endpoint rule: the subnet ID as `vnet/subnet`.
fn vnet_rule(r: &Cur) -> Option<Sp<String>> {
    let (v, s) = r.get("id")?.subnet()?;
    Some(Sp::new(format!("{}/{}", v.value, s.value), s.span))
}
