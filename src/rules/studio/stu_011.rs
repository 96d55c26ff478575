use super::{feature_entry, name};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{Cloud, Feature};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-STU-011",
    name: "sovereign-cloud-notebooks-without-vnet-storage",
    severity: Severity::Warning,
    area: Area::Studio,
    periods: &[Period::P2020],
    title: "In sovereign clouds, integrated notebooks cannot use storage behind the VNet",
    checks: "When `meta.cloud` is `AzureUSGovernment` or `AzureChinaCloud` and \
`workspace.features` contains `notebooks`: the default storage account is not secured.",
    why: "The studio's integrated notebooks keep their files on the workspace's default storage \
account. In Azure Government and Azure China 21Vianet they could not reach that account once it \
was behind a virtual network, so notebooks did not open; Jupyter on a compute instance inside the \
network was the way around.",
    example: "meta:
  cloud: AzureUSGovernment
workspace:
  name: mlw-demo
  default_storage: stmldemo
  features: [notebooks]
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    fix: "meta:
  cloud: AzureUSGovernment
workspace:
  name: mlw-demo
  default_storage: stmldemo
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "use Jupyter on a compute instance in the VNet instead of the integrated notebooks (remove `notebooks` from `workspace.features`)",
    quote: "If your workspace is in a sovereign cloud, such as Azure Government or Azure China 21Vianet, integrated notebooks do not support using storage that is in a virtual network. Instead, you can use Jupyter Notebooks from a compute instance.",
    source: "Use Azure Machine Learning studio in an Azure virtual network (10/21/2020), \"Limitations\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-enable-studio-virtual-network#limitations",
    decision: Some(
        "Integrated notebooks store their files on the default storage account, so that account \
is the storage the sentence speaks about; other datastores are not judged.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else {
        return Eval::NotEvaluated("the block has no workspace");
    };
    let Some((k, feature)) = feature_entry(ws, Feature::Notebooks) else {
        return Eval::NotEvaluated("the workspace does not use integrated notebooks");
    };
    let Some((_, s)) = net.default_storage() else {
        return Eval::NotEvaluated("the block has no default storage account");
    };
    let cloud = net.cloud();
    if cloud == Cloud::AzureCloud || !s.secured() {
        return Eval::Checked;
    }
    out.push(
        feature.span.clone(),
        Node::Workspace.field("features").index(k),
        format!(
            "integrated notebooks cannot use default storage account `{}` behind the virtual network in \
             `{cloud}`",
            name(&s.name)
        ),
    )
    .label("not supported in sovereign clouds");
    Eval::Checked
}
