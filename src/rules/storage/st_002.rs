use super::name;
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, ONLY_CURRENT, Period, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::items;
use crate::topology::node::Node;

/// The `2020-10` version: only the trusted-services exception lets the workspace in.
pub static RULE: Rule = Rule {
    id: "AML-ST-002",
    name: "storage-trusted-services",
    severity: Severity::Error,
    area: Area::Storage,
    periods: BEFORE_CURRENT,
    title: "A secured storage account lets trusted Microsoft services through its firewall",
    checks: "For every secured storage account the workspace uses: `network.bypass` contains \
`AzureServices` (\"Allow trusted Microsoft services to access this storage account\"; the Azure \
default when `bypass` is absent). From the 2022 documentation on, naming the workspace in \
`network.resource_instance_rules` is accepted instead.",
    why: "The workspace service itself reaches its storage account as a trusted Microsoft \
service. With the exception turned off, the storage firewall refuses it: the workspace cannot \
write run snapshots or read outputs, even though compute inside the VNet still gets through.",
    example: "storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      bypass: [None]
      vnet_rules: [vnet-ml/snet-training]
",
    fix: "storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      bypass: [AzureServices]
      vnet_rules: [vnet-ml/snet-training]
",
    help: "set `network.bypass: [AzureServices]`",
    quote: "Select the Allow trusted Microsoft services to access this storage account check box.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Secure Azure storage accounts with service endpoints\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#secure-azure-storage-accounts-with-service-endpoints",
    decision: Some(
        "The 2020 documentation knows only the trusted-services exception, so profile `2020-10` \
requires `AzureServices` in `network.bypass`. Resource-instance rules for the workspace are \
accepted only in the periods whose documentation offers them (2022 on).",
    ),
    removed: false,
    check,
};

/// The `2026-02` version: today's article offers a resource-instance rule for the workspace
/// beside the trusted-services exception.
pub static CURRENT: Rule = Rule {
    id: "AML-ST-002",
    name: "storage-trusted-services",
    severity: Severity::Error,
    area: Area::Storage,
    periods: ONLY_CURRENT,
    title: "A secured storage account lets the workspace through its firewall: trusted services or a resource-instance rule",
    checks: "For every secured storage account the workspace uses: `network.bypass` contains \
`AzureServices` (\"Allow Azure services on the trusted services list\"; the Azure default when \
`bypass` is absent), or `network.resource_instance_rules` names the workspace (a resource \
instance of type `Microsoft.MachineLearningServices/Workspace`).",
    why: "The workspace service itself reaches its storage account from outside the virtual \
network. A storage firewall that admits neither the workspace as a resource instance nor the \
trusted Microsoft services refuses it: the workspace cannot write run snapshots or read \
outputs, even though compute inside the VNet still gets through.",
    example: "workspace: {name: mlw-demo, default_storage: stmldemo, image_build_compute: cpu-build}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, bypass: [None], vnet_rules: [vnet-ml/snet-training]}
computes: [{name: cpu-build, type: compute_cluster, cpu_only: true}]
",
    fix: "workspace: {name: mlw-demo, default_storage: stmldemo, image_build_compute: cpu-build}
storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      bypass: [None]
      vnet_rules: [vnet-ml/snet-training]
      resource_instance_rules: [mlw-demo]
computes: [{name: cpu-build, type: compute_cluster, cpu_only: true}]
",
    help: "name the workspace in `network.resource_instance_rules`, or set `network.bypass: [AzureServices]`",
    quote: "Select Selected networks, and then under Resource instances, select \
Microsoft.MachineLearningServices/Workspace as the Resource type. Select your workspace using \
Instance name.
Alternatively, you can select Allow Azure services on the trusted services list to access this \
storage account to more broadly allow access from trusted services.",
    source: "Secure an Azure Machine Learning workspace by using virtual networks (02/05/2026), \"Secure Azure storage accounts\"",
    source_url: "https://learn.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#secure-azure-storage-accounts",
    decision: Some(
        "A resource-instance rule counts only when it names this block's workspace (`workspace.name`); \
without a workspace name, only `AzureServices` in `network.bypass` lets the workspace in.",
    ),
    removed: false,
    check: check_current,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let instance_rules_count = matches!(cx.profile.period(), Period::P2022 | Period::PCur);
    check_with(cx, out, instance_rules_count)
}

fn check_current(cx: &Ctx, out: &mut Findings) -> Eval {
    check_with(cx, out, true)
}

/// The check of both versions; `instance_rules_count`: a resource-instance rule naming the
/// workspace lets it in.
fn check_with(cx: &Ctx, out: &mut Findings, instance_rules_count: bool) -> Eval {
    let net = cx.net;
    let storages = net.workspace_storages();
    if storages.is_empty() {
        return Eval::NotEvaluated("the block has no storage account");
    }
    let workspace = net.workspace().and_then(|w| w.name.as_ref()).map(|n| n.value.as_str());
    for (i, s) in storages {
        if !s.secured() || s.bypass_allows_azure_services() {
            continue;
        }
        let network = s.network.as_ref();
        if instance_rules_count
            && let (Some(ws), Some(n)) = (workspace, network)
            && items(&n.resource_instance_rules).any(|r| r.value == ws)
        {
            continue;
        }
        let bypass = network.and_then(|n| n.bypass.as_ref());
        let span = bypass
            .map(|b| b.value.first().map(|x| x.span.clone()).unwrap_or(b.span.clone()))
            .unwrap_or(s.span.clone());
        let message = match workspace {
            Some(ws) if instance_rules_count => format!(
                "storage account `{}` lets neither trusted Microsoft services nor the workspace `{ws}` through its firewall",
                name(&s.name)
            ),
            _ => format!("storage account `{}` blocks trusted Microsoft services", name(&s.name)),
        };
        out.push(span, Node::Storage(i).field("network.bypass"), message)
            .label("the workspace cannot reach its storage");
    }
    Eval::Checked
}
