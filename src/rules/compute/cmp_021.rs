use super::shared::{name, placement};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::egress::normalize_region;
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{ComputeType, items};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-CMP-021",
    name: "databricks-vnet-matches-workspace",
    severity: Severity::Error,
    area: Area::Compute,
    periods: ALL,
    title: "Azure Databricks sits in a VNet of the workspace's subscription and region, beside secured storage",
    checks: "For every compute of `type: databricks`: its `region`/`subscription` and those of its \
VNet equal the workspace's; when a storage account of the workspace is secured and attached to \
VNets, the Databricks VNet is one of them; the Databricks VNet has the subnets \
`databricks-private`, `databricks-public` and `default`.",
    why: "Azure Machine Learning reaches an attached Databricks workspace through its virtual \
network, which must live in the workspace's subscription and region. Databricks does not use a \
private endpoint: it reads secured storage only from inside that storage's VNet, through its own \
two subnets plus the VNet's default subnet.",
    example: "workspace: {name: mlw-demo, subscription: sub-1, region: eastus}
vnets:
  - name: vnet-dbx
    address_space: [10.2.0.0/16]
    subnets:
      - {name: default, prefix: 10.2.0.0/24}
      - {name: databricks-public, prefix: 10.2.1.0/24}
      - {name: databricks-private, prefix: 10.2.2.0/24}
computes:
  - {name: dbx, type: databricks, subscription: sub-1, region: westus, vnet: vnet-dbx,
     subnet: databricks-private}
",
    fix: "workspace: {name: mlw-demo, subscription: sub-1, region: eastus}
vnets:
  - name: vnet-dbx
    address_space: [10.2.0.0/16]
    subnets:
      - {name: default, prefix: 10.2.0.0/24}
      - {name: databricks-public, prefix: 10.2.1.0/24}
      - {name: databricks-private, prefix: 10.2.2.0/24}
computes:
  - {name: dbx, type: databricks, subscription: sub-1, region: eastus, vnet: vnet-dbx,
     subnet: databricks-private}
",
    help: "deploy Databricks in a VNet of the workspace's subscription and region, with subnets `databricks-private`, `databricks-public` and `default`",
    quote: "The virtual network must be in the same subscription and region as the Azure Machine \
Learning workspace. / If the Azure Storage Account(s) for the workspace are also secured in a \
virtual network, they must be in the same virtual network as the Azure Databricks cluster. / In \
addition to the databricks-private and databricks-public subnets used by Azure Databricks, the \
default subnet created for the virtual network is also required. / Azure Databricks does not use \
a private endpoint to communicate with the virtual network.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Azure Databricks\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#azure-databricks",
    decision: Some(
        "The subnet names are checked as the article writes them: they are the names the \
Databricks VNet-injection template creates and the article relies on. \"In the same virtual \
network\" as secured storage means the Databricks VNet is one that holds a service-endpoint rule \
or a private endpoint of that account. Fields left out are not compared.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut checked = false;
    let ws = net.workspace();
    let ws_name = ws.map(|w| name(&w.name)).unwrap_or("?");
    let ws_region = ws.and_then(|w| w.region.as_ref()).map(|r| normalize_region(r));
    let ws_sub = ws.and_then(|w| w.subscription.as_ref()).map(|s| s.value.trim());
    for (ci, c) in net.computes_of(&[ComputeType::Databricks]) {
        let cname = name(&c.name);
        let vi = net.compute_vnet(ci);
        let v = vi.and_then(|i| net.vnet(i));
        // Region and subscription, of the compute and of its VNet.
        let fields = [
            (c.region.as_ref(), ws_region.as_deref(), Node::Compute(ci).field("region"), "region", true),
            (c.subscription.as_ref(), ws_sub, Node::Compute(ci).field("subscription"), "subscription", false),
            (
                v.and_then(|v| v.region.as_ref()),
                ws_region.as_deref(),
                Node::Vnet(vi.unwrap_or(0)).field("region"),
                "region",
                true,
            ),
            (
                v.and_then(|v| v.subscription.as_ref()),
                ws_sub,
                Node::Vnet(vi.unwrap_or(0)).field("subscription"),
                "subscription",
                false,
            ),
        ];
        for (i, (have, want, path, what, region)) in fields.into_iter().enumerate() {
            let (Some(have), Some(want)) = (have, want) else { continue };
            checked = true;
            let value = if region { normalize_region(have) } else { have.value.trim().to_string() };
            if value == want {
                continue;
            }
            let whose = if i < 2 {
                format!("Databricks workspace `{cname}`")
            } else {
                format!(
                    "vnet `{}` of Databricks workspace `{cname}`",
                    vi.map(|i| net.vnet_name(i)).unwrap_or("?")
                )
            };
            out.push(
                have.span.clone(),
                path,
                format!("{whose} is in {what} `{}`, workspace `{ws_name}` in `{want}`", have.value),
            )
            .help(format!("deploy Databricks, and its VNet, in {what} `{want}`"));
        }
        let Some(vi) = vi else { continue };
        // Same VNet as secured workspace storage.
        for (_, st) in net.workspace_storages() {
            if !st.secured() {
                continue;
            }
            let mut vnets: Vec<usize> = st
                .network
                .as_ref()
                .map(|n| net.vnet_rule_subnets(&n.vnet_rules).into_iter().map(|s| s.vnet).collect())
                .unwrap_or_default();
            vnets.extend(net.pe_vnets(&st.private_endpoints));
            if vnets.is_empty() {
                continue;
            }
            checked = true;
            if vnets.contains(&vi) {
                continue;
            }
            let (span, path) = placement(c, ci);
            out.push(
                span,
                path,
                format!(
                    "Databricks workspace `{cname}` is in vnet `{}`, but secured storage `{}` is attached to vnet `{}`",
                    net.vnet_name(vi),
                    name(&st.name),
                    net.vnet_name(vnets[0])
                ),
            )
            .help("deploy Databricks in the VNet of the workspace's secured storage");
        }
        // The three subnets.
        let Some(vnet) = net.vnet(vi) else { continue };
        if vnet.subnets.is_none() {
            continue;
        }
        checked = true;
        let missing: Vec<&str> = ["databricks-private", "databricks-public", "default"]
            .into_iter()
            .filter(|n| !items(&vnet.subnets).any(|s| s.name.as_ref().is_some_and(|x| x.value == *n)))
            .collect();
        if !missing.is_empty() {
            let (span, path) = match &vnet.subnets {
                Some(l) => (l.span.clone(), Node::Vnet(vi).field("subnets")),
                None => (vnet.span.clone(), Loc::from(Node::Vnet(vi))),
            };
            let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
            out.push(
                span,
                path,
                format!(
                    "vnet `{}` of Databricks workspace `{cname}` lacks the subnet(s) {list}",
                    net.vnet_name(vi)
                ),
            )
            .help(format!("add the subnet(s) {list} to the VNet"));
        }
    }
    if checked {
        Eval::Checked
    } else if net.computes_of(&[ComputeType::Databricks]).next().is_none() {
        Eval::NotEvaluated("the block has no Databricks compute")
    } else {
        Eval::NotEvaluated("the Databricks compute's region, subscription and VNet are not given")
    }
}
