use super::{is_default_of, name};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::{DatastoreKind, Feature, items};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-STU-012",
    name: "automl-filestore-outside-vnet-at-creation",
    severity: Severity::Warning,
    area: Area::Studio,
    periods: &[Period::P2020, Period::P2021],
    title: "A bring-your-own default file store was outside the VNet when the workspace was created",
    checks: "When `workspace.features` contains `automl`: the storage account of the default file \
datastore (`kind: file`, `default: true`; else the default storage account) does not set \
`secured_at_workspace_creation: true`.",
    why: "When an existing storage account already behind a virtual network is given to a new \
workspace as its default file store, the workspace cannot create the `azureml-filestore` folder \
there. AutoML experiments need that folder and fail to submit until the account is taken out of \
the network and added back.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [automl]
  datastores:
    - {name: workspacefilestore, kind: file, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    secured_at_workspace_creation: true
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [automl]
  datastores:
    - {name: workspacefilestore, kind: file, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    secured_at_workspace_creation: false
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "remove the storage account from the virtual network and add it back, or create the workspace before securing the account",
    quote: "There's a known issue where the default file store does not automatically create the azureml-filestore folder, which is required to submit AutoML experiments. This occurs when users bring an existing filestore to set as the default filestore during workspace creation. To avoid this issue ... To bring your own filestore, make sure the filestore is outside of the VNet during workspace creation.",
    source: "Use Azure Machine Learning studio in an Azure virtual network (10/21/2020), \"Limitations\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-enable-studio-virtual-network#limitations",
    decision: Some(
        "Whether an account was behind the network when the workspace was created is history, not \
topology, so the model records it as `secured_at_workspace_creation` on the storage account; when \
it is not written, the rule assumes the documented order (workspace first) and passes.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    if !net.has_feature(Feature::Automl) {
        return Eval::NotEvaluated("the workspace does not use AutoML");
    }
    let file_store = items(&ws.datastores).find(|d| is_default_of(d, DatastoreKind::File));
    let storage = match file_store.and_then(|d| d.storage.as_ref()) {
        Some(n) => net.storage(&n.value),
        None => net.default_storage(),
    };
    let Some((i, s)) = storage else {
        return Eval::NotEvaluated("the block has no default file store account");
    };
    if let Some(flag) = s.secured_at_workspace_creation.as_ref().filter(|f| f.value) {
        out.push(
            flag.span.clone(),
            Node::Storage(i).field("secured_at_workspace_creation"),
            format!(
                "storage account `{}` was behind the virtual network when the workspace was created, so its \
                 default file store lacks the `azureml-filestore` folder that AutoML needs",
                name(&s.name)
            ),
        )
        .label("brought in already secured");
    }
    Eval::Checked
}
