//! Tests of the sections of profile `2026-02`: parsing (both YAML parsers, aliases), the
//! helpers of the spec's § 3, and the reference and value checks.

use std::sync::Arc;

use super::*;
use crate::diag::ToolCode;

fn net(yaml: &str) -> Net {
    Net::new(Arc::new(crate::topology::yaml::from_str(yaml).unwrap_or_else(|e| panic!("{e:?}"))))
}

fn problems(n: &Net) -> Vec<(String, String)> {
    n.problems.iter().map(|p| (p.loc.path(), p.message.clone())).collect()
}

const HUB: &str = "workspace:
  name: mlw-hub
  kind: Hub
  region: eastus
  default_storage: sthub
  key_vault: kv-hub
  container_registry: crhub
  public_network_access: Disabled
  network: {default_action: Deny, ip_rules: [203.0.113.0/24]}
  serverless_compute: {custom_subnet: vnet-ml/snet-training, no_public_ip: true, max_nodes: 4}
  managed_network:
    isolation_mode: allow_only_approved_outbound
    status: Active
    firewall_sku: basic
    outbound_rules:
      - {name: pypi, type: fqdn, destination: 'pypi.org', ports: '80, 443'}
      - name: monitor
        type: ServiceTag
        destination: {service_tag: AzureMonitor, protocol: TCP, port_ranges: '80, 8080-8089'}
      - name: st-queue
        type: PrivateEndpoint
        destination: {resource: sthub, subresource_target: queue, spark_enabled: true}
      - {name: off, type: PrivateEndpoint, active: false, destination: {resource: stdata, subresource: blob}}
      - {name: contoso, type: FQDN, destination: {fqdn: contoso.com}, category: user_defined}
vnets:
  - name: vnet-ml
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoint_policies: [sep-ml]}
storage_accounts:
  - {name: sthub, public_network_access: Disabled}
  - {name: stdata}
key_vaults: [{name: kv-hub}]
container_registries: [{name: crhub, public_network_access: Enabled}]
computes:
  - {name: ci, type: compute_instance, subnet: snet-training, public_ip: false}
  - {name: aks, type: aks}
online_endpoints:
  - name: ep
    public_network_access: disabled
    deployments: [{name: blue, egress_public_network_access: Enabled, model_storage: stdata}]
service_endpoint_policies:
  - {name: sep-ml, resources: [sthub], aliases: [/services/Azure/MachineLearning]}
";

#[test]
fn the_new_sections_parse_with_their_aliases_in_both_parsers() {
    let fast: Topology = crate::topology::yaml::fast_from_str(HUB).expect("the fast path reads it");
    let reference: Topology = crate::topology::yaml::reference_from_str(HUB).expect("the reference reads it");
    for t in [fast, reference] {
        let w = t.workspace.as_ref().unwrap();
        assert_eq!(w.kind(), WorkspaceKind::Hub);
        let m = w.managed_network.as_ref().unwrap();
        assert_eq!(m.mode(), IsolationMode::AllowOnlyApprovedOutbound);
        assert_eq!((m.status(), m.firewall_sku()), (ManagedNetworkStatus::Active, FirewallSku::Basic));
        let rules: Vec<&OutboundRule> = items(&m.outbound_rules).map(|r| &r.value).collect();
        assert_eq!(rules[0].kind(), Some(OutboundRuleType::Fqdn));
        assert_eq!(rules[0].fqdn().map(|h| h.value), Some("pypi.org"));
        assert_eq!(rules[0].fqdn_ports().map(|p| p.len()), Some(2));
        assert_eq!(rules[1].service_tag().map(|t| t.value.as_str()), Some("AzureMonitor"));
        assert_eq!(rules[1].port_ranges().map(|p| p.len()), Some(2));
        assert_eq!(
            rules[2].subresource().map(|s| s.value.as_str()),
            Some("queue"),
            "CLI `subresource_target`"
        );
        assert!(rules[2].spark_enabled() && rules[2].is_active() && !rules[3].is_active());
        assert_eq!(rules[4].fqdn().map(|h| h.value), Some("contoso.com"));
        let s = w.serverless_compute.as_ref().unwrap();
        assert!(!s.public_ip(), "`no_public_ip: true` is `public_ip: false`");
        assert_eq!(s.subnet_names(), Some(("vnet-ml", "snet-training")));
        let ep = items(&t.online_endpoints).next().unwrap();
        assert_eq!(ep.public_access(), Access::Disabled, "the CLI's `disabled`");
    }
    // Spans point at the values.
    let n = net(HUB);
    let (_, r) = n.outbound_rules().nth(2).unwrap();
    let sub = r.subresource().unwrap();
    assert_eq!(&HUB[sub.span.clone()], "queue");
    let host = n.outbound_rules().next().unwrap().1.fqdn().unwrap();
    assert_eq!(&HUB[host.span.clone()], "'pypi.org'");
}

#[test]
fn the_helpers_of_the_spec() {
    let n = net(HUB);
    assert!(n.problems.is_empty(), "{:?}", problems(&n));
    assert!(n.mvn() && n.approved() && n.hubish());
    let deps = n.deps();
    assert_eq!(deps, [PeOwner::Storage(0), PeOwner::KeyVault(0), PeOwner::Registry(0)]);
    assert_eq!(n.required_pe_targets().len(), 4, "approved: the workspace and every dependency");
    // Required rules cover blob and file of the default storage; queue needs a user rule.
    assert!(n.pe_reachable(PeOwner::Storage(0), Some(Subresource::Blob)));
    assert!(n.pe_reachable(PeOwner::Storage(0), Some(Subresource::Queue)), "the `st-queue` rule");
    assert!(!n.pe_reachable(PeOwner::Storage(0), Some(Subresource::Table)));
    assert!(!n.pe_reachable(PeOwner::Storage(1), None), "the rule to `stdata` is inactive");
    assert!(n.pe_reachable(PeOwner::Workspace, None));
    // Selected IPs need a public workspace.
    assert!(!n.selected_ips());
    let public = net(&HUB.replace("  public_network_access: Disabled\n  network", "  network"));
    assert!(public.selected_ips());
    // Internet outbound: only the dependencies whose public access is disabled.
    let internet = net(&HUB.replace("allow_only_approved_outbound", "AllowInternetOutbound"));
    assert!(internet.mvn() && !internet.approved());
    assert_eq!(internet.required_pe_targets(), [PeOwner::Workspace, PeOwner::Storage(0)]);
    assert!(!internet.pe_reachable(PeOwner::Registry(0), None));
    // Compute subnets: the instance and serverless compute; the AKS cluster is not one.
    let cs = n.compute_subnets();
    assert_eq!(cs.len(), 2);
    assert_eq!((cs[0].member, cs[0].public_ip), (ComputeMember::Compute(0), false));
    assert_eq!((cs[1].member, cs[1].public_ip), (ComputeMember::Serverless, false));
    assert_eq!(cs[1].member.node(), Node::ServerlessCompute);
    assert!(n.managed_compute(0) && !n.managed_compute(1));
    assert_eq!(n.service_endpoint_policy("sep-ml").map(|(i, _)| i), Some(0));
}

#[test]
fn absent_fields_take_azure_defaults() {
    let n = net("workspace: {name: w}\ncomputes: [{name: c, type: compute_cluster}]\n");
    assert!(!n.mvn() && !n.approved() && !n.hubish() && !n.selected_ips());
    assert_eq!(n.isolation_mode(), IsolationMode::Disabled);
    assert!(n.required_pe_targets().is_empty() && !n.pe_reachable(PeOwner::Workspace, None));
    assert!(n.compute_subnets().is_empty() && !n.managed_compute(0));
    let m = ManagedNetwork::default();
    assert_eq!((m.status(), m.firewall_sku()), (ManagedNetworkStatus::Inactive, FirewallSku::Standard));
    assert!(!m.spark_ready() && !m.connection_approver_role());
    assert!(ServerlessCompute::default().public_ip());
    assert!(OutboundRule::default().is_active());
    assert_eq!(OnlineEndpoint::default().public_access(), Access::Enabled);
    assert!(AppInsights::default().workspace_based());
}

#[test]
fn subnet_references_accept_arm_ids() {
    assert_eq!(split_subnet_ref("vnet-ml/snet-a"), Some(("vnet-ml", "snet-a")));
    let id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/snet-a";
    assert_eq!(split_subnet_ref(id), Some(("vnet-ml", "snet-a")));
    assert_eq!(split_subnet_ref("snet-a"), None);
}

#[test]
fn bad_values_and_dangling_references_are_reported_where_they_are() {
    let n = net("workspace:
  name: w
  private_endpoints: [{name: pe, created: 24/05/2022}]
  network: {ip_rules: [not-an-ip]}
  connections: [{name: acr, type: container_registry, target: crx}, {name: acr, target: cr}]
  serverless_compute: {custom_subnet: vnet-ml/snet-trainin, public_ip: false, no_public_ip: false}
  managed_network:
    isolation_mode: AllowOnlyApprovedOutbound
    outbound_rules:
      - {name: a, type: FQDN, destination: {resource: st}}
      - {name: b, type: PrivateEndpoint, destination: pypi.org}
      - {name: c, type: PrivateEndpoint, destination: {resource: st, subresource: blb}}
      - {name: d, type: ServiceTag, destination: {service_tag: AzureMonitr}, ports: 443}
      - {name: d, type: FQDN, destination: x.org, ports: '80-x'}
      - {name: e, type: PrivateEndpoint, destination: {resource: elsewhere, subresource: anything}}
vnets: [{name: vnet-ml, subnets: [{name: snet-training, prefix: 10.0.1.0/24, service_endpoint_policies: [sep]}]}]
storage_accounts: [{name: st}]
container_registries: [{name: cr}]
online_endpoints:
  - {name: ep, deployments: [{name: blue, model_storage: sst}, {name: blue}]}
  - {name: ep}
service_endpoint_policies: [{name: sep-ml, resources: [stt]}]
");
    let got = problems(&n);
    let want = [
        ("workspace.managed_network.outbound_rules[4].name", "outbound rule `d` is declared twice"),
        ("workspace.connections[1].name", "connection `acr` is declared twice"),
        ("online_endpoints[1].name", "online endpoint `ep` is declared twice"),
        ("online_endpoints[0].deployments[1].name", "deployment `blue` is declared twice"),
        ("workspace.private_endpoints[0].created", "`24/05/2022` is not a date"),
        (
            "workspace.connections[0].target",
            "container registry `crx` is not declared in `container_registries`",
        ),
        (
            "workspace.serverless_compute.custom_subnet",
            "subnet `snet-trainin` of `custom_subnet` is not declared in vnet `vnet-ml`",
        ),
        ("workspace.serverless_compute.no_public_ip", "`no_public_ip: false` contradicts `public_ip: false`"),
        (
            "workspace.managed_network.outbound_rules[0].destination",
            "the `destination` of a `FQDN` outbound rule is a host name (`destination: contoso.com`), not `resource`",
        ),
        (
            "workspace.managed_network.outbound_rules[0].destination",
            "the `destination` of a `FQDN` outbound rule needs its host name",
        ),
        (
            "workspace.managed_network.outbound_rules[1].destination",
            "the `destination` of a `PrivateEndpoint` outbound rule is `{resource, subresource, spark_enabled}`, not host name `pypi.org`",
        ),
        (
            "workspace.managed_network.outbound_rules[2].destination.subresource",
            "`blb` is not a sub-resource of a storage account (`st`)",
        ),
        (
            "workspace.managed_network.outbound_rules[3].destination.service_tag",
            "`AzureMonitr` is neither an address nor a known service tag",
        ),
        (
            "workspace.managed_network.outbound_rules[3].ports",
            "`ports` belongs to `FQDN` outbound rules, not to a `ServiceTag` rule",
        ),
        (
            "workspace.managed_network.outbound_rules[4].ports",
            "ports must be numbers or ranges from 0 to 65535",
        ),
        (
            "online_endpoints[0].deployments[0].model_storage",
            "storage account `sst` is not declared in `storage_accounts`",
        ),
        (
            "service_endpoint_policies[0].resources[0]",
            "storage account `stt` is not declared in `storage_accounts`",
        ),
        (
            "vnets[0].subnets[0].service_endpoint_policies[0]",
            "service endpoint policy `sep` is not declared in `service_endpoint_policies`",
        ),
    ];
    let got_set: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    for w in want {
        assert!(got_set.contains(&w), "missing {w:?} in {got_set:#?}");
    }
    assert!(
        !got.iter().any(|(_, m)| m.contains("ip_rules"))
            || got.iter().any(|(p, _)| p == "workspace.network.ip_rules[0]")
    );
    assert_eq!(got.len(), want.len() + 1, "{got_set:#?}");
    let sub = n.problems.iter().find(|p| p.message.starts_with("`blb`")).unwrap();
    assert_eq!(sub.help.as_deref(), Some("did you mean `blob`?"));
    assert_eq!(sub.code, ToolCode::InvalidValue);
    let policy = n.problems.iter().find(|p| p.message.starts_with("service endpoint policy `sep`")).unwrap();
    assert_eq!(policy.help.as_deref(), Some("did you mean `sep-ml`?"));
}

#[test]
fn references_into_sections_the_block_lacks_are_not_errors() {
    // A partial block: the storage, registry and policies are described elsewhere.
    let n = net("workspace:
  connections: [{name: acr, target: cr}]
  serverless_compute: {custom_subnet: vnet-ml/snet}
online_endpoints: [{name: ep, deployments: [{name: blue, model_storage: st}]}]
vnets: [{name: vnet-ml, subnets: [{name: snet, prefix: 10.0.0.0/24, service_endpoint_policies: [sep]}]}]
");
    assert!(n.problems.is_empty(), "{:?}", problems(&n));
}
