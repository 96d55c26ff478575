use super::shared::{compute_subnets, kind_label, name};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::{Cloud, ComputeType, items};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-CMP-009",
    name: "compute-instance-websockets-allowed",
    severity: Severity::Error,
    area: Area::Compute,
    periods: ALL,
    title: "The firewall lets compute instances open websockets to `*.instances.azureml.net` and `*.instances.azureml.ms`",
    checks: "For every subnet holding a `compute_instance` whose `0.0.0.0/0` route goes to the \
topology's `firewall`: the firewall's `application_rules` allow `*.instances.azureml.net` and \
`*.instances.azureml.ms` over `Https:443` for the subnet's addresses (rule `sources`). The \
Azure Government and Azure China clouds use `*.instances.azureml.us` and \
`*.instances.azureml.cn`. A subnet that reaches the internet directly passes.",
    why: "Jupyter on a compute instance runs over websockets to these host names. A firewall that \
does not let them through leaves notebooks unable to start a kernel, although the instance \
itself looks healthy.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, route_table: rt-training}
route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}
      - {prefix: BatchNodeManagement, next_hop: Internet}
      - {prefix: AzureMachineLearning, next_hop: Internet}
firewall:
  kind: azure_firewall
  private_ip: 10.1.4.4
  network_rules:
    - {name: aml, protocols: [TCP], sources: [10.0.0.0/16], ports: ['*'],
       destinations: [AzureActiveDirectory, AzureMachineLearning, AzureResourceManager,
                      Storage.eastus, KeyVault.eastus, ContainerRegistry.eastus]}
  application_rules:
    - {name: packages, sources: [10.0.0.0/16], protocols: ['Http:80', 'Https:443'],
       fqdns: [graph.windows.net, anaconda.com, '*.anaconda.com', '*.anaconda.org']}
computes:
  - {name: ci-dev, type: compute_instance, region: eastus, subnet: snet-training}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, route_table: rt-training}
route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}
      - {prefix: BatchNodeManagement, next_hop: Internet}
      - {prefix: AzureMachineLearning, next_hop: Internet}
firewall:
  kind: azure_firewall
  private_ip: 10.1.4.4
  network_rules:
    - {name: aml, protocols: [TCP], sources: [10.0.0.0/16], ports: ['*'],
       destinations: [AzureActiveDirectory, AzureMachineLearning, AzureResourceManager,
                      Storage.eastus, KeyVault.eastus, ContainerRegistry.eastus]}
  application_rules:
    - {name: packages, sources: [10.0.0.0/16], protocols: ['Http:80', 'Https:443'],
       fqdns: [graph.windows.net, anaconda.com, '*.anaconda.com', '*.anaconda.org']}
    - {name: notebooks, sources: [10.0.0.0/16], protocols: ['Https:443'],
       fqdns: ['*.instances.azureml.net', '*.instances.azureml.ms']}
computes:
  - {name: ci-dev, type: compute_instance, region: eastus, subnet: snet-training}
",
    help: "add an application rule allowing `*.instances.azureml.net` and `*.instances.azureml.ms` over `Https:443`",
    quote: "For compute instance Jupyter functionality to work, ensure that web socket \
communication is not disabled. Please ensure your network allows websocket connections to \
*.instances.azureml.net and *.instances.azureml.ms.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Compute instance\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: Some(
        "Host names can only be filtered by a firewall, so this rule checks the firewall's \
application rules for the subnets routed through it. An NSG that restricts outbound traffic \
cannot name hosts; its service-tag side (`AzureMachineLearning`) is checked by AML-CMP-017. A \
subnet forced-tunnelled to another appliance or to a VPN gateway is not evaluated: the block \
does not show that appliance's filter. AML-FW-005 leaves the compute-instance host names to this \
rule, so a missing entry is reported once.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let hosts: &[&str] = match net.cloud() {
        Cloud::AzureCloud => &["*.instances.azureml.net", "*.instances.azureml.ms"],
        Cloud::AzureUSGovernment => &["*.instances.azureml.us"],
        Cloud::AzureChinaCloud => &["*.instances.azureml.cn"],
    };
    let mut evaluated = false;
    for cs in compute_subnets(net, &[ComputeType::ComputeInstance]) {
        let Some(subnet) = net.subnet(cs.subnet) else { continue };
        if subnet.route_table.is_some() && net.subnet_route_table(cs.subnet).is_none() {
            continue; // the route table is outside the block
        }
        let tunnel = net.tunnel(cs.subnet);
        let Some(fw) = net.firewall().filter(|_| tunnel.is_some_and(|t| t.to_firewall)) else {
            evaluated |= tunnel.is_none();
            continue;
        };
        evaluated = true;
        let src = net.subnet_prefix(cs.subnet);
        let coverage = fw.app_coverage(src, hosts, ("Https", 443));
        let missing: Vec<&str> =
            hosts.iter().zip(coverage).filter(|(_, c)| c.is_none()).map(|(h, _)| *h).collect();
        if missing.is_empty() {
            continue;
        }
        let Some(c) = items(&net.topo().computes).nth(cs.compute) else { continue };
        let (span, path) = match &fw.application_rules {
            Some(l) => (l.span.clone(), Node::Firewall.field("application_rules")),
            None => (fw.span.clone(), Loc::from(Node::Firewall)),
        };
        let list = missing.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(" and ");
        out.push(
            span,
            path,
            format!(
                "the firewall does not allow {list} over HTTPS from subnet `{}` of {} `{}`",
                net.subnet_label(cs.subnet),
                kind_label(c),
                name(&c.name)
            ),
        )
        .label("Jupyter websockets are blocked")
        .help(format!("add an application rule allowing {list} over `Https:443` for the subnet"));
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no compute instance sits in a subnet whose outbound path the block shows")
    }
}
