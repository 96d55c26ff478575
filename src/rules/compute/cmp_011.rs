use super::shared::name;
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::ComputeType;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-CMP-011",
    name: "compute-instance-created-in-vnet",
    severity: Severity::Error,
    area: Area::Compute,
    periods: &[Period::P2020, Period::P2021],
    title: "A compute instance in a VNet was put there when it was created",
    checks: "For every `compute_instance` placed in a VNet (`vnet:` or `subnet:`): \
`created_in_vnet` is not `false` (absent means it was).",
    why: "A compute instance chooses its virtual network once, at creation (Advanced settings > \
Configure virtual network). An existing instance cannot be moved into a VNet: it has to be \
deleted and created again in the subnet.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
computes:
  - {name: ci-dev, type: compute_instance, subnet: snet-training, created_in_vnet: false}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
computes:
  - {name: ci-dev, type: compute_instance, subnet: snet-training, created_in_vnet: true}
",
    help: "delete the compute instance and create it again with the VNet and subnet chosen at creation",
    quote: "You must configure your Compute Instance to be in the same virtual network during \
creation under Advanced settings > Configure virtual network. You cannot add an existing Compute \
Instance to a virtual network.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Access data in a \
Compute Instance notebook\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: Some(
        "An instance with `created_in_vnet: false` and no `vnet`/`subnet` is simply outside any \
VNet, which is consistent, so it is not reported; the rule fires when such an instance is shown \
in a VNet.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut any = false;
    for (ci, c) in net.computes_of(&[ComputeType::ComputeInstance]) {
        if c.vnet.is_none() && c.subnet.is_none() {
            continue;
        }
        any = true;
        if let Some(flag) = c.created_in_vnet.as_ref().filter(|f| !f.value) {
            let place = match (&c.vnet, &c.subnet) {
                (_, Some(s)) => format!("subnet `{}`", s.value),
                (Some(v), None) => format!("vnet `{}`", v.value),
                (None, None) => String::new(),
            };
            out.push(
                flag.span.clone(),
                Node::Compute(ci).field("created_in_vnet"),
                format!(
                    "compute instance `{}` is shown in {place} but was not created there; an existing instance cannot be added to a VNet",
                    name(&c.name)
                ),
            )
            .label("created outside the VNet");
        }
    }
    if any { Eval::Checked } else { Eval::NotEvaluated("no compute instance is placed in a VNet") }
}
