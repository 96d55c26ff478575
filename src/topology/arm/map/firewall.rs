//! Azure Firewall (classic rule collections or a firewall policy with rule collection
//! groups), and how people reach the network: Bastion, VPN and ExpressRoute gateways.

use super::{Mapper, push};
use crate::topology::arm::cursor::Cur;
use crate::topology::arm::scope::Declared;
use crate::topology::model::*;
use crate::topology::yaml::Sp;

/// A string-array property as a list.
fn list(c: &Cur, key: &str) -> Option<List<String>> {
    c.get(key)?.list(&[], Cur::text)
}

/// Two list properties end to end (destination addresses and FQDNs); unknown when either is.
fn joined(c: &Cur, first: &str, second: &str) -> Option<List<String>> {
    let (a, b) = (list(c, first), list(c, second));
    let lost =
        |key: &str, l: &Option<List<String>>| l.is_none() && (c.get(key).is_some() || c.unknown_at(&[key]));
    if lost(first, &a) || lost(second, &b) {
        return None;
    }
    match (a, b) {
        (Some(mut a), Some(b)) => {
            a.value.extend(b.value);
            Some(a)
        }
        (a, b) => a.or(b),
    }
}

/// `[{protocolType: Https, port: 443}]` as `["Https:443"]`.
fn app_protocols(c: &Cur) -> Option<List<String>> {
    let l = c.get("protocols")?;
    let items = l
        .items()
        .iter()
        .filter_map(|p| {
            let t = p.get("protocolType")?.str()?;
            let port = p.get("port").and_then(|x| x.text());
            Some(Sp::new(
                match port {
                    Some(port) => format!("{}:{}", t.value, port.value),
                    None => t.value,
                },
                p.span.clone(),
            ))
        })
        .collect();
    Some(Sp::new(items, l.head()))
}

fn allows(collection: &Cur) -> bool {
    collection
        .path(&["action", "type"])
        .and_then(|a| a.str())
        .is_none_or(|a| a.value.eq_ignore_ascii_case("Allow"))
}

impl<'e, 'a> Mapper<'e, 'a> {
    pub(super) fn firewall(&mut self, d: &Declared<'a>) {
        let name = self.name(d);
        if let Some(f) = &self.t.firewall {
            let first = f.name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
            self.not_in_model(
                d.node.head(),
                format!(
                    "the model holds one firewall (`{first}`): `{}` is left out",
                    name.map(|n| n.value).unwrap_or_default()
                ),
            );
            return;
        }
        let c = self.cur(d);
        let p = c.get("properties");
        let ip =
            p.as_ref().and_then(|p| p.get("ipConfigurations")).and_then(|l| l.items().into_iter().next());
        let mut f = Firewall {
            kind: Some(Sp::new(FirewallKind::AzureFirewall, d.node.head())),
            name,
            vnet: ip
                .as_ref()
                .and_then(|i| i.path(&["properties", "subnet"]))
                .and_then(|s| s.subnet())
                .map(|(v, _)| v),
            private_ip: ip
                .as_ref()
                .and_then(|i| i.path(&["properties", "privateIPAddress"]))
                .and_then(|x| x.str()),
            dns_proxy: p
                .as_ref()
                .and_then(|p| p.path(&["additionalProperties", "Network.DNS.EnableProxy"]))
                .and_then(|x| x.bool()),
            ..Default::default()
        };
        if let Some(p) = &p {
            for coll in p.get("networkRuleCollections").map(|l| l.items()).unwrap_or_default() {
                let Some(cp) = coll.get("properties") else { continue };
                if !self.allowed(&cp) {
                    continue;
                }
                for r in cp.get("rules").map(|l| l.items()).unwrap_or_default() {
                    push(&mut f.network_rules, Sp::new(self.network_rule(&r, "protocols"), r.head()));
                }
            }
            for coll in p.get("applicationRuleCollections").map(|l| l.items()).unwrap_or_default() {
                let Some(cp) = coll.get("properties") else { continue };
                if !self.allowed(&cp) {
                    continue;
                }
                for r in cp.get("rules").map(|l| l.items()).unwrap_or_default() {
                    push(&mut f.application_rules, Sp::new(self.app_rule(&r), r.head()));
                }
            }
            if let Some(policy) = p.get("firewallPolicy").and_then(|x| x.id()) {
                self.firewall_policy = Some(policy.value.name().to_ascii_lowercase());
                if f.dns_proxy.is_none() {
                    f.dns_proxy = self.policy_dns_proxy(&policy.value.ty, &policy.value.full_name());
                }
            }
        }
        self.t.firewall = Some(Sp::new(f, d.node.head()));
    }

    /// Is this an allow collection? A deny collection is noted and left out.
    fn allowed(&self, collection: &Cur) -> bool {
        if allows(collection) {
            return true;
        }
        self.not_in_model(
            collection.head(),
            "deny rule collections are not in the model yet: this one is left out".into(),
        );
        false
    }

    /// IP groups are resources of their own, not in the model.
    fn ip_groups(&self, r: &Cur) {
        for key in ["sourceIpGroups", "destinationIpGroups"] {
            if let Some(g) = r.get(key).filter(|g| !g.items().is_empty()) {
                self.not_in_model(
                    g.span.clone(),
                    format!("IP groups (`{key}`) are not in the model yet: the rule is read without them"),
                );
            }
        }
    }

    fn network_rule(&self, r: &Cur, protocols: &str) -> FirewallNetworkRule {
        self.ip_groups(r);
        FirewallNetworkRule {
            name: r.get("name").and_then(|x| x.str()),
            protocols: list(r, protocols),
            sources: list(r, "sourceAddresses"),
            destinations: joined(r, "destinationAddresses", "destinationFqdns"),
            ports: list(r, "destinationPorts"),
        }
    }

    fn app_rule(&self, r: &Cur) -> FirewallAppRule {
        self.ip_groups(r);
        FirewallAppRule {
            name: r.get("name").and_then(|x| x.str()),
            sources: list(r, "sourceAddresses"),
            fqdns: list(r, "targetFqdns"),
            fqdn_tags: list(r, "fqdnTags"),
            protocols: app_protocols(r),
        }
    }

    /// `dnsSettings.enableProxy` of the firewall's policy, when the template declares it.
    fn policy_dns_proxy(&self, ty: &str, name: &str) -> Option<Sp<bool>> {
        let d = {
            let reg = self.ev.registry.borrow();
            reg.find(ty, name).map(|i| reg.list[i].clone())
        }?;
        self.cur(&d).path(&["properties", "dnsSettings", "enableProxy"]).and_then(|x| x.bool())
    }

    /// Policies are read through the firewall that uses them.
    pub(super) fn firewall_policy(&mut self, _d: &Declared<'a>) {}

    pub(super) fn rule_collection_group(&mut self, d: &Declared<'a>) {
        let policy = d.parent_name().map(str::to_ascii_lowercase);
        let mine = policy.is_some() && policy == self.firewall_policy;
        let Some(f) = self.t.firewall.as_mut().filter(|_| mine) else {
            self.not_in_model(
                d.node.head(),
                format!("rule collection group of firewall policy `{}`, which no firewall declared here uses: left out", policy.unwrap_or_default()),
            );
            return;
        };
        let mut network = f.value.network_rules.take();
        let mut application = f.value.application_rules.take();
        let c = self.cur(d);
        for coll in c.path(&["properties", "ruleCollections"]).map(|l| l.items()).unwrap_or_default() {
            let filter = coll
                .get("ruleCollectionType")
                .and_then(|t| t.str())
                .is_some_and(|t| t.value.eq_ignore_ascii_case("FirewallPolicyFilterRuleCollection"));
            if !filter {
                self.not_in_model(
                    coll.head(),
                    "NAT rule collections are not in the model: this one is left out".into(),
                );
                continue;
            }
            if !self.allowed(&coll) {
                continue;
            }
            for r in coll.get("rules").map(|l| l.items()).unwrap_or_default() {
                let kind = r.get("ruleType").and_then(|t| t.str()).map(|t| t.value.to_ascii_lowercase());
                match kind.as_deref() {
                    Some("networkrule") => {
                        push(&mut network, Sp::new(self.network_rule(&r, "ipProtocols"), r.head()));
                    }
                    Some("applicationrule") => push(&mut application, Sp::new(self.app_rule(&r), r.head())),
                    _ => self.not_in_model(
                        r.head(),
                        "only network and application rules are in the model: this rule is left out".into(),
                    ),
                }
            }
        }
        if let Some(f) = self.t.firewall.as_mut() {
            f.value.network_rules = network;
            f.value.application_rules = application;
        }
    }

    fn access_path(&mut self, path: AccessPath, span: std::ops::Range<usize>) {
        let clients = self.t.clients.get_or_insert_with(|| Sp::new(Clients::default(), span.clone()));
        if !crate::topology::model::items(&clients.value.access_paths).any(|p| p.value == path) {
            push(&mut clients.value.access_paths, Sp::new(path, span));
        }
    }

    pub(super) fn bastion(&mut self, d: &Declared<'a>) {
        self.access_path(AccessPath::Bastion, d.node.head());
    }

    pub(super) fn gateway(&mut self, d: &Declared<'a>) {
        let kind = self
            .cur(d)
            .path(&["properties", "gatewayType"])
            .and_then(|g| g.choice(&[("Vpn", AccessPath::Vpn), ("ExpressRoute", AccessPath::ExpressRoute)]));
        if let Some(k) = kind {
            self.access_path(k.value, k.span);
        }
    }
}
