use super::shared::name;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::{Access, AccessPath, ComputeType};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-CMP-010",
    name: "compute-instance-used-from-inside-vnet",
    severity: Severity::Error,
    area: Area::Compute,
    periods: ALL,
    title: "With a private-link workspace, compute instances are used from inside the VNet",
    checks: "When the workspace has `private_endpoints` and the block has a `compute_instance`: \
`clients.access_paths` contains a path into the virtual network (`vm_in_vnet`, `bastion`, \
`vpn` or `expressroute`). Not evaluated when the block does not say how people connect \
(`clients.access_paths` absent).",
    why: "A compute instance deployed in a private-link workspace is reachable only from the \
virtual network: Jupyter, JupyterLab and RStudio answer on the workspace's private endpoint. \
Users who come from the public internet only cannot open them.",
    example: "workspace:
  name: mlw-demo
  resource_group: rg-ml
  region: eastus
  public_network_access: Enabled
  private_endpoints:
    - {name: pe-mlw, resource_group: rg-ml, vnet: vnet-ml, subnet: snet-pe,
       private_dns_zone_group: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}
vnets:
  - name: vnet-ml
    resource_group: rg-ml
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
      - {name: snet-training, prefix: 10.0.1.0/24}
private_dns_zones:
  - {name: privatelink.api.azureml.ms, linked_vnets: [vnet-ml]}
  - {name: privatelink.notebooks.azure.net, linked_vnets: [vnet-ml]}
computes:
  - {name: ci-dev, type: compute_instance, region: eastus, vnet: vnet-ml, subnet: snet-training}
clients:
  access_paths: [public_internet]
",
    fix: "workspace:
  name: mlw-demo
  resource_group: rg-ml
  region: eastus
  public_network_access: Enabled
  private_endpoints:
    - {name: pe-mlw, resource_group: rg-ml, vnet: vnet-ml, subnet: snet-pe,
       private_dns_zone_group: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}
vnets:
  - name: vnet-ml
    resource_group: rg-ml
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
      - {name: snet-training, prefix: 10.0.1.0/24}
private_dns_zones:
  - {name: privatelink.api.azureml.ms, linked_vnets: [vnet-ml]}
  - {name: privatelink.notebooks.azure.net, linked_vnets: [vnet-ml]}
computes:
  - {name: ci-dev, type: compute_instance, region: eastus, vnet: vnet-ml, subnet: snet-training}
clients:
  access_paths: [bastion]
",
    help: "reach the VNet: add `bastion`, `vm_in_vnet`, `vpn` or `expressroute` to `clients.access_paths`",
    quote: "When compute instance is deployed in a private link workspace it can be only be \
accessed from within virtual network. If you are using custom DNS or hosts file please add an \
entry for <instance-name>.<region>.instances.azureml.ms with private IP address of workspace \
private endpoint.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Compute instance\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: Some(
        "The DNS half of the quote (the `<instance-name>.<region>.instances.azureml.ms` record) \
is checked by AML-DNS-005; this rule checks the access half. `vpn` and `expressroute` are taken \
as reaching the workspace's VNet (the model does not say which VNet a gateway serves). When the \
workspace itself is private (a private endpoint and `public_network_access` not `Enabled`), \
AML-WS-007 already reports that nobody can get in; this rule reports the case it leaves: a \
private-link workspace kept open to the internet, whose compute instances are still reachable \
only from inside the VNet.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    if !net.workspace_has_pe() {
        return Eval::NotEvaluated("the workspace has no private endpoint");
    }
    let Some((_, ci)) = net.computes_of(&[ComputeType::ComputeInstance]).next() else {
        return Eval::NotEvaluated("the block has no compute instance");
    };
    let Some(paths) = net.topo().clients.as_ref().and_then(|c| c.access_paths.as_ref()) else {
        return Eval::NotEvaluated("the block does not say how people connect (`clients.access_paths`)");
    };
    let inside = [AccessPath::VmInVnet, AccessPath::Bastion, AccessPath::Vpn, AccessPath::ExpressRoute];
    if paths.value.iter().any(|p| inside.contains(&p.value)) {
        return Eval::Checked;
    }
    let public_access = net.workspace().and_then(|w| w.public_network_access.as_ref()).map(|a| a.value);
    if public_access != Some(Access::Enabled) {
        // A private workspace with no way in is AML-WS-007's finding; one problem, one finding.
        return Eval::Checked;
    }
    let ws = net.workspace().map(|w| name(&w.name)).unwrap_or("?");
    let count = net.computes_of(&[ComputeType::ComputeInstance]).count();
    let others = if count > 1 { format!(" and {} other instance(s)", count - 1) } else { String::new() };
    let span = paths.value.first().map(|p| p.span.clone()).unwrap_or(paths.span.clone());
    out.push(
        span,
        Node::Clients.field("access_paths"),
        format!(
            "workspace `{ws}` has a private endpoint, so compute instance `{}`{others} can be used only from inside the VNet, but `clients.access_paths` offers no way in",
            name(&ci.name)
        ),
    )
    .label("no path into the virtual network");
    Eval::Checked
}
