use crate::diag::Severity;
use crate::rules::compute::shared::{TRAINING, compute_subnets, require_internet_routes};
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};

pub static RULE: Rule = Rule {
    id: "AML-FW-001",
    name: "firewall-compute-udrs-to-internet",
    severity: Severity::Error,
    area: Area::Firewall,
    periods: BEFORE_CURRENT,
    title: "Compute subnets routed through the firewall send `BatchNodeManagement` and `AzureMachineLearning` to the internet",
    checks: "For every subnet holding a `compute_instance` or `compute_cluster` whose route table \
sends `0.0.0.0/0` to the topology's `firewall` (a `VirtualAppliance` at `firewall.private_ip`): \
the route table also sends `BatchNodeManagement` and `AzureMachineLearning` (global, or the \
compute's region) to `Internet`, by service-tag routes or IP-prefix routes. A NAT gateway or a \
firewall DNAT rule does not replace these routes.",
    why: "Azure Batch and Azure Machine Learning reach the compute nodes on their public IP \
addresses. Without these routes the nodes' replies go to the firewall, which drops the \
asymmetric traffic: compute clusters and instances are never usable.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, route_table: rt-training}
route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}
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
  - {name: cpu-cluster, type: compute_cluster, region: eastus, subnet: snet-training, max_nodes: 4}
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
      - {prefix: AzureMachineLearning, next_hop: Internet}
      - {prefix: BatchNodeManagement, next_hop: Internet}
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
  - {name: cpu-cluster, type: compute_cluster, region: eastus, subnet: snet-training, max_nodes: 4}
",
    help: "add routes `BatchNodeManagement` and `AzureMachineLearning` with `next_hop: Internet` to the compute subnet's route table",
    quote: "If you use an Azure Machine Learning compute instance or compute cluster, add a \
user-defined routes (UDRs) for the subnet that contains the Azure Machine Learning resources. \
This route forces traffic from the IP addresses of the BatchNodeManagement and \
AzureMachineLearning resources to the public IP of your compute instance and compute cluster. / \
When you add the UDRs, define the route for each related Batch IP address prefix and set Next \
hop type to Internet.",
    source: "Use workspace behind a Firewall for Azure Machine Learning (11/18/2020), \"Inbound \
configuration\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall#inbound-configuration",
    decision: Some(
        "A subnet is routed through the firewall when its `0.0.0.0/0` route goes to a \
`VirtualAppliance` whose `next_hop_ip` is `firewall.private_ip` (or either address is not \
given). Forced tunneling to anything else is AML-CMP-013, so each missing route is reported by \
one rule only. Service-tag routes are accepted as well as IP prefixes; an IP-prefix route counts \
for the tag named by its `service_tag`, or, without one, is given the benefit of the doubt \
(AML-CMP-014 examines IP-based routes). Under profile 2020-10 both tags are required for every \
compute instance and cluster (all have a public IP in 2020).",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(fw) = net.firewall() else { return Eval::NotEvaluated("the block has no firewall") };
    let hop_label = match (&fw.name, &fw.private_ip) {
        (Some(n), _) => format!("firewall `{}`", n.value),
        (None, Some(ip)) => format!("the firewall (`{}`)", ip.value),
        (None, None) => "the firewall".to_string(),
    };
    let mut evaluated = false;
    for cs in compute_subnets(net, TRAINING) {
        let Some(subnet) = net.subnet(cs.subnet) else { continue };
        if subnet.route_table.is_some() && net.subnet_route_table(cs.subnet).is_none() {
            continue; // the route table is outside the block
        }
        evaluated = true;
        let Some(tunnel) = net.tunnel(cs.subnet).filter(|t| t.to_firewall) else { continue };
        let region = net.compute_region(cs.compute);
        require_internet_routes(net, out, cs, tunnel, region.as_deref(), &hop_label, false);
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no compute instance or cluster sits in a subnet of the block")
    }
}
