//! Flow evaluation benchmark: a block with 40 flows, 10 NSGs of 50 rules, 3 route tables
//! (and an Azure Firewall, private endpoints and DNS zones), every flow evaluated.
//!
//! Run with `cargo bench --bench flows [ITERATIONS]`. Prints the median, 95th percentile and
//! best time of one evaluation of all 40 flows. Target (issue 16): under 5 ms.

// Tests and measuring programs unwrap what they set up themselves and print figures.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use topobook::flows;
use topobook::topology::Net;
use topobook::topology::model::Topology;
use topobook::topology::yaml::from_str;

const TAGS: &[&str] =
    &["AzureMachineLearning", "BatchNodeManagement", "Storage", "AzureKeyVault", "Internet"];
const PORTS: &[&str] = &["\"22\"", "\"443\"", "\"80-90\"", "\"1000-2000\"", "\"*\"", "\"29876-29877\""];

fn block() -> String {
    let mut y = String::from("workspace: {name: mlw, region: eastus}\nvnets:\n");
    y.push_str("  - name: vnet-ml\n    region: eastus\n    address_space: [10.0.0.0/16]\n    peerings: [vnet-hub]\n    subnets:\n");
    for i in 0..10 {
        let se = if i % 3 == 0 { ", service_endpoints: [Microsoft.Storage]" } else { "" };
        y.push_str(&format!(
            "      - {{name: snet-{i}, prefix: 10.0.{i}.0/24, nsg: nsg-{i}, route_table: rt-{}{se}}}\n",
            i % 3
        ));
    }
    y.push_str("      - {name: snet-pe, prefix: 10.0.200.0/24}\n");
    y.push_str("  - name: vnet-hub\n    region: eastus\n    address_space: [10.1.0.0/16]\n    peerings: [vnet-ml]\n    subnets: [{name: AzureFirewallSubnet, prefix: 10.1.4.0/26}]\n");
    y.push_str("nsgs:\n");
    for n in 0..10 {
        y.push_str(&format!("  - name: nsg-{n}\n    rules:\n"));
        for r in 0..50 {
            let k = n * 50 + r;
            let peer =
                if k % 4 == 0 { format!("10.0.{}.0/24", k % 10) } else { TAGS[k % TAGS.len()].to_string() };
            y.push_str(&format!(
                "      - {{name: r{r}, priority: {}, direction: {}, access: {}, protocol: {}, source: \"{}\", destination: \"{}\", destination_ports: {}}}\n",
                100 + r * 70 + n,
                if r % 2 == 0 { "Inbound" } else { "Outbound" },
                if k % 5 == 0 { "Deny" } else { "Allow" },
                if k % 3 == 0 { "Tcp" } else { "\"*\"" },
                if r % 2 == 0 { peer.as_str() } else { "*" },
                if r % 2 == 0 { "*" } else { peer.as_str() },
                PORTS[k % PORTS.len()],
            ));
        }
    }
    y.push_str("route_tables:\n");
    for t in 0..3 {
        y.push_str(&format!("  - name: rt-{t}\n    routes:\n"));
        y.push_str(
            "      - {name: default, prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}\n",
        );
        y.push_str("      - {name: batch, prefix: BatchNodeManagement, next_hop: Internet}\n");
        y.push_str("      - {name: aml, prefix: AzureMachineLearning, next_hop: Internet}\n");
        for r in 0..7 {
            y.push_str(&format!("      - {{name: p{r}, prefix: 172.{}.{r}.0/24, next_hop: None}}\n", 16 + t));
        }
    }
    y.push_str("firewall:\n  kind: azure_firewall\n  name: afw\n  vnet: vnet-hub\n  private_ip: 10.1.4.4\n  public_ip: 20.51.0.4\n  network_rules:\n");
    for r in 0..20 {
        y.push_str(&format!(
            "    - {{name: n{r}, protocols: [TCP], sources: [10.0.{}.0/24], destinations: [{}], ports: [\"443\"]}}\n",
            r % 10,
            TAGS[r % 4]
        ));
    }
    y.push_str("  application_rules:\n");
    for r in 0..20 {
        y.push_str(&format!(
            "    - {{name: a{r}, sources: [10.0.0.0/16], protocols: [\"Https:443\"], fqdns: [\"*.host{r}.example.com\"]}}\n"
        ));
    }
    y.push_str(
        "private_dns_zones:\n  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-ml]}\n",
    );
    y.push_str("storage_accounts:\n  - name: stml\n    region: eastus\n    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-0, vnet-ml/snet-3]}\n    private_endpoints: [{name: pe-blob, subresource: blob, vnet: vnet-ml, subnet: snet-pe, ip: 10.0.200.4}]\n");
    y.push_str("computes:\n");
    for c in 0..5 {
        y.push_str(&format!(
            "  - {{name: cluster-{c}, type: compute_cluster, vnet: vnet-ml, subnet: snet-{c}}}\n"
        ));
    }
    y.push_str("flows:\n");
    let tos = [
        "stml",
        "snet-4",
        "pypi.org",
        "x.host3.example.com",
        "AzureMachineLearning.eastus",
        "Storage.eastus",
        "10.0.7.9",
        "cluster-2",
    ];
    for f in 0..40 {
        let (from, to, port) = match f % 8 {
            0 => ("internet".to_string(), "stml".to_string(), 443),
            1 => ("BatchNodeManagement".to_string(), format!("cluster-{}", f % 5), 29876),
            _ => (
                format!("snet-{}", (f * 3) % 10),
                tos[f % tos.len()].to_string(),
                [443, 445, 22, 1500, 8080][(f / 2) % 5],
            ),
        };
        y.push_str(&format!("  - {{from: {from}, to: {to}, port: {port}}}\n"));
    }
    y
}

fn main() {
    let iterations: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300);
    let yaml = block();
    let topo: Topology = from_str(&yaml).expect("the benchmark block parses");
    let net = Net::new(Arc::new(topo));
    assert!(net.problems.is_empty(), "{:#?}", net.problems);
    let nsg_rules: usize = net
        .topo()
        .nsgs
        .as_ref()
        .map(|l| l.value.iter().map(|n| n.rules.as_ref().map_or(0, |r| r.value.len())).sum())
        .unwrap_or(0);
    // Warm up.
    let results = flows::evaluate(&net);
    let mut verdicts = std::collections::BTreeMap::new();
    for r in &results {
        *verdicts.entry(r.verdict.as_str()).or_insert(0) += 1;
    }
    if std::env::var_os("TOPOBOOK_FLOWS_VERBOSE").is_some() {
        for r in &results {
            let why = match &r.verdict {
                flows::Verdict::Unknown(reason) => format!(": {reason}"),
                _ => String::new(),
            };
            println!("{} {}{why}", r.label(), r.verdict.as_str());
        }
    }
    let mut times: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            let r = flows::evaluate(&net);
            let t = start.elapsed();
            assert_eq!(r.len(), 40);
            t
        })
        .collect();
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "flows: {} flows, {} NSGs of {} rules, 3 route tables ({} YAML lines); verdicts {:?}",
        results.len(),
        net.topo().nsgs.as_ref().map_or(0, |l| l.value.len()),
        nsg_rules / 10,
        yaml.lines().count(),
        verdicts
    );
    println!(
        "all flows evaluated: median {:.2} ms, p95 {:.2} ms, best {:.2} ms over {iterations} runs (target: under 5 ms)",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(times[0])
    );
}
