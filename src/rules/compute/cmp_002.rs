use super::shared::{TRAINING, require_inbound};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::addr::PortRange;

pub static RULE: Rule = Rule {
    id: "AML-CMP-002",
    name: "compute-nsg-allows-batch-inbound",
    severity: Severity::Error,
    area: Area::Compute,
    periods: &[Period::P2020, Period::P2021, Period::P2022],
    title: "The compute subnet's NSG allows TCP 29876-29877 in from `BatchNodeManagement`",
    checks: "For every subnet that holds a `compute_instance` or `compute_cluster` and has an \
`nsg`: inbound TCP on ports 29876 and 29877 from the `BatchNodeManagement` service tag (global, \
or the compute's region) is allowed, evaluating the NSG's rules by `priority` and then Azure's \
default rules (`DenyAllInBound` drops it). A subnet without NSG passes: Azure Batch puts its own \
NSG on the nodes.",
    why: "Azure Batch schedules the jobs and manages the nodes of compute instances and clusters \
over these two ports. If a subnet NSG drops them, the nodes become unusable and jobs never start.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, nsg: nsg-training}
nsgs:
  - name: nsg-training
    rules: []
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, nsg: nsg-training}
nsgs:
  - name: nsg-training
    rules:
      - {name: batch, priority: 100, direction: Inbound, access: Allow, protocol: Tcp,
         source: BatchNodeManagement, destination: VirtualNetwork, destination_ports: 29876-29877}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "add an inbound `Allow` rule: protocol `Tcp`, source `BatchNodeManagement`, destination ports `29876-29877`",
    quote: "Inbound TCP traffic on ports 29876 and 29877 from a Service Tag of BatchNodeManagement. \
Traffic over these ports is encrypted and is used by Azure Batch for scheduler/node communication.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Required public \
internet access\" (network security group requirements); overview (10/06/2020) step \"Allow \
inbound communication from Azure Batch Service\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#mlcports",
    decision: Some(
        "The 2020 documentation has no compute without a public IP: every compute instance and \
cluster is reached by Azure Batch, so `public_ip: false` does not exempt a compute under \
profile 2020-10. A regional source tag counts when it names the compute's region (the compute's \
`region`, else its VNet's, else the workspace's); when the block names no region at all, the \
NSG's own regional tag is taken as meant. Each port is evaluated on its own, so two rules for \
29876 and 29877 are accepted.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    require_inbound(cx.net, out, TRAINING, "BatchNodeManagement", PortRange { lo: 29876, hi: 29877 })
}
