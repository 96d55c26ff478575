use super::name;
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::Access;
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-ST-001",
    name: "storage-attached-to-vnet",
    severity: Severity::Error,
    area: Area::Storage,
    periods: BEFORE_CURRENT,
    title: "A secured storage account is attached to the VNet by a service or private endpoint",
    checks: "For every storage account the workspace uses (`workspace.default_storage`, \
`workspace.labeling_storage`, the accounts of `workspace.datastores`; every account when the block \
has no workspace) that is secured (`network.default_action: Deny` or `public_network_access: \
Disabled`): it has service-endpoint `network.vnet_rules` or at least one entry in \
`private_endpoints`. With `public_network_access: Disabled`, `vnet_rules` alone do not count: only \
a private endpoint attaches the account.",
    why: "A locked storage account that no virtual network is attached to is reachable from \
nowhere but the trusted Microsoft services: compute cannot download training data or upload \
outputs, and every run fails on its first storage access.",
    example: "storage_accounts:
  - name: stmldemo
    network: {default_action: Deny}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "add a private endpoint under `private_endpoints`, or a service-endpoint rule under `network.vnet_rules`",
    quote: "Add you Azure storage account to the virtual network with a service endpoint or a private endpoint",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Secure the workspace and associated resources\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#secure-the-workspace-and-associated-resources",
    decision: Some(
        "Virtual-network rules belong to the firewall of the account's public endpoint, so an \
account with `public_network_access: Disabled` is not reached through them. We therefore count \
`vnet_rules` as an attachment only while public network access is enabled, as Azure does, and \
report a disabled account without private endpoints at its `public_network_access` value.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let storages = cx.net.workspace_storages();
    if storages.is_empty() {
        return Eval::NotEvaluated("the block has no storage account");
    }
    for (i, s) in storages {
        if !s.secured() || s.has_private_endpoints() {
            continue;
        }
        let sname = name(&s.name);
        let disabled = s.public_network_access.as_ref().filter(|a| a.value == Access::Disabled);
        match disabled {
            Some(pna) if s.has_vnet_rules() => {
                out.push(
                    pna.span.clone(),
                    Node::Storage(i).field("public_network_access"),
                    format!(
                        "storage account `{sname}` has public network access disabled, so its \
                         service-endpoint rules admit nothing and no private endpoint attaches it"
                    ),
                )
                .label("virtual-network rules apply only to the public endpoint")
                .help("add a private endpoint under `private_endpoints`, or enable public network access");
            }
            _ if !s.has_vnet_rules() => {
                out.push(
                    s.span.clone(),
                    Loc::from(Node::Storage(i)),
                    format!("storage account `{sname}` is locked but attached to no virtual network"),
                )
                .label("no service-endpoint rule and no private endpoint");
            }
            _ => {}
        }
    }
    Eval::Checked
}
