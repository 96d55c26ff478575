use super::{datastore_storage, name, studio_in_use};
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Period, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{DatastoreKind, Scenario, items};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-STU-013",
    name: "studio-datastore-types-in-vnet",
    severity: Severity::Note,
    area: Area::Studio,
    periods: BEFORE_CURRENT,
    title: "The datastore types the studio can read in a virtual network",
    checks: "Advisory. When the workspace uses the studio, shown for each datastore behind the \
network (its `storage` is a secured account; for kinds without a storage account, the block is a \
secured scenario, has a workspace private endpoint or a secured workspace storage account) whose \
`kind` the studio cannot read there (`file` in 2020, `postgresql`), or can read only with extra \
setup (`adls_gen1`: POSIX access control lists; `sql`: a contained user for the managed \
identity).",
    why: "In a virtual network the studio reads data as the workspace managed identity, which \
only some datastore types accept. Data in the others stays out of the studio's preview, designer, \
AutoML and labeling, even though the SDK still reaches it.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [studio]
  datastores:
    - {name: shared, kind: file, storage: stmldemo, use_workspace_managed_identity: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [studio]
  datastores:
    - {name: shared, kind: blob, storage: stmldemo, use_workspace_managed_identity: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "keep data for the studio in Azure Blob, Azure Data Lake Storage Gen1/Gen2 or Azure SQL Database datastores",
    quote: "The studio supports reading data from the following datastore types in a virtual network: Azure Blob; Azure Data Lake Storage Gen1; Azure Data Lake Storage Gen2; Azure SQL Database",
    source: "Use Azure Machine Learning studio in an Azure virtual network (10/21/2020)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-enable-studio-virtual-network",
    decision: Some(
        "The catalog leaves open when the note shows. We show it per datastore that is behind the \
network and whose type the studio cannot read there, or reads only after extra setup the model \
does not record (ADLS Gen1 access lists, SQL contained users). File shares joined the list in \
2021, so `file` is flagged only in 2020.",
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
    let in_vnet = net.scenario() == Some(Scenario::Secured)
        || net.workspace_has_pe()
        || net.workspace_storages().iter().any(|(_, s)| s.secured());
    for (j, d) in items(&ws.datastores).enumerate() {
        let Some(kind) = &d.kind else { continue };
        let behind = match datastore_storage(net, d) {
            Some((_, s)) => s.secured(),
            None => in_vnet,
        };
        if !behind {
            continue;
        }
        let dname = name(&d.name);
        let message = match kind.value {
            DatastoreKind::File if cx.profile.period() == Period::P2020 => format!(
                "the studio cannot read `file` datastore `{dname}` in a virtual network; it reads blob, \
                 ADLS Gen1, ADLS Gen2 and SQL datastores"
            ),
            DatastoreKind::Postgresql => format!(
                "the studio cannot read `postgresql` datastore `{dname}` in a virtual network; it reads \
                 blob, ADLS Gen1, ADLS Gen2 and SQL datastores"
            ),
            DatastoreKind::AdlsGen1 => format!(
                "the studio reads ADLS Gen1 datastore `{dname}` only through POSIX access control lists \
                 that grant the workspace managed identity"
            ),
            DatastoreKind::Sql => format!(
                "the studio reads SQL datastore `{dname}` only through a contained database user mapped to \
                 the workspace managed identity"
            ),
            _ => continue,
        };
        out.push(kind.span.clone(), Node::Datastore(j).field("kind"), message);
    }
    Eval::Checked
}
