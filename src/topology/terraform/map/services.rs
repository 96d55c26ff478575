//! The workspace and its associated resources: storage accounts (with `network_rules` and
//! `azurerm_storage_account_network_rules`), key vaults, container registries, Application
//! Insights, private endpoints with their DNS zone groups, and datastores.

use super::network::{name_of, subnet_of, subnet_ref, zone_name};
use super::{Ctx, Module, Obj, Res, Tgt, list};
use crate::diag::ToolCode;
use crate::topology::model::*;
use crate::topology::yaml::Sp;

const WORKSPACE: (&str, &str) =
    ("azurerm_machine_learning_workspace", "microsoft.machinelearningservices/workspaces");
const STORAGE: (&str, &str) = ("azurerm_storage_account", "microsoft.storage/storageaccounts");
const KEY_VAULT: (&str, &str) = ("azurerm_key_vault", "microsoft.keyvault/vaults");
const REGISTRY: (&str, &str) = ("azurerm_container_registry", "microsoft.containerregistry/registries");
const INSIGHTS: (&str, &str) = ("azurerm_application_insights", "microsoft.insights/components");

pub fn map(m: &Module, cx: &mut Ctx<'_>) {
    for r in m.of_kind("azurerm_storage_account") {
        let (a, o) = (&r.address, &r.obj);
        let s = StorageAccount {
            name: Some(r.label.clone()),
            region: cx.text(a, o, "location"),
            public_network_access: access(cx, a, o, "public_network_access_enabled"),
            network: Ctx::block(o, "network_rules").map(|b| storage_rules(m, cx, a, b)),
            ..StorageAccount::default()
        };
        cx.out.storage.push(Sp::new(s, o.header.clone()));
    }
    for r in m.of_kind("azurerm_storage_account_network_rules") {
        let (a, o) = (&r.address, &r.obj);
        let name = match cx.target(m, a, o, "storage_account_id") {
            Some((t, span)) => name_of(&t, STORAGE.0, STORAGE.1).map(|n| Sp::new(n, span)),
            None => cx.text(a, o, "storage_account_name"),
        };
        let Some(name) = name else { continue };
        let rules = storage_rules(m, cx, a, o);
        match cx.out.storage.iter_mut().find(|s| super::network::is(&s.name, &name.value)) {
            Some(s) => s.value.network = Some(rules),
            None => not_declared(cx, a, "storage account", &name),
        }
    }
    for r in m.of_kind("azurerm_key_vault") {
        let (a, o) = (&r.address, &r.obj);
        let k = KeyVault {
            name: Some(r.label.clone()),
            region: cx.text(a, o, "location"),
            public_network_access: access(cx, a, o, "public_network_access_enabled"),
            network: Ctx::block(o, "network_acls").map(|b| key_vault_acls(m, cx, a, b)),
            ..KeyVault::default()
        };
        cx.out.key_vaults.push(Sp::new(k, o.header.clone()));
    }
    for r in m.of_kind("azurerm_container_registry") {
        registry(m, cx, r);
    }
    for r in m.of_kind("azurerm_application_insights") {
        let (a, o) = (&r.address, &r.obj);
        // Telemetry reaches a resource whose public ingestion is off only through private link.
        let public_network_access = cx
            .boolean(a, o, "internet_ingestion_enabled")
            .map(|b| Sp::new(if b.value { Access::Enabled } else { Access::Disabled }, b.span));
        let ai = AppInsights { name: Some(r.label.clone()), public_network_access, ..AppInsights::default() };
        cx.out.insights.push(Sp::new(ai, o.header.clone()));
    }
    workspace(m, cx);
    for r in m.of_kind("azurerm_private_endpoint") {
        private_endpoint(m, cx, r);
    }
    datastores(m, cx);
}

fn not_declared(cx: &mut Ctx<'_>, addr: &str, what: &str, name: &Sp<String>) {
    cx.note(
        ToolCode::NotInModel,
        format!("`{addr}` belongs to {what} `{}`, which this module does not declare", name.value),
        Some("it is left out of the topology"),
        name.span.clone(),
    );
}

/// `public_network_access_enabled` as the model's `Access`.
fn access(cx: &mut Ctx<'_>, a: &str, o: &Obj, key: &str) -> Option<Sp<Access>> {
    cx.boolean(a, o, key).map(|b| Sp::new(if b.value { Access::Enabled } else { Access::Disabled }, b.span))
}

/// Subnet IDs as the model's `vnet/subnet` rules.
fn vnet_rules(m: &Module, cx: &mut Ctx<'_>, a: &str, o: &Obj, key: &str) -> Option<List<String>> {
    let (targets, span) = cx.targets(m, a, o, key)?;
    let mut out = Vec::new();
    for (t, sp) in targets {
        match subnet_of(cx, &t) {
            Some((v, s)) => out.push(Sp::new(format!("{v}/{s}"), sp)),
            None => cx.not_a(a, key, &t, "a subnet", sp),
        }
    }
    Some(Sp::new(out, span))
}

fn bypass(cx: &mut Ctx<'_>, a: &str, o: &Obj) -> Option<List<Bypass>> {
    let texts = cx.texts(a, o, "bypass")?;
    let mut out = Vec::new();
    for t in texts.value {
        match super::parse_choice::<Bypass>(&t.value) {
            Ok(b) => out.push(Sp::new(b, t.span)),
            Err(e) => cx.note(ToolCode::NotInModel, format!("`bypass` of `{a}`: {e}"), None, t.span),
        }
    }
    Some(Sp::new(out, texts.span))
}

fn storage_rules(m: &Module, cx: &mut Ctx<'_>, a: &str, o: &Obj) -> Sp<NetworkRules> {
    let mut instances = Vec::new();
    for p in Ctx::blocks(o, "private_link_access") {
        if let Some((t, span)) = cx.target(m, a, p, "endpoint_resource_id") {
            match name_of(&t, WORKSPACE.0, WORKSPACE.1) {
                Some(n) => instances.push(Sp::new(n, span)),
                None => cx.not_a(a, "endpoint_resource_id", &t, "a workspace", span),
            }
        }
    }
    let rules = NetworkRules {
        default_action: cx.choice(a, o, "default_action"),
        bypass: bypass(cx, a, o),
        vnet_rules: vnet_rules(m, cx, a, o, "virtual_network_subnet_ids"),
        ip_rules: cx.texts(a, o, "ip_rules"),
        resource_instance_rules: list(instances, o.header.clone()),
    };
    Sp::new(rules, o.header.clone())
}

fn key_vault_acls(m: &Module, cx: &mut Ctx<'_>, a: &str, o: &Obj) -> Sp<NetworkRules> {
    let rules = NetworkRules {
        default_action: cx.choice(a, o, "default_action"),
        bypass: bypass(cx, a, o),
        vnet_rules: vnet_rules(m, cx, a, o, "virtual_network_subnet_ids"),
        ip_rules: cx.texts(a, o, "ip_rules"),
        resource_instance_rules: None,
    };
    Sp::new(rules, o.header.clone())
}

fn registry(m: &Module, cx: &mut Ctx<'_>, r: &Res) {
    let (a, o) = (&r.address, &r.obj);
    let trusted = cx
        .text(a, o, "network_rule_bypass_option")
        .map(|t| Sp::new(t.value.eq_ignore_ascii_case("AzureServices"), t.span));
    let set = Ctx::block(o, "network_rule_set");
    let network = match set {
        Some(b) => {
            let ips: Vec<Sp<String>> =
                Ctx::blocks(b, "ip_rule").filter_map(|ip| cx.text(a, ip, "ip_range")).collect();
            let mut subnets = Vec::new();
            for v in Ctx::blocks(b, "virtual_network") {
                if let Some((vn, sn, span)) = subnet_ref(m, cx, a, v, "subnet_id") {
                    subnets.push(Sp::new(format!("{vn}/{sn}"), span));
                }
            }
            let n = RegistryNetwork {
                default_action: cx.choice(a, b, "default_action"),
                trusted_services: trusted,
                vnet_rules: list(subnets, b.header.clone()),
                ip_rules: list(ips, b.header.clone()),
            };
            Some(Sp::new(n, b.header.clone()))
        }
        None => trusted.map(|t| {
            let span = t.span.clone();
            Sp::new(RegistryNetwork { trusted_services: Some(t), ..RegistryNetwork::default() }, span)
        }),
    };
    let c = ContainerRegistry {
        name: Some(r.label.clone()),
        region: cx.text(a, o, "location"),
        sku: cx.choice(a, o, "sku"),
        public_network_access: access(cx, a, o, "public_network_access_enabled"),
        network,
        private_endpoints: None,
        ..ContainerRegistry::default()
    };
    cx.out.registries.push(Sp::new(c, o.header.clone()));
}

/// `identity { type = ... }` as the model's `Identity`.
pub fn identity(cx: &mut Ctx<'_>, a: &str, o: &Obj) -> Option<Sp<Identity>> {
    let t = cx.text(a, Ctx::block(o, "identity")?, "type")?;
    let v = t.value.to_ascii_lowercase();
    let id = if v.contains("systemassigned") {
        Identity::System
    } else if v.contains("userassigned") {
        Identity::User
    } else {
        Identity::None
    };
    Some(Sp::new(id, t.span))
}

/// A reference to a resource of `kind` (by ID) as its name.
fn named(
    m: &Module,
    cx: &mut Ctx<'_>,
    a: &str,
    o: &Obj,
    key: &str,
    kind: (&str, &str),
    what: &str,
) -> Option<Sp<String>> {
    let (t, span) = cx.target(m, a, o, key)?;
    match name_of(&t, kind.0, kind.1) {
        Some(n) => Some(Sp::new(n, span)),
        None => {
            cx.not_a(a, key, &t, what, span);
            None
        }
    }
}

fn workspace(m: &Module, cx: &mut Ctx<'_>) {
    let mut all = m.of_kind(WORKSPACE.0);
    let Some(r) = all.next() else { return };
    for other in all {
        cx.note(
            ToolCode::NotInModel,
            format!(
                "the topology holds one workspace: `{}` is left out (`{}` is the one described)",
                other.address, r.address
            ),
            Some("import a module with one workspace, or describe the others in their own blocks"),
            other.obj.header.clone(),
        );
    }
    let (a, o) = (&r.address, &r.obj);
    let public = access(cx, a, o, "public_network_access_enabled")
        .or_else(|| access(cx, a, o, "public_access_behind_virtual_network_enabled"));
    let edition = cx.text(a, o, "sku_name").and_then(|t| match t.value.to_ascii_lowercase().as_str() {
        "basic" => Some(Sp::new(Edition::Basic, t.span)),
        "enterprise" => Some(Sp::new(Edition::Enterprise, t.span)),
        _ => None,
    });
    let w = Workspace {
        name: Some(r.label.clone()),
        resource_group: cx.text(a, o, "resource_group_name"),
        region: cx.text(a, o, "location"),
        edition,
        identity: identity(cx, a, o),
        customer_managed_key: Ctx::block(o, "encryption").map(|b| Sp::new(true, b.header.clone())),
        public_network_access: public,
        image_build_compute: cx
            .text(a, o, "image_build_compute_name")
            .map(|t| Sp::new(Some(t.value), t.span)),
        default_storage: named(m, cx, a, o, "storage_account_id", STORAGE, "a storage account"),
        key_vault: named(m, cx, a, o, "key_vault_id", KEY_VAULT, "a key vault"),
        container_registry: named(m, cx, a, o, "container_registry_id", REGISTRY, "a container registry")
            .map(|n| Sp::new(Some(n.value), n.span)),
        application_insights: named(
            m,
            cx,
            a,
            o,
            "application_insights_id",
            INSIGHTS,
            "an Application Insights resource",
        ),
        ..Workspace::default()
    };
    if let Some(b) = Ctx::block(o, "managed_network") {
        let mode = cx.text(a, b, "isolation_mode").map(|t| t.value).unwrap_or_else(|| "not set".into());
        cx.note(
            ToolCode::NotInModel,
            format!("`managed_network` of `{a}` (isolation mode `{mode}`) is not in the topology model yet"),
            Some("the managed network is not checked"),
            b.header.clone(),
        );
    }
    cx.out.workspace = Some(Sp::new(w, o.header.clone()));
}

fn private_endpoint(m: &Module, cx: &mut Ctx<'_>, r: &Res) {
    let (a, o) = (&r.address, &r.obj);
    let Some(psc) = Ctx::block(o, "private_service_connection") else { return };
    let Some((target, tspan)) = cx.target(m, a, psc, "private_connection_resource_id") else { return };
    let subnet = subnet_ref(m, cx, a, o, "subnet_id");
    let (vnet, subnet) = match subnet {
        Some((v, s, span)) => (Some(Sp::new(v, span.clone())), Some(Sp::new(s, span))),
        None => (None, None),
    };
    let zones: Vec<Sp<String>> = match Ctx::block(o, "private_dns_zone_group")
        .and_then(|g| cx.targets(m, a, g, "private_dns_zone_ids"))
    {
        Some((targets, _)) => {
            targets.iter().filter_map(|(t, sp)| zone_name(t).map(|n| Sp::new(n, sp.clone()))).collect()
        }
        None => Vec::new(),
    };
    let ip = Ctx::block(o, "ip_configuration").and_then(|b| cx.text(a, b, "private_ip_address"));
    let sub = cx.texts(a, psc, "subresource_names").and_then(|l| l.value.into_iter().next());
    let header = o.header.clone();

    let owner = |kind: (&str, &str)| name_of(&target, kind.0, kind.1);
    if let Some(ws) = owner(WORKSPACE) {
        let resource_group = cx.text(a, o, "resource_group_name");
        let described = cx.out.workspace.as_ref().and_then(|w| w.name.as_ref()).map(|n| n.value.clone());
        if described.as_deref() != Some(ws.as_str()) {
            cx.note(
                ToolCode::NotInModel,
                format!("private endpoint `{a}` belongs to workspace `{ws}`, not to the one the topology describes"),
                Some("it is left out of the topology"),
                tspan,
            );
            return;
        }
        let Some(w) = cx.out.workspace.as_mut() else { return };
        let pe = WorkspacePrivateEndpoint {
            name: Some(r.label.clone()),
            resource_group,
            vnet,
            subnet,
            ip,
            private_dns_zone_group: list(zones, header.clone()),
            ..WorkspacePrivateEndpoint::default()
        };
        let span = w.span.clone();
        w.value
            .private_endpoints
            .get_or_insert_with(|| Sp::new(Vec::new(), span))
            .value
            .push(Sp::new(pe, header));
        return;
    }
    let subresource = sub.and_then(|s| match super::parse_choice::<Subresource>(&s.value) {
        Ok(v) => Some(Sp::new(v, s.span)),
        Err(e) => {
            cx.note(ToolCode::NotInModel, format!("subresource `{}` of `{a}`: {e}", s.value), None, s.span);
            None
        }
    });
    let pe = PrivateEndpoint {
        name: Some(r.label.clone()),
        subresource,
        vnet,
        subnet,
        ip,
        dns_zone: zones.into_iter().next(),
        workspace_mi_reader: None,
    };
    let pe = Sp::new(pe, header.clone());
    let out = &mut cx.out;
    let slot = if let Some(n) = owner(STORAGE) {
        out.storage
            .iter_mut()
            .find(|s| super::network::is(&s.name, &n))
            .map(|s| (&mut s.value.private_endpoints, s.span.clone()))
    } else if let Some(n) = owner(KEY_VAULT) {
        out.key_vaults
            .iter_mut()
            .find(|s| super::network::is(&s.name, &n))
            .map(|s| (&mut s.value.private_endpoints, s.span.clone()))
    } else if let Some(n) = owner(REGISTRY) {
        out.registries
            .iter_mut()
            .find(|s| super::network::is(&s.name, &n))
            .map(|s| (&mut s.value.private_endpoints, s.span.clone()))
    } else {
        None
    };
    match slot {
        Some((list, span)) => list.get_or_insert_with(|| Sp::new(Vec::new(), span)).value.push(pe),
        None => {
            let what = match &target {
                Tgt::Res(t) if ![STORAGE.0, KEY_VAULT.0, REGISTRY.0].contains(&t.kind.as_str()) => {
                    format!("{}, which the topology model does not describe", target.describe())
                }
                _ => format!("{}, which this module does not declare", target.describe()),
            };
            cx.note(
                ToolCode::NotInModel,
                format!("private endpoint `{a}` connects to {what}"),
                Some("the private endpoint is left out of the topology"),
                tspan,
            );
        }
    }
}

/// Datastores registered by the module (blob, file share, Data Lake Gen2).
fn datastores(m: &Module, cx: &mut Ctx<'_>) {
    let kinds = [
        ("azurerm_machine_learning_datastore_blobstorage", DatastoreKind::Blob, "storage_container_id"),
        ("azurerm_machine_learning_datastore_fileshare", DatastoreKind::File, "storage_fileshare_id"),
        ("azurerm_machine_learning_datastore_datalake_gen2", DatastoreKind::AdlsGen2, "storage_container_id"),
    ];
    let mut found = Vec::new();
    for (kind, dkind, key) in kinds {
        for r in m.of_kind(kind) {
            let (a, o) = (&r.address, &r.obj);
            let storage = cx.target(m, a, o, key).and_then(|(t, span)| {
                let name = match &t {
                    Tgt::Res(c)
                        if c.kind == "azurerm_storage_container" || c.kind == "azurerm_storage_share" =>
                    {
                        match cx.target(m, &c.address, &c.obj, "storage_account_id") {
                            Some((st, _)) => name_of(&st, STORAGE.0, STORAGE.1),
                            None => cx.text(&c.address, &c.obj, "storage_account_name").map(|n| n.value),
                        }
                    }
                    Tgt::Arm(p) if p.first().is_some_and(|x| x.0 == STORAGE.1) => Some(p[0].1.clone()),
                    _ => None,
                };
                name.map(|n| Sp::new(n, span))
            });
            let identity = cx
                .text(a, o, "service_data_identity")
                .or_else(|| cx.text(a, o, "service_data_auth_identity"));
            let d = Datastore {
                name: Some(r.label.clone()),
                kind: Some(Sp::new(dkind, o.header.clone())),
                storage,
                default: cx.boolean(a, o, "is_default"),
                use_workspace_managed_identity: identity
                    .map(|t| Sp::new(t.value.starts_with("Workspace"), t.span)),
                skip_validation: None,
                ..Datastore::default()
            };
            found.push(Sp::new(d, o.header.clone()));
        }
    }
    if found.is_empty() {
        return;
    }
    if let Some(w) = cx.out.workspace.as_mut() {
        let span = w.span.clone();
        w.value.datastores = Some(Sp::new(found, span));
    }
}
