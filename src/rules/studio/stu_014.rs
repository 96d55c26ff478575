use super::{feature_entry, name};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::Feature;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-STU-014",
    name: "designer-intermediate-output-storage",
    severity: Severity::Note,
    area: Area::Studio,
    periods: ALL,
    title: "Designer intermediate output goes to storage that compute and the studio can reach",
    checks: "Advisory. Shown at the `designer` entry of `workspace.features` when some storage \
account the workspace uses is secured, naming those accounts.",
    why: "A designer pipeline can write each module's output to any datastore. When that storage \
is behind the network, the compute running the pipeline must reach it (otherwise the pipeline \
fails) and its datastore must use the workspace managed identity (otherwise the studio cannot \
show the output).",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [designer]
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
  features: [designer]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true,
       use_workspace_managed_identity: true}
storage_accounts:
  - name: stmldemo
",
    help: "send intermediate output to datastores that the compute reaches and that use the workspace managed identity",
    quote: "Make sure that you have access to the intermediate storage accounts in your virtual network. Otherwise, the pipeline will fail. You should also enable managed identity authentication for intermediate storage accounts to visualize output data.",
    source: "Use Azure Machine Learning studio in an Azure virtual network (10/21/2020), \"Intermediate module output\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-enable-studio-virtual-network#intermediate-module-output",
    decision: Some(
        "The model does not record which datastore a designer module writes to, so the catalog's \
check cannot be run as such: reachability is judged by AML-ST-001 to AML-ST-004 and the managed \
identity by AML-STU-002 and AML-STU-003. The note reminds the reader of both wherever the designer \
is used with storage behind the network.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    let Some((k, feature)) = feature_entry(ws, Feature::Designer) else {
        return Eval::NotEvaluated("the workspace does not use the designer");
    };
    let secured: Vec<String> = net
        .workspace_storages()
        .into_iter()
        .filter(|(_, s)| s.secured())
        .map(|(_, s)| format!("`{}`", name(&s.name)))
        .collect();
    if secured.is_empty() {
        return Eval::Checked;
    }
    out.push(
        feature.span.clone(),
        Node::Workspace.field("features").index(k),
        format!(
            "designer output written to {} behind the virtual network needs a path from the compute and \
             a datastore with the workspace managed identity",
            secured.join(", ")
        ),
    );
    Eval::Checked
}
