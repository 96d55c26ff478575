use crate::diag::Severity;
use crate::rules::general::nm;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::Cloud;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-WS-001",
    name: "private-link-workspace-cloud-availability",
    severity: Severity::Error,
    area: Area::Workspace,
    periods: &[Period::P2020, Period::P2021],
    title: "A private-link workspace is available only in the Azure public cloud",
    checks: "When the workspace has private endpoints (`workspace.private_endpoints`), \
`meta.cloud` must be `AzureCloud` (the default). The finding points at `meta.cloud`.",
    why: "In 2020 Azure Machine Learning did not offer Private Link in Azure Government or in \
Azure China 21Vianet: the workspace private endpoint cannot be created there, so the whole \
private design of the guide cannot be deployed in that cloud.",
    example: "meta: {cloud: AzureUSGovernment}
workspace:
  name: mlw-demo
  private_endpoints:
    - {name: pe-mlw}
",
    fix: "meta: {cloud: AzureCloud}
workspace:
  name: mlw-demo
  private_endpoints:
    - {name: pe-mlw}
",
    help: "deploy the private-link workspace in `AzureCloud`, or secure it without a workspace private endpoint",
    quote: "Using an Azure Machine Learning workspace with private link is not available in the Azure Government or Azure China 21Vianet regions.",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Secure the workspace and associated resources\", Limitations; Configure Azure Private Link (09/30/2020)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#limitations",
    decision: Some(
        "The catalog gives three checks for 2020-2021 (a preview region list, then a cloud \
restriction, then Government only). Profile `2020-10` follows the seed article of 10/06/2020, \
which states the cloud restriction: any cloud other than `AzureCloud` fails, and no region list \
applies.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace().filter(|_| net.workspace_has_pe()) else {
        return Eval::NotEvaluated("the workspace has no private endpoint");
    };
    if net.cloud() == Cloud::AzureCloud {
        return Eval::Checked;
    }
    let Some(cloud) = net.topo().meta.as_ref().and_then(|m| m.cloud.as_ref()) else { return Eval::Checked };
    let pe = net.workspace_pes().next().map(|p| nm(&p.name)).unwrap_or("?");
    out.push(
        cloud.span.clone(),
        Node::Meta.field("cloud"),
        format!(
            "workspace `{}` uses private link (endpoint `{pe}`), which is not available in `{}`",
            nm(&ws.name),
            cloud.value
        ),
    )
    .label("private link workspaces need `AzureCloud`");
    Eval::Checked
}
