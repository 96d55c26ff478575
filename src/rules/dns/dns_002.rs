use std::ops::Range;

use super::zones::{ZoneKind, classify, zone_name};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::{Cloud, items};
use crate::topology::node::{Loc, Node, PeOwner};

pub static RULE: Rule = Rule {
    id: "AML-DNS-002",
    name: "private-dns-zones-match-cloud",
    severity: Severity::Error,
    area: Area::Dns,
    periods: ALL,
    title: "Private DNS zone names are those of the topology's cloud",
    checks: "Every private-link zone name of the block (entries of `private_dns_zones`, and zone \
names used by a private endpoint's `dns_zone` or a workspace endpoint's `private_dns_zone_group` \
that are not declared in `private_dns_zones`) that topobook recognises must belong to `meta.cloud` \
(default `AzureCloud`): for the workspace `privatelink.api.azureml.ms` + \
`privatelink.notebooks.azure.net` (public), `privatelink.api.ml.azure.us` + \
`privatelink.notebooks.usgovcloudapi.net` (US Government), `privatelink.api.ml.azure.cn` + \
`privatelink.notebooks.chinacloudapi.cn` (China); likewise for storage (`core.windows.net`, \
`core.usgovcloudapi.net`, `core.chinacloudapi.cn`), key vault (`vaultcore.azure.net`, \
`vaultcore.usgovcloudapi.net`, `vaultcore.azure.cn`) and container registry (`azurecr.io`, \
`azurecr.us`, `azurecr.cn`).",
    why: "Each sovereign cloud has its own DNS names. A zone named for another cloud matches no \
name the services of this cloud use: it stays empty of useful records and resolution falls back \
to the public addresses.",
    example: "meta: {cloud: AzureUSGovernment}
private_dns_zones:
  - {name: privatelink.vaultcore.azure.net}
",
    fix: "meta: {cloud: AzureUSGovernment}
private_dns_zones:
  - {name: privatelink.vaultcore.usgovcloudapi.net}
",
    help: "use the zone name of the topology's cloud",
    quote: "Azure Public regions: privatelink.api.azureml.ms, privatelink.notebooks.azure.net. Microsoft Azure operated by 21Vianet regions: privatelink.api.ml.azure.cn, privatelink.notebooks.chinacloudapi.cn. Azure US Government regions: privatelink.api.ml.azure.us, privatelink.notebooks.usgovcloudapi.net",
    source: "How to use your workspace with a custom DNS server (2024), zone names per cloud; Azure Private Endpoint DNS configuration",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-custom-dns",
    decision: Some(
        "The catalog lists the workspace zones; the same rule holds for the zones of the \
associated resources (Azure Private Endpoint DNS configuration lists one name per cloud), so \
they are checked too. Names topobook does not recognise are left alone. In profile `2020-10` a \
private-link workspace exists only in `AzureCloud` (AML-WS-001), but the resources' zones apply \
in every cloud.",
    ),
    removed: false,
    check,
};

fn describe(kind: ZoneKind) -> &'static str {
    match kind {
        ZoneKind::Api => "the workspace API",
        ZoneKind::Notebooks => "workspace notebooks",
        ZoneKind::Blob => "blob storage",
        ZoneKind::File => "file storage",
        ZoneKind::Queue => "queue storage",
        ZoneKind::Table => "table storage",
        ZoneKind::Dfs => "Data Lake Storage",
        ZoneKind::Web => "static websites",
        ZoneKind::Vault => "key vaults",
        ZoneKind::Registry => "container registries",
    }
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let cloud = net.cloud();
    let t = net.topo();
    let mut any = false;
    let mut judge = |name: &str, span: &Range<usize>, path: Loc| {
        any = true;
        let Some((kind, zone_cloud)) = classify(name) else { return };
        if zone_cloud == cloud {
            return;
        }
        let want = zone_name(kind, cloud);
        out.push(
            span.clone(),
            path,
            format!(
                "zone `{name}` is the `{zone_cloud}` zone for {}; in `{cloud}` it is `{want}`",
                describe(kind)
            ),
        )
        .help(format!("use `{want}`"))
        .label(match cloud {
            Cloud::AzureCloud => "not a zone of the public cloud",
            _ => "zone of another cloud",
        });
    };
    for (zi, z) in items(&t.private_dns_zones).enumerate() {
        if let Some(n) = &z.name {
            judge(&n.value, &n.span, Node::DnsZone(zi).field("name"));
        }
    }
    let declared = |name: &str| net.zone(name).is_some();
    for (i, pe) in net.workspace_pes().enumerate() {
        for (j, z) in items(&pe.private_dns_zone_group).enumerate() {
            if !declared(&z.value) {
                judge(
                    &z.value,
                    &z.span,
                    Node::Pe { owner: PeOwner::Workspace, index: i }.field("private_dns_zone_group").index(j),
                );
            }
        }
    }
    let groups = items(&t.storage_accounts)
        .enumerate()
        .map(|(i, s)| (&s.private_endpoints, PeOwner::Storage(i)))
        .chain(items(&t.key_vaults).enumerate().map(|(i, s)| (&s.private_endpoints, PeOwner::KeyVault(i))))
        .chain(
            items(&t.container_registries)
                .enumerate()
                .map(|(i, s)| (&s.private_endpoints, PeOwner::Registry(i))),
        );
    for (list, owner) in groups {
        for (j, pe) in items(list).enumerate() {
            if let Some(z) = pe.dns_zone.as_ref().filter(|z| !declared(&z.value)) {
                judge(&z.value, &z.span, Node::Pe { owner, index: j }.field("dns_zone"));
            }
        }
    }
    if any { Eval::Checked } else { Eval::NotEvaluated("the block names no private DNS zone") }
}
