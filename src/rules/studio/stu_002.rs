use super::{datastore_storage, judged_by_stu003, name, studio_in_use, uses_managed_identity};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::items;
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-STU-002",
    name: "studio-datastores-use-managed-identity",
    severity: Severity::Error,
    area: Area::Studio,
    periods: ALL,
    title: "Datastores on storage behind the VNet use the workspace managed identity",
    checks: "When the workspace uses the studio (`studio`, `designer`, `automl`, `labeling` or \
`ml_assisted_labeling` in `workspace.features`): every datastore of `workspace.datastores` whose \
`storage` is a secured storage account sets `use_workspace_managed_identity: true`. The default \
blob store with the designer and the default file store with AutoML are judged by AML-STU-003.",
    why: "The studio reads data on the service side, not from your browser. Behind a virtual \
network it is admitted only as the workspace managed identity, and only for datastores configured \
to use it; any other datastore cannot be previewed, profiled, labeled or used by the designer in \
the studio.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [studio]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [studio]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true, skip_validation: true,
       use_workspace_managed_identity: true}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "set `use_workspace_managed_identity: true` on the datastore",
    quote: "After you add an Azure storage account to your virtual network with a either a service endpoint or private endpoint, you must configure your datastore to use managed identity authentication. Doing so lets the studio access data in your storage account. \
In the datastore settings, select Yes for Use workspace managed identity for data preview and profiling in Azure Machine Learning studio.",
    source: "Use Azure Machine Learning studio in an Azure virtual network (10/21/2020), \"Access data using the studio\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-enable-studio-virtual-network#access-data-using-the-studio",
    decision: Some(
        "\"Used from studio\" is read as: the workspace lists a feature used through the studio. \
The model does not say which datastore each feature reads, so every datastore on a secured \
account must use the managed identity. The two default datastores that AML-STU-003 names for the \
designer and AutoML are left to it, so that one setting gives one finding.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    if !studio_in_use(net) {
        return Eval::NotEvaluated("the workspace uses no studio feature");
    }
    if items(&ws.datastores).len() == 0 {
        return Eval::NotEvaluated("the workspace declares no datastore");
    }
    for (j, d) in items(&ws.datastores).enumerate() {
        if uses_managed_identity(d) || judged_by_stu003(net, d) {
            continue;
        }
        let Some((_, s)) = datastore_storage(net, d).filter(|(_, s)| s.secured()) else { continue };
        let (span, path) = match &d.use_workspace_managed_identity {
            Some(m) => (m.span.clone(), Node::Datastore(j).field("use_workspace_managed_identity")),
            None => (d.span.clone(), Loc::from(Node::Datastore(j))),
        };
        out.push(
            span,
            path,
            format!(
                "datastore `{}` on storage account `{}` behind the virtual network does not use the \
                 workspace managed identity, so the studio cannot read it",
                name(&d.name),
                name(&s.name)
            ),
        )
        .label("studio access needs the managed identity");
    }
    Eval::Checked
}
