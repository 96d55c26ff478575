use super::{name, studio_in_use};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::items;
use crate::topology::node::{Loc, Node, PeOwner};

pub static RULE: Rule = Rule {
    id: "AML-STU-004",
    name: "workspace-identity-reads-storage-private-endpoints",
    severity: Severity::Error,
    area: Area::Studio,
    periods: ALL,
    title: "The workspace managed identity has Reader on every storage private endpoint",
    checks: "When the workspace uses the studio (`studio`, `designer`, `automl`, `labeling` or \
`ml_assisted_labeling` in `workspace.features`): every private endpoint of every secured storage \
account the workspace uses sets `workspace_mi_reader: true`.",
    why: "Before the studio reads data through a private endpoint, it checks the endpoint as the \
workspace managed identity. Without the Reader role on that endpoint, the studio refuses the data \
as if it were outside the network, even when the datastore is set up correctly. An account often \
has one endpoint per service (blob, file), and each needs the role.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [studio]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
private_dns_zones:
  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-ml]}
  - {name: privatelink.file.core.windows.net, linked_vnets: [vnet-ml]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny}
    private_endpoints:
      - {name: pe-st-blob, subresource: blob, subnet: snet-pe, dns_zone: privatelink.blob.core.windows.net,
         workspace_mi_reader: true}
      - {name: pe-st-file, subresource: file, subnet: snet-pe, dns_zone: privatelink.file.core.windows.net}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [studio]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
private_dns_zones:
  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-ml]}
  - {name: privatelink.file.core.windows.net, linked_vnets: [vnet-ml]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny}
    private_endpoints:
      - {name: pe-st-blob, subresource: blob, subnet: snet-pe, dns_zone: privatelink.blob.core.windows.net,
         workspace_mi_reader: true}
      - {name: pe-st-file, subresource: file, subnet: snet-pe, dns_zone: privatelink.file.core.windows.net,
         workspace_mi_reader: true}
",
    help: "grant the workspace managed identity the Reader role on the private endpoint (`workspace_mi_reader: true`)",
    quote: "If your Azure storage account uses a private endpoint, you must grant the workspace-managed identity Reader access to the private link.",
    source: "Use Azure Machine Learning studio in an Azure virtual network (10/21/2020), \"Access data using the studio\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-enable-studio-virtual-network#access-data-using-the-studio",
    decision: Some(
        "The role assignment is not part of the network, so the model records it on each endpoint \
(`workspace_mi_reader`); when it is not written, the role is taken as not granted, which is \
Azure's state until someone assigns it. An open storage account is not judged: the studio does \
not need its private endpoints.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    if net.workspace().is_none() {
        return Eval::NotEvaluated("the block has no workspace");
    }
    if !studio_in_use(net) {
        return Eval::NotEvaluated("the workspace uses no studio feature");
    }
    let storages: Vec<_> = net
        .workspace_storages()
        .into_iter()
        .filter(|(_, s)| s.secured() && s.has_private_endpoints())
        .collect();
    if storages.is_empty() {
        return Eval::NotEvaluated("no secured storage account of the workspace has a private endpoint");
    }
    for (i, s) in storages {
        for (k, pe) in items(&s.private_endpoints).enumerate() {
            if pe.workspace_mi_reader.as_ref().is_some_and(|r| r.value) {
                continue;
            }
            let (span, path) = match &pe.workspace_mi_reader {
                Some(r) => (
                    r.span.clone(),
                    Node::Pe { owner: PeOwner::Storage(i), index: k }.field("workspace_mi_reader"),
                ),
                None => (pe.span.clone(), Loc::from(Node::Pe { owner: PeOwner::Storage(i), index: k })),
            };
            out.push(
                span,
                path,
                format!(
                    "the workspace managed identity has no Reader role on private endpoint `{}` of storage \
                     account `{}`",
                    name(&pe.name),
                    name(&s.name)
                ),
            )
            .label("the studio cannot use this endpoint");
        }
    }
    Eval::Checked
}
