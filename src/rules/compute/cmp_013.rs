use super::shared::{TRAINING, compute_subnets, require_internet_routes};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::{NextHop, items};

pub static RULE: Rule = Rule {
    id: "AML-CMP-013",
    name: "forced-tunnel-keeps-compute-internet-path",
    severity: Severity::Error,
    area: Area::Compute,
    periods: &[Period::P2020, Period::P2021, Period::P2022],
    title: "A forced-tunnelled compute subnet keeps a direct path to Azure Batch and Azure Machine Learning",
    checks: "For every subnet holding a `compute_instance` or `compute_cluster` whose route table \
sends `0.0.0.0/0` to a `VirtualAppliance` or `VirtualNetworkGateway` other than the topology's \
`firewall` (that case is AML-FW-001): the subnet has `nat_gateway: true`, or its route table \
sends `BatchNodeManagement` and `AzureMachineLearning` (global, or the compute's region) to \
`Internet`. Routes with explicit IP prefixes count: a route with a `service_tag` counts for that \
tag, a public prefix without one is given the benefit of the doubt (AML-CMP-014 looks at them).",
    why: "Azure Batch and Azure Machine Learning reach the nodes on their public IPs. When the \
subnet's default route goes to an on-premises gateway or an appliance, the replies leave by that \
path instead and are dropped: nodes stay unusable and compute instances cannot be created.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, route_table: rt-training}
route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.0.200.4}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, route_table: rt-training}
route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.0.200.4}
      - {prefix: BatchNodeManagement, next_hop: Internet}
      - {prefix: AzureMachineLearning, next_hop: Internet}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "add routes `BatchNodeManagement` and `AzureMachineLearning` with `next_hop: Internet`, or give the subnet a NAT gateway",
    quote: "If you're using forced tunneling with Azure Machine Learning compute, you must allow \
communication with the public internet from the subnet that contains the compute resource. This \
communication is used for task scheduling and accessing Azure Storage. There are two ways that \
you can accomplish this: Use a Virtual Network NAT. ... Add user-defined routes (UDRs) to the \
subnet that contains the compute resource. Establish a UDR for each IP address that's used by \
the Azure Batch service in the region where your resources exist. ... Also add the IP address \
for the Azure Machine Learning service, as this is required for access to Compute Instances. / \
When you add the UDRs, define the route for each related Batch IP address prefix and set Next \
hop type to Internet.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Forced tunneling\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#forced-tunneling",
    decision: Some(
        "Forced tunneling to the topology's own firewall is checked by AML-FW-001 (same routes, \
no NAT alternative in the firewall article), so one missing route is reported once. The 2020 \
text asks for IP-prefix routes; service-tag routes carry the same prefixes and are accepted. An \
IP-prefix route cannot be tied to a service without its `service_tag`, so an unlabelled public \
prefix to `Internet` is accepted here and AML-CMP-014 says what it cannot verify. As for \
AML-CMP-002, every compute counts as public-IP compute under profile 2020-10.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    for cs in compute_subnets(net, TRAINING) {
        let Some(subnet) = net.subnet(cs.subnet) else { continue };
        if subnet.route_table.is_some() && net.subnet_route_table(cs.subnet).is_none() {
            continue; // the route table is outside the block
        }
        evaluated = true;
        let Some(tunnel) = net.tunnel(cs.subnet).filter(|t| !t.to_firewall) else { continue };
        if subnet.nat_gateway.as_ref().is_some_and(|n| n.value) {
            continue;
        }
        let hop_label = match tunnel.hop {
            NextHop::VirtualNetworkGateway => "the virtual network gateway".to_string(),
            _ => {
                let ip = items(&net.topo().route_tables)
                    .nth(tunnel.route_table)
                    .and_then(|rt| items(&rt.routes).nth(tunnel.route))
                    .and_then(|r| r.next_hop_ip.as_ref())
                    .map(|ip| format!(" `{}`", ip.value))
                    .unwrap_or_default();
                format!("the appliance{ip}")
            }
        };
        let region = net.compute_region(cs.compute);
        require_internet_routes(net, out, cs, tunnel, region.as_deref(), &hop_label, true);
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no compute instance or cluster sits in a subnet of the block")
    }
}
