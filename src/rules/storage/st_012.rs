use super::name;
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{DatastoreKind, items};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-ST-012",
    name: "datastores-behind-vnet-skip-validation",
    severity: Severity::Note,
    area: Area::Storage,
    periods: BEFORE_CURRENT,
    title: "Datastores on storage behind the VNet skip validation (SDK v1)",
    checks: "Advisory. Shown for every datastore of `workspace.datastores` whose `storage` names a \
secured storage account and whose `kind` is not `adls_gen1` or `adls_gen2` (those skip validation \
by default), unless it sets `skip_validation: true`.",
    why: "When a datastore or dataset is registered, the SDK checks the data and the credentials \
from the Azure Machine Learning service, outside your network. Behind a virtual network that check \
cannot reach the data and registration fails, unless validation is skipped.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "register the datastore with `skip_validation: true` (and datasets with `validate=False`)",
    quote: "By default, Azure Machine Learning performs data validity and credential checks when you attempt to access data using the SDK. If the data is behind a virtual network, Azure Machine Learning can't complete these checks. To avoid this, you must create datastores and datasets that skip validation.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Secure datastores and datasets\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#secure-datastores-and-datasets",
    decision: Some(
        "The catalog gives this advice as a note. A datastore is judged \"behind a virtual \
network\" when its `storage` names a secured storage account; SQL and PostgreSQL datastores name \
no storage account in the model, so they are not judged. A datastore without a `kind` is treated \
like a blob datastore, the common case, since only the Data Lake kinds skip validation on their \
own.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    if items(&ws.datastores).len() == 0 {
        return Eval::NotEvaluated("the workspace declares no datastore");
    }
    for (j, d) in items(&ws.datastores).enumerate() {
        if d.kind
            .as_ref()
            .is_some_and(|k| matches!(k.value, DatastoreKind::AdlsGen1 | DatastoreKind::AdlsGen2))
        {
            continue;
        }
        if d.skip_validation.as_ref().is_some_and(|v| v.value) {
            continue;
        }
        let Some((_, s)) = d.storage.as_ref().and_then(|n| net.storage(&n.value)) else { continue };
        if !s.secured() {
            continue;
        }
        let (span, path) = match &d.skip_validation {
            Some(v) => (v.span.clone(), Node::Datastore(j).field("skip_validation")),
            None => (d.span.clone(), Loc::from(Node::Datastore(j))),
        };
        out.push(
            span,
            path,
            format!(
                "datastore `{}` is on storage account `{}` behind the virtual network; register it \
                 with `skip_validation: true`",
                name(&d.name),
                name(&s.name)
            ),
        );
    }
    Eval::Checked
}
