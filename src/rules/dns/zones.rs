//! Private DNS zone names of Private Link, per service and per cloud.

use crate::topology::model::{Cloud, Subresource};

/// The services whose private-link zones the DNS rules know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ZoneKind {
    /// Workspace API (`*.api.azureml.ms`).
    Api,
    /// Workspace notebooks (`*.notebooks.azure.net`).
    Notebooks,
    Blob,
    File,
    Queue,
    Table,
    Dfs,
    Web,
    Vault,
    Registry,
}

/// Zone names: Azure public cloud, Azure US Government, Azure China 21Vianet.
const ZONES: &[(ZoneKind, [&str; 3])] = &[
    (
        ZoneKind::Api,
        ["privatelink.api.azureml.ms", "privatelink.api.ml.azure.us", "privatelink.api.ml.azure.cn"],
    ),
    (
        ZoneKind::Notebooks,
        [
            "privatelink.notebooks.azure.net",
            "privatelink.notebooks.usgovcloudapi.net",
            "privatelink.notebooks.chinacloudapi.cn",
        ],
    ),
    (
        ZoneKind::Blob,
        [
            "privatelink.blob.core.windows.net",
            "privatelink.blob.core.usgovcloudapi.net",
            "privatelink.blob.core.chinacloudapi.cn",
        ],
    ),
    (
        ZoneKind::File,
        [
            "privatelink.file.core.windows.net",
            "privatelink.file.core.usgovcloudapi.net",
            "privatelink.file.core.chinacloudapi.cn",
        ],
    ),
    (
        ZoneKind::Queue,
        [
            "privatelink.queue.core.windows.net",
            "privatelink.queue.core.usgovcloudapi.net",
            "privatelink.queue.core.chinacloudapi.cn",
        ],
    ),
    (
        ZoneKind::Table,
        [
            "privatelink.table.core.windows.net",
            "privatelink.table.core.usgovcloudapi.net",
            "privatelink.table.core.chinacloudapi.cn",
        ],
    ),
    (
        ZoneKind::Dfs,
        [
            "privatelink.dfs.core.windows.net",
            "privatelink.dfs.core.usgovcloudapi.net",
            "privatelink.dfs.core.chinacloudapi.cn",
        ],
    ),
    (
        ZoneKind::Web,
        [
            "privatelink.web.core.windows.net",
            "privatelink.web.core.usgovcloudapi.net",
            "privatelink.web.core.chinacloudapi.cn",
        ],
    ),
    (
        ZoneKind::Vault,
        [
            "privatelink.vaultcore.azure.net",
            "privatelink.vaultcore.usgovcloudapi.net",
            "privatelink.vaultcore.azure.cn",
        ],
    ),
    (ZoneKind::Registry, ["privatelink.azurecr.io", "privatelink.azurecr.us", "privatelink.azurecr.cn"]),
];

const CLOUDS: [Cloud; 3] = [Cloud::AzureCloud, Cloud::AzureUSGovernment, Cloud::AzureChinaCloud];

fn cloud_index(cloud: Cloud) -> usize {
    match cloud {
        Cloud::AzureCloud => 0,
        Cloud::AzureUSGovernment => 1,
        Cloud::AzureChinaCloud => 2,
    }
}

/// The zone name of a service in a cloud.
pub(crate) fn zone_name(kind: ZoneKind, cloud: Cloud) -> &'static str {
    ZONES.iter().find(|(k, _)| *k == kind).map(|(_, names)| names[cloud_index(cloud)]).unwrap_or("")
}

/// Which service and cloud a zone name belongs to (case-insensitive, trailing dot ignored).
pub(crate) fn classify(name: &str) -> Option<(ZoneKind, Cloud)> {
    let n = name.trim().trim_end_matches('.');
    ZONES.iter().find_map(|(kind, names)| {
        names.iter().position(|z| z.eq_ignore_ascii_case(n)).map(|ci| (*kind, CLOUDS[ci]))
    })
}

/// The zone kind a private endpoint of this sub-resource registers in (`None` for the
/// workspace, which needs two).
pub(crate) fn kind_of(sub: Subresource) -> Option<ZoneKind> {
    Some(match sub {
        Subresource::Blob => ZoneKind::Blob,
        Subresource::File => ZoneKind::File,
        Subresource::Queue => ZoneKind::Queue,
        Subresource::Table => ZoneKind::Table,
        Subresource::Dfs => ZoneKind::Dfs,
        Subresource::Web => ZoneKind::Web,
        Subresource::Vault => ZoneKind::Vault,
        Subresource::Registry => ZoneKind::Registry,
        Subresource::Amlworkspace => return None,
    })
}

/// Public DNS suffixes under which a service's names are looked up: the zone without its
/// `privatelink.` label, and for key vaults also `vault.<cloud suffix>`.
pub(crate) fn public_suffixes(kind: ZoneKind, cloud: Cloud) -> [&'static str; 2] {
    let zone = zone_name(kind, cloud);
    let base = zone.strip_prefix("privatelink.").unwrap_or(zone);
    let extra = match (kind, cloud) {
        (ZoneKind::Vault, Cloud::AzureCloud) => "vault.azure.net",
        (ZoneKind::Vault, Cloud::AzureUSGovernment) => "vault.usgovcloudapi.net",
        (ZoneKind::Vault, Cloud::AzureChinaCloud) => "vault.azure.cn",
        _ => base,
    };
    [base, extra]
}

/// Does `fqdn` equal `suffix` or end with `.suffix` (case-insensitive)?
pub(crate) fn under(fqdn: &str, suffix: &str) -> bool {
    let f = fqdn.trim().trim_end_matches('.');
    let (fl, sl) = (f.len(), suffix.len());
    if fl == sl {
        return f.eq_ignore_ascii_case(suffix);
    }
    fl > sl
        && f.is_char_boundary(fl - sl - 1)
        && f.as_bytes()[fl - sl - 1] == b'.'
        && f[fl - sl..].eq_ignore_ascii_case(suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_by_cloud() {
        assert_eq!(zone_name(ZoneKind::Api, Cloud::AzureUSGovernment), "privatelink.api.ml.azure.us");
        assert_eq!(classify("PrivateLink.Blob.Core.Windows.Net."), Some((ZoneKind::Blob, Cloud::AzureCloud)));
        assert_eq!(
            classify("privatelink.vaultcore.azure.cn"),
            Some((ZoneKind::Vault, Cloud::AzureChinaCloud))
        );
        assert_eq!(classify("contoso.com"), None);
        assert_eq!(
            public_suffixes(ZoneKind::Vault, Cloud::AzureCloud),
            ["vaultcore.azure.net", "vault.azure.net"]
        );
        assert_eq!(public_suffixes(ZoneKind::Registry, Cloud::AzureCloud), ["azurecr.io", "azurecr.io"]);
    }

    #[test]
    fn suffix_matching() {
        assert!(under("stml.blob.core.windows.net", "blob.core.windows.net"));
        assert!(under("blob.core.windows.net.", "blob.core.windows.net"));
        assert!(!under("stmlblob.core.windows.net", "blob.core.windows.net"));
        assert!(!under("é.net", "xé.net"));
    }
}
