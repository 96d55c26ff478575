use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{ComputeType, DefaultAction};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-KV-003",
    name: "key-vault-service-endpoint-covers-compute",
    severity: Severity::Error,
    area: Area::KeyVault,
    periods: BEFORE_CURRENT,
    title: "In service-endpoint mode, the key vault admits the compute subnets",
    checks: "For every key vault of the workspace that is attached by service endpoints only \
(`network.vnet_rules` set, no private endpoint): every subnet holding a compute instance, compute \
cluster or AKS cluster is listed in `network.vnet_rules` and has the `Microsoft.KeyVault` service \
endpoint, and the vault's `network.default_action` is `Deny` (\"Private endpoint and selected \
networks\").",
    why: "Training and inference code reads secrets from the workspace key vault. With service \
endpoints, only the subnets named in the vault's virtual-network rules get through its firewall; \
a compute subnet missing from the list, or without the `Microsoft.KeyVault` endpoint, is refused. \
A vault left on `Allow` is simply not restricted to the network at all.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.KeyVault]}
      - {name: snet-other, prefix: 10.0.2.0/24, service_endpoints: [Microsoft.KeyVault]}
key_vaults:
  - name: kv-ml
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-other]}
computes:
  - {name: cpu-cluster, type: compute_cluster, vnet: vnet-ml, subnet: snet-training, max_nodes: 4}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.KeyVault]}
      - {name: snet-other, prefix: 10.0.2.0/24, service_endpoints: [Microsoft.KeyVault]}
key_vaults:
  - name: kv-ml
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
computes:
  - {name: cpu-cluster, type: compute_cluster, vnet: vnet-ml, subnet: snet-training, max_nodes: 4}
",
    help: "add the compute subnet (`vnet/subnet`) to `network.vnet_rules` and `Microsoft.KeyVault` to the subnet's `service_endpoints`",
    quote: "Under Allow access from, select Private endpoint and selected networks. Under Virtual networks, select Add existing virtual networks to add the virtual network where your experimentation compute resides.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Secure Azure Key Vault\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#secure-azure-key-vault",
    decision: Some(
        "The docs speak of \"the virtual network where your experimentation compute resides\"; \
a virtual-network rule of a key vault names a subnet, so we require the subnet of every compute \
instance, compute cluster and AKS cluster, as an Azure network engineer would configure it.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let vaults: Vec<_> = net
        .workspace_key_vaults()
        .into_iter()
        .filter(|(_, kv)| kv.has_vnet_rules() && !kv.has_private_endpoints())
        .collect();
    if vaults.is_empty() {
        return Eval::NotEvaluated("no key vault uses service endpoints");
    }
    let kinds = [ComputeType::ComputeInstance, ComputeType::ComputeCluster, ComputeType::Aks];
    let computes: Vec<_> =
        net.computes_of(&kinds).filter_map(|(ci, c)| net.compute_subnet(ci).map(|s| (c, s))).collect();
    for (i, kv) in vaults {
        let name = kv.name.as_ref().map(|n| n.value.as_str()).unwrap_or("?");
        let Some(rules) = kv.network.as_ref() else { continue };
        if kv.default_action() != DefaultAction::Deny {
            let span = rules.default_action.as_ref().map(|d| d.span.clone()).unwrap_or(rules.span.clone());
            out.push(
                span,
                Node::KeyVault(i).field("network.default_action"),
                format!("key vault `{name}` has virtual-network rules but still allows all networks"),
            )
            .help("set `network.default_action: Deny`");
        }
        let allowed = net.vnet_rule_subnets(&rules.vnet_rules);
        for (c, sid) in &computes {
            let cname = c.name.as_ref().map(|n| n.value.as_str()).unwrap_or("?");
            let at = c.subnet.as_ref().map(|s| s.span.clone()).unwrap_or(c.span.clone());
            if !allowed.contains(sid) {
                let span = rules.vnet_rules.as_ref().map(|l| l.span.clone()).unwrap_or(rules.span.clone());
                out.push(
                    span,
                    Node::KeyVault(i).field("network.vnet_rules"),
                    format!(
                        "key vault `{name}` does not admit subnet `{}` of compute `{cname}`",
                        net.subnet_label(*sid)
                    ),
                )
                .help(format!("add `{}` to `network.vnet_rules`", net.subnet_label(*sid)));
            } else if net.subnet(*sid).is_some_and(|s| !s.has_service_endpoint("Microsoft.KeyVault")) {
                let sub = net.subnet(*sid);
                let span = sub
                    .map(|s| s.service_endpoints.as_ref().map(|l| l.span.clone()).unwrap_or(s.span.clone()))
                    .unwrap_or(at);
                out.push(
                    span,
                    Node::Subnet(*sid).field("service_endpoints"),
                    format!(
                        "subnet `{}` of compute `{cname}` lacks the `Microsoft.KeyVault` service endpoint",
                        net.subnet_label(*sid)
                    ),
                )
                .help("add `Microsoft.KeyVault` to the subnet's `service_endpoints`");
            }
        }
    }
    Eval::Checked
}
