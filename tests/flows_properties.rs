//! Properties of flow evaluation over random topologies (a seeded generator, so a failure
//! reproduces): NSG priorities decide, the order rules are written in does not, allow-lists
//! only open, unrelated routes change nothing, every deny and unknown says why.

// Tests and measuring programs unwrap what they set up themselves and print figures.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

use std::sync::Arc;

use topobook::flows::{self, Element, FlowResult, Step, Verdict};
use topobook::topology::Net;
use topobook::topology::model::{
    Direction, FirewallAppRule, NextHop, NsgRule, Ports, Protocol, Route, RuleAccess, Topology,
};
use topobook::topology::yaml::{Sp, from_str};

/// xorshift64*: small, deterministic, good enough to pick among a few options.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const SUBNETS: &[&str] = &["snet-0", "snet-1", "snet-2", "snet-3"];
const ADDRESSES: &[&str] = &[
    "*",
    "VirtualNetwork",
    "Internet",
    "10.0.0.0/24",
    "10.0.1.0/24",
    "10.0.2.0/24",
    "10.0.3.0/24",
    "10.1.0.0/24",
    "AzureMachineLearning",
    "BatchNodeManagement",
    "Storage",
];
const PORTS: &[&str] = &["\"*\"", "\"22\"", "\"443\"", "\"80-90\"", "\"1000-2000\""];

/// A random block: two VNets (peered both ways, one way or not), NSGs with rules of unique
/// priorities, route tables, an Azure Firewall in the second VNet, and flows.
fn topology(rng: &mut Rng) -> String {
    let mut y = String::from("workspace: {name: mlw, region: eastus}\nvnets:\n");
    let peer_a = rng.chance(70);
    let peer_b = rng.chance(70);
    y.push_str(&format!(
        "  - name: vnet-a\n    region: eastus\n    address_space: [10.0.0.0/16]\n    peerings: [{}]\n    subnets:\n",
        if peer_a { "vnet-b" } else { "" }
    ));
    for (i, s) in SUBNETS.iter().enumerate() {
        let nsg = if rng.chance(75) { format!(", nsg: nsg-{i}") } else { String::new() };
        let rt = if rng.chance(50) { format!(", route_table: rt-{}", rng.below(2)) } else { String::new() };
        let se = if rng.chance(30) { ", service_endpoints: [Microsoft.Storage]" } else { "" };
        y.push_str(&format!("      - {{name: {s}, prefix: 10.0.{i}.0/24{nsg}{rt}{se}}}\n"));
    }
    y.push_str(&format!(
        "  - name: vnet-b\n    region: eastus\n    address_space: [10.1.0.0/16]\n    peerings: [{}]\n    subnets:\n      - {{name: snet-b, prefix: 10.1.0.0/24, nsg: nsg-b}}\n      - {{name: AzureFirewallSubnet, prefix: 10.1.4.0/26}}\n",
        if peer_b { "vnet-a" } else { "" }
    ));
    y.push_str("nsgs:\n");
    for name in ["nsg-0", "nsg-1", "nsg-2", "nsg-3", "nsg-b"] {
        y.push_str(&format!("  - name: {name}\n    rules:\n"));
        let mut priorities: Vec<u32> = Vec::new();
        for r in 0..(1 + rng.below(12)) {
            let mut p = 100 + rng.below(3997) as u32;
            while priorities.contains(&p) {
                p = 100 + rng.below(3997) as u32;
            }
            priorities.push(p);
            y.push_str(&format!(
                "      - {{name: r{r}, priority: {p}, direction: {}, access: {}, protocol: \"{}\", source: \"{}\", destination: \"{}\", destination_ports: {}}}\n",
                rng.pick(&["Inbound", "Outbound"]),
                rng.pick(&["Allow", "Deny"]),
                rng.pick(&["Tcp", "Udp", "*"]),
                rng.pick(ADDRESSES),
                rng.pick(ADDRESSES),
                rng.pick(PORTS),
            ));
        }
    }
    y.push_str("route_tables:\n");
    for t in 0..2 {
        y.push_str(&format!("  - name: rt-{t}\n    routes:\n"));
        if rng.chance(70) {
            y.push_str("      - {name: default, prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}\n");
        }
        if rng.chance(40) {
            y.push_str("      - {name: batch, prefix: BatchNodeManagement, next_hop: Internet}\n");
        }
        if rng.chance(30) {
            y.push_str(&format!(
                "      - {{name: hole, prefix: 10.0.{}.0/25, next_hop: None}}\n",
                rng.below(4)
            ));
        }
        if rng.chance(30) {
            y.push_str("      - {name: to-b, prefix: 10.1.0.0/16, next_hop: VirtualAppliance, next_hop_ip: 10.1.4.4}\n");
        }
    }
    y.push_str(
        "firewall:\n  kind: azure_firewall\n  name: afw\n  vnet: vnet-b\n  private_ip: 10.1.4.4\n  network_rules:\n",
    );
    for r in 0..(1 + rng.below(4)) {
        y.push_str(&format!(
            "    - {{name: n{r}, protocols: [{}], sources: [\"{}\"], destinations: [\"{}\"], ports: [{}]}}\n",
            rng.pick(&["TCP", "UDP", "Any"]),
            rng.pick(&["*", "10.0.0.0/16", "10.0.1.0/24"]),
            rng.pick(&["*", "10.1.0.0/24", "AzureMachineLearning", "Storage.eastus"]),
            rng.pick(PORTS),
        ));
    }
    y.push_str("  application_rules:\n");
    y.push_str(&format!(
        "    - {{name: a0, sources: [\"{}\"], protocols: [\"Https:443\"], fqdns: [pypi.org]}}\n",
        rng.pick(&["*", "10.0.0.0/16", "10.0.2.0/24"])
    ));
    y.push_str("storage_accounts:\n  - {name: stml, region: eastus, network: {default_action: Deny, vnet_rules: [vnet-a/snet-1]}}\n");
    y.push_str("computes:\n  - {name: cluster, type: compute_cluster, vnet: vnet-a, subnet: snet-0}\n");
    y.push_str("flows:\n");
    let froms = ["snet-0", "snet-1", "snet-2", "snet-3", "snet-b", "internet", "BatchNodeManagement"];
    let tos = [
        "snet-0",
        "snet-1",
        "snet-2",
        "snet-3",
        "snet-b",
        "10.0.2.7",
        "cluster",
        "stml",
        "pypi.org",
        "AzureMachineLearning.eastus",
    ];
    for _ in 0..12 {
        y.push_str(&format!(
            "  - {{from: {}, to: {}, protocol: {}, port: {}}}\n",
            rng.pick(&froms),
            rng.pick(&tos),
            rng.pick(&["tcp", "tcp", "udp"]),
            rng.pick(&["22", "85", "443", "1500", "3000", "29876"]),
        ));
    }
    y
}

fn evaluate(topo: &Topology) -> Vec<FlowResult> {
    flows::evaluate(&Net::new(Arc::new(topo.clone())))
}

fn parse(yaml: &str) -> Topology {
    from_str(yaml).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"))
}

fn sp<T>(v: T) -> Sp<T> {
    Sp::new(v, 0..0)
}

fn decider(r: &FlowResult) -> Option<&Element> {
    r.deciding_hop().and_then(|h| h.decided_by.as_ref())
}

/// Run a property over many random blocks.
fn for_blocks(seeds: u64, mut check: impl FnMut(u64, &Topology, &[FlowResult])) {
    for seed in 1..=seeds {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let topo = parse(&topology(&mut rng));
        let results = evaluate(&topo);
        assert_eq!(results.len(), 12);
        check(seed, &topo, &results);
    }
}

#[test]
fn a_lower_priority_allow_never_overturns_a_deny() {
    let mut checked = 0;
    for_blocks(150, |seed, topo, results| {
        for (fi, r) in results.iter().enumerate() {
            let (Verdict::Deny, Some(Element::NsgRule { nsg, rule })) = (&r.verdict, decider(r)) else {
                continue;
            };
            let mut t = topo.clone();
            let rules = &mut t.nsgs.as_mut().unwrap().value[*nsg].value.rules.as_mut().unwrap().value;
            let deny = &rules[*rule].value;
            let p = deny.priority.as_ref().unwrap().value;
            let used: Vec<u32> = rules.iter().filter_map(|r| r.priority.as_ref().map(|p| p.value)).collect();
            let Some(lower) = (p + 1..=4096).find(|q| !used.contains(q)) else { continue };
            rules.push(sp(NsgRule {
                name: Some(sp("AllowEverything".into())),
                priority: Some(sp(lower)),
                direction: deny.direction.clone(),
                access: Some(sp(RuleAccess::Allow)),
                protocol: Some(sp(Protocol::Any)),
                source: Some(sp("*".into())),
                source_ports: None,
                destination: Some(sp("*".into())),
                destination_ports: Some(sp(Ports::Text("*".into()))),
            }));
            let again = &evaluate(&t)[fi];
            assert_eq!(again.verdict, Verdict::Deny, "seed {seed} flows[{fi}]: {}", again.chain());
            assert_eq!(decider(again), decider(r), "seed {seed} flows[{fi}]");
            checked += 1;
        }
    });
    assert!(checked > 20, "only {checked} flows were denied by an NSG rule");
}

#[test]
fn the_written_order_of_nsg_rules_does_not_matter() {
    for_blocks(150, |seed, topo, results| {
        let mut t = topo.clone();
        let mut rng = Rng(seed + 7);
        for nsg in &mut t.nsgs.as_mut().unwrap().value {
            let rules = &mut nsg.value.rules.as_mut().unwrap().value;
            for i in (1..rules.len()).rev() {
                rules.swap(i, rng.below(i + 1));
            }
        }
        let again = evaluate(&t);
        for (fi, (a, b)) in results.iter().zip(&again).enumerate() {
            assert_eq!(a.verdict, b.verdict, "seed {seed} flows[{fi}]: {} / {}", a.chain(), b.chain());
        }
    });
}

#[test]
fn rules_after_the_deciding_one_do_not_matter() {
    // Drop every rule of every NSG on the path whose priority number is higher than that of
    // the rule that decided in that NSG: the verdict stays.
    for_blocks(150, |seed, topo, results| {
        for (fi, r) in results.iter().enumerate() {
            // The highest deciding priority number per NSG (an NSG may decide twice: out and in).
            let mut keep: std::collections::BTreeMap<usize, u32> = Default::default();
            for h in &r.hops {
                let Some(Element::NsgRule { nsg, rule }) = h.decided_by else { continue };
                let p = topo.nsgs.as_ref().unwrap().value[nsg].value.rules.as_ref().unwrap().value[rule]
                    .priority
                    .as_ref()
                    .unwrap()
                    .value;
                let e = keep.entry(nsg).or_insert(p);
                *e = (*e).max(p);
            }
            let mut t = topo.clone();
            let nsgs = &mut t.nsgs.as_mut().unwrap().value;
            for (nsg, p) in keep {
                let rules = &mut nsgs[nsg].value.rules.as_mut().unwrap().value;
                rules.retain(|x| x.priority.as_ref().is_some_and(|q| q.value <= p));
            }
            let again = &evaluate(&t)[fi];
            assert_eq!(
                again.verdict,
                r.verdict,
                "seed {seed} flows[{fi}]: {} / {}",
                r.chain(),
                again.chain()
            );
        }
    });
}

#[test]
fn firewall_rules_only_open() {
    for_blocks(150, |seed, topo, results| {
        let mut t = topo.clone();
        let fw = t.firewall.as_mut().unwrap();
        fw.value.application_rules.as_mut().unwrap().value.push(sp(FirewallAppRule {
            name: Some(sp("more".into())),
            sources: None,
            fqdns: Some(sp(vec![sp("*.example.org".into()), sp("pypi.org".into())])),
            fqdn_tags: None,
            protocols: Some(sp(vec![sp("Https:443".into())])),
        }));
        let again = evaluate(&t);
        for (fi, (a, b)) in results.iter().zip(&again).enumerate() {
            if a.verdict == Verdict::Allow {
                assert_eq!(b.verdict, Verdict::Allow, "seed {seed} flows[{fi}]: {}", b.chain());
            }
        }
    });
}

#[test]
fn an_unrelated_route_changes_nothing() {
    for_blocks(150, |seed, topo, results| {
        let mut t = topo.clone();
        for table in &mut t.route_tables.as_mut().unwrap().value {
            table.value.routes.get_or_insert_with(|| sp(Vec::new())).value.push(sp(Route {
                name: Some(sp("elsewhere".into())),
                prefix: Some(sp("172.20.0.0/16".into())),
                next_hop: Some(sp(NextHop::None)),
                next_hop_ip: None,
                service_tag: None,
            }));
        }
        let again = evaluate(&t);
        for (fi, (a, b)) in results.iter().zip(&again).enumerate() {
            assert_eq!(a.verdict, b.verdict, "seed {seed} flows[{fi}]");
            assert_eq!(a.hops.len(), b.hops.len(), "seed {seed} flows[{fi}]");
        }
    });
}

#[test]
fn every_answer_says_why_and_is_deterministic() {
    let mut seen = [0usize; 3];
    for_blocks(150, |seed, topo, results| {
        assert_eq!(results, evaluate(topo).as_slice(), "seed {seed}");
        for (fi, r) in results.iter().enumerate() {
            let h = r.deciding_hop().unwrap_or_else(|| panic!("seed {seed} flows[{fi}] has no deciding hop"));
            match &r.verdict {
                Verdict::Allow => seen[0] += 1,
                Verdict::Deny => {
                    seen[1] += 1;
                    assert_eq!(h.step, Step::Deny, "seed {seed} flows[{fi}]");
                    assert!(r.fix.is_some(), "seed {seed} flows[{fi}] denies without a fix: {}", r.chain());
                }
                Verdict::Unknown(reason) => {
                    seen[2] += 1;
                    assert_eq!(h.step, Step::Unknown, "seed {seed} flows[{fi}]");
                    assert!(!reason.is_empty());
                }
            }
            assert!(r.hops.iter().all(|h| !h.text.is_empty()));
        }
    });
    // The generator reaches every verdict often.
    assert!(seen.iter().all(|n| *n > 20), "{seen:?}");
}

#[test]
fn the_nsg_direction_of_a_deciding_rule_matches_its_hop() {
    for_blocks(100, |seed, topo, results| {
        for r in results {
            for h in &r.hops {
                let Some(Element::NsgRule { nsg, rule }) = h.decided_by else { continue };
                let d = topo.nsgs.as_ref().unwrap().value[nsg].value.rules.as_ref().unwrap().value[rule]
                    .direction
                    .as_ref()
                    .unwrap()
                    .value;
                let expected = if d == Direction::Inbound { "nsg in" } else { "nsg out" };
                assert_eq!(h.kind.as_str(), expected, "seed {seed}: {}", h.text);
            }
        }
    });
}
