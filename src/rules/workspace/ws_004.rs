use crate::diag::Severity;
use crate::rules::general::nm;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-WS-004",
    name: "private-link-with-customer-managed-key-needs-ticket",
    severity: Severity::Note,
    area: Area::Workspace,
    periods: &[Period::P2020, Period::P2021],
    title: "Private link with a customer-managed key had to be requested (2020-2021)",
    checks: "Advisory. Shown on `workspace.customer_managed_key` when it is `true` and the \
workspace has a private endpoint.",
    why: "In 2020 the combination of a private-link workspace and a customer-managed key was \
not self-service: it had to be enabled by Microsoft through a support ticket before the \
deployment in the guide could succeed.",
    example: "workspace:
  name: mlw-demo
  customer_managed_key: true
  private_endpoints:
    - {name: pe-mlw}
",
    fix: "workspace:
  name: mlw-demo
  customer_managed_key: false
  private_endpoints:
    - {name: pe-mlw}
",
    help: "open a support ticket to enable private link with a customer-managed key before deploying",
    quote: "If you plan on using a private link enabled workspace with a customer-managed key, you must request this feature using a support ticket.",
    source: "Configure Azure Private Link for an Azure Machine Learning workspace (09/30/2020), \"Prerequisites\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-configure-private-link#prerequisites",
    decision: None,
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace().filter(|_| net.workspace_has_pe()) else {
        return Eval::NotEvaluated("the workspace has no private endpoint");
    };
    if let Some(cmk) = ws.customer_managed_key.as_ref().filter(|c| c.value) {
        out.push(
            cmk.span.clone(),
            Node::Workspace.field("customer_managed_key"),
            format!(
                "private link with a customer-managed key on workspace `{}` must be requested with a support ticket",
                nm(&ws.name)
            ),
        );
    }
    Eval::Checked
}
