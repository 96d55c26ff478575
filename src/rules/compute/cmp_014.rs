use super::shared::{TRAINING, compute_name, compute_subnets, name};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::addr::Addr;
use crate::topology::egress::{InternetRoute, normalize_region, paired_region};
use crate::topology::model::items;
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-CMP-014",
    name: "aml-routes-cover-paired-region",
    severity: Severity::Warning,
    area: Area::Compute,
    periods: &[Period::P2020, Period::P2021],
    title: "Routes for the Azure Machine Learning service cover the workspace region and its paired region",
    checks: "For every forced-tunnelled subnet holding a `compute_instance` or `compute_cluster` \
(its route table sends `0.0.0.0/0` to an appliance or a gateway): when the route table carries \
`AzureMachineLearning` to `Internet` region by region (IP-prefix routes with a `service_tag`, or \
regional tag routes), it covers both the workspace's region and its Azure paired region. A \
global `AzureMachineLearning` route covers every region. Not evaluated when the workspace region \
is unknown, has no pair, or the routes are unlabelled IP prefixes.",
    why: "The Azure Machine Learning service answers from the workspace's region and from its \
paired region. With routes for the primary region only, part of the service's traffic still goes \
to the appliance and is dropped, and compute instances fail intermittently.",
    example: "workspace: {name: mlw-demo, region: eastus}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, route_table: rt-training}
route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.0.200.4}
      - {prefix: BatchNodeManagement, next_hop: Internet}
      - {name: aml-eastus, prefix: 13.82.0.0/16, next_hop: Internet,
         service_tag: AzureMachineLearning.eastus}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    fix: "workspace: {name: mlw-demo, region: eastus}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, route_table: rt-training}
route_tables:
  - name: rt-training
    routes:
      - {prefix: 0.0.0.0/0, next_hop: VirtualAppliance, next_hop_ip: 10.0.200.4}
      - {prefix: BatchNodeManagement, next_hop: Internet}
      - {name: aml-eastus, prefix: 13.82.0.0/16, next_hop: Internet,
         service_tag: AzureMachineLearning.eastus}
      - {name: aml-westus, prefix: 40.112.0.0/16, next_hop: Internet,
         service_tag: AzureMachineLearning.westus}
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "add routes to `Internet` for the `AzureMachineLearning` prefixes of the paired region, or one route for the global `AzureMachineLearning` tag",
    quote: "When adding the IP for the Azure Machine Learning service, you must add the IP for \
both the primary and secondary Azure regions. The primary region being the one where your \
workspace is located. / If you are using the US-Virginia, US-Arizona regions, or China-East-2 \
regions, these commands return no IP addresses. / The IP addresses may change over time.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Forced tunneling\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#forced-tunneling",
    decision: Some(
        "topobook cannot know Azure's published prefixes, so an IP-prefix route says which tag it \
carries with the optional `service_tag` field (`AzureMachineLearning.eastus`). Unlabelled public \
prefixes make the table not evaluated rather than guessed. A regional tag route \
(`AzureMachineLearning.eastus`) has the same gap as a regional IP list and is checked too. \
\"Secondary region\" is read as Azure's paired region (table of 2020 pairs). When nothing routes \
the primary region at all, AML-CMP-013 or AML-FW-001 reports the missing route and this rule \
stays silent. For `usgovvirginia`, `usgovarizona` and `chinaeast2` the help points to the \
sovereign IP lists, since the service-tag commands return nothing there.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut evaluated = false;
    let mut seen: Vec<usize> = Vec::new();
    for cs in compute_subnets(net, TRAINING) {
        let Some(tunnel) = net.tunnel(cs.subnet) else { continue };
        if seen.contains(&tunnel.route_table) {
            continue;
        }
        seen.push(tunnel.route_table);
        let primary = net
            .workspace()
            .and_then(|w| w.region.as_ref())
            .map(|r| normalize_region(r))
            .or_else(|| net.compute_region(cs.compute));
        let Some(primary) = primary else { continue };
        let Some(paired) = paired_region(&primary) else { continue };
        let Some(rt) = items(&net.topo().route_tables).nth(tunnel.route_table) else { continue };
        let p = rt.internet_route_for(&Addr::tag("AzureMachineLearning", Some(&primary)));
        let s = rt.internet_route_for(&Addr::tag("AzureMachineLearning", Some(paired)));
        let covered =
            |r: &InternetRoute| matches!(r, InternetRoute::ServiceTag(_) | InternetRoute::Annotated(_));
        match (&p, &s) {
            (InternetRoute::UnlabelledPrefix(_), _) | (_, InternetRoute::UnlabelledPrefix(_)) => continue,
            _ => evaluated = true,
        }
        let (InternetRoute::ServiceTag(ri) | InternetRoute::Annotated(ri)) = p else { continue };
        if covered(&s) {
            continue;
        }
        let route = items(&rt.routes).nth(ri);
        let (span, path) = match route.and_then(|r| r.service_tag.as_ref().or(r.prefix.as_ref())) {
            Some(v) => (
                v.span.clone(),
                Node::Route { table: tunnel.route_table, route: ri }.field(
                    if route.is_some_and(|r| r.service_tag.is_some()) { "service_tag" } else { "prefix" },
                ),
            ),
            None => (rt.span.clone(), Loc::from(Node::RouteTable(tunnel.route_table))),
        };
        let sovereign = ["usgovvirginia", "usgovarizona", "chinaeast2"].contains(&primary.as_str());
        let f = out
            .push(
                span,
                path,
                format!(
                    "route table `{}` sends `AzureMachineLearning.{primary}` to `Internet` but not the paired region `{paired}` (subnet `{}`, compute `{}`)",
                    name(&rt.name),
                    net.subnet_label(cs.subnet),
                    compute_name(net, cs.compute)
                ),
            )
            .label("primary region only");
        if sovereign {
            f.help(format!(
                "the service-tag commands return no addresses for `{primary}`: take the `{primary}` and `{paired}` prefixes from the sovereign cloud's published IP list"
            ));
        }
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("no forced-tunnelled compute subnet with a known region and labelled routes")
    }
}
