use super::{feature_entry, name};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::Feature;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-STU-010",
    name: "ml-assisted-labeling-non-default-storage",
    severity: Severity::Error,
    area: Area::Studio,
    periods: ALL,
    title: "ML-assisted labeling uses a non-default storage account when the default one is behind the VNet",
    checks: "When `workspace.features` contains `ml_assisted_labeling` and the default storage \
account is secured: `workspace.labeling_storage` names a storage account other than \
`workspace.default_storage` (that account may itself be behind the VNet).",
    why: "ML-assisted labeling trains and runs its models through a path that cannot reach a \
default storage account secured behind a virtual network. Labeling projects that keep their data \
there cannot use ML assistance; a separate account for the labeling data can.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [labeling, ml_assisted_labeling]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  labeling_storage: stlabel
  features: [labeling, ml_assisted_labeling]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
    - {name: labeling, kind: blob, storage: stlabel,
       use_workspace_managed_identity: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
  - name: stlabel
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "set `workspace.labeling_storage` to a storage account other than the default one",
    quote: "ML assisted data labeling does not support default storage accounts secured behind a virtual network. You must use a non-default storage account for ML assisted data labeling. Note, the non-default storage account can be secured behind the virtual network.",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Optional: enable studio functionality\", Limitations",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#optional-enable-studio-functionality",
    decision: Some(
        "The catalog dates this limit from 2021, but the seed overview of 10/06/2020 states it in \
its own words, so it holds in profile `2020-10` (and every later one).",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    let Some((k, feature)) = feature_entry(ws, Feature::MlAssistedLabeling) else {
        return Eval::NotEvaluated("the workspace does not use ML-assisted labeling");
    };
    let Some((_, s)) = net.default_storage() else {
        return Eval::NotEvaluated("the block has no default storage account");
    };
    if !s.secured() {
        return Eval::Checked;
    }
    let sname = name(&s.name);
    match &ws.labeling_storage {
        None => {
            out.push(
                feature.span.clone(),
                Node::Workspace.field("features").index(k),
                format!(
                    "ML-assisted labeling cannot use default storage account `{sname}`, which is behind the \
                     virtual network, and no `labeling_storage` is set"
                ),
            )
            .label("needs a non-default storage account");
        }
        Some(l) if l.value == sname => {
            out.push(
                l.span.clone(),
                Node::Workspace.field("labeling_storage"),
                format!(
                    "`labeling_storage` is the default storage account `{sname}`, which ML-assisted labeling \
                     cannot use behind the virtual network"
                ),
            )
            .label("the default storage account");
        }
        Some(_) => {}
    }
    Eval::Checked
}
