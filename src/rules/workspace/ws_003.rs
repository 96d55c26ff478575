use crate::diag::Severity;
use crate::rules::general::{nm, placement};
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::node::{Node, PeOwner};

pub static RULE: Rule = Rule {
    id: "AML-WS-003",
    name: "workspace-endpoint-in-vnet-resource-group",
    severity: Severity::Warning,
    area: Area::Workspace,
    periods: &[Period::P2020, Period::P2021],
    title: "The workspace private endpoint is created in the VNet's resource group",
    checks: "For every workspace private endpoint that states its `resource_group`, and whose VNet \
states its `resource_group`: the two are the same. An endpoint without `resource_group` follows \
the SDK, which creates it in the VNet's resource group, and passes.",
    why: "The Azure CLI of the time (`az ml workspace private-endpoint add --pe-resource-group`) \
and the SDK create the private endpoint in the resource group that holds the virtual network; \
another group is rejected, so a guide that shows one describes a deployment that fails.",
    example: "vnets:
  - name: vnet-ml
    resource_group: rg-network
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
workspace:
  name: mlw-demo
  resource_group: rg-ml
  private_endpoints:
    - {name: pe-mlw, resource_group: rg-ml, vnet: vnet-ml, subnet: snet-pe}
",
    fix: "vnets:
  - name: vnet-ml
    resource_group: rg-network
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
workspace:
  name: mlw-demo
  resource_group: rg-ml
  private_endpoints:
    - {name: pe-mlw, resource_group: rg-network, vnet: vnet-ml, subnet: snet-pe}
",
    help: "create the private endpoint in the resource group of its VNet",
    quote: "`--pe-resource-group`: The resource group to create the private endpoint in. Must be the same group that contains the virtual network.",
    source: "Configure Azure Private Link for an Azure Machine Learning workspace (09/30/2020), \"Create a workspace that uses a private endpoint\" (Azure CLI tab)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-configure-private-link#create-a-workspace-that-uses-a-private-endpoint",
    decision: Some(
        "Only explicit values are compared. When the endpoint does not state a resource group, \
the SDK of the time (`PrivateEndPointConfig`) places it in the VNet's resource group, so there is \
nothing to report.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut compared = false;
    for (i, pe) in net.workspace_pes().enumerate() {
        let Some(rg) = pe.resource_group.as_ref() else { continue };
        let Some((vi, _)) = placement(net, pe.vnet.as_ref(), pe.subnet.as_ref(), &pe.span) else { continue };
        let Some(vrg) = net.vnet(vi).and_then(|v| v.resource_group.as_ref()) else { continue };
        compared = true;
        if !rg.value.eq_ignore_ascii_case(&vrg.value) {
            out.push(
                rg.span.clone(),
                Node::Pe { owner: PeOwner::Workspace, index: i }.field("resource_group"),
                format!(
                    "workspace private endpoint `{}` is in resource group `{}`, but its vnet `{}` is in `{}`",
                    nm(&pe.name),
                    rg.value,
                    net.vnet_name(vi),
                    vrg.value
                ),
            )
            .help(format!("set `resource_group: {}`", vrg.value));
        }
    }
    if compared {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no workspace private endpoint states a resource group next to its VNet's")
    }
}
