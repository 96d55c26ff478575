use crate::diag::Severity;
use crate::rules::general::nm;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::model::{Access, AccessPath};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-WS-007",
    name: "private-workspace-reachable-from-vnet",
    severity: Severity::Error,
    area: Area::Workspace,
    periods: BEFORE_CURRENT,
    title: "Something inside the network can reach a private workspace",
    checks: "For a private workspace (`public_network_access: Disabled`, or a private endpoint \
without `public_network_access` set, which is how a 2020 private-link workspace behaved):\n\n\
- it has at least one entry in `workspace.private_endpoints`;\n\
- when the block lists `clients.access_paths`, at least one of them is inside the network: \
`vm_in_vnet`, `bastion`, `vpn` or `expressroute` (`public_internet` alone cannot reach it).\n\n\
A workspace with `public_network_access: Enabled` passes.",
    why: "A private workspace answers only on its private endpoint. Without an endpoint nobody \
can use it (removing the endpoint does not make it public again); without a client in the \
virtual network (a VM, Azure Bastion, a VPN gateway or ExpressRoute), the studio, the SDK and \
every notebook of the guide fail to connect.",
    example: "workspace:
  name: mlw-demo
  private_endpoints:
    - {name: pe-mlw}
clients:
  access_paths: [public_internet]
",
    fix: "workspace:
  name: mlw-demo
  private_endpoints:
    - {name: pe-mlw}
clients:
  access_paths: [bastion]
",
    help: "reach the workspace from the VNet: add `bastion`, `vm_in_vnet`, `vpn` or `expressroute` to `clients.access_paths`",
    quote: "Since communication to the workspace is only allowed from the virtual network, any development environments that use the workspace must be members of the virtual network. For example, a virtual machine in the virtual network.",
    source: "Configure Azure Private Link for an Azure Machine Learning workspace (09/30/2020), \"Using a workspace over a private endpoint\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-configure-private-link#using-a-workspace-over-a-private-endpoint",
    decision: Some(
        "In 2020 a workspace with a private endpoint accepted traffic only from the virtual \
network (the public-access switch came in 2021), so a private endpoint without an explicit \
`public_network_access` makes the workspace private for this rule; an explicit `Enabled` is \
honoured. The access paths do not say which VNet they land in; any path other than \
`public_internet` is taken to reach the endpoint's VNet (peering and gateway transit are the \
usual design). Part (a), a disabled workspace with no endpoint, is derived from the same sentence.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else { return Eval::NotEvaluated("the block has no workspace") };
    let access = ws.public_network_access.as_ref();
    let has_pe = net.workspace_has_pe();
    let private = match access.map(|a| a.value) {
        Some(Access::Disabled) => true,
        Some(Access::Enabled) => false,
        None => has_pe,
    };
    if !private {
        return Eval::Checked;
    }
    let name = nm(&ws.name);
    if !has_pe && let Some(a) = access {
        out.push(
            a.span.clone(),
            Node::Workspace.field("public_network_access"),
            format!("workspace `{name}` refuses public access but has no private endpoint, so nothing can reach it"),
        )
        .help("add a private endpoint under `workspace.private_endpoints`")
        .label("no private endpoint");
    }
    let Some(paths) = net.topo().clients.as_ref().and_then(|c| c.access_paths.as_ref()) else {
        return if out.list.is_empty() {
            Eval::NotEvaluated(
                "the block does not say how people reach the workspace (`clients.access_paths`)",
            )
        } else {
            Eval::Checked
        };
    };
    let inside = paths.value.iter().any(|p| p.value != AccessPath::PublicInternet);
    if !inside {
        out.push(
            paths.span.clone(),
            Node::Clients.field("access_paths"),
            format!("private workspace `{name}` is reachable only from its virtual network, but no client path enters it"),
        )
        .label("`public_internet` cannot reach a private endpoint");
    }
    Eval::Checked
}
