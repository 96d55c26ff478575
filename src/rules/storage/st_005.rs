use super::name;
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::Subresource;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-ST-005",
    name: "default-storage-blob-and-file-endpoints",
    severity: Severity::Error,
    area: Area::Storage,
    periods: ALL,
    title: "A default storage account on private endpoints has both a `blob` and a `file` endpoint",
    checks: "When the workspace's default storage account (`workspace.default_storage`, or the only \
storage account of a block without a workspace) has `private_endpoints`: one of them has \
`subresource: blob` and one has `subresource: file`.",
    why: "A private endpoint serves a single storage service. The workspace keeps run artifacts \
and datasets in the default account's blob service and code snapshots and notebooks in its file \
share; with only one of the two endpoints, every access to the other service leaves the VNet \
for the public endpoint, which the locked account refuses.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
private_dns_zones:
  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-ml]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny}
    private_endpoints:
      - {name: pe-st-blob, subresource: blob, subnet: snet-pe, dns_zone: privatelink.blob.core.windows.net}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
private_dns_zones:
  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-ml]}
  - {name: privatelink.file.core.windows.net, linked_vnets: [vnet-ml]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny}
    private_endpoints:
      - {name: pe-st-blob, subresource: blob, subnet: snet-pe, dns_zone: privatelink.blob.core.windows.net}
      - {name: pe-st-file, subresource: file, subnet: snet-pe, dns_zone: privatelink.file.core.windows.net}
",
    help: "add private endpoints with `subresource: blob` and `subresource: file` to the default storage account",
    quote: "If the storage account uses private endpoints, you must configure two private endpoints for your default storage account: 1. A private endpoint with a blob target subresource. 2. A private endpoint with a file target subresource (fileshare).",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020-2021), \"Secure Azure storage accounts with private endpoints\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#secure-azure-storage-accounts-with-private-endpoints",
    decision: Some(
        "The catalog dates the sentence from 2021, but the seed article of 10/06/2020 already \
links the section on storage private endpoints, so the requirement holds in profile `2020-10` for \
every default storage account that uses private endpoints. It applies whether or not the account \
is locked: an endpoint for one service only is a half-finished private-link setup either way.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let Some((i, s)) = cx.net.default_storage() else {
        return Eval::NotEvaluated("the block has no default storage account");
    };
    let Some(list) = s.private_endpoints.as_ref().filter(|l| !l.value.is_empty()) else {
        return Eval::NotEvaluated("the default storage account has no private endpoint");
    };
    let present = s.subresources();
    let missing: Vec<&str> = [Subresource::Blob, Subresource::File]
        .into_iter()
        .filter(|r| !present.contains(r))
        .map(Subresource::as_str)
        .collect();
    if !missing.is_empty() {
        let what = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(" and ");
        let plural = if missing.len() > 1 { "s" } else { "" };
        out.push(
            list.span.clone(),
            Node::Storage(i).field("private_endpoints"),
            format!("default storage account `{}` has no {what} private endpoint{plural}", name(&s.name)),
        )
        .label(format!("add a {what} endpoint{plural} here"))
        .help(format!(
            "add a private endpoint with `subresource: {}` to the default storage account",
            missing.join("` and one with `subresource: ")
        ));
    }
    Eval::Checked
}
