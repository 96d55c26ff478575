use super::{declares_default_datastores, is_default_of, name, uses_managed_identity};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{DatastoreKind, Feature, items};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-STU-003",
    name: "default-datastores-managed-identity-for-designer-and-automl",
    severity: Severity::Error,
    area: Area::Studio,
    periods: ALL,
    title: "The designer's default blob store and AutoML's default file store use the managed identity",
    checks: "When `workspace.features` contains `designer`: the default blob datastore (`kind: blob`, \
`default: true`) sets `use_workspace_managed_identity: true`. When it contains `automl`: the \
default file datastore (`kind: file`, `default: true`) does. Checked when the datastore's storage \
account (its `storage`, else the default storage account) is secured. If the block declares \
datastores of the default storage account but not the needed default one, Azure's default \
datastore applies, which does not use the managed identity.",
    why: "The designer keeps model assets in the workspace's default blob store and AutoML keeps \
experiment assets in its default file store. Behind a virtual network, the studio reaches them \
only as the workspace managed identity: without it, models cannot be deployed from the designer \
and AutoML experiments cannot be submitted, whatever the other datastores allow.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [designer]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true, skip_validation: true,
       use_workspace_managed_identity: false}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [designer]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true, skip_validation: true,
       use_workspace_managed_identity: true}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "set `use_workspace_managed_identity: true` on the default datastore",
    quote: "Workspace default blob storage | Stores model assets from the designer. You must enable managed identity authentication on this storage account to deploy models in the designer. \
Workspace default file store | Stores AutoML experiment assets. You must enable managed identity authentication on this storage account to submit AutoML experiments.",
    source: "Use Azure Machine Learning studio in an Azure virtual network (10/21/2020), \"Access data using the studio\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-enable-studio-virtual-network#access-data-using-the-studio",
    decision: Some(
        "The requirement matters only when the default datastore's account is behind the \
network, so an open account is not judged. A block that declares no datastore of the default \
storage account at all is left to AML-STU-001, which reports the default state as a whole.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    let needs = [
        (Feature::Designer, DatastoreKind::Blob, "blob", "models cannot be deployed from the designer"),
        (Feature::Automl, DatastoreKind::File, "file", "AutoML experiments cannot be submitted"),
    ];
    if !needs.iter().any(|(f, ..)| net.has_feature(*f)) {
        return Eval::NotEvaluated("the workspace uses neither the designer nor AutoML");
    }
    let default = net.default_storage();
    let declared = declares_default_datastores(ws);
    let mut evaluated = false;
    for (feature, kind, kind_name, effect) in needs {
        if !net.has_feature(feature) {
            continue;
        }
        match items(&ws.datastores).enumerate().find(|(_, d)| is_default_of(d, kind)) {
            Some((j, d)) => {
                // The datastore's own account; a default datastore that names none is on the
                // workspace's default storage account.
                let storage = match &d.storage {
                    Some(n) => net.storage(&n.value),
                    None => default,
                };
                let Some((_, s)) = storage else { continue };
                evaluated = true;
                if !s.secured() || uses_managed_identity(d) {
                    continue;
                }
                let (span, path) = match &d.use_workspace_managed_identity {
                    Some(m) => (m.span.clone(), Node::Datastore(j).field("use_workspace_managed_identity")),
                    None => (d.span.clone(), Loc::from(Node::Datastore(j))),
                };
                out.push(
                    span,
                    path,
                    format!(
                        "default {kind_name} datastore `{}` on storage account `{}` does not use the \
                         workspace managed identity, so {effect}",
                        name(&d.name),
                        name(&s.name)
                    ),
                )
                .label("the studio is refused by the storage firewall");
            }
            None => {
                // Azure's own default datastore applies (no managed identity); when the block
                // declares no datastore of the default storage at all, AML-STU-001 reports it.
                let Some((_, s)) = default else { continue };
                if !declared {
                    continue;
                }
                evaluated = true;
                if !s.secured() {
                    continue;
                }
                let (span, path) = match &ws.datastores {
                    Some(l) => (l.span.clone(), Node::Workspace.field("datastores")),
                    None => (ws.span.clone(), Node::Workspace.into()),
                };
                out.push(
                    span,
                    path,
                    format!(
                        "no default {kind_name} datastore is declared; Azure's default one on storage \
                         account `{}` does not use the workspace managed identity, so {effect}",
                        name(&s.name)
                    ),
                )
                .help(format!(
                    "declare the default {kind_name} datastore (`kind: {kind_name}`, `default: true`) with \
                     `use_workspace_managed_identity: true`"
                ));
            }
        }
    }
    if !evaluated {
        return Eval::NotEvaluated(
            "the block declares neither the default datastores nor their storage account",
        );
    }
    Eval::Checked
}
