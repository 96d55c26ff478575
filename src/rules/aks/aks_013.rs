use ipnet::IpNet;

use super::common::{Cluster, clusters, name_of};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::facts::{Flow, Verdict};
use crate::topology::model::{Direction, LoadBalancer, Nsg, Protocol, RuleAccess, items};
use crate::topology::node::{Loc, Node};
use crate::topology::resolve::Net;

/// Scoring endpoints answer on HTTP (80) or, with TLS enabled, HTTPS (443).
const SCORING_PORTS: [u32; 2] = [80, 443];

pub static RULE: Rule = Rule {
    id: "AML-AKS-013",
    name: "aks-scoring-reachable-through-nsg",
    severity: Severity::Warning,
    area: Area::Aks,
    periods: ALL,
    title: "A scoring endpoint called from outside the VNet is allowed in by the subnet's NSG",
    checks: "For every compute of `type: aks` with `aks.scoring_called_from_outside_vnet: true` whose \
subnet has an NSG: the NSG, evaluated by priority with Azure's default rules, allows inbound TCP \
80 or 443 to the scoring endpoint (`aks.scoring_ip`) from the callers:\n\
- with the public load balancer (the default): every `clients.public_ips` entry, or the \
`Internet` tag when none is listed;\n\
- with `load_balancer: internal`: every `clients.onprem_ranges` entry, or the `VirtualNetwork` \
tag (peered and connected networks) when none is listed.\n\n\
Without `scoring_ip`, any destination that the NSG opens (the subnets of the cluster, or an \
address named by an allow rule) is accepted as the scoring IP.",
    why: "Azure ML creates the scoring endpoint behind the cluster's load balancer, and the NSG of \
the node subnet filters the requests before they reach it. Without an inbound rule for the \
endpoint's IP, Azure's default `DenyAllInBound` drops every request from outside the virtual \
network, and the deployed web service looks down to its consumers.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22, nsg: nsg-aks}
nsgs:
  - name: nsg-aks
    rules: []
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3, scoring_called_from_outside_vnet: true, scoring_ip: 20.62.10.5}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22, nsg: nsg-aks}
nsgs:
  - name: nsg-aks
    rules:
      - {name: scoring, priority: 200, direction: Inbound, access: Allow, protocol: Tcp, source: Internet, destination: 20.62.10.5, destination_ports: \"443\"}
computes:
  - name: aks-inf
    type: aks
    vnet: vnet-ml
    subnet: snet-aks
    aks: {attach: true, network_plugin: azure, nodes: 3, scoring_called_from_outside_vnet: true, scoring_ip: 20.62.10.5}
",
    help: "add an inbound `Allow` rule for TCP 443 (or 80) from the callers to the scoring IP, with a smaller priority number than any deny that matches",
    quote: "Make sure that the NSG group that controls the virtual network has an inbound security \
rule enabled for the IP address of the scoring endpoint if you want to call it from outside the \
virtual network. Keep the default outbound rules for the NSG.",
    source: "Secure an Azure Machine Learning inferencing environment with virtual networks (10/23/2020), \"Azure Kubernetes Service\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-inferencing-vnet#azure-kubernetes-service",
    decision: Some(
        "The article names the IP, not the port: we accept TCP 80 or 443, the ports of an Azure ML \
scoring endpoint without and with TLS. \"Outside the virtual network\" means the internet for a \
public load balancer and connected networks for an internal one; listed client IPs and \
on-premises ranges make it precise. The second sentence (keep the default outbound rules) is \
checked by AML-AKS-014, which says what a restricted outbound must still allow, so that one \
problem gives one finding. A subnet without an NSG filters nothing and passes.",
    ),
    removed: false,
    check,
};

/// Who calls the scoring endpoint, as NSG peers, with a readable name.
fn callers(net: &Net, lb: LoadBalancer) -> Vec<(Addr, String)> {
    let clients = net.topo().clients.as_ref();
    let listed = match lb {
        LoadBalancer::Public => clients.map(|c| &c.public_ips),
        LoadBalancer::Internal => clients.map(|c| &c.onprem_ranges),
    };
    let mut out: Vec<(Addr, String)> = listed
        .map(|l| {
            items(l)
                .filter_map(|a| Addr::parse(&a.value).ok().map(|p| (p, format!("`{}`", a.value))))
                .collect()
        })
        .unwrap_or_default();
    if out.is_empty() {
        out.push(match lb {
            LoadBalancer::Public => {
                (Addr::Tag { tag: "Internet".into(), region: None }, "the internet".into())
            }
            LoadBalancer::Internal => (
                Addr::Tag { tag: "VirtualNetwork".into(), region: None },
                "peered and on-premises networks".into(),
            ),
        });
    }
    out
}

/// Candidate addresses of the scoring endpoint (see the rule's checks).
fn scoring_addresses(net: &Net, c: &Cluster, nsg: &Nsg) -> Vec<Option<IpNet>> {
    if let Some(n) = c
        .aks
        .and_then(|a| a.scoring_ip.as_ref())
        .and_then(|s| Addr::parse(&s.value).ok())
        .and_then(|a| a.as_net())
    {
        return vec![Some(n)];
    }
    let mut out = vec![None];
    out.extend(c.subnet(net).and_then(|s| net.subnet_prefix(s)).map(Some));
    let lb = c.aks.and_then(|a| a.load_balancer_subnet.as_ref());
    if let Some(lb) = lb.and_then(|lb| net.lookup_subnet(c.compute.vnet.as_ref(), Some(lb))) {
        out.extend(net.subnet_prefix(lb).map(Some));
    }
    for r in items(&nsg.rules) {
        let inbound_allow = r.direction.as_ref().is_some_and(|d| d.value == Direction::Inbound)
            && r.access.as_ref().is_none_or(|a| a.value == RuleAccess::Allow);
        if inbound_allow && let Some(n) = r.destination.as_ref().and_then(|d| Addr::parse(&d.value).ok()) {
            out.extend(n.as_net().map(Some));
        }
    }
    out
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    for c in clusters(net) {
        if !c.aks.and_then(|a| a.scoring_called_from_outside_vnet.as_ref()).is_some_and(|f| f.value) {
            continue;
        }
        let Some(sid) = c.subnet(net) else { continue };
        evaluated = true;
        let Some((ni, nsg)) = net.subnet_nsg(sid) else { continue };
        let locals = scoring_addresses(net, &c, nsg);
        let verdict = |peer: &Addr, local: Option<IpNet>, port: u32| {
            nsg.evaluate(&Flow {
                direction: Direction::Inbound,
                protocol: Protocol::Tcp,
                peer: peer.clone(),
                local,
                ports: PortRange { lo: port, hi: port },
            })
        };
        let mut blocked: Vec<(String, Verdict)> = Vec::new();
        for (peer, label) in callers(net, c.load_balancer()) {
            let served =
                locals.iter().any(|l| SCORING_PORTS.iter().any(|p| verdict(&peer, *l, *p).allowed()));
            if !served {
                blocked.push((label, verdict(&peer, locals.first().copied().flatten(), 443)));
            }
        }
        let Some((_, first)) = blocked.first() else { continue };
        let who: Vec<&str> = blocked.iter().map(|(l, _)| l.as_str()).collect();
        let target = match c.aks.and_then(|a| a.scoring_ip.as_ref()) {
            Some(ip) => format!(" (`{}`)", ip.value),
            None => String::new(),
        };
        let nsg_name = name_of(&nsg.name);
        let (span, path, why) = match first {
            Verdict::DeniedBy(i) => {
                let r = items(&nsg.rules).nth(*i);
                let rname = r.map(|r| name_of(&r.name)).unwrap_or("?");
                let span = r.map(|r| r.access.as_ref().map(|a| a.span.clone()).unwrap_or(r.span.clone()));
                (
                    span.unwrap_or(nsg.span.clone()),
                    Loc::from(Node::NsgRule { nsg: ni, rule: *i }),
                    format!("rule `{rname}` denies them"),
                )
            }
            Verdict::DefaultDeny(d) => (
                nsg.rules.as_ref().map(|l| l.span.clone()).unwrap_or(nsg.span.clone()),
                Node::Nsg(ni).field("rules"),
                format!("no rule allows them, so Azure's default `{d}` applies"),
            ),
            // Not reached: an allowed flow is not blocked.
            Verdict::AllowedBy(_) | Verdict::DefaultAllow(_) => continue,
        };
        out.push(
            span,
            path,
            format!(
                "NSG `{nsg_name}` of subnet `{}` blocks TCP 80 and 443 from {} to the scoring endpoint of AKS cluster `{}`{target}: {why}",
                net.subnet_label(sid),
                who.join(", "),
                c.name()
            ),
        )
        .label("scoring requests from outside the VNet are dropped");
    }
    if !evaluated {
        return Eval::NotEvaluated("no AKS cluster in a declared subnet is called from outside the VNet");
    }
    Eval::Checked
}
