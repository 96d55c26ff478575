use super::{STORAGE_USERS, computes_phrase, effective_vnet_rules, name, service_endpoints_effective};
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::node::Node;
use crate::topology::resolve::SubnetId;

pub static RULE: Rule = Rule {
    id: "AML-ST-003",
    name: "storage-service-endpoint-covers-compute",
    severity: Severity::Error,
    area: Area::Storage,
    periods: BEFORE_CURRENT,
    title: "In service-endpoint mode, the storage account admits the compute subnets",
    checks: "For every secured storage account the workspace uses that is attached by service \
endpoints only (`network.vnet_rules` set, no `private_endpoints`): the subnet of every compute \
instance, compute cluster and AKS cluster is listed in `network.vnet_rules`, and that subnet has \
`Microsoft.Storage` in its `service_endpoints`.",
    why: "With service endpoints, the storage firewall admits exactly the subnets named in its \
virtual-network rules, and only when they send their traffic through the `Microsoft.Storage` \
endpoint. Compute in any other subnet is refused: jobs cannot mount their datastores or write \
their outputs, and deployments cannot fetch their models.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage]}
      - {name: snet-data, prefix: 10.0.2.0/24, service_endpoints: [Microsoft.Storage]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-data]}
computes:
  - {name: cpu-cluster, type: compute_cluster, vnet: vnet-ml, subnet: snet-training, max_nodes: 4}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage]}
      - {name: snet-data, prefix: 10.0.2.0/24, service_endpoints: [Microsoft.Storage]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training, vnet-ml/snet-data]}
computes:
  - {name: cpu-cluster, type: compute_cluster, vnet: vnet-ml, subnet: snet-training, max_nodes: 4}
",
    help: "add the compute subnet (`vnet/subnet`) to `network.vnet_rules` and `Microsoft.Storage` to the subnet's `service_endpoints`",
    quote: "The storage account must be in the same virtual network and subnet as the compute instances or clusters used for training or inference. \
If the Azure Storage Account(s) for the workspace are also secured in a virtual network, they must be in the same virtual network and subnet as the Azure Machine Learning compute instance or cluster. \
Please configure your storage firewall settings to allow communication to virtual network and subnet compute resides in.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Secure Azure storage accounts with service endpoints\"; Secure an Azure Machine Learning training environment with virtual networks (2020), \"Compute clusters & instances\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#secure-azure-storage-accounts-with-service-endpoints",
    decision: Some(
        "\"In the same subnet\" is read the way a storage firewall works: the compute subnet must \
be one of the account's virtual-network rules. The docs do not say which compute reads which \
datastore, so every compute instance, compute cluster and AKS cluster must be admitted by every \
service-endpoint account the workspace uses. An open account (`default_action: Allow`) and one \
with public network access disabled are left to AML-ST-001, since their virtual-network rules have \
no effect.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let storages: Vec<_> = net
        .workspace_storages()
        .into_iter()
        .filter(|(_, s)| service_endpoints_effective(s) && !s.has_private_endpoints())
        .collect();
    if storages.is_empty() {
        return Eval::NotEvaluated("no secured storage account uses service endpoints only");
    }
    // Compute subnets, each with the computes in it.
    let mut subnets: Vec<(SubnetId, Vec<&str>)> = Vec::new();
    for (ci, c) in net.computes_of(STORAGE_USERS) {
        let Some(sid) = net.compute_subnet(ci) else { continue };
        match subnets.iter_mut().find(|(s, _)| *s == sid) {
            Some((_, names)) => names.push(name(&c.name)),
            None => subnets.push((sid, vec![name(&c.name)])),
        }
    }
    if subnets.is_empty() {
        return Eval::NotEvaluated(
            "no compute instance, compute cluster or AKS cluster sits in a declared subnet",
        );
    }
    let mut lacking_endpoint: Vec<SubnetId> = Vec::new();
    for (i, s) in storages {
        let sname = name(&s.name);
        let rules = effective_vnet_rules(s);
        let allowed = net.vnet_rule_subnets(rules);
        let rules_span = rules.as_ref().map(|l| l.span.clone()).unwrap_or(s.span.clone());
        for (sid, computes) in &subnets {
            if !allowed.contains(sid) {
                let (label, who) = (net.subnet_label(*sid), computes_phrase(computes));
                out.push(
                    rules_span.clone(),
                    Node::Storage(i).field("network.vnet_rules"),
                    format!("storage account `{sname}` does not admit subnet `{label}` of {who}"),
                )
                .label("compute subnet missing from the virtual-network rules")
                .help(format!("add `{label}` to `network.vnet_rules`"));
            } else if !lacking_endpoint.contains(sid)
                && let Some(sub) = net.subnet(*sid)
                && !sub.has_service_endpoint("Microsoft.Storage")
            {
                lacking_endpoint.push(*sid);
                let (label, who) = (net.subnet_label(*sid), computes_phrase(computes));
                let span = sub.service_endpoints.as_ref().map(|l| l.span.clone()).unwrap_or(sub.span.clone());
                out.push(
                    span,
                    Node::Subnet(*sid).field("service_endpoints"),
                    format!(
                        "subnet `{label}` of {who} is admitted by storage account `{sname}` but lacks \
                         the `Microsoft.Storage` service endpoint"
                    ),
                )
                .help("add `Microsoft.Storage` to the subnet's `service_endpoints`");
            }
        }
    }
    Eval::Checked
}
