//! Pictograms: one `<symbol>` per kind of element and per status, drawn with `currentColor`
//! on a 24×24 grid (status icons on 12×12), so the stylesheet colours them for light, dark and
//! print.

use super::scene::Icon;
use super::status::Look;

impl Icon {
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Icon::None => "none",
            Icon::Internet => "internet",
            Icon::Clients => "clients",
            Icon::Vnet => "vnet",
            Icon::Workspace => "workspace",
            Icon::Storage => "storage",
            Icon::KeyVault => "key-vault",
            Icon::Registry => "registry",
            Icon::Insights => "insights",
            Icon::Instance => "instance",
            Icon::Cluster => "cluster",
            Icon::Aks => "aks",
            Icon::AksControl => "aks-control",
            Icon::Aci => "aci",
            Icon::Vm => "vm",
            Icon::Spark => "spark",
            Icon::Endpoint => "endpoint",
            Icon::Firewall => "firewall",
            Icon::DnsServer => "dns-server",
            Icon::DnsZone => "dns-zone",
            Icon::Nsg => "nsg",
            Icon::Routes => "routes",
        }
    }

    /// Every icon, in the order their symbols are written.
    pub(crate) const ALL: [Icon; 21] = [
        Icon::Internet,
        Icon::Clients,
        Icon::Vnet,
        Icon::Workspace,
        Icon::Storage,
        Icon::KeyVault,
        Icon::Registry,
        Icon::Insights,
        Icon::Instance,
        Icon::Cluster,
        Icon::Aks,
        Icon::AksControl,
        Icon::Aci,
        Icon::Vm,
        Icon::Spark,
        Icon::Endpoint,
        Icon::Firewall,
        Icon::DnsServer,
        Icon::DnsZone,
        Icon::Nsg,
        Icon::Routes,
    ];

    /// The drawing, inside a group stroked with `currentColor`.
    pub(crate) fn body(self) -> &'static str {
        match self {
            Icon::None => "",
            Icon::Internet => {
                r#"<path d="M7 18.5h10.5a4 4 0 0 0 .6-8A5.8 5.8 0 0 0 7.2 9.2 4.7 4.7 0 0 0 7 18.5z"/>"#
            }
            Icon::Clients => r#"<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>"#,
            Icon::Vnet => {
                r#"<path d="M7 6 2 12l5 6M17 6l5 6-5 6"/><circle cx="8.3" cy="12" r="1.3" class="tb-fill" fill="currentColor"/><circle cx="12" cy="12" r="1.3" class="tb-fill" fill="currentColor"/><circle cx="15.7" cy="12" r="1.3" class="tb-fill" fill="currentColor"/>"#
            }
            Icon::Workspace => {
                r#"<path d="M9 3h6M10 3v6.5L4.8 18.4A1.8 1.8 0 0 0 6.4 21h11.2a1.8 1.8 0 0 0 1.6-2.6L14 9.5V3M7.3 15h9.4"/>"#
            }
            Icon::Storage => {
                r#"<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M3 9.5h18M3 14.5h18"/>"#
            }
            Icon::KeyVault => {
                r#"<circle cx="8" cy="12" r="4.2"/><path d="M12.2 12H21M17.5 12v3.2M20.5 12v2.4"/>"#
            }
            Icon::Registry => {
                r#"<rect x="3" y="13" width="8" height="7" rx="1"/><rect x="13" y="13" width="8" height="7" rx="1"/><rect x="8" y="4" width="8" height="7" rx="1"/>"#
            }
            Icon::Insights => {
                r#"<path d="M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5c.8.8 1 1.6 1 2.5h6c0-.9.2-1.7 1-2.5A6 6 0 0 0 12 3z"/>"#
            }
            Icon::Instance => {
                r#"<rect x="3" y="4" width="18" height="12" rx="1.5"/><path d="M8 20h8M12 16v4"/>"#
            }
            Icon::Cluster => {
                r#"<rect x="3" y="3" width="8" height="8" rx="1"/><rect x="13" y="3" width="8" height="8" rx="1"/><rect x="3" y="13" width="8" height="8" rx="1"/><rect x="13" y="13" width="8" height="8" rx="1"/>"#
            }
            Icon::Aks => {
                r#"<path d="M12 2.5 20.5 7.3v9.4L12 21.5l-8.5-4.8V7.3z"/><circle cx="12" cy="12" r="3"/>"#
            }
            Icon::AksControl => {
                r#"<path d="M12 2.5 20.5 7.3v9.4L12 21.5l-8.5-4.8V7.3z"/><path d="M12 8v8M8 12h8"/>"#
            }
            Icon::Aci => r#"<path d="M12 3l8 4.5v9L12 21l-8-4.5v-9zM12 12l8-4.5M12 12v9M12 12 4 7.5"/>"#,
            Icon::Vm => {
                r#"<rect x="3" y="4" width="18" height="12" rx="1.5"/><rect x="7.5" y="7.5" width="9" height="5"/><path d="M8 20h8M12 16v4"/>"#
            }
            Icon::Spark => {
                r#"<circle cx="6" cy="17" r="3"/><circle cx="18" cy="17" r="3"/><circle cx="12" cy="6.5" r="3"/><path d="M9 17h6M7.5 14.4l3-5.3M16.5 14.4l-3-5.3"/>"#
            }
            Icon::Endpoint => {
                r#"<path d="M9.5 14.5l5-5M8.2 11.6l-2.1 2.1a3.2 3.2 0 0 0 4.5 4.5l2.1-2.1M15.8 12.4l2.1-2.1a3.2 3.2 0 0 0-4.5-4.5l-2.1 2.1"/>"#
            }
            Icon::Firewall => {
                r#"<rect x="3" y="5" width="18" height="14" rx="1"/><path d="M3 9.7h18M3 14.3h18M9 5v4.7M15 5v4.7M6 9.7v4.6M12 9.7v4.6M18 9.7v4.6M9 14.3V19M15 14.3V19"/>"#
            }
            Icon::DnsServer => {
                r#"<rect x="3" y="4" width="18" height="7" rx="1.5"/><rect x="3" y="13" width="18" height="7" rx="1.5"/><circle cx="7" cy="7.5" r="1" class="tb-fill" fill="currentColor"/><circle cx="7" cy="16.5" r="1" class="tb-fill" fill="currentColor"/>"#
            }
            Icon::Nsg => {
                r#"<path d="M12 3l7.5 3v5.2c0 4.6-3.1 8.3-7.5 9.8-4.4-1.5-7.5-5.2-7.5-9.8V6z"/><path d="M9 12l2.2 2.2L15.5 10"/>"#
            }
            Icon::Routes => r#"<path d="M12 3v18M6 5.5h10l3 2.5-3 2.5H6zM18 12.5H8l-3 2.5 3 2.5h10z"/>"#,
            Icon::DnsZone => {
                r#"<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c2.5 2.5 3.7 5.5 3.7 9s-1.2 6.5-3.7 9c-2.5-2.5-3.7-5.5-3.7-9S9.5 5.5 12 3z"/>"#
            }
        }
    }
}

/// The status symbol of a look, on a 12×12 grid: a filled shape (`tb-sym-bg`) and a mark
/// (`tb-sym-fg`). The shapes differ, so status never relies on colour alone.
pub(crate) fn status_symbol(look: Look) -> &'static str {
    match look {
        Look::Error => {
            r#"<circle cx="6" cy="6" r="5.5" class="tb-sym-bg" fill="currentColor"/><path d="M3.9 3.9l4.2 4.2M8.1 3.9 3.9 8.1" class="tb-sym-fg"/>"#
        }
        Look::Warning => {
            r#"<path d="M6 .6 11.6 10.8H.4z" class="tb-sym-bg" fill="currentColor"/><path d="M6 4.2v3.3M6 9.1v.1" class="tb-sym-fg"/>"#
        }
        Look::Note => {
            r#"<circle cx="6" cy="6" r="5.5" class="tb-sym-bg" fill="currentColor"/><path d="M6 5.4v3.4M6 3.3v.1" class="tb-sym-fg"/>"#
        }
        Look::Expected => {
            r#"<circle cx="6" cy="6" r="5.5" class="tb-sym-bg" fill="currentColor"/><path d="M3.5 6.2 5.3 8l3.3-3.7" class="tb-sym-fg"/>"#
        }
        Look::Suppressed => {
            r#"<circle cx="6" cy="6" r="5.5" class="tb-sym-bg" fill="currentColor"/><path d="M3.2 8.8l5.6-5.6" class="tb-sym-fg"/>"#
        }
    }
}

pub(crate) const LOOKS: [Look; 5] =
    [Look::Error, Look::Warning, Look::Note, Look::Expected, Look::Suppressed];
