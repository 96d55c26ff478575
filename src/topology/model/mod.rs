//! The typed topology model: the v1 YAML contract of `shared/design/topology-model.md`.
//!
//! Field names are a public contract: books depend on them. Every node keeps its span
//! ([`Sp`]), so a rule can point at the exact key or value. Every section and every field is
//! optional (partial blocks are normal); absent fields take Azure's defaults through the
//! accessor methods of [`super::resolve`], never by filling the model.
//!
//! The doc comments here are the field documentation of `topobook schema`.
//! `Serialize` writes a topology back as YAML (`super::emit`, for `topobook import`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::yaml::{Sp, nullable};

/// A list whose own position is kept (for "missing entry" findings).
pub type List<T> = Sp<Vec<Sp<T>>>;

/// Iterate over the entries of an optional list.
pub fn items<T>(list: &Option<List<T>>) -> std::slice::Iter<'_, Sp<T>> {
    match list {
        Some(l) => l.value.iter(),
        None => [].iter(),
    }
}

/// A closed enum of the model: `Variant = "spelling"`, optionally `| "alias"…` for other
/// accepted spellings (ARM, CLI, SDK), normalised to the first one.
macro_rules! closed_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
        #[schemars(transform = $name::schema_aliases)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text $(, alias = $alias)*)] $variant),+
        }
        impl $name {
            /// The JSON Schema lists the aliases too, so that editors accept them.
            fn schema_aliases(schema: &mut schemars::Schema) {
                const ALIASES: &[&str] = &[$($($alias,)*)+];
                if let Some(serde_json::Value::Array(e)) = schema.get_mut("enum") {
                    e.extend(ALIASES.iter().map(|a| serde_json::Value::from(*a)));
                }
            }

            /// The spelling used in YAML.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        /// Parsed from the same spellings as in YAML (for command-line options).
        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                match text.trim() {
                    $($text $(| $alias)* => Ok($name::$variant),)+
                    other => Err(format!(
                        "`{other}` is not one of {}",
                        [$($text),+].iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
        }
    };
}

// The sections of profile `2026-02` (they use `closed_enum!`, so they come after it).
mod current;
pub use current::*;

closed_enum!(
    /// The Azure cloud the topology lives in.
    Cloud { AzureCloud = "AzureCloud", AzureUSGovernment = "AzureUSGovernment", AzureChinaCloud = "AzureChinaCloud" }
);
closed_enum!(
    /// The two rows of the overview's scenario table.
    Scenario { Public = "public", Secured = "secured" }
);
closed_enum!(
    /// Workspace edition (2020 only).
    Edition { Basic = "basic", Enterprise = "enterprise" }
);
closed_enum!(
    /// Managed identity kind.
    Identity { System = "system", User = "user", None = "none" }
);
closed_enum!(
    /// `public_network_access` of a resource (the CLI's `enabled`/`disabled` are accepted).
    Access { Enabled = "Enabled" | "enabled", Disabled = "Disabled" | "disabled" }
);
closed_enum!(
    /// Firewall default action of storage, key vault or registry.
    DefaultAction { Allow = "Allow", Deny = "Deny" }
);
closed_enum!(
    /// Network rule bypass of storage and key vault.
    Bypass { AzureServices = "AzureServices", Logging = "Logging", Metrics = "Metrics", None = "None" }
);
closed_enum!(
    /// Container registry SKU.
    Sku { Basic = "Basic", Standard = "Standard", Premium = "Premium" }
);
closed_enum!(
    /// Kind of a compute target.
    ComputeType {
        ComputeInstance = "compute_instance",
        ComputeCluster = "compute_cluster",
        Aks = "aks",
        Aci = "aci",
        Databricks = "databricks",
        Vm = "vm",
        HdInsight = "hdinsight",
        // Attached Kubernetes (Azure Arc) compute (profile `2026-02`).
        Kubernetes = "kubernetes",
    }
);
closed_enum!(
    /// AKS network plugin.
    NetworkPlugin { Azure = "azure", Kubenet = "kubenet" }
);
closed_enum!(
    /// AKS scoring load balancer.
    LoadBalancer { Public = "public", Internal = "internal" }
);
closed_enum!(
    /// How an AKS cluster was created.
    CreatedWith { Studio = "studio", Sdk = "sdk", Cli = "cli", Portal = "portal", Template = "template" }
);
closed_enum!(
    /// Firewall kind.
    FirewallKind { None = "none", AzureFirewall = "azure_firewall", Other = "other" }
);
closed_enum!(
    /// Name resolution mode of the network.
    DnsMode { AzureProvided = "azure_provided", Custom = "custom", HostsFile = "hosts_file" }
);
closed_enum!(
    /// How people reach the workspace.
    AccessPath {
        VmInVnet = "vm_in_vnet",
        Bastion = "bastion",
        Vpn = "vpn",
        ExpressRoute = "expressroute",
        PublicInternet = "public_internet",
    }
);
closed_enum!(
    /// Datastore kind.
    DatastoreKind {
        Blob = "blob",
        File = "file",
        AdlsGen1 = "adls_gen1",
        AdlsGen2 = "adls_gen2",
        Sql = "sql",
        Postgresql = "postgresql",
    }
);
closed_enum!(
    /// Workspace features in use; rules about studio, labeling, images depend on them.
    Feature {
        Studio = "studio",
        Designer = "designer",
        Automl = "automl",
        Labeling = "labeling",
        MlAssistedLabeling = "ml_assisted_labeling",
        Notebooks = "notebooks",
        ParallelRunStep = "parallel_run_step",
        Rstudio = "rstudio",
        Vscode = "vscode",
        R = "r",
        UserManagedDepsMcrImages = "user_managed_deps_mcr_images",
        CustomDockerImages = "custom_docker_images",
        // Serverless Spark compute and batch endpoints (profile `2026-02`).
        ServerlessSpark = "serverless_spark",
        BatchEndpoints = "batch_endpoints",
    }
);
closed_enum!(
    /// NSG rule direction.
    Direction { Inbound = "Inbound", Outbound = "Outbound" }
);
closed_enum!(
    /// NSG rule action.
    RuleAccess { Allow = "Allow", Deny = "Deny" }
);
closed_enum!(
    /// NSG rule protocol.
    Protocol { Tcp = "Tcp", Udp = "Udp", Icmp = "Icmp", Any = "*" }
);
closed_enum!(
    /// Route next hop type.
    NextHop {
        Internet = "Internet",
        VirtualAppliance = "VirtualAppliance",
        VirtualNetworkGateway = "VirtualNetworkGateway",
        VnetLocal = "VnetLocal",
        None = "None",
    }
);
closed_enum!(
    /// Private endpoint target sub-resource.
    Subresource {
        Blob = "blob",
        File = "file",
        Queue = "queue",
        Table = "table",
        Dfs = "dfs",
        Web = "web",
        Vault = "vault",
        Registry = "registry",
        Amlworkspace = "amlworkspace",
    }
);
closed_enum!(
    /// Subnet setting `private_endpoint_network_policies`.
    Toggle { Enabled = "Enabled", Disabled = "Disabled" }
);
closed_enum!(
    /// Transport protocol of a flow.
    FlowProtocol { Tcp = "tcp", Udp = "udp", Icmp = "icmp" }
);
closed_enum!(
    /// What a flow claims: the traffic gets through (`allow`) or not (`deny`).
    Expect { Allow = "allow", Deny = "deny" }
);
closed_enum!(
    /// Operating system of an attached VM.
    Os { Ubuntu = "ubuntu", Linux = "linux", Windows = "windows" }
);

/// A whole topology block.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    /// Profile, cloud, scenario and suppressions.
    pub meta: Option<Sp<Meta>>,
    /// The Azure Machine Learning workspace.
    pub workspace: Option<Sp<Workspace>>,
    /// Virtual networks and their subnets.
    pub vnets: Option<List<Vnet>>,
    /// Network security groups, referenced by `subnets[].nsg`.
    pub nsgs: Option<List<Nsg>>,
    /// Route tables, referenced by `subnets[].route_table`.
    pub route_tables: Option<List<RouteTable>>,
    /// Private DNS zones and the VNets they are linked to.
    pub private_dns_zones: Option<List<PrivateDnsZone>>,
    /// Storage accounts.
    pub storage_accounts: Option<List<StorageAccount>>,
    /// Key vaults.
    pub key_vaults: Option<List<KeyVault>>,
    /// Container registries.
    pub container_registries: Option<List<ContainerRegistry>>,
    /// Application Insights resources.
    pub application_insights: Option<List<AppInsights>>,
    /// Compute targets: instances, clusters, AKS, ACI, attached compute.
    pub computes: Option<List<Compute>>,
    /// The firewall that filters outbound traffic.
    pub firewall: Option<Sp<Firewall>>,
    /// Name resolution.
    pub dns: Option<Sp<Dns>>,
    /// How people reach the workspace.
    pub clients: Option<Sp<Clients>>,
    /// Azure Policy assignments that affect compute networking.
    pub policies: Option<Sp<Policies>>,
    /// Remaining quota in the subscription of the VNet resource group.
    pub quotas: Option<Sp<Quotas>>,
    /// Managed online endpoints and their deployments (profile `2026-02`).
    pub online_endpoints: Option<List<OnlineEndpoint>>,
    /// Service endpoint policies, referenced by `subnets[].service_endpoint_policies`
    /// (profile `2026-02`).
    pub service_endpoint_policies: Option<List<ServiceEndpointPolicy>>,
    /// Reachability claims and questions, answered from the topology (`topobook flow`).
    pub flows: Option<List<FlowSpec>>,
}

/// Block-wide settings.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The rule profile the block follows: `2020-10`, `2026-02` or `current` (the newest).
    /// Default: the run's (`--profile`, `book.toml`), else `current`.
    pub profile: Option<Sp<String>>,
    /// Azure cloud (default `AzureCloud`).
    pub cloud: Option<Sp<Cloud>>,
    /// `public` or `secured`: the row of the overview's scenario table.
    pub scenario: Option<Sp<Scenario>>,
    /// Findings accepted on purpose.
    pub suppress: Option<List<Suppression>>,
    /// The subscription is managed through Azure Lighthouse (default false; profile
    /// `2026-02`).
    pub managed_via_lighthouse: Option<Sp<bool>>,
}

/// A finding accepted on purpose: rule, reason (required), optional expiry date.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Rule ID, e.g. `AML-ST-008`.
    pub rule: Option<Sp<String>>,
    /// Why the finding is acceptable. Required.
    pub reason: Option<Sp<String>>,
    /// Date (`YYYY-MM-DD`) after which the suppression no longer applies.
    pub expires: Option<Sp<String>>,
}

/// The workspace.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    pub name: Option<Sp<String>>,
    pub subscription: Option<Sp<String>>,
    pub resource_group: Option<Sp<String>>,
    pub region: Option<Sp<String>>,
    /// `basic` or `enterprise` (profile `2020-10`).
    pub edition: Option<Sp<Edition>>,
    pub identity: Option<Sp<Identity>>,
    pub customer_managed_key: Option<Sp<bool>>,
    /// `Enabled` (default) or `Disabled`.
    pub public_network_access: Option<Sp<Access>>,
    /// A `compute_cluster` name used to build images, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schemars(with = "Option<String>")]
    pub image_build_compute: Option<Sp<Option<String>>>,
    /// Name of the default storage account (an entry of `storage_accounts`).
    pub default_storage: Option<Sp<String>>,
    /// Name of the key vault (an entry of `key_vaults`).
    pub key_vault: Option<Sp<String>>,
    /// Name of the container registry, or null when not created yet.
    #[serde(default, deserialize_with = "nullable")]
    #[schemars(with = "Option<String>")]
    pub container_registry: Option<Sp<Option<String>>>,
    /// Name of the Application Insights resource.
    pub application_insights: Option<Sp<String>>,
    /// Non-default storage account used for ML-assisted labeling.
    pub labeling_storage: Option<Sp<String>>,
    /// Features in use.
    pub features: Option<List<Feature>>,
    pub pip_index_overridden: Option<Sp<bool>>,
    /// Private endpoints of the workspace.
    pub private_endpoints: Option<List<WorkspacePrivateEndpoint>>,
    /// Datastores registered in the workspace.
    pub datastores: Option<List<Datastore>>,
    /// `default` (default), `hub` or `project` (profile `2026-02`).
    pub kind: Option<Sp<WorkspaceKind>>,
    /// The hub a project was created from: free text, the hub is described in another block
    /// (profile `2026-02`).
    pub hub: Option<Sp<String>>,
    /// The SDK v1 switch "allow public access when behind VNet" (profile `2026-02`).
    #[serde(alias = "allowPublicAccessWhenBehindVnet")]
    pub allow_public_access_when_behind_vnet: Option<Sp<bool>>,
    /// "Enabled from selected IP addresses": the workspace's IP firewall (ARM `networkAcls`,
    /// SDK `network_rule_set`; profile `2026-02`).
    #[serde(alias = "networkAcls", alias = "network_rule_set")]
    pub network: Option<Sp<WorkspaceNetwork>>,
    /// The v2 API is disabled (ARM `v1LegacyMode`; default false; profile `2026-02`).
    #[serde(alias = "v1LegacyMode")]
    pub v1_legacy_mode: Option<Sp<bool>>,
    /// A scope lock on the workspace's resource group (default false; profile `2026-02`).
    pub rg_locked: Option<Sp<bool>>,
    /// High-business-impact workspace (default false).
    pub hbi_workspace: Option<Sp<bool>>,
    /// Workspace connections (profile `2026-02`).
    pub connections: Option<List<Connection>>,
    /// The workspace managed virtual network; absent means isolation mode `Disabled`
    /// (profile `2026-02`).
    pub managed_network: Option<Sp<ManagedNetwork>>,
    /// Serverless compute settings; absent means not in a customer VNet (profile `2026-02`).
    pub serverless_compute: Option<Sp<ServerlessCompute>>,
}

/// A private endpoint of the workspace.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspacePrivateEndpoint {
    pub name: Option<Sp<String>>,
    pub resource_group: Option<Sp<String>>,
    /// VNet name (may be left out when the topology has one VNet).
    pub vnet: Option<Sp<String>>,
    pub subnet: Option<Sp<String>>,
    /// Private IP of the endpoint.
    pub ip: Option<Sp<String>>,
    /// Private DNS zones of the endpoint's zone group.
    pub private_dns_zone_group: Option<List<String>>,
    /// Creation date of the endpoint (`YYYY-MM-DD`; unknown when absent; profile `2026-02`).
    pub created: Option<Sp<String>>,
}

/// A datastore.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Datastore {
    pub name: Option<Sp<String>>,
    pub kind: Option<Sp<DatastoreKind>>,
    /// Storage account name (an entry of `storage_accounts`).
    pub storage: Option<Sp<String>>,
    /// The workspace's default datastore of its kind.
    pub default: Option<Sp<bool>>,
    /// "Use workspace managed identity for data preview and profiling in studio".
    pub use_workspace_managed_identity: Option<Sp<bool>>,
    pub skip_validation: Option<Sp<bool>>,
    /// The data source is outside Azure (default false; profile `2026-02`).
    pub on_premises: Option<Sp<bool>>,
}

/// A virtual network.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vnet {
    pub name: Option<Sp<String>>,
    pub subscription: Option<Sp<String>>,
    pub resource_group: Option<Sp<String>>,
    pub region: Option<Sp<String>>,
    /// A delete lock on the VNet's resource group.
    pub rg_locked: Option<Sp<bool>>,
    /// CIDR prefixes.
    pub address_space: Option<List<String>>,
    /// DNS servers; `[]` means Azure-provided DNS (168.63.129.16).
    pub dns_servers: Option<List<String>>,
    /// Names of peered VNets.
    pub peerings: Option<List<String>>,
    pub subnets: Option<List<Subnet>>,
}

/// A subnet.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub name: Option<Sp<String>>,
    /// CIDR prefix.
    pub prefix: Option<Sp<String>>,
    /// NSG name (an entry of `nsgs`).
    pub nsg: Option<Sp<String>>,
    /// Route table name (an entry of `route_tables`).
    pub route_table: Option<Sp<String>>,
    /// e.g. `[Microsoft.ContainerInstance/containerGroups]`.
    pub delegations: Option<List<String>>,
    /// e.g. `[Microsoft.Storage, Microsoft.KeyVault]`.
    pub service_endpoints: Option<List<String>>,
    /// Names of service endpoint policies (entries of `service_endpoint_policies`).
    pub service_endpoint_policies: Option<List<String>>,
    /// `Disabled` (default) or `Enabled`.
    pub private_endpoint_network_policies: Option<Sp<Toggle>>,
    /// A NAT gateway gives the subnet its outbound path.
    pub nat_gateway: Option<Sp<bool>>,
}

/// A network security group.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nsg {
    pub name: Option<Sp<String>>,
    pub rules: Option<List<NsgRule>>,
}

/// Ports: a number, a range `29876-29877`, `*`, or a list of those.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Ports {
    Number(u32),
    Text(String),
    List(Vec<PortItem>),
}

/// One entry of a port list.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PortItem {
    Number(u32),
    Text(String),
}

/// An NSG security rule.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NsgRule {
    pub name: Option<Sp<String>>,
    /// 100 to 4096; lower wins.
    pub priority: Option<Sp<u32>>,
    pub direction: Option<Sp<Direction>>,
    pub access: Option<Sp<RuleAccess>>,
    pub protocol: Option<Sp<Protocol>>,
    /// CIDR, service tag or `*`.
    pub source: Option<Sp<String>>,
    pub source_ports: Option<Sp<Ports>>,
    /// CIDR, service tag or `*`.
    pub destination: Option<Sp<String>>,
    pub destination_ports: Option<Sp<Ports>>,
}

/// A route table.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    pub name: Option<Sp<String>>,
    pub routes: Option<List<Route>>,
}

/// A user-defined route.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub name: Option<Sp<String>>,
    /// CIDR or service tag.
    pub prefix: Option<Sp<String>>,
    pub next_hop: Option<Sp<NextHop>>,
    pub next_hop_ip: Option<Sp<String>>,
    /// For a route with an explicit IP prefix: the service tag whose published prefixes it
    /// carries (`AzureMachineLearning.eastus`, `BatchNodeManagement.eastus`), so the checks
    /// know what an IP-based UDR stands for. Not used by Azure; documentation for the reader.
    pub service_tag: Option<Sp<String>>,
}

/// A private DNS zone.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivateDnsZone {
    pub name: Option<Sp<String>>,
    /// VNets the zone is linked to.
    pub linked_vnets: Option<List<String>>,
    pub records: Option<List<DnsRecord>>,
}

/// A DNS A record.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DnsRecord {
    pub name: Option<Sp<String>>,
    pub ip: Option<Sp<String>>,
}

/// Network rules of storage and key vault.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkRules {
    /// `Allow` (default) or `Deny`.
    pub default_action: Option<Sp<DefaultAction>>,
    /// Default `[AzureServices]`.
    pub bypass: Option<List<Bypass>>,
    /// Service-endpoint rules: `vnet/subnet`.
    pub vnet_rules: Option<List<String>>,
    /// Public IPs or CIDRs allowed through the firewall.
    pub ip_rules: Option<List<String>>,
    /// Resource instances allowed (workspace names).
    pub resource_instance_rules: Option<List<String>>,
}

/// A private endpoint of storage, key vault or registry.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivateEndpoint {
    pub name: Option<Sp<String>>,
    pub subresource: Option<Sp<Subresource>>,
    pub vnet: Option<Sp<String>>,
    pub subnet: Option<Sp<String>>,
    pub ip: Option<Sp<String>>,
    /// Private DNS zone the endpoint registers in.
    pub dns_zone: Option<Sp<String>>,
    /// The workspace managed identity has Reader on this endpoint (studio).
    pub workspace_mi_reader: Option<Sp<bool>>,
}

/// A storage account.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StorageAccount {
    pub name: Option<Sp<String>>,
    pub subscription: Option<Sp<String>>,
    pub region: Option<Sp<String>>,
    pub public_network_access: Option<Sp<Access>>,
    pub network: Option<Sp<NetworkRules>>,
    pub private_endpoints: Option<List<PrivateEndpoint>>,
    /// The account was already behind the VNet when the workspace was created (profile
    /// `2020-10`).
    pub secured_at_workspace_creation: Option<Sp<bool>>,
    /// The workspace managed identity has Storage Blob Data Reader on the account (unknown
    /// when absent; profile `2026-02`).
    pub workspace_mi_blob_data_reader: Option<Sp<bool>>,
    /// The studio users have Storage Blob Data Reader on the account (unknown when absent;
    /// profile `2026-02`).
    pub users_blob_data_reader: Option<Sp<bool>>,
}

/// A key vault.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyVault {
    pub name: Option<Sp<String>>,
    /// Subscription of the key vault (default: the workspace's).
    pub subscription: Option<Sp<String>>,
    pub region: Option<Sp<String>>,
    pub public_network_access: Option<Sp<Access>>,
    pub network: Option<Sp<NetworkRules>>,
    pub private_endpoints: Option<List<PrivateEndpoint>>,
}

/// Network rules of a container registry.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistryNetwork {
    pub default_action: Option<Sp<DefaultAction>>,
    /// "Allow trusted Microsoft services" (default true).
    pub trusted_services: Option<Sp<bool>>,
    pub vnet_rules: Option<List<String>>,
    pub ip_rules: Option<List<String>>,
}

/// A container registry.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerRegistry {
    pub name: Option<Sp<String>>,
    /// Subscription of the registry (default: the workspace's).
    pub subscription: Option<Sp<String>>,
    pub region: Option<Sp<String>>,
    pub sku: Option<Sp<Sku>>,
    pub public_network_access: Option<Sp<Access>>,
    pub network: Option<Sp<RegistryNetwork>>,
    pub private_endpoints: Option<List<PrivateEndpoint>>,
}

/// An Application Insights resource.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppInsights {
    pub name: Option<Sp<String>>,
    /// Subscription of the resource (default: the workspace's).
    pub subscription: Option<Sp<String>>,
    pub public_network_access: Option<Sp<Access>>,
    /// A workspace-based resource (default true: new resources are; profile `2026-02`).
    pub workspace_based: Option<Sp<bool>>,
    /// The Azure Monitor Private Link Scope the resource is in (profile `2026-02`).
    pub private_link_scope: Option<Sp<PrivateLinkScope>>,
}

/// A compute target.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compute {
    pub name: Option<Sp<String>>,
    #[serde(rename = "type")]
    pub kind: Option<Sp<ComputeType>>,
    pub subscription: Option<Sp<String>>,
    pub resource_group: Option<Sp<String>>,
    pub region: Option<Sp<String>>,
    pub vnet: Option<Sp<String>>,
    pub subnet: Option<Sp<String>>,
    /// Default true.
    pub public_ip: Option<Sp<bool>>,
    pub max_nodes: Option<Sp<u32>>,
    /// The VM size has no GPU (a CPU SKU); unknown when absent.
    pub cpu_only: Option<Sp<bool>>,
    pub identity: Option<Sp<Identity>>,
    /// SSH from the public internet is wanted (profile `2020-10`).
    pub ssh_public_access: Option<Sp<bool>>,
    /// Compute instances: the VNet was chosen when the instance was created (profile
    /// `2020-10`).
    pub created_in_vnet: Option<Sp<bool>>,
    /// The compute existed before the current private-link or managed-network setting
    /// (default false; profile `2026-02`).
    pub created_before_isolation_change: Option<Sp<bool>>,
    /// Operating system (attached VMs).
    pub os: Option<Sp<Os>>,
    /// AKS settings (type `aks`).
    pub aks: Option<Sp<Aks>>,
}

/// AKS settings.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Aks {
    /// Attached after creation (true) or created from the workspace (false).
    pub attach: Option<Sp<bool>>,
    pub private_cluster: Option<Sp<bool>>,
    pub network_plugin: Option<Sp<NetworkPlugin>>,
    pub nodes: Option<Sp<u32>>,
    /// Maximum pods per node (default 30).
    pub max_pods: Option<Sp<u32>>,
    pub load_balancer: Option<Sp<LoadBalancer>>,
    pub load_balancer_subnet: Option<Sp<String>>,
    pub service_cidr: Option<Sp<String>>,
    pub dns_service_ip: Option<Sp<String>>,
    pub docker_bridge_cidr: Option<Sp<String>>,
    /// Pod CIDR (kubenet).
    pub pod_cidr: Option<Sp<String>>,
    pub identity_network_contributor_on_vnet_rg: Option<Sp<bool>>,
    /// How the cluster was created.
    pub created_with: Option<Sp<CreatedWith>>,
    /// The scoring endpoint is called from outside the VNet.
    pub scoring_called_from_outside_vnet: Option<Sp<bool>>,
    /// IP of the scoring endpoint.
    pub scoring_ip: Option<Sp<String>>,
    /// A private cluster that keeps a public FQDN for its API server (default false;
    /// profile `2026-02`).
    pub api_server_public_fqdn: Option<Sp<bool>>,
}

/// The firewall.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Firewall {
    pub kind: Option<Sp<FirewallKind>>,
    pub name: Option<Sp<String>>,
    pub vnet: Option<Sp<String>>,
    pub private_ip: Option<Sp<String>>,
    pub dns_proxy: Option<Sp<bool>>,
    /// Public IP of the firewall: the address DNAT rules listen on and the source address
    /// of what it sends to the internet.
    pub public_ip: Option<Sp<String>>,
    pub network_rules: Option<List<FirewallNetworkRule>>,
    pub application_rules: Option<List<FirewallAppRule>>,
    /// DNAT rules: inbound traffic to the firewall's public IP translated to a private address.
    pub nat_rules: Option<List<FirewallNatRule>>,
}

/// A firewall network rule.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FirewallNetworkRule {
    pub name: Option<Sp<String>>,
    /// `TCP`, `UDP`, `ICMP`, `Any`.
    pub protocols: Option<List<String>>,
    pub sources: Option<List<String>>,
    /// Service tags, CIDRs or IPs.
    pub destinations: Option<List<String>>,
    pub ports: Option<List<String>>,
}

/// A firewall application rule.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FirewallAppRule {
    pub name: Option<Sp<String>>,
    pub sources: Option<List<String>>,
    pub fqdns: Option<List<String>>,
    /// FQDN tags (`AzureKubernetesService`, `WindowsUpdate`): groups of host names Microsoft
    /// maintains.
    pub fqdn_tags: Option<List<String>>,
    /// `Http:80`, `Https:443`.
    pub protocols: Option<List<String>>,
}

/// A firewall DNAT rule.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FirewallNatRule {
    pub name: Option<Sp<String>>,
    /// `TCP`, `UDP`.
    pub protocols: Option<List<String>>,
    /// Source addresses allowed (default any).
    pub sources: Option<List<String>>,
    /// Port on the firewall's public IP, e.g. `"443"`.
    pub port: Option<Sp<PortItem>>,
    /// Private address the traffic is sent to.
    pub translated_address: Option<Sp<String>>,
    /// Port on the translated address (default: the same port).
    pub translated_port: Option<Sp<PortItem>>,
}

/// Name resolution.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dns {
    pub mode: Option<Sp<DnsMode>>,
    pub custom_servers: Option<List<CustomDnsServer>>,
}

/// A custom DNS server.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomDnsServer {
    /// VNet hosting the server (absent: on premises).
    pub vnet: Option<Sp<String>>,
    pub ip: Option<Sp<String>>,
    pub conditional_forwarders: Option<List<Forwarder>>,
    pub host_records: Option<List<HostRecord>>,
}

/// A conditional forwarder.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Forwarder {
    pub zone: Option<Sp<String>>,
    pub target: Option<Sp<String>>,
}

/// A static host record.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostRecord {
    pub fqdn: Option<Sp<String>>,
    pub ip: Option<Sp<String>>,
}

/// How people reach the workspace.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clients {
    pub access_paths: Option<List<AccessPath>>,
    /// Public IPs of clients outside the VNet.
    pub public_ips: Option<List<String>>,
    /// On-premises address ranges (VPN, ExpressRoute).
    pub onprem_ranges: Option<List<String>>,
    /// Host patterns the on-premises appliance lets out (forced tunneling; profile
    /// `2020-10`).
    pub onprem_egress_allow: Option<List<String>>,
    /// VNet of the machines people work from inside the network (`vm_in_vnet`, `bastion`
    /// jump boxes); may be left out when the topology has one VNet.
    pub vnet: Option<Sp<String>>,
    /// Subnet of those machines (a subnet of `vnet`): its NSG and routes decide whether the
    /// studio loads from inside the network.
    pub subnet: Option<Sp<String>>,
}

/// Azure Policy assignments on the VNet's subscription or resource group.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policies {
    pub deny_public_ip: Option<Sp<bool>>,
    pub deny_nsg_creation: Option<Sp<bool>>,
    /// A custom policy denies private endpoints it has not allowlisted (default false;
    /// profile `2026-02`).
    pub restrict_private_endpoints: Option<Sp<bool>>,
}

/// Remaining quota (counts still available) in the subscription of the VNet.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quotas {
    pub public_ip_addresses: Option<Sp<u32>>,
    pub load_balancers: Option<Sp<u32>>,
    pub network_security_groups: Option<Sp<u32>>,
}

/// A flow: can traffic from `from` reach `to` on `port`? With `expect`, a claim that
/// `topobook check` verifies; without, a question whose answer the page shows.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowSpec {
    /// Where the traffic starts: a compute, a subnet (`vnet/subnet` or its unique name),
    /// `internet`, `on-premises`, a service tag (`BatchNodeManagement`) or an IP address.
    pub from: Option<Sp<String>>,
    /// Where it goes: a resource (compute, storage account, key vault, registry, workspace,
    /// Application Insights, private endpoint), a subnet, `internet`, `on-premises`, a
    /// service tag (`Storage.westeurope`), an IP address or a host name (`pypi.org`).
    pub to: Option<Sp<String>>,
    /// Destination port: a number or a range `8000-8010` (not for `icmp`).
    pub port: Option<Sp<PortItem>>,
    /// `tcp` (default), `udp` or `icmp`.
    pub protocol: Option<Sp<FlowProtocol>>,
    /// `allow` or `deny`: the claim `topobook check` verifies. Absent: a question.
    pub expect: Option<Sp<Expect>>,
    /// A hop the path must cross: the firewall, an NSG, a route table, a subnet or a VNet.
    pub via: Option<Sp<String>>,
}
