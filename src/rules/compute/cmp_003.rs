use super::shared::require_inbound;
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::addr::PortRange;
use crate::topology::model::ComputeType;

pub static RULE: Rule = Rule {
    id: "AML-CMP-003",
    name: "compute-instance-nsg-allows-aml-inbound",
    severity: Severity::Error,
    area: Area::Compute,
    periods: BEFORE_CURRENT,
    title: "A compute instance's subnet NSG allows TCP 44224 in from `AzureMachineLearning`",
    checks: "For every subnet that holds a `compute_instance` and has an `nsg`: inbound TCP on \
port 44224 from the `AzureMachineLearning` service tag (global, or the instance's region) is \
allowed, evaluating the NSG's rules by `priority` and then Azure's default rules. A subnet \
without NSG passes.",
    why: "Azure Machine Learning talks to the applications running on a compute instance \
(Jupyter, JupyterLab, RStudio) over port 44224. A subnet NSG that drops it leaves the instance \
unusable from the studio.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, nsg: nsg-training}
nsgs:
  - name: nsg-training
    rules:
      - {name: batch, priority: 100, direction: Inbound, access: Allow, protocol: Tcp,
         source: BatchNodeManagement, destination: '*', destination_ports: 29876-29877}
computes:
  - {name: ci-dev, type: compute_instance, subnet: snet-training}
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
         source: BatchNodeManagement, destination: '*', destination_ports: 29876-29877}
      - {name: aml, priority: 110, direction: Inbound, access: Allow, protocol: Tcp,
         source: AzureMachineLearning, destination: '*', destination_ports: '44224'}
computes:
  - {name: ci-dev, type: compute_instance, subnet: snet-training}
",
    help: "add an inbound `Allow` rule: protocol `Tcp`, source `AzureMachineLearning`, destination port `44224`",
    quote: "For compute instance inbound TCP traffic on port 44224 from a Service Tag of \
AzureMachineLearning. Traffic over this port is encrypted and is used by Azure Machine Learning \
for communication with applications running on Compute Instances.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Required public \
internet access\" (network security group requirements)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#mlcports",
    decision: Some(
        "Profile 2020-10 follows the 2020 training article, which asks for port 44224 \"for \
compute instance\" only: subnets that hold only compute clusters are not checked (the 2021 \
articles extend the rule to clusters with a public IP; a later profile will). As for \
AML-CMP-002, `public_ip: false` does not exempt an instance in 2020-10, and a regional tag \
counts when it names the instance's region.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    require_inbound(
        cx.net,
        out,
        &[ComputeType::ComputeInstance],
        "AzureMachineLearning",
        PortRange { lo: 44224, hi: 44224 },
    )
}
