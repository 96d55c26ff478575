use super::shared::{from_label, list, region, sources};
use crate::diag::Severity;
use crate::rules::compute::shared::name;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::egress::Cover;
use crate::topology::model::{FirewallKind, items};
use crate::topology::node::{Loc, Node};

/// The service tags of the November 2020 list, with whether they are regional.
const TAGS: &[(&str, bool)] = &[
    ("AzureActiveDirectory", false),
    ("AzureMachineLearning", false),
    ("AzureResourceManager", false),
    ("Storage", true),
    ("AzureKeyVault", true),
    ("AzureContainerRegistry", true),
];

pub static RULE: Rule = Rule {
    id: "AML-FW-002",
    name: "azure-firewall-network-rules-for-service-tags",
    severity: Severity::Error,
    area: Area::Firewall,
    periods: &[Period::P2020],
    title: "Azure Firewall network rules allow TCP, all ports, to the workspace's service tags",
    checks: "For a `firewall` of `kind: azure_firewall`: its `network_rules` allow protocol TCP on \
every port (`*`) to `AzureActiveDirectory`, `AzureMachineLearning`, `AzureResourceManager`, \
`Storage.<region>`, `KeyVault.<region>` (`AzureKeyVault`) and `ContainerRegistry.<region>` \
(`AzureContainerRegistry`), where `<region>` is the workspace's region (a global tag also \
satisfies it). The rules' `sources` must include every compute subnet routed through the \
firewall; with none, any source counts.",
    why: "Once the firewall carries the compute's outbound traffic, the workspace works only if \
the compute can still reach Azure Active Directory, the Azure Machine Learning service, Azure \
Resource Manager, and the workspace's storage, key vault and registry. A missing tag or port \
breaks sign-in, job submission, data mounts or image pulls.",
    example: "workspace: {name: mlw-demo, region: eastus}
firewall:
  kind: azure_firewall
  private_ip: 10.1.4.4
  network_rules:
    - {name: aml, protocols: [TCP], sources: [10.0.0.0/16], ports: ['*'],
       destinations: [AzureActiveDirectory, AzureMachineLearning, AzureResourceManager,
                      Storage.eastus]}
  application_rules:
    - {name: packages, sources: [10.0.0.0/16], protocols: ['Http:80', 'Https:443'],
       fqdns: [graph.windows.net, anaconda.com, '*.anaconda.com', '*.anaconda.org']}
",
    fix: "workspace: {name: mlw-demo, region: eastus}
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
",
    help: "add a network rule: `{protocols: [TCP], ports: ['*'], destinations: [...]}` with the missing service tags",
    quote: "Add Network rules, allowing traffic to and from the following service tags: \
AzureActiveDirectory; AzureMachineLearning; AzureResourceManager; Storage.region; \
KeyVault.region; ContainerRegistry.region / For entries that contain region, replace with the \
Azure region that you are using. For example, keyvault.westus. For the protocol, select TCP. For \
the source and destination ports, select *.",
    source: "Use workspace behind a Firewall for Azure Machine Learning (11/18/2020), \"Network \
rules\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall#network-rules",
    decision: Some(
        "The article asks for ports `*`, and the compute does use more than HTTPS (SMB 445 to the \
workspace file share), so a rule limited to some ports is reported at its `ports`. The region is \
the workspace's, else the training compute's; a block naming no region takes the region of the \
firewall's own regional tags. Only Azure Firewall is checked: other firewalls filter by host \
name (AML-FW-005). A global `Storage` satisfies this rule; AML-FW-008 then points out the wider \
exfiltration path.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(fw) = net.firewall().filter(|f| f.kind() == FirewallKind::AzureFirewall) else {
        return Eval::NotEvaluated("the block has no Azure Firewall");
    };
    // Rules that allow some tags on some ports only, with those tags.
    let mut partial: Vec<(usize, Vec<String>)> = Vec::new();
    let (wanted, shown): (Vec<Addr>, Vec<String>) = TAGS
        .iter()
        .map(|(tag, regional)| {
            let r = if *regional { region(net, fw, tag) } else { None };
            let shown = match &r {
                Some(r) => format!("{tag}.{r}"),
                None => tag.to_string(),
            };
            (Addr::tag(tag, r.as_deref()), shown)
        })
        .unzip();
    for src in sources(net) {
        let mut missing: Vec<String> = Vec::new();
        let coverage = fw.network_coverage(src.prefix, &wanted, "TCP", PortRange::ALL);
        for (cover, shown) in coverage.into_iter().zip(&shown) {
            match cover {
                Cover::Full(_) => {}
                Cover::Partial(ri) => match partial.iter_mut().find(|(i, _)| *i == ri) {
                    Some((_, tags)) if !tags.contains(shown) => tags.push(shown.clone()),
                    Some(_) => {}
                    None => partial.push((ri, vec![shown.clone()])),
                },
                Cover::None => missing.push(shown.clone()),
            }
        }
        if missing.is_empty() {
            continue;
        }
        let (span, path) = match &fw.network_rules {
            Some(l) => (l.span.clone(), Node::Firewall.field("network_rules")),
            None => (fw.span.clone(), Loc::from(Node::Firewall)),
        };
        out.push(
            span,
            path,
            format!(
                "the firewall has no network rule allowing TCP{} to {}",
                from_label(net, src),
                list(&missing)
            ),
        )
        .label("the workspace's services are unreachable through the firewall")
        .help(format!(
            "add a network rule with `protocols: [TCP]`, `ports: ['*']` and destinations {}",
            list(&missing)
        ));
    }
    for (ri, tags) in partial {
        let rule = items(&fw.network_rules).nth(ri);
        let (span, path) = match rule.and_then(|r| r.ports.as_ref()) {
            Some(p) => (p.span.clone(), Node::FirewallNetworkRule(ri).field("ports")),
            None => (fw.span.clone(), Loc::from(Node::FirewallNetworkRule(ri))),
        };
        out.push(
            span,
            path,
            format!(
                "network rule `{}` allows {} on some ports only; the firewall article asks for all ports",
                rule.map(|r| name(&r.name)).unwrap_or("?"),
                list(&tags)
            ),
        )
        .help("set `ports: ['*']` on this rule");
    }
    Eval::Checked
}
