use super::name;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::items;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-ST-002",
    name: "storage-trusted-services",
    severity: Severity::Error,
    area: Area::Storage,
    periods: ALL,
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

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let storages = net.workspace_storages();
    if storages.is_empty() {
        return Eval::NotEvaluated("the block has no storage account");
    }
    let instance_rules_count = matches!(cx.profile.period(), Period::P2022 | Period::PCur);
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
        out.push(
            span,
            Node::Storage(i).field("network.bypass"),
            format!("storage account `{}` blocks trusted Microsoft services", name(&s.name)),
        )
        .label("the workspace cannot reach its storage");
    }
    Eval::Checked
}
