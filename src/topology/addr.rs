//! Addresses as Azure network rules write them: CIDR prefixes, single IPs and service tags.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::diag::did_you_mean;

/// Service tags topobook knows, with whether Azure publishes regional variants
/// (`Storage.eastus`). Includes every tag the Azure ML network documentation names.
pub const SERVICE_TAGS: &[(&str, bool)] = &[
    ("ActionGroup", false),
    ("ApiManagement", true),
    ("AppService", true),
    ("AzureActiveDirectory", false),
    ("AzureBackup", true),
    ("AzureCloud", true),
    ("AzureContainerRegistry", true),
    ("AzureCosmosDB", true),
    ("AzureDataLake", false),
    ("AzureFrontDoor.Backend", false),
    ("AzureFrontDoor.FirstParty", false),
    ("AzureFrontDoor.Frontend", false),
    ("AzureKeyVault", true),
    ("AzureLoadBalancer", false),
    ("AzureMachineLearning", true),
    ("AzureMonitor", true),
    ("AzureResourceManager", true),
    ("BatchNodeManagement", true),
    ("DataFactory", true),
    ("EventHub", true),
    ("GatewayManager", false),
    ("GuestAndHybridManagement", false),
    ("Internet", false),
    ("MicrosoftContainerRegistry", true),
    ("ServiceBus", true),
    ("Sql", true),
    ("Storage", true),
    ("VirtualNetwork", false),
];

/// Older or shortened spellings used in the Azure ML docs, mapped to the real tag.
const TAG_ALIASES: &[(&str, &str)] = &[
    ("KeyVault", "AzureKeyVault"),
    ("Keyvault", "AzureKeyVault"),
    ("ContainerRegistry", "AzureContainerRegistry"),
    ("MCR", "MicrosoftContainerRegistry"),
    ("AzureFrontDoor.FrontEnd", "AzureFrontDoor.Frontend"),
];

/// A parsed address: `*`, a service tag (optionally regional), or a CIDR / IP.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Addr {
    Any,
    Tag { tag: String, region: Option<String> },
    Net(IpNet),
}

impl Addr {
    /// Parse an address. Errors carry a message and a help line.
    pub fn parse(text: &str) -> Result<Addr, (String, String)> {
        let t = text.trim();
        if t == "*" || t.eq_ignore_ascii_case("any") {
            return Ok(Addr::Any);
        }
        if t.starts_with(|c: char| c.is_ascii_digit()) || t.contains(':') {
            if let Ok(net) = t.parse::<IpNet>() {
                return Ok(Addr::Net(net));
            }
            if let Ok(ip) = t.parse::<IpAddr>() {
                return Ok(Addr::Net(IpNet::from(ip)));
            }
            return Err((
                format!("`{t}` is not a valid IP address or CIDR prefix"),
                "write a prefix like `10.0.0.0/24` or an address like `10.0.0.4`".to_string(),
            ));
        }
        parse_tag(t)
    }

    /// Is this address the given tag (or a regional variant of it)?
    pub fn is_tag(&self, name: &str) -> bool {
        matches!(self, Addr::Tag { tag, .. } if tag == name)
    }

    pub fn as_net(&self) -> Option<IpNet> {
        match self {
            Addr::Net(n) => Some(*n),
            _ => None,
        }
    }

    /// A service tag, regional when `region` is given (`Storage.eastus`). `name` must be the
    /// canonical tag spelling of [`SERVICE_TAGS`].
    pub fn tag(name: &str, region: Option<&str>) -> Addr {
        Addr::Tag { tag: name.to_string(), region: region.map(|r| r.to_ascii_lowercase()) }
    }

    /// Is this a literal, public IP prefix (not `0.0.0.0/0`, not a private range)?
    pub fn is_public_prefix(&self) -> bool {
        matches!(self, Addr::Net(n) if n.prefix_len() > 0 && !is_private(n))
    }
}

/// The region of the first regional variant of `tag` among `addrs` (`Storage.westus` gives
/// `westus`). Used when a block names no region at all: the rules' own regional tags are then
/// taken as the region the author meant.
pub fn tag_region_in<'a>(tag: &str, addrs: impl IntoIterator<Item = &'a str>) -> Option<String> {
    addrs.into_iter().find_map(|a| match Addr::parse(a) {
        Ok(Addr::Tag { tag: t, region: Some(r) }) if t == tag => Some(r),
        _ => None,
    })
}

fn parse_tag(t: &str) -> Result<Addr, (String, String)> {
    let canonical = |name: &str| -> Option<(&'static str, bool)> {
        let name =
            TAG_ALIASES.iter().find(|(a, _)| a.eq_ignore_ascii_case(name)).map(|(_, r)| *r).unwrap_or(name);
        SERVICE_TAGS.iter().find(|(tag, _)| tag.eq_ignore_ascii_case(name)).copied()
    };
    if let Some((tag, _)) = canonical(t) {
        return Ok(Addr::Tag { tag: tag.to_string(), region: None });
    }
    // `Storage.eastus`: split at the last dot (tags like `AzureFrontDoor.FirstParty` have one).
    if let Some((base, region)) = t.rsplit_once('.')
        && let Some((tag, regional)) = canonical(base)
    {
        if !regional {
            return Err((
                format!("service tag `{tag}` has no regional variants"),
                format!("write `{tag}` without `.{region}`"),
            ));
        }
        if region.is_empty() || !region.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err((
                format!("`{region}` is not an Azure region name"),
                "write a region like `eastus`".into(),
            ));
        }
        return Ok(Addr::Tag { tag: tag.to_string(), region: Some(region.to_ascii_lowercase()) });
    }
    let base = t.split('.').next().unwrap_or(t);
    let help = match did_you_mean(base, SERVICE_TAGS.iter().map(|(t, _)| *t)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "use a CIDR prefix, an IP address, `*` or an Azure service tag".to_string(),
    };
    Err((format!("`{t}` is neither an address nor a known service tag"), help))
}

/// Does a rule address `rule` (NSG source, route prefix, firewall destination) cover traffic
/// to or from `peer`?
///
/// A global tag covers its regional variants (`Storage` covers `Storage.eastus`); a regional
/// tag covers only its own region; `*` and `0.0.0.0/0` cover everything; `Internet` covers the
/// public service tags (their addresses are public), but not `VirtualNetwork`.
///
/// `VirtualNetwork` covers private (RFC 1918 and similar) prefixes: the tag stands for the
/// VNet's address space, its peered VNets and connected on-premises ranges, which a topology
/// addresses with private prefixes; a private destination such as a private endpoint's IP is
/// therefore matched by a `VirtualNetwork` NSG rule and by `AllowVnetOutBound`.
pub fn covers(rule: &Addr, peer: &Addr) -> bool {
    match (rule, peer) {
        (Addr::Any, _) => true,
        (Addr::Net(n), _) if n.prefix_len() == 0 => true,
        (Addr::Net(r), Addr::Net(p)) => r.contains(p),
        (Addr::Tag { tag, region }, Addr::Tag { tag: ptag, region: pregion }) => {
            if tag == ptag {
                region.is_none() || region == pregion
            } else {
                tag == "Internet" && is_public_service_tag(ptag)
            }
        }
        (Addr::Tag { tag, .. }, Addr::Net(p)) => match tag.as_str() {
            "Internet" => !is_private(p),
            "VirtualNetwork" => is_private(p),
            _ => false,
        },
        _ => false,
    }
}

/// Service tags whose addresses are public Azure addresses.
pub fn is_public_service_tag(tag: &str) -> bool {
    !matches!(tag, "VirtualNetwork" | "AzureLoadBalancer" | "Internet")
}

/// RFC 1918 and other non-internet ranges.
pub fn is_private(net: &IpNet) -> bool {
    match net.addr() {
        IpAddr::V4(a) => {
            a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || (a.octets()[0] == 100 && (a.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(a) => a.is_loopback() || a.is_unique_local() || a.is_unicast_link_local(),
    }
}

/// Do two prefixes share any address?
pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// A port or port range (`443`, `29876-29877`, `*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRange {
    pub lo: u32,
    pub hi: u32,
}

impl PortRange {
    pub const ALL: PortRange = PortRange { lo: 0, hi: 65535 };

    pub fn parse(text: &str) -> Option<PortRange> {
        let t = text.trim();
        if t == "*" || t.eq_ignore_ascii_case("any") {
            return Some(Self::ALL);
        }
        let (lo, hi) = match t.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let p = t.parse().ok()?;
                (p, p)
            }
        };
        (lo <= hi && hi <= 65535).then_some(PortRange { lo, hi })
    }

    /// Does this range contain every port of `other`?
    pub fn covers(&self, other: &PortRange) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }
}

/// Parse a comma-separated port list (`80,443`, `29876-29877`, `*`). `None` if malformed.
pub fn parse_ports(text: &str) -> Option<Vec<PortRange>> {
    text.split(',').map(PortRange::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Addr {
        Addr::parse(s).unwrap()
    }

    #[test]
    fn parses_addresses_and_tags() {
        assert_eq!(a("*"), Addr::Any);
        assert_eq!(a("10.0.0.0/16"), Addr::Net("10.0.0.0/16".parse().unwrap()));
        assert_eq!(a("10.0.0.5"), Addr::Net("10.0.0.5/32".parse().unwrap()));
        assert_eq!(a("storage.EastUS"), Addr::Tag { tag: "Storage".into(), region: Some("eastus".into()) });
        assert_eq!(
            a("KeyVault.westus"),
            Addr::Tag { tag: "AzureKeyVault".into(), region: Some("westus".into()) }
        );
        assert!(a("AzureFrontDoor.FirstParty").is_tag("AzureFrontDoor.FirstParty"));
        let (msg, help) = Addr::parse("BatchNodeManagment").unwrap_err();
        assert!(msg.contains("not a known service tag") || msg.contains("neither"), "{msg}");
        assert_eq!(help, "did you mean `BatchNodeManagement`?");
        assert!(Addr::parse("10.0.0.300/24").is_err());
        assert!(Addr::parse("Internet.eastus").is_err());
    }

    #[test]
    fn coverage_follows_azure_semantics() {
        assert!(covers(&a("Storage"), &a("Storage.eastus")));
        assert!(!covers(&a("Storage.westus"), &a("Storage.eastus")));
        assert!(!covers(&a("Storage.eastus"), &a("Storage")));
        assert!(covers(&a("Internet"), &a("BatchNodeManagement")));
        assert!(!covers(&a("Internet"), &a("VirtualNetwork")));
        assert!(covers(&a("0.0.0.0/0"), &a("AzureMachineLearning")));
        assert!(covers(&a("10.0.0.0/16"), &a("10.0.1.0/24")));
        assert!(!covers(&a("10.0.1.0/24"), &a("10.0.0.0/16")));
        assert!(covers(&a("VirtualNetwork"), &a("10.0.2.5")));
        assert!(covers(&a("VirtualNetwork"), &a("192.168.0.0/16")));
        assert!(!covers(&a("VirtualNetwork"), &a("20.42.0.10")));
        assert!(!covers(&a("VirtualNetwork"), &a("Storage")));
    }

    #[test]
    fn tag_helpers() {
        assert_eq!(Addr::tag("Storage", Some("EastUS")), a("Storage.eastus"));
        assert!(a("13.82.0.0/16").is_public_prefix());
        assert!(!a("10.0.0.0/8").is_public_prefix() && !a("0.0.0.0/0").is_public_prefix());
        assert!(!a("Storage").is_public_prefix());
        let addrs = ["10.0.0.0/16", "Storage", "AzureMachineLearning.westus2", "x"];
        assert_eq!(tag_region_in("AzureMachineLearning", addrs), Some("westus2".to_string()));
        assert_eq!(tag_region_in("Storage", addrs), None);
    }

    #[test]
    fn ports() {
        assert_eq!(parse_ports("29876-29877"), Some(vec![PortRange { lo: 29876, hi: 29877 }]));
        assert!(PortRange::ALL.covers(&PortRange { lo: 22, hi: 22 }));
        assert_eq!(parse_ports("80, 443").map(|v| v.len()), Some(2));
        assert_eq!(parse_ports("x"), None);
        assert_eq!(parse_ports("70000"), None);
    }
}
