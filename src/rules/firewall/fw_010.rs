use std::ops::Range;

use crate::diag::Severity;
use crate::rules::compute::shared::name;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::{Addr, covers};
use crate::topology::model::items;
use crate::topology::node::{Loc, Node};
use crate::topology::resolve::Net;
use crate::topology::yaml::Sp;

pub static RULE: Rule = Rule {
    id: "AML-FW-010",
    name: "literal-public-prefixes-may-change",
    severity: Severity::Note,
    area: Area::Firewall,
    periods: ALL,
    title: "Literal public IP prefixes in NSG, route and firewall rules go stale",
    checks: "Advisory. Shown once per NSG, route table and firewall that writes literal public \
IP prefixes where a service tag could stand: NSG rule `source`/`destination`, route `prefix`, \
firewall network rule `destinations`. Private ranges and `0.0.0.0/0` are not concerned.",
    why: "Azure publishes the addresses behind each service tag and changes them over time. A \
rule that copies today's addresses silently stops matching when they move; a service tag \
follows them.",
    example: "route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.0.200.4}
      - {prefix: 13.82.0.0/16, next_hop: Internet}
",
    fix: "route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.0.200.4}
      - {prefix: AzureMachineLearning, next_hop: Internet}
",
    help: "use the service tag, or refresh the prefixes from the published service-tag list regularly",
    quote: "If you need the IP addresses instead of service tags, use one of the following \
options: Download a list from Azure IP Ranges and Service Tags. Use the Azure CLI az network \
list-service-tags command. Use the Azure PowerShell Get-AzNetworkServiceTag command. The IP \
addresses may change periodically.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Forced tunneling\" \
(\"The IP addresses may change over time.\"); required public internet access include (2021)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#forced-tunneling",
    decision: Some(
        "The catalog gives no trigger beyond \"literal IP prefixes\". Only public prefixes stand \
for Azure services; private ranges name your own networks and are not concerned, and neither \
are the public addresses the block declares as your own (`clients.public_ips`, \
`clients.onprem_ranges`, an AKS `scoring_ip`). One note per \
NSG, route table or firewall, at its first literal prefix, keeps long IP-based route tables \
readable.",
    ),
    removed: false,
    check,
};

/// A literal public prefix that is not one of the customer's own addresses (client IPs,
/// on-premises ranges, AKS scoring IPs): those are not Azure's and do not drift.
fn azure_literal(net: &Net, s: &Sp<String>) -> bool {
    let Ok(a) = Addr::parse(&s.value) else { return false };
    if !a.is_public_prefix() {
        return false;
    }
    let t = net.topo();
    let clients = t.clients.as_ref();
    let own = clients
        .into_iter()
        .flat_map(|c| items(&c.public_ips).chain(items(&c.onprem_ranges)))
        .chain(items(&t.computes).filter_map(|c| c.aks.as_ref().and_then(|a| a.scoring_ip.as_ref())));
    for o in own {
        if let Ok(o) = Addr::parse(&o.value)
            && covers(&o, &a)
        {
            return false;
        }
    }
    true
}

fn note(out: &mut Findings, what: String, first: (Range<usize>, Loc, &str), count: usize) {
    let (span, path, value) = first;
    let more = if count > 1 { format!(" and {} more", count - 1) } else { String::new() };
    out.push(
        span,
        path,
        format!(
            "{what} writes the literal public prefix `{value}`{more}; Azure's addresses change over time"
        ),
    )
    .label("may go stale");
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let t = cx.net.topo();
    if t.nsgs.is_none() && t.route_tables.is_none() && cx.net.firewall().is_none() {
        return Eval::NotEvaluated("the block has no NSG, route table or firewall");
    }
    for (ni, n) in items(&t.nsgs).enumerate() {
        let mut found = Vec::new();
        for (ri, r) in items(&n.rules).enumerate() {
            for (field, v) in [("source", &r.source), ("destination", &r.destination)] {
                if let Some(v) = v.as_ref().filter(|v| azure_literal(cx.net, v)) {
                    found.push((
                        v.span.clone(),
                        Node::NsgRule { nsg: ni, rule: ri }.field(field),
                        v.value.as_str(),
                    ));
                }
            }
        }
        let count = found.len();
        if let Some(first) = found.into_iter().next() {
            note(out, format!("NSG `{}`", name(&n.name)), first, count);
        }
    }
    for (ti, rt) in items(&t.route_tables).enumerate() {
        let found: Vec<_> = items(&rt.routes)
            .enumerate()
            .filter_map(|(ri, r)| {
                let p = r.prefix.as_ref().filter(|p| azure_literal(cx.net, p))?;
                Some((p.span.clone(), Node::Route { table: ti, route: ri }.field("prefix"), p.value.as_str()))
            })
            .collect();
        let count = found.len();
        if let Some(first) = found.into_iter().next() {
            note(out, format!("route table `{}`", name(&rt.name)), first, count);
        }
    }
    if let Some(fw) = cx.net.firewall() {
        let mut found = Vec::new();
        for (ri, r) in items(&fw.network_rules).enumerate() {
            for (di, d) in items(&r.destinations).enumerate() {
                if azure_literal(cx.net, d) {
                    found.push((
                        d.span.clone(),
                        Node::FirewallNetworkRule(ri).field("destinations").index(di),
                        d.value.as_str(),
                    ));
                }
            }
        }
        let count = found.len();
        if let Some(first) = found.into_iter().next() {
            note(out, "the firewall".to_string(), first, count);
        }
    }
    Eval::Checked
}
