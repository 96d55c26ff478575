//! What templates say that the model does not hold yet, read into typed form so that a later
//! model version (issue 14: the workspace's managed network) can map it in one line. Today
//! the mapping turns it into a `not-in-model` note that says what was read.

use crate::topology::arm::cursor::Cur;
use crate::topology::yaml::Sp;

/// `properties.managedNetwork` of a workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ManagedNetwork {
    /// `Disabled`, `AllowInternetOutbound` or `AllowOnlyApprovedOutbound`.
    pub isolation_mode: Option<Sp<String>>,
    pub outbound_rules: Vec<OutboundRule>,
}

/// One outbound rule of a managed network.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboundRule {
    pub name: Option<Sp<String>>,
    /// `FQDN`, `PrivateEndpoint` or `ServiceTag`.
    pub kind: Option<Sp<String>>,
    /// The FQDN, the service tag, or the name of the private endpoint's target resource.
    pub destination: Option<Sp<String>>,
    /// The private endpoint's sub-resource (`blob`, `vault`...).
    pub subresource: Option<Sp<String>>,
}

impl ManagedNetwork {
    pub fn read(c: &Cur) -> ManagedNetwork {
        let mut rules = Vec::new();
        if let Some(r) = c.get("outboundRules") {
            // An object keyed by rule name (workspace property) or an array.
            match r.val() {
                super::super::value::Val::Object(m) => {
                    for (k, _) in m {
                        if let Some(rule) = r.get(&k) {
                            rules
                                .push(OutboundRule::read(Some(Sp::new(k.clone(), rule.span.clone())), &rule));
                        }
                    }
                }
                _ => rules.extend(
                    r.items().iter().map(|x| OutboundRule::read(x.get("name").and_then(|n| n.str()), x)),
                ),
            }
        }
        ManagedNetwork { isolation_mode: c.get("isolationMode").and_then(|x| x.str()), outbound_rules: rules }
    }

    /// `isolation mode AllowOnlyApprovedOutbound, 2 outbound rules`.
    pub fn summary(&self) -> String {
        let mode = self
            .isolation_mode
            .as_ref()
            .map(|m| format!("isolation mode `{}`", m.value))
            .unwrap_or("no isolation mode".into());
        let n = self.outbound_rules.len();
        format!("{mode}, {n} outbound rule{}", if n == 1 { "" } else { "s" })
    }
}

impl OutboundRule {
    pub fn read(name: Option<Sp<String>>, c: &Cur) -> OutboundRule {
        let dest = c.get("destination");
        let (destination, subresource) = match &dest {
            Some(d) if d.val().as_str().is_some() => (d.str(), None),
            Some(d) => (
                d.get("serviceTag")
                    .and_then(|x| x.str())
                    .or_else(|| d.get("serviceResourceId").and_then(|x| x.id_name())),
                d.get("subresourceTarget").and_then(|x| x.str()),
            ),
            None => (None, None),
        };
        OutboundRule { name, kind: c.get("type").and_then(|x| x.str()), destination, subresource }
    }

    /// `` `pypi` (FQDN `pypi.org`) ``.
    pub fn summary(&self) -> String {
        let name = self.name.as_ref().map(|n| format!("`{}` ", n.value)).unwrap_or_default();
        let kind = self.kind.as_ref().map(|k| k.value.clone()).unwrap_or("?".into());
        let dest = self.destination.as_ref().map(|d| format!(" `{}`", d.value)).unwrap_or_default();
        format!("{name}({kind}{dest})")
    }
}
