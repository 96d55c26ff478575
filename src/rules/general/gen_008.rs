use super::nm;
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::Edition;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-GEN-008",
    name: "enterprise-edition-combinations",
    severity: Severity::Note,
    area: Area::General,
    periods: &[Period::P2020],
    title: "Some network combinations need an Enterprise edition workspace (2020)",
    checks: "When `workspace.edition` is `basic`, notes each combination the 2020 documentation \
marks as Enterprise only:\n\n\
- the default storage account or the key vault has a private endpoint (\"workspace without \
Private Link, other resources with Private Link\" and \"workspace and any other resource with \
Private Link\");\n\
- the container registry is in a virtual network (a private endpoint or `network.vnet_rules`);\n\
- `workspace.customer_managed_key: true`.\n\n\
Each note points at the private endpoints, the registry or the key setting.",
    why: "In 2020 a Basic workspace could not use these combinations; the deployment or the \
feature was refused until the workspace was upgraded to Enterprise. Microsoft announced the \
retirement of the Enterprise edition at the end of 2020, which is why this is a note and not an \
error.",
    example: "workspace:
  name: mlw-demo
  edition: basic
  customer_managed_key: true
",
    fix: "workspace:
  name: mlw-demo
  edition: enterprise
  customer_managed_key: true
",
    help: "set `workspace.edition: enterprise`",
    quote: "Some combinations of virtual network and Azure services require an Enterprise edition workspace. Table rows marked Enterprise-only: \"Workspace without Private Link. Other resources with Private Link\", \"Workspace and any other resource with Private Link\", \"Azure Container Registry in a virtual network\", \"Customer Managed Keys for workspace\".",
    source: "Virtual network isolation and privacy overview (2020), edition table; Secure an Azure Machine Learning workspace with virtual networks (2020)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview",
    decision: Some(
        "Evaluated only when the workspace states its edition: the SDK created Basic workspaces \
by default, but noting every workspace without an `edition` would flood 2020 examples that never \
meant to discuss it. The catalog's wording (\"error if\") is kept as a note because the catalog \
classes the rule as historical info. The two Private Link rows are one condition in practice: an \
associated resource with a private endpoint, whatever the workspace has.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace() else { return Eval::NotEvaluated("the block has no workspace") };
    let Some(edition) = ws.edition.as_ref() else {
        return Eval::NotEvaluated("the workspace does not state its edition");
    };
    if edition.value != Edition::Basic {
        return Eval::Checked;
    }
    let wname = nm(&ws.name);
    let enterprise =
        |what: String| format!("{what} requires an Enterprise edition workspace; `{wname}` is `basic`");
    if let Some((i, st)) = net.default_storage()
        && let Some(list) = st.private_endpoints.as_ref().filter(|l| !l.value.is_empty())
    {
        out.push(
            list.span.clone(),
            Node::Storage(i).field("private_endpoints"),
            enterprise(format!("a private endpoint on storage account `{}`", nm(&st.name))),
        );
    }
    for (i, kv) in net.workspace_key_vaults() {
        if let Some(list) = kv.private_endpoints.as_ref().filter(|l| !l.value.is_empty()) {
            out.push(
                list.span.clone(),
                Node::KeyVault(i).field("private_endpoints"),
                enterprise(format!("a private endpoint on key vault `{}`", nm(&kv.name))),
            );
        }
    }
    for (i, cr) in net.workspace_registries() {
        let (span, path) =
            match (&cr.private_endpoints, cr.network.as_ref().and_then(|n| n.vnet_rules.as_ref())) {
                (Some(l), _) if !l.value.is_empty() => {
                    (l.span.clone(), Node::Registry(i).field("private_endpoints"))
                }
                (_, Some(r)) if !r.value.is_empty() => {
                    (r.span.clone(), Node::Registry(i).field("network.vnet_rules"))
                }
                _ => continue,
            };
        out.push(
            span,
            path,
            enterprise(format!("container registry `{}` in a virtual network", nm(&cr.name))),
        );
    }
    if let Some(cmk) = ws.customer_managed_key.as_ref().filter(|c| c.value) {
        out.push(
            cmk.span.clone(),
            Node::Workspace.field("customer_managed_key"),
            enterprise("a customer-managed key".into()),
        );
    }
    Eval::Checked
}
