use super::shared::{TRAINING, compute_name, compute_subnets, name};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::addr::Addr;
use crate::topology::egress::InternetRoute;
use crate::topology::facts::fqdn_matches;
use crate::topology::model::{Cloud, NextHop, items};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-CMP-015",
    name: "forced-tunnel-onprem-allows-storage",
    severity: Severity::Error,
    area: Area::Compute,
    periods: &[Period::P2020, Period::P2021],
    title: "With forced tunneling on premises, the appliance lets compute reach Azure Storage",
    checks: "For every subnet holding a `compute_instance` or `compute_cluster` whose route table \
sends `0.0.0.0/0` to a `VirtualNetworkGateway` (on-premises forced tunneling) and does not send \
`Storage` straight to `Internet`: `clients.onprem_egress_allow` lets out the blob, queue and \
table endpoints of Azure Storage (`*.blob.core.windows.net`, `*.queue.core.windows.net`, \
`*.table.core.windows.net`, or every storage account's own host names; suffixes of the \
`meta.cloud`). Not evaluated when the block does not list what the appliance lets out.",
    why: "Compute nodes fetch their tasks and data from Azure Storage queues, tables and blobs. \
With forced tunneling that traffic crosses the on-premises network, and an appliance that does \
not let it out leaves the nodes without work or data.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, route_table: rt-training}
route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualNetworkGateway}
      - {prefix: BatchNodeManagement, next_hop: Internet}
      - {prefix: AzureMachineLearning, next_hop: Internet}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
clients:
  onprem_egress_allow: ['*.blob.core.windows.net']
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, route_table: rt-training}
route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualNetworkGateway}
      - {prefix: BatchNodeManagement, next_hop: Internet}
      - {prefix: AzureMachineLearning, next_hop: Internet}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
clients:
  onprem_egress_allow: ['*.blob.core.windows.net', '*.queue.core.windows.net', '*.table.core.windows.net']
",
    help: "let the on-premises appliance out to `*.blob.core.windows.net`, `*.queue.core.windows.net` and `*.table.core.windows.net` (list them in `clients.onprem_egress_allow`)",
    quote: "In addition to any UDRs that you define, outbound traffic to Azure Storage must be \
allowed through your on-premises network appliance. Specifically, the URLs for this traffic are \
in the following forms: <account>.table.core.windows.net, <account>.queue.core.windows.net, and \
<account>.blob.core.windows.net.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Forced tunneling\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#forced-tunneling",
    decision: Some(
        "The accounts behind `<account>` include the Batch-managed storage the nodes use, whose \
names are unknown, so the wildcard forms are what an appliance must let out; the named accounts \
of the block are accepted as an alternative only when every one is listed. A route sending the \
`Storage` tag (global or the compute's region) to `Internet` keeps storage traffic off the \
tunnel and passes. Forced tunneling to an appliance in Azure is not concerned: the sentence is \
about the on-premises appliance.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let suffix = match net.cloud() {
        Cloud::AzureCloud => "core.windows.net",
        Cloud::AzureUSGovernment => "core.usgovcloudapi.net",
        Cloud::AzureChinaCloud => "core.chinacloudapi.cn",
    };
    let allow = net.topo().clients.as_ref().and_then(|c| c.onprem_egress_allow.as_ref());
    let mut tunnelled = false;
    let mut evaluated = false;
    for cs in compute_subnets(net, TRAINING) {
        let Some(tunnel) = net.tunnel(cs.subnet).filter(|t| t.hop == NextHop::VirtualNetworkGateway) else {
            continue;
        };
        tunnelled = true;
        let Some(rt) = items(&net.topo().route_tables).nth(tunnel.route_table) else { continue };
        let region = net.compute_region(cs.compute);
        let storage = Addr::tag("Storage", region.as_deref());
        if matches!(
            rt.internet_route_for(&storage),
            InternetRoute::ServiceTag(_) | InternetRoute::Annotated(_)
        ) {
            evaluated = true;
            continue;
        }
        let Some(allow) = allow else { continue };
        evaluated = true;
        let accounts: Vec<&str> = items(&net.topo().storage_accounts).map(|s| name(&s.name)).collect();
        let missing: Vec<String> = ["blob", "queue", "table"]
            .iter()
            .map(|svc| format!("*.{svc}.{suffix}"))
            .filter(|wild| {
                let lets = |host: &str| allow.value.iter().any(|p| fqdn_matches(&p.value, host));
                let svc_suffix = &wild[1..];
                !(lets(wild)
                    || (!accounts.is_empty() && accounts.iter().all(|a| lets(&format!("{a}{svc_suffix}")))))
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let list = missing.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ");
        out.push(
            allow.span.clone(),
            Node::Clients.field("onprem_egress_allow"),
            format!(
                "subnet `{}` (compute `{}`) is forced-tunnelled on premises, but the appliance does not let out {list}",
                net.subnet_label(cs.subnet),
                compute_name(net, cs.compute)
            ),
        )
        .label("Azure Storage unreachable from the nodes")
        .help(format!("add {list} to `clients.onprem_egress_allow`, and allow them on the appliance"));
        break; // one list for the whole on-premises appliance
    }
    match (tunnelled, evaluated) {
        (false, _) => Eval::NotEvaluated("no compute subnet is forced-tunnelled on premises"),
        (true, false) => Eval::NotEvaluated(
            "the block does not say what the on-premises appliance lets out (`clients.onprem_egress_allow`)",
        ),
        (true, true) => Eval::Checked,
    }
}
