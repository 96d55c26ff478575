use super::shared::{TRAINING, compute_subnets, kind_label, name};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::facts::{Flow, Verdict};
use crate::topology::model::{Direction, Protocol, items};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-CMP-004",
    name: "compute-ssh-only-when-wanted",
    severity: Severity::Note,
    area: Area::Compute,
    periods: &[Period::P2020, Period::P2021],
    title: "Inbound SSH (TCP 22) from the internet is opened only for computes that want it",
    checks: "Advisory. For every subnet that holds a `compute_instance` or `compute_cluster` and \
has an `nsg`, inbound TCP 22 from `Internet` is evaluated by priority. A note is shown when a \
user rule opens it although no compute of the subnet sets `ssh_public_access: true`, and when a \
compute sets `ssh_public_access: true` but the NSG drops the traffic.",
    why: "Port 22 is optional: Azure Machine Learning needs it only when you connect to the nodes \
over SSH on their public IP. Left open without need, it exposes every node to the internet; \
closed while SSH is wanted, the connection simply times out.",
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
      - {name: ssh, priority: 200, direction: Inbound, access: Allow, protocol: Tcp,
         source: Internet, destination: '*', destination_ports: '22'}
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
         source: BatchNodeManagement, destination: '*', destination_ports: 29876-29877}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "remove the inbound port 22 rule, or set `ssh_public_access: true` on the compute that needs it",
    quote: "(Optional) Inbound TCP traffic on port 22 to permit remote access. Use this port only \
if you want to connect by using SSH on the public IP. / Outbound traffic on any port to the \
virtual network. / Outbound traffic on any port to the internet.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Required public \
internet access\" (network security group requirements)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#mlcports",
    decision: Some(
        "The catalog flags an unneeded port 22 as a warning while the rule is advisory; we keep \
it a note, in both directions (opened without need, wanted but closed). Only user rules that \
allow the traffic are reported, never Azure's defaults. The 2020 default outbound rules (\"any \
port to the virtual network\" and \"to the internet\") are Azure's own defaults; an NSG that \
restricts them is the matter of AML-CMP-017.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    for cs in compute_subnets(net, TRAINING) {
        let Some((ni, nsg)) = net.subnet_nsg(cs.subnet) else { continue };
        evaluated = true;
        let flow = Flow {
            direction: Direction::Inbound,
            protocol: Protocol::Tcp,
            peer: Addr::tag("Internet", None),
            local: None,
            ports: PortRange { lo: 22, hi: 22 },
        };
        let Some((_, verdict)) = net.subnet_flow(cs.subnet, flow) else { continue };
        let wanting = net.computes_of(TRAINING).find(|(ci, c)| {
            net.compute_subnet(*ci) == Some(cs.subnet)
                && c.ssh_public_access.as_ref().is_some_and(|s| s.value)
        });
        let label = net.subnet_label(cs.subnet);
        let nsg_name = name(&nsg.name);
        match (verdict, wanting) {
            (Verdict::AllowedBy(ri), None) => {
                let rule = items(&nsg.rules).nth(ri);
                let (span, path) = match rule.and_then(|r| r.destination_ports.as_ref()) {
                    Some(p) => {
                        (p.span.clone(), Node::NsgRule { nsg: ni, rule: ri }.field("destination_ports"))
                    }
                    None => (
                        rule.map(|r| r.span.clone()).unwrap_or(nsg.span.clone()),
                        Loc::from(Node::NsgRule { nsg: ni, rule: ri }),
                    ),
                };
                out.push(
                    span,
                    path,
                    format!(
                        "rule `{}` of NSG `{nsg_name}` opens SSH (TCP 22) from the internet to subnet `{label}`, but no compute there sets `ssh_public_access: true`",
                        rule.map(|r| name(&r.name)).unwrap_or("?")
                    ),
                )
                .label("optional port, open to the internet");
            }
            (v, Some((ci, c))) if !v.allowed() => {
                let (span, path) = match &c.ssh_public_access {
                    Some(s) => (s.span.clone(), Node::Compute(ci).field("ssh_public_access")),
                    None => (c.span.clone(), Loc::from(Node::Compute(ci))),
                };
                out.push(
                    span,
                    path,
                    format!(
                        "{} `{}` wants SSH on its public IP, but NSG `{nsg_name}` of subnet `{label}` drops inbound TCP 22 from the internet",
                        kind_label(c),
                        name(&c.name)
                    ),
                )
                .help("add an inbound `Allow` rule for TCP 22, limited to the addresses you connect from");
            }
            _ => {}
        }
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no compute instance or cluster sits in a subnet with an NSG")
    }
}
