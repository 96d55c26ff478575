use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-KV-005",
    name: "key-vault-holds-workspace-secrets",
    severity: Severity::Note,
    area: Area::KeyVault,
    periods: ALL,
    title: "The key vault holds the workspace's credentials, so compute must reach it",
    checks: "Advisory. Shown for every secured key vault of the workspace, as a reminder of what \
depends on it.",
    why: "The workspace keeps the storage account connection string, the container registry \
passwords and the datastore connection strings in its key vault. Every network rule on the vault \
decides whether training and inference can start.",
    example: "key_vaults:
  - name: kv-ml
    network: {default_action: Deny}
    private_endpoints: [{name: pe-kv, subresource: vault}]
",
    fix: "key_vaults:
  - name: kv-ml
    network: {default_action: Allow}
",
    help: "keep the key vault reachable from the workspace and every compute subnet",
    quote: "Azure Machine Learning uses an associated Key Vault instance to store the following credentials: The associated storage account connection string; Passwords to Azure Container Repository instances; Connection strings to data stores",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Secure Azure Key Vault\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#secure-azure-key-vault",
    decision: Some(
        "The catalog gives this rule no check. We show it as a note on every secured key \
vault, where the reminder is useful, and never on an open one.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let vaults = cx.net.workspace_key_vaults();
    if vaults.is_empty() {
        return Eval::NotEvaluated("the block has no key vault");
    }
    for (i, kv) in vaults.into_iter().filter(|(_, kv)| kv.secured()) {
        let name = kv.name.as_ref().map(|n| n.value.as_str()).unwrap_or("?");
        out.push(kv.span.clone(), Loc::from(Node::KeyVault(i)), format!(
            "key vault `{name}` holds the storage connection string, registry passwords and datastore secrets"
        ));
    }
    Eval::Checked
}
