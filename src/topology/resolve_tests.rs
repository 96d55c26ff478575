//! Tests of the resolved graph.

use super::*;

fn net(yaml: &str) -> Net {
    Net::new(Arc::new(crate::topology::yaml::from_str(yaml).unwrap()))
}

#[test]
fn client_subnet_is_a_checked_reference() {
    let n = net("vnets:
  - name: v
    subnets: [{name: snet-jumpbox, prefix: 10.0.5.0/24}]
clients: {access_paths: [bastion], subnet: snet-jumpbx}
");
    assert_eq!(n.problems.len(), 1, "{:?}", n.problems);
    assert_eq!(n.problems[0].loc.path(), "clients.subnet");
    assert_eq!(n.problems[0].help.as_deref(), Some("did you mean `snet-jumpbox`?"));
    let ok =
        net("vnets: [{name: v, subnets: [{name: a, prefix: 10.0.5.0/24}]}]\nclients: {vnet: v, subnet: a}\n");
    assert!(ok.problems.is_empty());
    let c = ok.topo.clients.as_ref().unwrap();
    assert_eq!(ok.lookup_subnet(c.vnet.as_ref(), c.subnet.as_ref()).map(|s| ok.subnet_name(s)), Some("a"));
}

#[test]
fn attachment_subnets_join_rules_and_endpoints() {
    let n = net("vnets:
  - name: v
    subnets: [{name: a, prefix: 10.0.1.0/24}, {name: b, prefix: 10.0.2.0/24}, {name: c, prefix: 10.0.3.0/24}]
storage_accounts:
  - name: st
    network: {vnet_rules: [v/b, v/a, v/missing]}
    private_endpoints: [{name: pe1, subresource: blob, subnet: a}, {name: pe2, subresource: file, subnet: c}]
");
    let s = items(&n.topo.storage_accounts).next().unwrap();
    let rules = &s.network.as_ref().unwrap().vnet_rules;
    let all = n.attachment_subnets(rules, &s.private_endpoints);
    let names: Vec<&str> = all.iter().map(|id| n.subnet_name(*id)).collect();
    assert_eq!(names, ["a", "b", "c"]);
    let only_pe = n.attachment_subnets(&None, &s.private_endpoints);
    assert_eq!(only_pe.iter().map(|id| n.subnet_name(*id)).collect::<Vec<_>>(), ["a", "c"]);
}

#[test]
fn compute_region_falls_back_to_vnet_then_workspace() {
    let topo: Topology = super::super::yaml::from_str(
            "workspace: {name: w, region: East US}\nvnets:\n  - {name: v, region: westus2, subnets: [{name: s, prefix: 10.0.0.0/24}]}\ncomputes:\n  - {name: a, type: compute_cluster, region: WestEurope, subnet: s}\n  - {name: b, type: compute_cluster, subnet: s}\n  - {name: c, type: compute_cluster}\n",
        )
        .unwrap();
    let net = Net::new(Arc::new(topo));
    assert_eq!(net.compute_region(0).as_deref(), Some("westeurope"));
    assert_eq!(net.compute_region(1).as_deref(), Some("westus2"));
    assert_eq!(net.compute_region(2).as_deref(), Some("eastus"));
    assert_eq!(net.compute_region(3), None);
}
