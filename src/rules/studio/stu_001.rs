use super::{STUDIO_FEATURES, declares_default_datastores, name};
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Period, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::Feature;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-STU-001",
    name: "studio-features-disabled-by-default",
    severity: Severity::Warning,
    area: Area::Studio,
    periods: BEFORE_CURRENT,
    title: "Studio features are off while the default datastores keep Azure's settings",
    checks: "When the workspace uses the studio (`workspace.features` contains `studio`, \
`designer`, `automl`, `labeling` or `ml_assisted_labeling`) and its default storage account is \
secured, the block must declare the default datastores under `workspace.datastores` (a datastore \
on the default storage account, or one marked `default: true`). Otherwise the default datastores \
keep Azure's settings, without the workspace managed identity, and the warning lists the studio \
operations of the features in use that stay disabled.",
    why: "Behind a virtual network the studio reaches storage only through the workspace managed \
identity, and Azure creates the default datastores without it. Until they are reconfigured, the \
studio cannot preview data, the designer cannot show its data, AutoML experiments cannot be \
submitted and labeling projects cannot start.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [studio, automl]
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [studio, automl]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
    - {name: workspacefilestore, kind: file, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "declare the default datastores under `workspace.datastores` with `use_workspace_managed_identity: true`",
    quote: "If your storage is in a VNet, you first must perform additional configuration steps to enable full functionality in the studio. By default, the following feature are disabled: Preview data in the studio. Visualize data in the designer. Submit an AutoML experiment. Start a labeling project.",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Optional: enable studio functionality\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#optional-enable-studio-functionality",
    decision: Some(
        "The catalog's check (a datastore on secured storage without the managed identity) is the \
same as AML-STU-002's. To report each gap once, this rule speaks about the state the overview \
describes, the default one: a block that says nothing about the default datastores gets Azure's \
default (no managed identity) and this warning; datastores the block declares are judged by \
AML-STU-002 and AML-STU-003 (errors). \"Deploy a model in the designer\" joined the list in 2021 \
and is listed from that period on.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    if !STUDIO_FEATURES.iter().any(|f| net.has_feature(*f)) {
        return Eval::NotEvaluated("the workspace uses no studio feature");
    }
    let Some((_, s)) = net.default_storage() else {
        return Eval::NotEvaluated("the block has no default storage account");
    };
    if !s.secured() || declares_default_datastores(ws) {
        return Eval::Checked;
    }
    let mut ops: Vec<&str> = Vec::new();
    if net.has_feature(Feature::Studio) {
        ops.push("preview data");
    }
    if net.has_feature(Feature::Designer) {
        ops.push("visualize data in the designer");
        if cx.profile.period() != Period::P2020 {
            ops.push("deploy a model in the designer");
        }
    }
    if net.has_feature(Feature::Automl) {
        ops.push("submit AutoML experiments");
    }
    if net.has_feature(Feature::Labeling) || net.has_feature(Feature::MlAssistedLabeling) {
        ops.push("start a labeling project");
    }
    let ops = match ops.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => ops.join(""),
    };
    let (span, path) = match &ws.features {
        Some(f) => (f.span.clone(), Node::Workspace.field("features")),
        None => (ws.span.clone(), Node::Workspace.into()),
    };
    out.push(
        span,
        path,
        format!(
            "the studio cannot {}: default storage account `{}` is behind the virtual network and \
             the default datastores do not use the workspace managed identity",
            ops,
            name(&s.name)
        ),
    )
    .label("disabled until the datastores use the managed identity");
    Eval::Checked
}
