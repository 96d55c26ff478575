use ipnet::IpNet;

use super::TRAINING;
use crate::diag::Severity;
use crate::rules::general::{EndpointRef, endpoints, kind_words, nm};
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::facts::{Flow, Verdict};
use crate::topology::model::{Compute, Direction, Protocol, Subresource, items};
use crate::topology::node::{Loc, Node};
use crate::topology::resolve::SubnetId;

pub static RULE: Rule = Rule {
    id: "AML-NET-005",
    name: "subnet-nsg-keeps-batch-traffic",
    severity: Severity::Error,
    area: Area::Network,
    periods: BEFORE_CURRENT,
    title: "A subnet NSG does not block the traffic Azure Batch allows for compute",
    checks: "For every subnet with an `nsg` that holds a compute instance or compute cluster, the \
NSG is evaluated the way Azure does (user rules by priority, service tags, then Azure's default \
rules) on the flows the Batch-configured NSG of the compute opens and no other rule checks:\n\n\
- outbound to the virtual network on any port: TCP to the `VirtualNetwork` tag and to each \
`address_space` prefix of the compute's VNet;\n\
- outbound TCP 443 (and 445 for `file` endpoints) to every private endpoint in the compute's \
VNet or a peered VNet (its `ip`, else its subnet's prefix);\n\
- inbound TCP 22 from `Internet` when a compute asks for `ssh_public_access: true`.\n\n\
A finding points at the NSG rule that denies the flow (once per rule and subnet), or at the \
subnet's `nsg` when Azure's default deny applies. The inbound Batch (29876-29877) and Azure \
Machine Learning (44224) ports are AML-CMP-002 and AML-CMP-003; restricted outbound internet \
access is AML-CMP-017.",
    why: "Azure Batch configures an NSG on the compute's network interfaces that allows the \
traffic the compute needs. A subnet-level NSG applies on top of it: if it denies the same \
traffic, the nodes cannot reach the storage account, key vault, registry or workspace behind \
their private endpoints, and the compute service marks them unusable.",
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
      - {name: aml, priority: 110, direction: Inbound, access: Allow, protocol: Tcp,
         source: AzureMachineLearning, destination: '*', destination_ports: '44224'}
      - {name: deny-vnet-out, priority: 200, direction: Outbound, access: Deny, protocol: '*',
         source: '*', destination: VirtualNetwork, destination_ports: '*'}
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
      - {name: aml, priority: 110, direction: Inbound, access: Allow, protocol: Tcp,
         source: AzureMachineLearning, destination: '*', destination_ports: '44224'}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "allow the flow with a rule of lower priority number than the deny, or narrow the deny",
    quote: "You don't need to specify NSGs at the subnet level, because the Azure Batch service configures its own NSGs. However, if the subnet that contains the Azure Machine Learning compute has associated NSGs or a firewall, you must also allow the traffic listed earlier. Exercise caution if you modify or add inbound or outbound rules in Batch-configured NSGs. If an NSG blocks communication to the compute nodes, the compute service sets the state of the compute nodes to unusable.",
    source: "Secure an Azure Machine Learning training environment with virtual networks (2020), \"Required public internet access\" / ports",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#mlcports",
    decision: Some(
        "The \"traffic listed earlier\" of the 2020 article is: inbound 29876-29877 from \
`BatchNodeManagement`, inbound 44224 from `AzureMachineLearning` (compute instances), optional \
inbound 22, outbound to the virtual network on any port, and outbound to the internet. The two \
inbound service ports have their own rules (AML-CMP-002, AML-CMP-003) and restricted internet \
outbound is allowed when the service tags of AML-CMP-017 stay open, so this rule checks the rest, \
and reports each problem once. \"Any port to the virtual network\" is checked as a blanket deny \
(a rule covering every port), plus the ports the compute really uses towards private endpoints \
(443, and 445 for Azure Files); a deny of a few other ports inside the VNet is treated as \
deliberate segmentation. Applies to every compute instance and cluster, with or without a \
public IP: the outbound needs are the same.",
    ),
    removed: false,
    check,
};

fn tcp(direction: Direction, peer: Addr, ports: PortRange) -> Flow {
    Flow { direction, protocol: Protocol::Tcp, peer, local: None, ports }
}

/// What a checked flow goes to (described only when it fails).
enum Peer<'a> {
    Vnet,
    Space(&'a str),
    Endpoint(&'a str, IpNet, u32),
    Ssh(&'a Compute),
}

impl Peer<'_> {
    fn describe(&self) -> String {
        match self {
            Peer::Vnet => "outbound traffic to the virtual network".into(),
            Peer::Space(p) => format!("outbound traffic to the virtual network (`{p}`)"),
            Peer::Endpoint(name, addr, port) => {
                let at = if addr.prefix_len() == addr.max_prefix_len() {
                    addr.addr().to_string()
                } else {
                    addr.to_string()
                };
                format!("outbound TCP {port} to private endpoint `{name}` (`{at}`)")
            }
            Peer::Ssh(c) => {
                format!(
                    "inbound SSH (TCP 22) from the internet that {} `{}` asks for",
                    kind_words(c),
                    nm(&c.name)
                )
            }
        }
    }
}

/// One flow to check.
struct Need<'a> {
    flow: Flow,
    peer: Peer<'a>,
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    // Subnets with an NSG that hold training compute, with the computes in them.
    let mut subnets: Vec<(SubnetId, Vec<usize>)> = Vec::new();
    for (i, _) in net.computes_of(&TRAINING) {
        let Some(id) = net.compute_subnet(i) else { continue };
        if net.subnet_nsg(id).is_none() {
            continue;
        }
        match subnets.iter_mut().find(|(s, _)| *s == id) {
            Some((_, v)) => v.push(i),
            None => subnets.push((id, vec![i])),
        }
    }
    if subnets.is_empty() {
        return Eval::NotEvaluated("no compute instance or cluster is in a subnet with an NSG");
    }
    let pes: Vec<EndpointRef> = endpoints(net).collect();
    let computes = net.topo().computes.as_ref();
    for (id, members) in &subnets {
        let label = net.subnet_label(*id);
        let mut needs: Vec<Need> = Vec::new();
        let vnet_addr = Addr::Tag { tag: "VirtualNetwork".into(), region: None };
        needs.push(Need { flow: tcp(Direction::Outbound, vnet_addr, PortRange::ALL), peer: Peer::Vnet });
        if let Some(v) = net.vnet(id.vnet) {
            for p in items(&v.address_space) {
                if let Some(n) = Addr::parse(&p.value).ok().and_then(|a| a.as_net()) {
                    needs.push(Need {
                        flow: tcp(Direction::Outbound, Addr::Net(n), PortRange::ALL),
                        peer: Peer::Space(&p.value),
                    });
                }
            }
        }
        for pe in &pes {
            let Some(sid) = pe.subnet else { continue };
            if !net.peered(sid.vnet, id.vnet) {
                continue;
            }
            let ip = pe.ip.and_then(|ip| Addr::parse(&ip.value).ok()?.as_net());
            let Some(addr) = ip.or_else(|| net.subnet_prefix(sid)) else { continue };
            let ports: &[u32] = if pe.subresource == Some(Subresource::File) { &[443, 445] } else { &[443] };
            for &port in ports {
                needs.push(Need {
                    flow: tcp(Direction::Outbound, Addr::Net(addr), PortRange { lo: port, hi: port }),
                    peer: Peer::Endpoint(pe.name, addr, port),
                });
            }
        }
        let ssh = members
            .iter()
            .filter_map(|i| computes.and_then(|l| l.value.get(*i)))
            .find(|c| c.ssh_public_access.as_ref().is_some_and(|s| s.value));
        if let Some(c) = ssh {
            let internet = Addr::Tag { tag: "Internet".into(), region: None };
            needs.push(Need {
                flow: tcp(Direction::Inbound, internet, PortRange { lo: 22, hi: 22 }),
                peer: Peer::Ssh(c),
            });
        }
        let mut reported: Vec<Option<usize>> = Vec::new();
        for need in needs {
            let Some((ni, verdict)) = net.subnet_flow(*id, need.flow) else { continue };
            if verdict.allowed() {
                continue;
            }
            let Some((_, nsg)) = net.subnet_nsg(*id) else { continue };
            let nsg_name = nm(&nsg.name);
            match verdict {
                Verdict::DeniedBy(ri) => {
                    if reported.contains(&Some(ri)) {
                        continue;
                    }
                    reported.push(Some(ri));
                    let Some(rule) = items(&nsg.rules).nth(ri) else { continue };
                    out.push(
                        rule.span.clone(),
                        Loc::from(Node::NsgRule { nsg: ni, rule: ri }),
                        format!(
                            "rule `{}` of NSG `{nsg_name}` blocks {} in compute subnet `{label}`",
                            nm(&rule.name),
                            need.peer.describe()
                        ),
                    )
                    .label("Azure Batch allows this traffic for compute nodes");
                }
                Verdict::DefaultDeny(default) => {
                    if reported.contains(&None) {
                        continue;
                    }
                    reported.push(None);
                    let Some(s) = net.subnet(*id) else { continue };
                    let at = s.nsg.as_ref().map(|n| n.span.clone()).unwrap_or(s.span.clone());
                    out.push(
                        at,
                        Node::Subnet(*id).field("nsg"),
                        format!(
                            "NSG `{nsg_name}` of compute subnet `{label}` denies {}: no rule allows it before `{default}`",
                            need.peer.describe()
                        ),
                    )
                    .help("add an Allow rule for this flow");
                }
                _ => {}
            }
        }
    }
    Eval::Checked
}
