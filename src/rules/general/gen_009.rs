use super::nm;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-GEN-009",
    name: "control-plane-stays-public",
    severity: Severity::Note,
    area: Area::General,
    periods: ALL,
    title: "Private Link does not cover the control plane",
    checks: "Advisory. Shown on `workspace.private_endpoints` when the workspace has at least one \
private endpoint.",
    why: "Management operations (creating, updating or deleting the workspace and its compute \
targets) go through Azure Resource Manager over the public internet even when the workspace is \
private. Networks that restrict outbound traffic must still let the compute and the tooling reach \
Azure Resource Manager (`AzureResourceManager` service tag), and a private endpoint is no \
substitute for access control on the management plane.",
    example: "workspace:
  name: mlw-demo
  private_endpoints:
    - {name: pe-mlw}
",
    fix: "workspace:
  name: mlw-demo
",
    help: "keep outbound access to `AzureResourceManager` open for management operations",
    quote: "Azure Private Link does not effect Azure control plane (management operations) such as deleting the workspace or managing compute resources. For example, creating, updating, or deleting a compute target. These operations are performed over the public Internet as normal. Data plane operations, such as using Azure Machine Learning studio, APIs (including published pipelines), or the SDK use the private endpoint.",
    source: "Configure Azure Private Link for an Azure Machine Learning workspace (09/30/2020), \"Limitations\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-configure-private-link#limitations",
    decision: Some(
        "The catalog's trigger is `public_network_access: Disabled`, a setting the 2020 \
workspace did not have: in 2020 a workspace with a private endpoint was the private workspace. \
For profile `2020-10` the note is therefore shown whenever the workspace has a private endpoint.",
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
                "management operations on `{}` (creating or deleting the workspace and its compute) still use the public internet",
                nm(&ws.name)
            ),
        );
    }
    Eval::Checked
}
