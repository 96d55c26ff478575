use super::shared::{TRAINING, compute_name, compute_subnets, name};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::facts::{Flow, Verdict};
use crate::topology::model::{Direction, Feature, Nsg, Protocol, items};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-CMP-017",
    name: "restricted-outbound-keeps-compute-service-tags",
    severity: Severity::Error,
    area: Area::Compute,
    periods: &[Period::P2020, Period::P2021],
    title: "An NSG that denies outbound internet still lets compute reach its Azure services",
    checks: "For every subnet holding a `compute_instance` or `compute_cluster` whose NSG denies \
outbound traffic to `Internet`: outbound TCP 443 is allowed, by priority, to `Storage.<region>`, \
`AzureContainerRegistry.<region>`, `AzureMachineLearning`, `AzureResourceManager` and \
`AzureActiveDirectory`, plus `MicrosoftContainerRegistry` and `AzureFrontDoor.FirstParty` when \
`workspace.features` has `user_managed_deps_mcr_images`. `<region>` is the compute's region; a \
global tag also satisfies it.",
    why: "Compute nodes download their job from storage, pull the training image from the \
registry, report to the Azure Machine Learning service and authenticate with Azure Active \
Directory. An NSG that closes the internet without these exceptions leaves every job failing at \
start.",
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
      - {name: services, priority: 100, direction: Outbound, access: Allow, protocol: Tcp,
         source: '*', destination: Storage.eastus, destination_ports: '443'}
      - {name: deny-internet, priority: 4000, direction: Outbound, access: Deny, protocol: '*',
         source: '*', destination: Internet, destination_ports: '*'}
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
      - {name: acr, priority: 110, direction: Outbound, access: Allow, protocol: Tcp,
         source: '*', destination: AzureContainerRegistry.eastus, destination_ports: '443'}
      - {name: aml, priority: 120, direction: Outbound, access: Allow, protocol: Tcp,
         source: '*', destination: AzureMachineLearning, destination_ports: '443'}
      - {name: arm, priority: 130, direction: Outbound, access: Allow, protocol: Tcp,
         source: '*', destination: AzureResourceManager, destination_ports: '443'}
      - {name: aad, priority: 140, direction: Outbound, access: Allow, protocol: Tcp,
         source: '*', destination: AzureActiveDirectory, destination_ports: '443'}
      - {name: deny-internet, priority: 4000, direction: Outbound, access: Deny, protocol: '*',
         source: '*', destination: Internet, destination_ports: '*'}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "add outbound `Allow` rules (TCP 443) for the missing service tags, with a lower priority number than the deny rule",
    quote: "Deny outbound internet connection by using the NSG rules. For a compute instance or a \
compute cluster, limit outbound traffic to the following items: Azure Storage, by using Service \
Tag of Storage.RegionName ... Azure Container Registry, by using Service Tag of \
AzureContainerRegistry.RegionName ... Azure Machine Learning, by using Service Tag of \
AzureMachineLearning; Azure Resource Manager, by using Service Tag of AzureResourceManager; Azure \
Active Directory, by using Service Tag of AzureActiveDirectory / If you plan on using default \
Docker images provided by Microsoft, and enabling user managed dependencies, you must also use \
the following Service Tags: MicrosoftContainerRegistry; AzureFrontDoor.FirstParty",
    source: "Secure an Azure Machine Learning training environment (2020), \"Limit outbound \
connectivity from the virtual network\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#limit-outbound-connectivity-from-the-virtual-network",
    decision: Some(
        "The article names tags but no ports; every one of these services is reached over HTTPS, \
so each tag is evaluated with outbound TCP 443 (a rule for `*` ports also passes). The rule \
applies only when the NSG itself restricts outbound internet (TCP 443 to `Internet` denied); with \
Azure's default `AllowInternetOutBound` in effect nothing is restricted. Firewalls are checked by \
AML-FW-002/003. One finding is given per deny rule, listing every tag it blocks.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut tags: Vec<(&str, bool)> = vec![
        ("Storage", true),
        ("AzureContainerRegistry", true),
        ("AzureMachineLearning", false),
        ("AzureResourceManager", false),
        ("AzureActiveDirectory", false),
    ];
    if net.has_feature(Feature::UserManagedDepsMcrImages) {
        tags.push(("MicrosoftContainerRegistry", false));
        tags.push(("AzureFrontDoor.FirstParty", false));
    }
    let https = PortRange { lo: 443, hi: 443 };
    let mut evaluated = false;
    for cs in compute_subnets(net, TRAINING) {
        let Some((ni, nsg)) = net.subnet_nsg(cs.subnet) else { continue };
        evaluated = true;
        if !nsg.restricts_outbound() {
            continue;
        }
        let region = net.compute_region(cs.compute);
        // A regional tag takes the compute's region; in a block without any region, the
        // NSG's own regional variant of the tag is taken as meant.
        let wanted: Vec<(&str, Option<String>)> = tags
            .iter()
            .map(|(tag, regional)| {
                let r = match (*regional, &region) {
                    (false, _) => None,
                    (true, Some(r)) => Some(r.clone()),
                    (true, None) => nsg_tag_region(nsg, tag),
                };
                (*tag, r)
            })
            .collect();
        let flows = wanted
            .iter()
            .map(|(tag, r)| Flow {
                direction: Direction::Outbound,
                protocol: Protocol::Tcp,
                peer: Addr::tag(tag, r.as_deref()),
                local: None,
                ports: https,
            })
            .collect();
        let Some((_, verdicts)) = net.subnet_flows(cs.subnet, flows) else { continue };
        // Blocked tags grouped by the rule that blocks them (None: Azure's default rules).
        let mut blocked: Vec<(Option<usize>, Vec<String>)> = Vec::new();
        for ((tag, r), v) in wanted.iter().zip(verdicts) {
            let by = match v {
                Verdict::DeniedBy(i) => Some(i),
                Verdict::DefaultDeny(_) => None,
                _ => continue,
            };
            let shown = match r {
                Some(r) => format!("`{tag}.{r}`"),
                None => format!("`{tag}`"),
            };
            match blocked.iter_mut().find(|(b, _)| *b == by) {
                Some((_, list)) => list.push(shown),
                None => blocked.push((by, vec![shown])),
            }
        }
        let nsg_name = name(&nsg.name);
        for (by, list) in blocked {
            let rule = by.and_then(|i| items(&nsg.rules).nth(i));
            let (span, path, who) = match (by, rule) {
                (Some(i), Some(r)) => (
                    r.access.as_ref().map(|a| a.span.clone()).unwrap_or(r.span.clone()),
                    match r.access {
                        Some(_) => Node::NsgRule { nsg: ni, rule: i }.field("access"),
                        None => Node::NsgRule { nsg: ni, rule: i }.into(),
                    },
                    format!("rule `{}` of NSG `{nsg_name}`", name(&r.name)),
                ),
                _ => (
                    nsg.rules.as_ref().map(|l| l.span.clone()).unwrap_or(nsg.span.clone()),
                    Node::Nsg(ni).field("rules"),
                    format!("NSG `{nsg_name}`"),
                ),
            };
            out.push(
                span,
                path,
                format!(
                    "{who} blocks outbound TCP 443 from subnet `{}` (compute `{}`) to {}",
                    net.subnet_label(cs.subnet),
                    compute_name(net, cs.compute),
                    list.join(", ")
                ),
            )
            .label("the compute cannot reach its Azure services");
        }
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no compute instance or cluster sits in a subnet with an NSG")
    }
}

/// The region of the NSG's own regional variant of `tag`, if any.
fn nsg_tag_region(nsg: &Nsg, tag: &str) -> Option<String> {
    crate::topology::addr::tag_region_in(
        tag,
        items(&nsg.rules)
            .flat_map(|r| [r.source.as_ref(), r.destination.as_ref()])
            .flatten()
            .map(|a| a.value.as_str()),
    )
}
