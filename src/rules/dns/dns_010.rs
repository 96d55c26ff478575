use crate::diag::Severity;
use crate::rules::general::nm;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-DNS-010",
    name: "flush-dns-after-private-link",
    severity: Severity::Note,
    area: Area::Dns,
    periods: &[Period::P2020, Period::P2021],
    title: "Flush client DNS caches after enabling private link; beware of DNS over HTTPS",
    checks: "Advisory. Shown on `workspace.private_endpoints` when the workspace has at least one \
private endpoint.",
    why: "Clients that resolved the workspace before its private endpoint existed keep the public \
address in their DNS cache and fail to connect until it expires. Browsers that use DNS over \
HTTPS (Mozilla Firefox in 2020) bypass the network's DNS and never see the private zones.",
    example: "workspace:
  name: mlw-demo
  private_endpoints:
    - {name: pe-mlw}
",
    fix: "workspace:
  name: mlw-demo
",
    help: "flush the DNS cache of client machines after enabling private link, and turn off DNS over HTTPS in their browsers",
    quote: "To avoid temporary disruption of connectivity, Microsoft recommends flushing the DNS cache on machines connecting to the workspace after enabling Private Link. You may encounter problems trying to access the private endpoint for your workspace if you are using Mozilla Firefox. This problem may be related to DNS over HTTPS in Mozilla.",
    source: "Configure Azure Private Link for an Azure Machine Learning workspace (09/30/2020), \"Limitations\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-configure-private-link#limitations",
    decision: Some(
        "The catalog gives no check (\"advisory printed when a PE is added\"); the note is shown \
whenever the workspace has a private endpoint.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let Some(ws) = cx.net.workspace() else { return Eval::NotEvaluated("the block has no workspace") };
    if let Some(list) = ws.private_endpoints.as_ref().filter(|l| !l.value.is_empty()) {
        out.push(
            list.span.clone(),
            Node::Workspace.field("private_endpoints"),
            format!(
                "clients that resolved `{}` before its private endpoint keep the public address until their DNS cache is flushed",
                nm(&ws.name)
            ),
        );
    }
    Eval::Checked
}
