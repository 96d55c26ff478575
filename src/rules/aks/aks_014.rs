use super::common::{clusters, name_of, tag_region};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::facts::{Flow, Verdict};
use crate::topology::model::{Cloud, Direction, FirewallKind, NextHop, Protocol, RuleAccess, items};
use crate::topology::resolve::Net;

pub static RULE: Rule = Rule {
    id: "AML-AKS-014",
    name: "aks-restricted-outbound-allows-acr",
    severity: Severity::Error,
    area: Area::Aks,
    periods: ALL,
    title: "Restricted outbound from the AKS subnet still allows Azure Container Registry",
    checks: "For every compute of `type: aks` whose subnet resolves:\n\
- if the subnet's NSG restricts outbound traffic (TCP 443 to `Internet` is denied, by priority \
with Azure's default rules), it allows outbound TCP 443 to `AzureContainerRegistry.<region>` \
(the cluster's region, else its VNet's, else the workspace's; the global tag also satisfies it);\n\
- if the subnet's route table sends `0.0.0.0/0` to a virtual appliance and the block has an Azure \
Firewall, a firewall network rule allows TCP 443 to that tag, or an application rule allows the \
workspace registry's login server (`<registry>.azurecr.io`; `*.azurecr.io` when the registry is \
not named).",
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
    help: "allow outbound TCP 443 to `AzureContainerRegistry.<region>` before the deny (NSG rule or firewall network rule)",
    quote: "If you don't want to use the default outbound rules and you do want to limit the \
outbound access of your virtual network, you must allow access to Azure Container Registry. For \
example, make sure that your Network Security Groups (NSG) contains a rule that allows access to \
the AzureContainerRegistry.RegionName service tag",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Limit outbound connectivity from the virtual network\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#limit-outbound-connectivity-from-the-virtual-network",
    decision: Some(
        "\"Limit the outbound access\" is read as either an NSG on the node subnet that denies the \
internet, or forced tunneling of `0.0.0.0/0` through the block's Azure Firewall; the NSG is the \
article's example, the firewall the other way the series restricts egress. A tunnel to a \
gateway (on-premises) or to another kind of firewall cannot be evaluated and is not reported. \
The 2020 article asks for the registry only; the later `mcr.microsoft.com` and AKS egress \
requirements belong to later profiles. When no region is known, any `AzureContainerRegistry.*` \
allow rule is accepted.",
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

fn registry_fqdn(net: &Net) -> String {
    let suffix = match net.cloud() {
        Cloud::AzureCloud => "azurecr.io",
        Cloud::AzureUSGovernment => "azurecr.us",
        Cloud::AzureChinaCloud => "azurecr.cn",
    };
    match net.workspace_registries().first().and_then(|(_, r)| r.name.as_ref()) {
        Some(n) => format!("{}.{suffix}", n.value.to_ascii_lowercase()),
        None => format!("*.{suffix}"),
    }
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    for c in clusters(net) {
        let Some(sid) = c.subnet(net) else { continue };
        evaluated = true;
        let region = tag_region(net, &c);
        let (tag, tag_text) = acr_tag(region);

        // The subnet's NSG.
        if let Some((ni, nsg)) = net.subnet_nsg(sid)
            && nsg.restricts_outbound()
        {
            let flow = Flow {
                direction: Direction::Outbound,
                protocol: Protocol::Tcp,
                peer: tag.clone(),
                local: None,
                ports: PortRange { lo: 443, hi: 443 },
            };
            let verdict = net.subnet_flow(sid, flow).map(|(_, v)| v);
            let any_regional_rule = region.is_none()
                && items(&nsg.rules).any(|r| {
                    r.direction.as_ref().is_some_and(|d| d.value == Direction::Outbound)
                        && r.access.as_ref().is_none_or(|a| a.value == RuleAccess::Allow)
                        && r.destination.as_ref().is_some_and(|d| {
                            Addr::parse(&d.value).is_ok_and(|a| a.is_tag("AzureContainerRegistry"))
                        })
                });
            if let Some(v) = verdict.filter(|v| !v.allowed() && !any_regional_rule) {
                let (span, path, by) = match v {
                    Verdict::DeniedBy(i) => {
                        let r = items(&nsg.rules).nth(i);
                        let span =
                            r.map(|r| r.access.as_ref().map(|a| a.span.clone()).unwrap_or(r.span.clone()));
                        let rname = r.map(|r| name_of(&r.name)).unwrap_or("?");
                        (
                            span.unwrap_or(nsg.span.clone()),
                            format!("nsgs[{ni}].rules[{i}]"),
                            format!("rule `{rname}`"),
                        )
                    }
                    other => {
                        let d = match other {
                            Verdict::DefaultDeny(d) | Verdict::DefaultAllow(d) => d,
                            _ => "?",
                        };
                        (
                            nsg.rules.as_ref().map(|l| l.span.clone()).unwrap_or(nsg.span.clone()),
                            format!("nsgs[{ni}].rules"),
                            format!("Azure's default `{d}`"),
                        )
                    }
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
                    "add an outbound rule allowing TCP 443 to `{tag_text}` with a priority lower than the deny"
                ));
            }
        }

        // Forced tunneling through the Azure Firewall.
        let Some((_, _, NextHop::VirtualAppliance)) = net.forced_tunnel(sid) else { continue };
        let Some(fw) = net.firewall().filter(|f| f.kind() == FirewallKind::AzureFirewall) else { continue };
        let fqdn = registry_fqdn(net);
        if fw.network_rule_allowing(&tag, "TCP", 443).is_some() || fw.app_rule_allowing(&fqdn).is_some() {
            continue;
        }
        let rt_name = net.subnet_route_table(sid).map(|(_, rt)| name_of(&rt.name)).unwrap_or("?");
        let (span, path) = match &fw.network_rules {
            Some(l) => (l.span.clone(), "firewall.network_rules".to_string()),
            None => (fw.span.clone(), "firewall".to_string()),
        };
        out.push(
            span,
            path,
            format!(
                "AKS cluster `{}` sends its outbound traffic through the firewall (route table `{rt_name}`), which allows neither `{tag_text}` on TCP 443 nor `{fqdn}`",
                c.name()
            ),
        )
        .label("image pulls from the container registry are dropped")
        .help(format!(
            "add a firewall network rule allowing TCP 443 to `{tag_text}`, or an application rule for `{fqdn}`"
        ));
    }
    if !evaluated {
        return Eval::NotEvaluated("no AKS cluster is placed in a declared subnet");
    }
    Eval::Checked
}
