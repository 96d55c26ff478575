//! A resource's own firewall as the traffic reaches it: storage accounts and key vaults
//! (`public_network_access`, `network.default_action`, VNet rules for service-endpoint
//! traffic, IP rules, the trusted-services bypass), container registries (the same, with
//! `trusted_services`), the workspace and Application Insights (`public_network_access`).
//! A private endpoint is not subject to any of them.

use ipnet::IpNet;

use super::ctx::Ctx;
use super::dns::PeInfo;
use super::endpoint::resource_name;
use super::types::{Element, ResourceRef, Step};
use crate::topology::addr::Addr;
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{Access, DefaultAction, List, Subresource, items};
use crate::topology::resolve::SubnetId;

/// A public source as a resource firewall sees it.
#[derive(Clone, Debug)]
pub(crate) enum PublicSrc {
    /// Any internet address the model does not list.
    Any,
    /// Known public addresses (`clients.public_ips`, the firewall's public IP).
    Known(Vec<IpNet>),
    /// A public address the model does not give; the reason says whose.
    Unknown(String),
}

/// How the traffic reaches the resource.
#[derive(Clone, Debug)]
pub(crate) enum Arrival {
    Endpoint(PeInfo),
    /// From a subnet through its service endpoint.
    ServiceEndpoint(SubnetId),
    Public(PublicSrc),
    /// An Azure service by its tag (`AzureMachineLearning`).
    Service(String),
}

/// The resource's decision.
pub(crate) struct Admission {
    pub step: Step,
    pub by: Option<Element>,
    pub text: String,
    /// What to change when it refuses.
    pub fix: Option<String>,
    /// Why it cannot be decided.
    pub reason: Option<String>,
}

fn admit_text(step: Step, by: Option<Element>, text: String) -> Admission {
    Admission { step, by, text, fix: None, reason: None }
}

/// Does the resource answer on this port (`None`: ICMP)?
pub(crate) fn listens(r: ResourceRef, sub: Option<Subresource>, port: Option<u32>) -> Result<(), String> {
    let ok: &[u32] = match (r, sub) {
        (ResourceRef::Storage(_), Some(Subresource::File)) => &[80, 443, 445],
        (ResourceRef::Storage(_), _) => &[80, 443],
        _ => &[443],
    };
    match port {
        Some(p) if ok.contains(&p) => Ok(()),
        _ => Err(format!("answers on: {}", ok.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "))),
    }
}

/// Azure services the resource firewalls let through with the trusted-services exception.
fn trusted(tag: &str) -> bool {
    tag == "AzureMachineLearning"
}

struct Rules<'a> {
    secured_default: DefaultAction,
    public: Access,
    vnet_rules: &'a Option<List<String>>,
    ip_rules: &'a Option<List<String>>,
    bypass: bool,
    bypass_field: &'static str,
}

/// The decision of `r` on traffic arriving by `arrival`.
pub(crate) fn admit(ctx: &Ctx, r: ResourceRef, arrival: &Arrival) -> Admission {
    let name = resource_name(ctx.net, r);
    if let Arrival::Endpoint(pe) = arrival {
        return on_endpoint(r, name, pe);
    }
    let t = ctx.net.topo();
    let rules = match r {
        ResourceRef::Storage(i) => items(&t.storage_accounts).nth(i).map(|s| Rules {
            secured_default: s.default_action(),
            public: s.public_access(),
            vnet_rules: s.network.as_ref().map(|n| &n.vnet_rules).unwrap_or(&None),
            ip_rules: s.network.as_ref().map(|n| &n.ip_rules).unwrap_or(&None),
            bypass: s.bypass_allows_azure_services(),
            bypass_field: "bypass",
        }),
        ResourceRef::KeyVault(i) => items(&t.key_vaults).nth(i).map(|s| Rules {
            secured_default: s.default_action(),
            public: s.public_access(),
            vnet_rules: s.network.as_ref().map(|n| &n.vnet_rules).unwrap_or(&None),
            ip_rules: s.network.as_ref().map(|n| &n.ip_rules).unwrap_or(&None),
            bypass: s.bypass_allows_azure_services(),
            bypass_field: "bypass",
        }),
        ResourceRef::Registry(i) => items(&t.container_registries).nth(i).map(|s| Rules {
            secured_default: s.default_action(),
            public: s.public_access(),
            vnet_rules: s.network.as_ref().map(|n| &n.vnet_rules).unwrap_or(&None),
            ip_rules: s.network.as_ref().map(|n| &n.ip_rules).unwrap_or(&None),
            bypass: s.trusted_services(),
            bypass_field: "trusted_services",
        }),
        ResourceRef::Workspace | ResourceRef::AppInsights(_) => {
            let public = match r {
                ResourceRef::Workspace => ctx.net.workspace_public_access(),
                ResourceRef::AppInsights(i) => items(&t.application_insights)
                    .nth(i)
                    .and_then(|a| a.public_network_access.as_ref())
                    .map(|a| a.value)
                    .unwrap_or(Access::Enabled),
                _ => Access::Enabled,
            };
            let by = Some(Element::ResourceSetting { resource: r, field: "public_network_access" });
            return if public == Access::Disabled {
                Admission {
                    step: Step::Deny,
                    by,
                    text: format!(
                        "`{name}` has public network access disabled: only its private endpoints answer"
                    ),
                    fix: Some(format!(
                        "reach `{name}` through one of its private endpoints (the name must resolve to it)"
                    )),
                    reason: None,
                }
            } else {
                admit_text(
                    Step::Allow,
                    by,
                    format!("`{name}` accepts public traffic (`public_network_access: Enabled`)"),
                )
            };
        }
    };
    let Some(rules) = rules else {
        return admit_text(Step::Pass, Some(Element::Resource(r)), format!("reaches `{name}`"));
    };
    if rules.public == Access::Disabled {
        return Admission {
            step: Step::Deny,
            by: Some(Element::ResourceSetting { resource: r, field: "public_network_access" }),
            text: format!("`{name}` has public network access disabled: only its private endpoints answer"),
            fix: Some(format!(
                "reach `{name}` through a private endpoint whose DNS zone is linked to the source's VNet"
            )),
            reason: None,
        };
    }
    let default = Some(Element::ResourceSetting { resource: r, field: "default_action" });
    if rules.secured_default == DefaultAction::Allow {
        return admit_text(
            Step::Allow,
            default,
            format!("`{name}` accepts traffic from all networks (`default_action: Allow`)"),
        );
    }
    let deny = |text: String, fix: String| Admission {
        step: Step::Deny,
        by: default.clone(),
        text,
        fix: Some(fix),
        reason: None,
    };
    match arrival {
        Arrival::Endpoint(pe) => on_endpoint(r, name, pe),
        Arrival::ServiceEndpoint(s) => {
            let label = ctx.subnet_label(*s);
            match items(rules.vnet_rules).position(|v| ctx.net.lookup_vnet_rule(&v.value) == Some(*s)) {
                Some(i) => admit_text(
                    Step::Allow,
                    Some(Element::VnetRule { resource: r, index: i }),
                    format!("`{name}` vnet rule `{label}` admits the service endpoint traffic"),
                ),
                None => deny(
                    format!("`{name}` denies it: no vnet rule admits `{label}` (`default_action: Deny`)"),
                    format!("add `{label}` to `network.vnet_rules` of `{name}`"),
                ),
            }
        }
        Arrival::Service(tag) => {
            if trusted(tag) && rules.bypass {
                admit_text(
                    Step::Allow,
                    Some(Element::ResourceSetting { resource: r, field: rules.bypass_field }),
                    format!(
                        "`{name}` lets trusted Microsoft services through (`{}`), `{tag}` among them",
                        rules.bypass_field
                    ),
                )
            } else if trusted(tag) {
                deny(
                    format!(
                        "`{name}` denies it: the trusted-services exception is off (`default_action: Deny`)"
                    ),
                    format!("allow trusted Microsoft services on `{name}` (`{}`)", rules.bypass_field),
                )
            } else {
                public(
                    ctx,
                    r,
                    name,
                    &rules,
                    &PublicSrc::Unknown(format!("the addresses of `{tag}` are not in the model")),
                    default,
                )
            }
        }
        Arrival::Public(src) => public(ctx, r, name, &rules, src, default),
    }
}

/// Traffic on a private endpoint: the resource's network rules do not apply.
fn on_endpoint(r: ResourceRef, name: &str, pe: &PeInfo) -> Admission {
    admit_text(
        Step::Allow,
        Some(Element::PrivateEndpoint { resource: r, index: pe.index }),
        format!(
            "`{name}` accepts it on private endpoint `{}` (its network rules apply to public traffic only)",
            pe.name
        ),
    )
}

fn public(
    _ctx: &Ctx,
    r: ResourceRef,
    name: &str,
    rules: &Rules,
    src: &PublicSrc,
    default: Option<Element>,
) -> Admission {
    let ip_rules: Vec<(usize, IpNet)> = items(rules.ip_rules)
        .enumerate()
        .filter_map(|(i, a)| Addr::parse(&a.value).ok()?.as_net().map(|n| (i, n)))
        .collect();
    let deny = |text: String, fix: String| Admission {
        step: Step::Deny,
        by: default.clone(),
        text,
        fix: Some(fix),
        reason: None,
    };
    match src {
        PublicSrc::Known(ips) if !ips.is_empty() => {
            let hits: Vec<Option<usize>> =
                ips.iter().map(|ip| ip_rules.iter().find(|(_, n)| n.contains(ip)).map(|(i, _)| *i)).collect();
            match hits.iter().position(Option::is_none) {
                None => admit_text(
                    Step::Allow,
                    hits[0].map(|i| Element::IpRule { resource: r, index: i }),
                    format!(
                        "`{name}` ip rule admits {}",
                        ips.iter().map(show).collect::<Vec<_>>().join(", ")
                    ),
                ),
                Some(k) => deny(
                    format!(
                        "`{name}` denies it: no ip rule admits {} (`default_action: Deny`)",
                        show(&ips[k])
                    ),
                    format!(
                        "add {} to `network.ip_rules` of `{name}`, or reach it over a private endpoint",
                        show(&ips[k])
                    ),
                ),
            }
        }
        PublicSrc::Unknown(why) if !ip_rules.is_empty() => Admission {
            step: Step::Unknown,
            by: Some(Element::IpRule { resource: r, index: ip_rules[0].0 }),
            text: format!("`{name}` admits the addresses of its ip rules only; {why}"),
            fix: None,
            reason: Some(format!("`{name}` admits the public addresses of its ip rules only, and {why}")),
        },
        _ => deny(
            format!(
                "`{name}` denies public traffic (`default_action: Deny`){}",
                if ip_rules.is_empty() { "" } else { ": its ip rules admit other addresses" }
            ),
            format!(
                "reach `{name}` from a subnet through a service endpoint and a vnet rule, or through a private endpoint"
            ),
        ),
    }
}

/// An address without `/32`, a prefix with its length.
fn show(ip: &IpNet) -> String {
    if ip.prefix_len() == ip.max_prefix_len() { ip.addr().to_string() } else { ip.to_string() }
}
