//! Azure Firewall as a flow crosses it: DNAT rules first (inbound to its public IP), then
//! network rules, then application rules; the first rule that matches allows, and what no
//! rule allows is denied. Application rules always SNAT (a transparent proxy); network rules
//! SNAT only towards public addresses, so private destinations see the original source and
//! must route their replies back through the firewall.

use ipnet::IpNet;

use super::ctx::{Ctx, Fw};
use super::route::Target;
use super::types::Element;
use crate::rules::dns::zones::under;
use crate::topology::addr::{Addr, PortRange, parse_ports};
use crate::topology::egress::{app_protocol_matches, sources_cover};
use crate::topology::model::{FlowProtocol, PortItem, items};

/// What the firewall does with a flow.
pub(crate) enum FwAnswer {
    Allowed { by: Element, snat: bool, text: String },
    Denied { text: String, fix: String },
    Unknown { by: Option<Element>, reason: String },
}

/// A flow as the firewall sees it.
pub(crate) struct FwQuery<'a> {
    /// The source address (a subnet prefix, an on-premises range).
    pub src: IpNet,
    pub dest: &'a Target,
    /// The host name, when the flow names one (application rules match it).
    pub host: Option<&'a str>,
    /// How the destination is written in the trace.
    pub dest_text: &'a str,
    pub protocol: FlowProtocol,
    pub port: Option<u32>,
}

/// Host names of the FQDN tags whose members Microsoft documents. A tag covers more than
/// its documented names, so a name outside the list is undecided, not denied.
const FQDN_TAGS: &[(&str, &[&str])] = &[
    (
        "AzureKubernetesService",
        &[
            "*.azmk8s.io",
            "mcr.microsoft.com",
            "*.data.mcr.microsoft.com",
            "management.azure.com",
            "login.microsoftonline.com",
            "packages.microsoft.com",
            "acs-mirror.azureedge.net",
        ],
    ),
    (
        "WindowsUpdate",
        &[
            "*.update.microsoft.com",
            "*.windowsupdate.com",
            "*.download.windowsupdate.com",
            "*.delivery.mp.microsoft.com",
        ],
    ),
];

/// Domains whose hosts a known FQDN tag may hold beyond its documented members.
const MICROSOFT_DOMAINS: &[&str] = &[
    "microsoft.com",
    "microsoftonline.com",
    "windows.net",
    "windowsupdate.com",
    "azure.com",
    "azure.net",
    "azureedge.net",
    "azurecr.io",
    "azmk8s.io",
];

fn proto_name(p: FlowProtocol) -> &'static str {
    match p {
        FlowProtocol::Tcp => "TCP",
        FlowProtocol::Udp => "UDP",
        FlowProtocol::Icmp => "ICMP",
    }
}

fn rule_name(n: &Option<crate::topology::yaml::Sp<String>>, i: usize) -> String {
    n.as_ref().map(|n| format!("`{}`", n.value)).unwrap_or_else(|| format!("#{i}"))
}

/// The application-rule scheme of a port.
fn scheme(port: u32) -> Option<&'static str> {
    match port {
        80 => Some("Http"),
        443 => Some("Https"),
        1433 => Some("Mssql"),
        _ => None,
    }
}

/// Network and application rules for a flow that reached the firewall by a route.
pub(crate) fn filter(fw: &Fw, model: &crate::topology::model::Firewall, q: &FwQuery) -> FwAnswer {
    if !fw.azure {
        return FwAnswer::Unknown {
            by: Some(Element::Firewall),
            reason: format!(
                "firewall `{}` is not an Azure Firewall: its rules are not in the model",
                fw.name
            ),
        };
    }
    let dest = match q.dest {
        Target::Ip(n) => Addr::Net(*n),
        Target::Tag(t) => t.clone(),
        Target::Public => Addr::tag("Internet", None),
    };
    let ports = q.port.map(|p| PortRange { lo: p, hi: p });
    if let Some(i) = model.network_rule_allowing_from(Some(q.src), &dest, proto_name(q.protocol), ports) {
        let name = rule_name(&items(&model.network_rules).nth(i).and_then(|r| r.name.clone()), i);
        let snat = !q.dest.is_private();
        return FwAnswer::Allowed {
            by: Element::FirewallNetworkRule(i),
            snat,
            text: format!("firewall `{}` network rule {name} allows it", fw.name),
        };
    }
    // A rule for part of a global tag (`Storage.eastus` for `Storage`) decides nothing.
    if let Addr::Tag { tag, region: None } = &dest {
        for (i, r) in items(&model.network_rules).enumerate() {
            let partial = items(&r.destinations).any(
                |d| matches!(Addr::parse(&d.value), Ok(Addr::Tag { tag: t, region: Some(_) }) if &t == tag),
            );
            if partial && sources_cover(&r.sources, Some(q.src)) {
                return FwAnswer::Unknown {
                    by: Some(Element::FirewallNetworkRule(i)),
                    reason: format!(
                        "firewall `{}` network rule {} allows a region of `{tag}` only; name the region in `to` (`{tag}.<region>`)",
                        fw.name,
                        rule_name(&r.name, i)
                    ),
                };
            }
        }
    }
    let app = match (q.protocol, q.port.and_then(|p| scheme(p).map(|s| (s, p)))) {
        (FlowProtocol::Tcp, Some(sp)) => Some(sp),
        _ => None,
    };
    if let Some(proto) = app {
        let mut maybe: Option<(usize, String)> = None;
        for (i, r) in items(&model.application_rules).enumerate() {
            let proto_ok = match &r.protocols {
                None => true,
                Some(l) => l.value.iter().any(|p| app_protocol_matches(&p.value, proto)),
            };
            if !proto_ok || !sources_cover(&r.sources, Some(q.src)) {
                continue;
            }
            let name = rule_name(&r.name, i);
            let Some(host) = q.host else {
                maybe = maybe.or(Some((i, format!(
                    "firewall `{}` application rule {name} filters by host name, and the flow names no host: write the host name in `to`",
                    fw.name
                ))));
                continue;
            };
            if items(&r.fqdns).any(|f| crate::topology::facts::fqdn_matches(&f.value, host)) {
                return FwAnswer::Allowed {
                    by: Element::FirewallAppRule(i),
                    snat: true,
                    text: format!("firewall `{}` application rule {name} allows `{host}`", fw.name),
                };
            }
            for t in items(&r.fqdn_tags) {
                match FQDN_TAGS.iter().find(|(n, _)| n.eq_ignore_ascii_case(t.value.trim())) {
                    Some((tname, hosts))
                        if hosts.iter().any(|h| crate::topology::facts::fqdn_matches(h, host)) =>
                    {
                        return FwAnswer::Allowed {
                            by: Element::FirewallAppRule(i),
                            snat: true,
                            text: format!(
                                "firewall `{}` application rule {name} allows `{host}` (FQDN tag `{tname}`)",
                                fw.name
                            ),
                        };
                    }
                    // A known tag holds Microsoft's own names: another host is not in it.
                    Some(_) if !MICROSOFT_DOMAINS.iter().any(|d| under(host, d)) => {}
                    _ => {
                        maybe = maybe.or(Some((i, format!(
                            "firewall `{}` application rule {name} allows FQDN tag `{}`, whose host names Microsoft does not list in full",
                            fw.name, t.value
                        ))));
                    }
                }
            }
        }
        if let Some((i, reason)) = maybe {
            return FwAnswer::Unknown { by: Some(Element::FirewallAppRule(i)), reason };
        }
    }
    let port = q.port.map(|p| format!(" {}", p)).unwrap_or_default();
    let mut fix = format!(
        "add a network rule to `{}` allowing {} to {} on {}{port}",
        fw.name,
        q.src,
        match q.dest {
            Target::Public => format!("the address of `{}`", q.dest_text),
            _ => format!("`{}`", q.dest_text),
        },
        proto_name(q.protocol)
    );
    if let (Some(host), Some((s, p))) = (q.host, app) {
        fix.push_str(&format!(", or an application rule allowing `{host}` over `{s}:{p}`"));
    }
    FwAnswer::Denied {
        text: format!(
            "firewall `{}` has no rule allowing {} to `{}` on {}{}: denied",
            fw.name,
            q.src,
            q.dest_text,
            q.protocol,
            q.port.map(|p| format!("/{p}")).unwrap_or_default()
        ),
        fix,
    }
}

fn port_of(p: &Option<crate::topology::yaml::Sp<PortItem>>) -> Option<Vec<PortRange>> {
    match &p.as_ref()?.value {
        PortItem::Number(n) => PortRange::parse(&n.to_string()).map(|r| vec![r]),
        PortItem::Text(t) => parse_ports(t),
    }
}

/// A DNAT rule of the firewall that sends `port` on its public IP to `dest` (an address or
/// the prefix holding it), for traffic from `src` (`None`: an unlisted internet address).
pub(crate) fn dnat(
    ctx: &Ctx,
    dest: &IpNet,
    protocol: FlowProtocol,
    port: Option<u32>,
    src: Option<&[IpNet]>,
) -> Option<(usize, String)> {
    let fw = ctx.fw.as_ref()?;
    let model = ctx.net.firewall()?;
    if !fw.azure {
        return None;
    }
    let port = port?;
    for (i, r) in items(&model.nat_rules).enumerate() {
        let Some(to) = r.translated_address.as_ref().and_then(|a| Addr::parse(&a.value).ok()?.as_net())
        else {
            continue;
        };
        if !(dest.contains(&to) || to.contains(dest)) {
            continue;
        }
        let translated = port_of(&r.translated_port).or_else(|| port_of(&r.port)).unwrap_or_default();
        if !translated.iter().any(|t| t.lo <= port && port <= t.hi) {
            continue;
        }
        let proto_ok = match &r.protocols {
            None => true,
            Some(l) => l.value.iter().any(|p| {
                p.value.eq_ignore_ascii_case(proto_name(protocol)) || p.value.eq_ignore_ascii_case("any")
            }),
        };
        let sources: Vec<Addr> = items(&r.sources).filter_map(|s| Addr::parse(&s.value).ok()).collect();
        let any_source = sources.is_empty()
            || sources
                .iter()
                .any(|s| matches!(s, Addr::Any) || matches!(s, Addr::Net(n) if n.prefix_len() == 0));
        let src_ok = any_source
            || src.is_some_and(|ips| {
                !ips.is_empty()
                    && ips
                        .iter()
                        .all(|ip| sources.iter().any(|s| matches!(s, Addr::Net(n) if n.contains(ip))))
            });
        if !proto_ok || !src_ok {
            continue;
        }
        let public = fw.public_ip.map(|p| format!(" {}", p.addr())).unwrap_or_default();
        let front = port_of(&r.port).and_then(|v| v.first().map(|r| r.lo)).unwrap_or(port);
        return Some((
            i,
            format!(
                "firewall `{}` DNAT rule {} translates{public}:{front} to {}:{port} (the source becomes the firewall's private address)",
                fw.name,
                rule_name(&r.name, i),
                to.addr()
            ),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::topology::resolve::Net;

    fn net(yaml: &str) -> Net {
        Net::new(Arc::new(crate::topology::yaml::from_str(yaml).unwrap()))
    }

    const FW: &str = "vnets: [{name: hub, address_space: [10.1.0.0/16]}]
firewall:
  name: afw
  vnet: hub
  private_ip: 10.1.4.4
  network_rules:
    - {name: st, protocols: [TCP], destinations: [Storage.eastus], ports: ['443']}
  application_rules:
    - {name: aks, protocols: ['Https:443'], fqdn_tags: [AzureKubernetesService]}
    - {name: wu, protocols: ['Https:443'], fqdn_tags: [SomeFutureTag]}
  nat_rules:
    - {name: web, protocols: [TCP], sources: [203.0.113.0/24], port: '8443', translated_address: 10.0.4.200, translated_port: '443'}
";

    fn ask(n: &Net, dest: Target, host: Option<&str>) -> FwAnswer {
        let ctx = Ctx::new(n);
        let fw = ctx.fw.as_ref().unwrap();
        let q = FwQuery {
            src: "10.0.1.0/24".parse().unwrap(),
            dest: &dest,
            host,
            dest_text: "x",
            protocol: FlowProtocol::Tcp,
            port: Some(443),
        };
        filter(fw, n.firewall().unwrap(), &q)
    }

    #[test]
    fn rules_in_azure_order() {
        let n = net(FW);
        let tag = |t: &str| Target::Tag(Addr::parse(t).unwrap());
        assert!(matches!(ask(&n, tag("Storage.eastus"), None), FwAnswer::Allowed { snat: true, .. }));
        // A regional rule decides nothing about the global tag.
        assert!(matches!(ask(&n, tag("Storage"), None), FwAnswer::Unknown { .. }));
        // A documented member of an FQDN tag is allowed; another Microsoft host is undecided;
        // a host outside Microsoft is not in the tags.
        assert!(matches!(
            ask(&n, Target::Public, Some("mcr.microsoft.com")),
            FwAnswer::Allowed { by: Element::FirewallAppRule(0), .. }
        ));
        // A tag topobook does not know may hold any host.
        assert!(matches!(ask(&n, Target::Public, Some("pypi.org")), FwAnswer::Unknown { .. }));
        let plain =
            net(&FW.replace("    - {name: wu, protocols: ['Https:443'], fqdn_tags: [SomeFutureTag]}\n", ""));
        // A Microsoft host outside the documented members is undecided; any other host is
        // not in the tag.
        assert!(matches!(ask(&plain, Target::Public, Some("graph.microsoft.com")), FwAnswer::Unknown { .. }));
        assert!(matches!(ask(&plain, Target::Public, Some("pypi.org")), FwAnswer::Denied { .. }));
        // Without a host name, an application rule may allow it: undecided.
        assert!(matches!(
            ask(&plain, Target::Ip("20.1.2.3/32".parse().unwrap()), None),
            FwAnswer::Unknown { .. }
        ));
    }

    #[test]
    fn dnat_needs_the_translated_address_port_and_source() {
        let n = net(FW);
        let ctx = Ctx::new(&n);
        let dest: IpNet = "10.0.4.200/32".parse().unwrap();
        let client: Vec<IpNet> = vec!["203.0.113.7/32".parse().unwrap()];
        assert!(dnat(&ctx, &dest, FlowProtocol::Tcp, Some(443), Some(&client)).is_some());
        assert!(dnat(&ctx, &dest, FlowProtocol::Tcp, Some(443), None).is_none());
        assert!(dnat(&ctx, &dest, FlowProtocol::Udp, Some(443), Some(&client)).is_none());
        assert!(dnat(&ctx, &dest, FlowProtocol::Tcp, Some(8443), Some(&client)).is_none());
    }
}
