//! The model's sections for today's documentation (profile `2026-02`): the workspace managed
//! virtual network and its outbound rules, serverless compute, the workspace's IP firewall,
//! connections, managed online endpoints and their deployments, service endpoint policies
//! and the Azure Monitor Private Link Scope (`docs/profiles/2026-02.md` § 2.3).
//!
//! As in the rest of the model every node keeps its span, every field is optional, enums are
//! closed, ARM/CLI/SDK spellings are aliases (normalised to the canonical one), absent fields
//! take Azure's default through accessors (`topology::managed`), and the doc comments are the
//! JSON Schema. Under profile `2020-10` these fields are read and get the
//! `field-not-in-profile` warning.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, de::value::MapAccessDeserializer};

use super::{Access, DefaultAction, List, Ports};
use crate::topology::yaml::Sp;

closed_enum!(
    /// Kind of workspace (ARM `Default`, `Hub`, `Project`).
    WorkspaceKind {
        Default = "default" | "Default",
        Hub = "hub" | "Hub",
        Project = "project" | "Project",
    }
);
closed_enum!(
    /// Outbound mode of the managed virtual network (CLI `disabled`,
    /// `allow_internet_outbound`, `allow_only_approved_outbound`; SDK `IsolationMode.…`).
    IsolationMode {
        Disabled = "Disabled" | "disabled" | "IsolationMode.DISABLED",
        AllowInternetOutbound = "AllowInternetOutbound" | "allow_internet_outbound" | "IsolationMode.ALLOW_INTERNET_OUTBOUND",
        AllowOnlyApprovedOutbound = "AllowOnlyApprovedOutbound" | "allow_only_approved_outbound" | "IsolationMode.ALLOW_ONLY_APPROVED_OUTBOUND",
    }
);
closed_enum!(
    /// Provisioning state of the managed virtual network.
    ManagedNetworkStatus { Inactive = "Inactive" | "inactive", Active = "Active" | "active" }
);
closed_enum!(
    /// Version of the managed Azure Firewall (CLI `standard`, `basic`). `Premium` is read so
    /// that a rule can point at it: the managed network offers Standard and Basic only.
    FirewallSku { Standard = "Standard" | "standard", Basic = "Basic" | "basic", Premium = "Premium" | "premium" }
);
closed_enum!(
    /// Kind of a managed-network outbound rule (CLI `private_endpoint`, `service_tag`, `fqdn`).
    OutboundRuleType {
        PrivateEndpoint = "PrivateEndpoint" | "private_endpoint",
        ServiceTag = "ServiceTag" | "service_tag",
        Fqdn = "FQDN" | "fqdn",
    }
);
closed_enum!(
    /// Protocol of a service-tag outbound rule.
    OutboundProtocol {
        Tcp = "TCP" | "Tcp" | "tcp",
        Udp = "UDP" | "Udp" | "udp",
        Icmp = "ICMP" | "Icmp" | "icmp",
        Any = "*",
    }
);
closed_enum!(
    /// Kind of a workspace connection.
    ConnectionType { ContainerRegistry = "container_registry" | "ContainerRegistry" }
);
closed_enum!(
    /// Access mode of an Azure Monitor Private Link Scope.
    PrivateLinkAccessMode { Open = "Open", PrivateOnly = "PrivateOnly" }
);

/// "Enabled from selected IP addresses": the workspace's IP firewall.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceNetwork {
    /// `Deny` with `ip_rules` admits only those addresses; `Allow` admits everybody.
    #[serde(alias = "defaultAction")]
    pub default_action: Option<Sp<DefaultAction>>,
    /// Public IPv4 addresses or CIDR prefixes allowed in (default `[]`).
    #[serde(alias = "ipRules")]
    pub ip_rules: Option<List<String>>,
}

/// A workspace connection.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    pub name: Option<Sp<String>>,
    /// `container_registry`.
    #[serde(rename = "type")]
    pub kind: Option<Sp<ConnectionType>>,
    /// The resource connected: an entry of `container_registries`.
    pub target: Option<Sp<String>>,
}

/// The workspace managed virtual network.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagedNetwork {
    /// `Disabled` (default), `AllowInternetOutbound` or `AllowOnlyApprovedOutbound`.
    pub isolation_mode: Option<Sp<IsolationMode>>,
    /// The mode before the change the page documents (not set: no change documented).
    pub previous_isolation_mode: Option<Sp<IsolationMode>>,
    /// `Inactive` (default) until provisioned, then `Active`.
    pub status: Option<Sp<ManagedNetworkStatus>>,
    /// Provisioned with `--include-spark` (default false).
    pub spark_ready: Option<Sp<bool>>,
    /// `Standard` (default) or `Basic`: the managed Azure Firewall created for FQDN rules.
    pub firewall_sku: Option<Sp<FirewallSku>>,
    /// The workspace identity may approve private endpoint connections on other resources
    /// (default false: not granted since 2025-04-30).
    pub connection_approver_role: Option<Sp<bool>>,
    /// User-defined outbound rules (the required ones are computed).
    pub outbound_rules: Option<List<OutboundRule>>,
}

/// An outbound rule of the managed virtual network.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboundRule {
    /// Unique in the list.
    pub name: Option<Sp<String>>,
    /// `PrivateEndpoint`, `ServiceTag` or `FQDN`.
    #[serde(rename = "type")]
    pub kind: Option<Sp<OutboundRuleType>>,
    /// The portal's Active toggle (default true).
    pub active: Option<Sp<bool>>,
    /// By type: a host name for `FQDN` (`contoso.com` or `{fqdn: contoso.com}`);
    /// `{resource, subresource, spark_enabled}` for `PrivateEndpoint`;
    /// `{service_tag, protocol, port_ranges}` for `ServiceTag`.
    pub destination: Option<Sp<OutboundDestination>>,
    /// `FQDN` rules: the ports the author means to reach (the firewall allows 80 and 443).
    pub ports: Option<Sp<Ports>>,
    /// The CLI's `category` (`required`, `user_defined`…): accepted and ignored.
    pub category: Option<Sp<String>>,
}

/// The destination of an outbound rule: a host name, or a mapping whose keys depend on the
/// rule's `type` (a wrong shape for the type is reported at `destination`).
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum OutboundDestination {
    /// `destination: contoso.com` (FQDN rules, as the CLI writes them).
    Host(String),
    /// `destination: {…}`.
    Fields(Box<DestinationFields>),
}

/// The keys of a mapping `destination`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DestinationFields {
    /// `FQDN` rules: the host name.
    pub fqdn: Option<Sp<String>>,
    /// `PrivateEndpoint` rules: a storage account, key vault or container registry of the
    /// block, or the workspace, by name; any other text is a resource outside the block.
    #[serde(alias = "service_resource_id")]
    pub resource: Option<Sp<String>>,
    /// `PrivateEndpoint` rules: the sub-resource (`blob`, `file`, `vault`, `registry`,
    /// `amlworkspace`…; CLI `subresource_target`).
    #[serde(alias = "subresource_target")]
    pub subresource: Option<Sp<String>>,
    /// `PrivateEndpoint` rules: Spark jobs may use the endpoint (default false).
    pub spark_enabled: Option<Sp<bool>>,
    /// `ServiceTag` rules: the service tag (`AzureMonitor`, `Storage.eastus`…).
    pub service_tag: Option<Sp<String>>,
    /// `ServiceTag` rules: `TCP`, `UDP`, `ICMP` or `*`.
    pub protocol: Option<Sp<OutboundProtocol>>,
    /// `ServiceTag` rules: ports (`443`, `80, 8080-8089`, `*`, or a list).
    pub port_ranges: Option<Sp<Ports>>,
}

impl<'de> Deserialize<'de> for OutboundDestination {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OutboundDestination;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a host name or a mapping (`resource`, `service_tag`, `fqdn`…)")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(OutboundDestination::Host(v.to_string()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(OutboundDestination::Host(v))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                DestinationFields::deserialize(MapAccessDeserializer::new(map))
                    .map(|f| OutboundDestination::Fields(Box::new(f)))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A host name (`FQDN` rules) or a mapping whose keys depend on the rule's `type`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, clippy::large_enum_variant)]
enum OutboundDestinationSchema {
    Host(String),
    Fields(DestinationFields),
}

impl JsonSchema for OutboundDestination {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OutboundDestination".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        OutboundDestinationSchema::json_schema(generator)
    }
}

/// Serverless compute settings of the workspace.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerlessCompute {
    /// The customer subnet serverless jobs run in: `vnet/subnet` (a full ARM subnet ID is
    /// accepted and resolved by its VNet and subnet names). Absent: not in a customer VNet.
    #[serde(alias = "customSubnet")]
    pub custom_subnet: Option<Sp<String>>,
    /// Nodes get a public IP (default true).
    pub public_ip: Option<Sp<bool>>,
    /// The CLI's `no_public_ip` (`true` is `public_ip: false`); both given and disagreeing is
    /// an error.
    #[serde(alias = "noPublicIp")]
    pub no_public_ip: Option<Sp<bool>>,
    /// The most nodes a job uses (intent; sizes the subnet).
    pub max_nodes: Option<Sp<u32>>,
}

/// A managed online endpoint.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnlineEndpoint {
    /// Unique in `online_endpoints`.
    pub name: Option<Sp<String>>,
    /// Inbound scoring from the internet: `Enabled` (default) or `Disabled`.
    pub public_network_access: Option<Sp<Access>>,
    /// The endpoint existed before the current private-link or managed-network setting
    /// (default false).
    pub created_before_isolation_change: Option<Sp<bool>>,
    /// Its deployments.
    pub deployments: Option<List<Deployment>>,
}

/// A deployment of a managed online endpoint.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    /// Unique in the endpoint.
    pub name: Option<Sp<String>>,
    /// The legacy isolation flag: `Enabled` or `Disabled` (not set by default).
    pub egress_public_network_access: Option<Sp<Access>>,
    /// The storage account the model is read from: an entry of `storage_accounts`.
    pub model_storage: Option<Sp<String>>,
}

/// A service endpoint policy (single-account scope).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceEndpointPolicy {
    /// Unique in `service_endpoint_policies`.
    pub name: Option<Sp<String>>,
    /// Storage accounts the policy allows: entries of `storage_accounts`.
    pub resources: Option<List<String>>,
    /// Service aliases the policy allows (`/services/Azure/MachineLearning`).
    pub aliases: Option<List<String>>,
}

/// An Azure Monitor Private Link Scope.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivateLinkScope {
    pub name: Option<Sp<String>>,
    /// `Open` or `PrivateOnly`.
    pub access_mode: Option<Sp<PrivateLinkAccessMode>>,
}
