use crate::diag::Severity;
use crate::rules::general::nm;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::{Access, items};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-AI-001",
    name: "app-insights-outside-vnet-guidance",
    severity: Severity::Note,
    area: Area::ApplicationInsights,
    periods: &[Period::P2020, Period::P2021],
    title: "Application Insights is not part of the 2020 VNet configuration",
    checks: "Advisory. Shown on `public_network_access: Disabled` of the workspace's Application \
Insights resource (the one `workspace.application_insights` names, else every entry of \
`application_insights`).",
    why: "The 2020 overview secures three associated resources (key vault, storage account, \
container registry); Application Insights stays public in its architecture and templates. \
Locking it down is outside what the documentation of the period describes and verifies: the \
telemetry of the workspace, its runs and its deployed models may stop arriving.",
    example: "application_insights:
  - name: appi-ml-demo
    public_network_access: Disabled
",
    fix: "application_insights:
  - name: appi-ml-demo
    public_network_access: Enabled
",
    help: "keep Application Insights reachable publicly, as the 2020 architecture does, or test its monitoring path yourself",
    quote: "Add the following services to the virtual network by using either a service endpoint or a private endpoint: \"Azure Key Vault\", \"Azure Storage Account\", \"Azure Container Registry\" (the only services the table lists).",
    source: "Virtual network isolation and privacy overview (10/06/2020, and 2021 versions), \"Secure the workspace and associated resources\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#secure-the-workspace-and-associated-resources",
    decision: Some(
        "The catalog gives no check and no single sentence (the rule rests on what the overview \
leaves out). We show the note only when the block disables public access to the workspace's \
Application Insights, the one case where the 2020 guidance has nothing to say; a public or \
unspecified resource passes.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let named = net.workspace().and_then(|w| w.application_insights.as_ref());
    let targets: Vec<(usize, &_)> = match named.and_then(|n| net.app_insights(&n.value)) {
        Some(one) => vec![one],
        None if named.is_some() => Vec::new(),
        None => items(&net.topo().application_insights).enumerate().collect(),
    };
    if targets.is_empty() {
        return Eval::NotEvaluated("the block has no Application Insights resource");
    }
    for (i, ai) in targets {
        if let Some(pna) = ai.public_network_access.as_ref().filter(|p| p.value == Access::Disabled) {
            out.push(
                pna.span.clone(),
                Node::AppInsights(i).field("public_network_access"),
                format!(
                    "Application Insights `{}` refuses public access, a setup the 2020 network isolation guidance does not cover",
                    nm(&ai.name)
                ),
            );
        }
    }
    Eval::Checked
}
