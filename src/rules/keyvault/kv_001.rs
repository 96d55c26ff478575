use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-KV-001",
    name: "key-vault-attached-to-vnet",
    severity: Severity::Error,
    area: Area::KeyVault,
    periods: BEFORE_CURRENT,
    title: "A secured key vault is attached to the VNet by a service or private endpoint",
    checks: "For every key vault of the workspace that is secured (`network.default_action: Deny` or \
`public_network_access: Disabled`): it has service-endpoint `network.vnet_rules` or at least one \
private endpoint.",
    why: "A locked key vault that is attached to no virtual network is reachable from nowhere: \
the workspace cannot read the storage connection string it keeps there, and training jobs fail \
as soon as they start.",
    example: "key_vaults:
  - name: kv-ml
    network: {default_action: Deny}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
key_vaults:
  - name: kv-ml
    network: {default_action: Deny}
    private_endpoints:
      - {name: pe-kv, subresource: vault, vnet: vnet-ml, subnet: snet-pe}
",
    help: "add a private endpoint under `private_endpoints`, or a service-endpoint rule under `network.vnet_rules`",
    quote: "Add Azure Key Vault to the virtual network with a service endpoint or a private endpoint.",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Secure the workspace and associated resources\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#secure-the-workspace-and-associated-resources",
    decision: None,
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let vaults = cx.net.workspace_key_vaults();
    if vaults.is_empty() {
        return Eval::NotEvaluated("the block has no key vault");
    }
    for (i, kv) in vaults {
        if kv.secured() && !kv.has_vnet_rules() && !kv.has_private_endpoints() {
            let name = kv.name.as_ref().map(|n| n.value.as_str()).unwrap_or("?");
            out.push(
                kv.span.clone(),
                Loc::from(Node::KeyVault(i)),
                format!("key vault `{name}` is locked but attached to no virtual network"),
            )
            .label("no service endpoint rule and no private endpoint");
        }
    }
    Eval::Checked
}
