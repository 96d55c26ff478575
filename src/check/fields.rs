//! Fields that belong to one profile: under the other, the rules ignore them, so the block
//! says so (`field-not-in-profile`, a warning at the key). The lists are those of
//! `docs/profiles/2026-02.md` § 2.3: the fields marked "C" (managed network, online endpoints,
//! hubs…) mean nothing under `2020-10`; `workspace.edition`, `created_in_vnet`,
//! `ssh_public_access`, `secured_at_workspace_creation` and `onprem_egress_allow` mean nothing
//! under `2026-02`. Fields read by both profiles (`hbi_workspace`, `cpu_only`, the
//! `subscription` of resources) are not listed.

use std::ops::Range;

use super::block::Locator;
use crate::diag::{Diagnostic, ToolCode};
use crate::rules::Profile;
use crate::topology::Net;
use crate::topology::model::*;
use crate::topology::node::{Loc, Node, PeOwner};
use crate::topology::yaml::Sp;

/// A field (or an enum value) present in the block that only one profile reads.
struct Only {
    /// The profile that reads it.
    profile: Profile,
    /// The key as written in YAML (`managed_network`), or the value (`serverless_spark`).
    name: &'static str,
    /// A value rather than a key (`computes[0].type: kubernetes`).
    value: bool,
    /// The span of the value.
    span: Range<usize>,
    loc: Loc,
}

#[derive(Default)]
struct Found(Vec<Only>);

impl Found {
    fn key<T>(&mut self, profile: Profile, name: &'static str, field: &Option<Sp<T>>, loc: Loc) {
        if let Some(f) = field {
            self.0.push(Only { profile, name, value: false, span: f.span.clone(), loc });
        }
    }
    fn current<T>(&mut self, name: &'static str, field: &Option<Sp<T>>, loc: Loc) {
        self.key(Profile::P2026_02, name, field, loc);
    }
    fn old<T>(&mut self, name: &'static str, field: &Option<Sp<T>>, loc: Loc) {
        self.key(Profile::P2020_10, name, field, loc);
    }
    fn current_value(&mut self, name: &'static str, span: Range<usize>, loc: Loc) {
        self.0.push(Only { profile: Profile::P2026_02, name, value: true, span, loc });
    }
}

/// Warn about every field of the block that has no meaning in `profile`.
pub(super) fn check(net: &Net, yaml: &str, profile: Profile, locator: &Locator, out: &mut Vec<Diagnostic>) {
    for f in collect(net.topo()).0.into_iter().filter(|f| f.profile != profile) {
        let (message, span) = if f.value {
            (format!("`{}` has no meaning in profile {profile}", f.name), f.span)
        } else {
            (format!("`{}` has no meaning in profile {profile}", f.name), key_span(yaml, f.span, f.name))
        };
        let path = f.loc.path();
        let help = format!(
            "`{path}` belongs to profile {}: the rules of {profile} ignore it; remove it, or check \
the block under profile {} (`profile={}` on the fence)",
            f.profile, f.profile, f.profile
        );
        out.push(
            Diagnostic::warning(ToolCode::FieldNotInProfile, message)
                .at(locator.at(span))
                .about(f.loc)
                .with_label(format!("only in profile {}", f.profile))
                .with_help(help),
        );
    }
}

/// The span of the key `name` whose value starts at `value.start`: looked for just before
/// the value (`name: value`, `name:\n  - …`); the value's span when the key is not there
/// (a comment between key and value, an alias spelling).
fn key_span(yaml: &str, value: Range<usize>, name: &str) -> Range<usize> {
    let before = &yaml.as_bytes()[..value.start.min(yaml.len())];
    let mut i = before.len();
    while i > 0 && matches!(before[i - 1], b' ' | b'\t' | b'\r' | b'\n') {
        i -= 1;
    }
    // A block sequence item starts at `-`, after its key's colon.
    if i == 0 || before[i - 1] != b':' {
        return value;
    }
    i -= 1;
    while i > 0 && matches!(before[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    let end = i;
    let start = end.saturating_sub(name.len());
    match yaml.get(start..end) {
        Some(k) if k == name => start..end,
        _ => value,
    }
}

/// Every profile-specific field and value present in the block.
fn collect(t: &Topology) -> Found {
    let mut f = Found::default();
    if let Some(m) = &t.meta {
        f.current(
            "managed_via_lighthouse",
            &m.managed_via_lighthouse,
            Node::Meta.field("managed_via_lighthouse"),
        );
    }
    if let Some(w) = &t.workspace {
        let ws = |k: &'static str| Node::Workspace.field(k);
        f.old("edition", &w.edition, ws("edition"));
        f.current("kind", &w.kind, ws("kind"));
        f.current("hub", &w.hub, ws("hub"));
        f.current(
            "allow_public_access_when_behind_vnet",
            &w.allow_public_access_when_behind_vnet,
            ws("allow_public_access_when_behind_vnet"),
        );
        f.current("network", &w.network, ws("network"));
        f.current("v1_legacy_mode", &w.v1_legacy_mode, ws("v1_legacy_mode"));
        f.current("rg_locked", &w.rg_locked, ws("rg_locked"));
        f.current("connections", &w.connections, ws("connections"));
        f.current("managed_network", &w.managed_network, ws("managed_network"));
        f.current("serverless_compute", &w.serverless_compute, ws("serverless_compute"));
        for (i, feature) in items(&w.features).enumerate() {
            if matches!(feature.value, Feature::ServerlessSpark | Feature::BatchEndpoints) {
                f.current_value(feature.value.as_str(), feature.span.clone(), ws("features").index(i));
            }
        }
        for (index, pe) in items(&w.private_endpoints).enumerate() {
            let loc = Node::Pe { owner: PeOwner::Workspace, index }.field("created");
            f.current("created", &pe.created, loc);
        }
        for (i, d) in items(&w.datastores).enumerate() {
            f.current("on_premises", &d.on_premises, Node::Datastore(i).field("on_premises"));
        }
    }
    for (i, c) in items(&t.computes).enumerate() {
        let node = Node::Compute(i);
        if let Some(k) = c.kind.as_ref().filter(|k| k.value == ComputeType::Kubernetes) {
            f.current_value("kubernetes", k.span.clone(), node.field("type"));
        }
        f.current(
            "created_before_isolation_change",
            &c.created_before_isolation_change,
            node.field("created_before_isolation_change"),
        );
        f.old("created_in_vnet", &c.created_in_vnet, node.field("created_in_vnet"));
        f.old("ssh_public_access", &c.ssh_public_access, node.field("ssh_public_access"));
        if let Some(a) = &c.aks {
            f.current(
                "api_server_public_fqdn",
                &a.api_server_public_fqdn,
                node.field("aks.api_server_public_fqdn"),
            );
        }
    }
    for (i, s) in items(&t.storage_accounts).enumerate() {
        let node = Node::Storage(i);
        f.old(
            "secured_at_workspace_creation",
            &s.secured_at_workspace_creation,
            node.field("secured_at_workspace_creation"),
        );
        f.current(
            "workspace_mi_blob_data_reader",
            &s.workspace_mi_blob_data_reader,
            node.field("workspace_mi_blob_data_reader"),
        );
        f.current("users_blob_data_reader", &s.users_blob_data_reader, node.field("users_blob_data_reader"));
    }
    for (i, a) in items(&t.application_insights).enumerate() {
        let node = Node::AppInsights(i);
        f.current("workspace_based", &a.workspace_based, node.field("workspace_based"));
        f.current("private_link_scope", &a.private_link_scope, node.field("private_link_scope"));
    }
    if let Some(c) = &t.clients {
        f.old("onprem_egress_allow", &c.onprem_egress_allow, Node::Clients.field("onprem_egress_allow"));
    }
    if let Some(p) = &t.policies {
        f.current(
            "restrict_private_endpoints",
            &p.restrict_private_endpoints,
            Node::Policies.field("restrict_private_endpoints"),
        );
    }
    f.current("online_endpoints", &t.online_endpoints, Node::Root.field("online_endpoints"));
    f.current(
        "service_endpoint_policies",
        &t.service_endpoint_policies,
        Node::Root.field("service_endpoint_policies"),
    );
    f
}

#[cfg(test)]
mod tests {
    use super::key_span;

    #[test]
    fn keys_are_found_before_their_values() {
        let y = "workspace:\n  kind: hub\n  managed_network:\n    isolation_mode: x\nonline_endpoints:\n  - name: a\n";
        let at = |s: &str| y.find(s).unwrap();
        let v = at("hub");
        assert_eq!(&y[key_span(y, v..v + 3, "kind")], "kind");
        let v = at("isolation_mode");
        assert_eq!(&y[key_span(y, v..v, "managed_network")], "managed_network");
        let v = at("- name");
        assert_eq!(&y[key_span(y, v..v, "online_endpoints")], "online_endpoints");
        // A flow mapping, and an alias spelling (the value's span is kept).
        let f = "workspace: {managed_network: {isolation_mode: x}, networkAcls: {ip_rules: []}}";
        let v = f.find("{isolation").unwrap();
        assert_eq!(&f[key_span(f, v..v + 1, "managed_network")], "managed_network");
        let v = f.find("{ip_rules").unwrap();
        assert_eq!(key_span(f, v..v + 1, "network"), v..v + 1);
    }
}
