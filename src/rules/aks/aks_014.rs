use super::common::{clusters, name_of, tag_region};
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::facts::{Flow, Verdict};
use crate::topology::model::{Direction, Nsg, Protocol, RuleAccess, items};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-AKS-014",
    name: "aks-restricted-outbound-allows-acr",
    severity: Severity::Error,
    area: Area::Aks,
    periods: BEFORE_CURRENT,
    title: "Restricted outbound from the AKS subnet still allows Azure Container Registry",
    checks: "For every compute of `type: aks` whose subnet has an NSG that restricts outbound \
traffic (TCP 443 to `Internet` is denied, evaluated by priority with Azure's default rules): the \
NSG allows outbound TCP 443 to `AzureContainerRegistry.<region>`, where the region is the \
cluster's, else its VNet's, else the workspace's. The global `AzureContainerRegistry` tag also \
satisfies it.",
    why: "Every model deployment pulls its image from the workspace's Azure Container Registry onto \
the cluster's nodes. With outbound traffic locked down and no exception for the registry, the \
pull times out and the deployment never starts.",
    example: "vnets:
  - name: vnet-ml
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22, nsg: nsg-aks}
nsgs:
  - name: nsg-aks
    rules:
      - {name: deny-internet, priority: 4000, direction: Outbound, access: Deny, protocol: '*', source: '*', destination: Internet, destination_ports: '*'}
computes:
  - {name: aks-inf, type: aks, region: eastus, vnet: vnet-ml, subnet: snet-aks}
",
    fix: "vnets:
  - name: vnet-ml
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22, nsg: nsg-aks}
nsgs:
  - name: nsg-aks
    rules:
      - {name: acr, priority: 200, direction: Outbound, access: Allow, protocol: Tcp, source: VirtualNetwork, destination: AzureContainerRegistry.eastus, destination_ports: '443'}
      - {name: deny-internet, priority: 4000, direction: Outbound, access: Deny, protocol: '*', source: '*', destination: Internet, destination_ports: '*'}
computes:
  - {name: aks-inf, type: aks, region: eastus, vnet: vnet-ml, subnet: snet-aks}
",
    help: "add an outbound `Allow` rule for TCP 443 to `AzureContainerRegistry.<region>` with a smaller priority number than the deny",
    quote: "If you don't want to use the default outbound rules and you do want to limit the \
outbound access of your virtual network, you must allow access to Azure Container Registry. For \
example, make sure that your Network Security Groups (NSG) contains a rule that allows access to \
the AzureContainerRegistry.RegionName service tag",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Limit outbound connectivity from the virtual network\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#limit-outbound-connectivity-from-the-virtual-network",
    decision: Some(
        "The 2020 article names the NSG, so the rule evaluates the node subnet's NSG: its default \
outbound rules are the ones it asks to keep (the second sentence of AML-AKS-013), and a restricted \
outbound must still reach the registry. Egress forced through the Azure Firewall is left to \
AML-FW-002, which in this profile already requires `AzureContainerRegistry.<region>` in the \
firewall's network rules for the whole workspace; checking it again here would report one \
missing rule twice. The later `mcr.microsoft.com` and AKS egress requirements belong to later \
profiles. When no region is known, any `AzureContainerRegistry.*` allow rule is accepted.",
    ),
    removed: false,
    check,
};

/// `AzureContainerRegistry.<region>` (the global tag when no region is known).
fn acr_tag(region: Option<&str>) -> (Addr, String) {
    let region: Option<String> = region.map(|r| r.replace(' ', "").to_ascii_lowercase());
    let text = match &region {
        Some(r) => format!("AzureContainerRegistry.{r}"),
        None => "AzureContainerRegistry".to_string(),
    };
    (Addr::Tag { tag: "AzureContainerRegistry".into(), region }, text)
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    for c in clusters(net) {
        let Some(sid) = c.subnet(net) else { continue };
        evaluated = true;
        let Some((ni, nsg)) = net.subnet_nsg(sid) else { continue };
        if !nsg.restricts_outbound() {
            continue;
        }
        let region = tag_region(net, &c);
        let (tag, tag_text) = acr_tag(region);
        let flow = Flow {
            direction: Direction::Outbound,
            protocol: Protocol::Tcp,
            peer: tag,
            local: None,
            ports: PortRange { lo: 443, hi: 443 },
        };
        let Some((_, verdict)) = net.subnet_flow(sid, flow) else { continue };
        if verdict.allowed() || (region.is_none() && allows_some_registry_region(nsg)) {
            continue;
        }
        let (span, path, by) = match verdict {
            Verdict::DeniedBy(i) => {
                let r = items(&nsg.rules).nth(i);
                let span = r.map(|r| r.access.as_ref().map(|a| a.span.clone()).unwrap_or(r.span.clone()));
                let rname = r.map(|r| name_of(&r.name)).unwrap_or("?");
                (
                    span.unwrap_or(nsg.span.clone()),
                    Loc::from(Node::NsgRule { nsg: ni, rule: i }),
                    format!("rule `{rname}`"),
                )
            }
            Verdict::DefaultDeny(d) => (
                nsg.rules.as_ref().map(|l| l.span.clone()).unwrap_or(nsg.span.clone()),
                Node::Nsg(ni).field("rules"),
                format!("Azure's default `{d}`"),
            ),
            Verdict::AllowedBy(_) | Verdict::DefaultAllow(_) => continue,
        };
        out.push(
            span,
            path,
            format!(
                "NSG `{}` of subnet `{}` restricts outbound traffic and blocks `{tag_text}` on TCP 443 ({by}): AKS cluster `{}` cannot pull images from the container registry",
                name_of(&nsg.name),
                net.subnet_label(sid),
                c.name()
            ),
        )
        .label(format!("denies `{tag_text}`"))
        .help(format!(
            "add (or move) an outbound `Allow` rule for TCP 443 to `{tag_text}` with a smaller priority number than the deny"
        ));
    }
    if !evaluated {
        return Eval::NotEvaluated("no AKS cluster is placed in a declared subnet");
    }
    Eval::Checked
}

/// An outbound allow rule to `AzureContainerRegistry.<any region>` (used when the cluster's
/// region is unknown).
fn allows_some_registry_region(nsg: &Nsg) -> bool {
    items(&nsg.rules).any(|r| {
        r.direction.as_ref().is_some_and(|d| d.value == Direction::Outbound)
            && r.access.as_ref().is_none_or(|a| a.value == RuleAccess::Allow)
            && r.destination
                .as_ref()
                .is_some_and(|d| Addr::parse(&d.value).is_ok_and(|a| a.is_tag("AzureContainerRegistry")))
    })
}
