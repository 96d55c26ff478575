use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-KV-002",
    name: "key-vault-trusted-services",
    severity: Severity::Error,
    area: Area::KeyVault,
    periods: ALL,
    title: "A secured key vault lets trusted Microsoft services bypass its firewall",
    checks: "For every secured key vault of the workspace: `network.bypass` contains `AzureServices` \
(the Azure default when `bypass` is absent).",
    why: "Azure Machine Learning reaches the workspace key vault as a trusted Microsoft service. \
With the bypass turned off, the service is refused by the vault's firewall and cannot read the \
secrets it needs, so the workspace breaks.",
    example: "key_vaults:
  - name: kv-ml
    network: {default_action: Deny, bypass: [None]}
    private_endpoints: [{name: pe-kv, subresource: vault}]
",
    fix: "key_vaults:
  - name: kv-ml
    network: {default_action: Deny, bypass: [AzureServices]}
    private_endpoints: [{name: pe-kv, subresource: vault}]
",
    help: "set `network.bypass: [AzureServices]`",
    quote: "Set Key Vault to \"Allow trusted Microsoft services to bypass this firewall\".",
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
        if !kv.secured() || kv.bypass_allows_azure_services() {
            continue;
        }
        let name = kv.name.as_ref().map(|n| n.value.as_str()).unwrap_or("?");
        let bypass = kv.network.as_ref().and_then(|n| n.bypass.as_ref());
        let span = bypass
            .map(|b| b.value.first().map(|x| x.span.clone()).unwrap_or(b.span.clone()))
            .unwrap_or(kv.span.clone());
        out.push(
            span,
            Node::KeyVault(i).field("network.bypass"),
            format!("key vault `{name}` blocks trusted Microsoft services"),
        )
        .label("the workspace cannot reach its key vault");
    }
    Eval::Checked
}
