use super::{name, studio_in_use};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{Access, AccessPath, items};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-STU-009",
    name: "studio-ignores-storage-ip-rules",
    severity: Severity::Warning,
    area: Area::Studio,
    periods: &[Period::P2020],
    title: "The studio does not work through a storage account's IP rules",
    checks: "When the workspace uses the studio (`studio`, `designer`, `automl`, `labeling` or \
`ml_assisted_labeling` in `workspace.features`): no secured storage account the workspace uses \
admits clients by `network.ip_rules`, unless `clients.access_paths` is declared and does not \
contain `public_internet` (the clients then work from inside the network and the rules serve \
something else).",
    why: "IP rules of a storage firewall admit requests that come from those addresses: the SDK on \
a developer's machine. The studio's data access does not come from the browser's address, so \
people on the public internet who rely on the IP rules can use the SDK but not the studio's data \
preview, designer, AutoML or labeling on that account.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [studio]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      vnet_rules: [vnet-ml/snet-training]
      ip_rules: [203.0.113.10]
clients:
  access_paths: [public_internet]
  public_ips: [203.0.113.10]
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [studio]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      vnet_rules: [vnet-ml/snet-training]
clients:
  access_paths: [bastion]
",
    help: "use the studio from inside the network (VM, Bastion, VPN or ExpressRoute); keep IP rules for SDK clients only",
    quote: "Access to data storage behind a firewall is only supported in code first experiences. Using the Azure Machine Learning studio to access data behind a firewall is not supported.",
    source: "Use workspace behind a Firewall for Azure Machine Learning (11/18/2020)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall",
    decision: Some(
        "We read \"data storage behind a firewall\" as a storage account whose firewall admits \
clients by IP address, the firewall the storage settings call by that name. An account that admits \
clients only by IP, with no service or private endpoint, is already an error of AML-ST-001; this \
warning is about people who use the studio from the public internet and count on the IP rules. \
When `clients.access_paths` is declared without `public_internet`, nobody relies on them for the \
studio and the rule passes. In 2020 the supported way was to use the studio from inside the \
network, which the help suggests. When the topology has a network firewall, the same limit is \
reported by AML-FW-009 (the firewall article's statement of it), so one problem gives one finding.",
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
    let storages = net.workspace_storages();
    if storages.is_empty() {
        return Eval::NotEvaluated("the block has no storage account");
    }
    if net.firewall().is_some() {
        // The firewall article states the same limit: AML-FW-009 reports it.
        return Eval::Checked;
    }
    let paths = net.topo().clients.as_ref().and_then(|c| c.access_paths.as_ref());
    if paths.is_some_and(|p| !p.value.iter().any(|x| x.value == AccessPath::PublicInternet)) {
        return Eval::Checked;
    }
    for (i, s) in storages {
        if !s.secured() || s.public_access() == Access::Disabled {
            continue;
        }
        let Some(first) = s.network.as_ref().and_then(|n| items(&n.ip_rules).next()) else { continue };
        out.push(
            first.span.clone(),
            Node::Storage(i).field("network.ip_rules").index(0),
            format!(
                "storage account `{}` admits internet clients by IP rule (`{}`), which the studio does not \
                 use: its data stays out of the studio for them",
                name(&s.name),
                first.value
            ),
        )
        .label("IP rules serve the SDK, not the studio");
    }
    Eval::Checked
}
