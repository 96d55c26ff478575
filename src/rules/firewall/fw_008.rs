use crate::diag::Severity;
use crate::rules::compute::shared::{TRAINING, compute_subnets, name};
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::addr::Addr;
use crate::topology::model::{Direction, RuleAccess, items};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-FW-008",
    name: "storage-outbound-limited-to-region",
    severity: Severity::Warning,
    area: Area::Firewall,
    periods: BEFORE_CURRENT,
    title: "Outbound to Azure Storage is opened for the compute's region, not for every region",
    checks: "Flags rules that open outbound traffic to the global `Storage` service tag (every \
storage account of every region) where the compute needs only `Storage.<region>`: outbound \
`Allow` rules of the NSGs of subnets holding a `compute_instance` or `compute_cluster`, and the \
firewall's `network_rules`.",
    why: "Outbound access to Azure Storage is a path to copy data out of the workspace: any \
storage account reachable from the compute can receive it. Opening the global tag lets the \
compute write to storage accounts anywhere, instead of only those of its region.",
    example: "vnets:
  - name: vnet-ml
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, nsg: nsg-training}
nsgs:
  - name: nsg-training
    rules:
      - {name: batch, priority: 100, direction: Inbound, access: Allow, protocol: Tcp,
         source: BatchNodeManagement, destination: '*', destination_ports: 29876-29877}
      - {name: storage, priority: 100, direction: Outbound, access: Allow, protocol: Tcp,
         source: '*', destination: Storage, destination_ports: '443'}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    fix: "vnets:
  - name: vnet-ml
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, nsg: nsg-training}
nsgs:
  - name: nsg-training
    rules:
      - {name: batch, priority: 100, direction: Inbound, access: Allow, protocol: Tcp,
         source: BatchNodeManagement, destination: '*', destination_ports: 29876-29877}
      - {name: storage, priority: 100, direction: Outbound, access: Allow, protocol: Tcp,
         source: '*', destination: Storage.eastus, destination_ports: '443'}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "narrow the destination to `Storage.<region>`, the region of the compute and its storage",
    quote: "Access data stored in the Azure Storage Account for compute cluster and compute \
instance. This outbound can be used to exfiltrate data. / The outbound access to Storage.<region> \
could potentially be used to exfiltrate data from your workspace. By using a Service Endpoint \
Policy, you can mitigate this vulnerability.",
    source: "Azure Machine Learning required public internet access (2023 include); Secure an \
Azure Machine Learning training environment (2023)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet",
    decision: Some(
        "The sentences come from 2023 documents; the mitigation they give, a service endpoint \
policy, is what the 2020 articles say does not work for the compute's system storage \
(AML-ST-009). Under profile 2020-10 this rule therefore asks for the narrower mitigation the \
2020 articles support: open `Storage.<region>` (which they require) rather than the global \
`Storage` tag. Outbound allowed by Azure's default `AllowInternetOutBound` is not reported: \
flagging every unrestricted network would say nothing. Rules to `*` or `Internet` are not \
reported either: they are deliberate open egress, not a storage rule.",
    ),
    removed: false,
    check,
};

fn is_global_storage(text: &str) -> bool {
    matches!(Addr::parse(text), Ok(Addr::Tag { tag, region: None }) if tag == "Storage")
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    let mut nsgs_seen: Vec<usize> = Vec::new();
    for cs in compute_subnets(net, TRAINING) {
        let Some((ni, nsg)) = net.subnet_nsg(cs.subnet) else { continue };
        evaluated = true;
        if nsgs_seen.contains(&ni) {
            continue;
        }
        nsgs_seen.push(ni);
        for (ri, r) in items(&nsg.rules).enumerate() {
            let outbound = r.direction.as_ref().is_some_and(|d| d.value == Direction::Outbound);
            let allow = r.access.as_ref().is_none_or(|a| a.value == RuleAccess::Allow);
            let Some(dest) = r.destination.as_ref().filter(|d| is_global_storage(&d.value)) else { continue };
            if !(outbound && allow) {
                continue;
            }
            out.push(
                dest.span.clone(),
                Node::NsgRule { nsg: ni, rule: ri }.field("destination"),
                format!(
                    "rule `{}` of NSG `{}` opens outbound traffic from subnet `{}` to storage accounts of every region",
                    name(&r.name),
                    name(&nsg.name),
                    net.subnet_label(cs.subnet)
                ),
            )
            .label("a path to exfiltrate data");
        }
    }
    if let Some(fw) = net.firewall() {
        evaluated = true;
        for (ri, r) in items(&fw.network_rules).enumerate() {
            for (di, d) in items(&r.destinations).enumerate() {
                if !is_global_storage(&d.value) {
                    continue;
                }
                out.push(
                    d.span.clone(),
                    Node::FirewallNetworkRule(ri).field("destinations").index(di),
                    format!(
                        "firewall network rule `{}` opens outbound traffic to storage accounts of every region",
                        name(&r.name)
                    ),
                )
                .label("a path to exfiltrate data");
            }
        }
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("the block has no firewall and no compute subnet with an NSG")
    }
}
