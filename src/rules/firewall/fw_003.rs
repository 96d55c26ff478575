use super::shared::{from_label, list, region, sources};
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::egress::Cover;
use crate::topology::model::{Feature, FirewallKind};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-FW-003",
    name: "azure-firewall-allows-mcr-for-user-managed-deps",
    severity: Severity::Error,
    area: Area::Firewall,
    periods: BEFORE_CURRENT,
    title: "With Microsoft base images and user-managed dependencies, the firewall allows MCR and Front Door",
    checks: "When `workspace.features` has `user_managed_deps_mcr_images` and the topology has a \
`firewall` of `kind: azure_firewall`: its `network_rules` allow TCP 443 to \
`MicrosoftContainerRegistry.<region>` (workspace region; the global tag also satisfies it) and to \
`AzureFrontDoor.FirstParty`, from every compute subnet routed through the firewall.",
    why: "Microsoft's default Docker images are pulled from the Microsoft Container Registry, \
whose content is served through Azure Front Door. Without both tags the image pull fails and no \
job or deployment using those images starts.",
    example: "workspace: {name: mlw-demo, region: eastus, features: [user_managed_deps_mcr_images]}
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
    fix: "workspace: {name: mlw-demo, region: eastus, features: [user_managed_deps_mcr_images]}
firewall:
  kind: azure_firewall
  private_ip: 10.1.4.4
  network_rules:
    - {name: aml, protocols: [TCP], sources: [10.0.0.0/16], ports: ['*'],
       destinations: [AzureActiveDirectory, AzureMachineLearning, AzureResourceManager,
                      Storage.eastus, KeyVault.eastus, ContainerRegistry.eastus]}
    - {name: mcr, protocols: [TCP], sources: [10.0.0.0/16], ports: ['443'],
       destinations: [MicrosoftContainerRegistry.eastus, AzureFrontDoor.FirstParty]}
  application_rules:
    - {name: packages, sources: [10.0.0.0/16], protocols: ['Http:80', 'Https:443'],
       fqdns: [graph.windows.net, anaconda.com, '*.anaconda.com', '*.anaconda.org']}
",
    help: "add a network rule allowing TCP 443 to `MicrosoftContainerRegistry.<region>` and `AzureFrontDoor.FirstParty`",
    quote: "If you plan on using the default Docker images provided by Microsoft, and enabling \
user-managed dependencies, you must also add the following service tags: \
MicrosoftContainerRegistry.region; AzureFrontDoor.FirstParty",
    source: "Use workspace behind a Firewall for Azure Machine Learning (11/18/2020), \"Network \
rules\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall#network-rules",
    decision: Some(
        "The feature `user_managed_deps_mcr_images` says the workspace uses Microsoft's images \
with user-managed dependencies; without it the rule is not evaluated (the earlier July 2020 \
article asked for the tags unconditionally; profile 2020-10 follows the November text). Both \
services are HTTPS only, so TCP 443 is what is required (the later include tables say 443). \
Other firewalls are covered by the `mcr.microsoft.com` host of AML-FW-005; restricted NSGs by \
AML-CMP-017.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    if !net.has_feature(Feature::UserManagedDepsMcrImages) {
        return Eval::NotEvaluated(
            "the workspace does not use Microsoft images with user-managed dependencies",
        );
    }
    let Some(fw) = net.firewall().filter(|f| f.kind() == FirewallKind::AzureFirewall) else {
        return Eval::NotEvaluated("the block has no Azure Firewall");
    };
    let mcr_region = region(net, fw, "MicrosoftContainerRegistry");
    let wanted = [
        Addr::tag("MicrosoftContainerRegistry", mcr_region.as_deref()),
        Addr::tag("AzureFrontDoor.FirstParty", None),
    ];
    let shown = [
        match &mcr_region {
            Some(r) => format!("MicrosoftContainerRegistry.{r}"),
            None => "MicrosoftContainerRegistry".to_string(),
        },
        "AzureFrontDoor.FirstParty".to_string(),
    ];
    for src in sources(net) {
        let coverage = fw.network_coverage(src.prefix, &wanted, "TCP", PortRange { lo: 443, hi: 443 });
        let missing: Vec<String> = coverage
            .iter()
            .zip(&shown)
            .filter(|(c, _)| !matches!(c, Cover::Full(_)))
            .map(|(_, s)| s.clone())
            .collect();
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
                "the workspace uses Microsoft images with user-managed dependencies, but the firewall does not allow TCP 443{} to {}",
                from_label(net, src),
                list(&missing)
            ),
        )
        .label("base images cannot be pulled");
    }
    Eval::Checked
}
