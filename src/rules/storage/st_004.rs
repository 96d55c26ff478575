use super::{STORAGE_USERS, effective_vnet_rules, name};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-ST-004",
    name: "storage-trusted-services-do-not-admit-compute",
    severity: Severity::Error,
    area: Area::Storage,
    periods: &[Period::P2020, Period::P2021],
    title: "\"Trusted Microsoft services\" alone does not let compute reach a storage account",
    checks: "For every secured storage account the workspace uses that has `private_endpoints`: \
every compute instance, compute cluster and AKS cluster reaches it over the network, either \
because its VNet holds one of the account's private endpoints (or is peered with a VNet that \
does), or because its subnet is in the account's `network.vnet_rules` with the \
`Microsoft.Storage` service endpoint. `network.bypass: [AzureServices]` does not count.",
    why: "The trusted-services exception admits Azure services acting on their own behalf, such \
as the workspace; it never admits the virtual machines of a compute cluster or an AKS node pool. \
Compute in a network that has no path to the account's private endpoints is refused by the \
storage firewall and its jobs fail, however the exception is set.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  datastores:
    - {name: sales, kind: blob, storage: stsales, skip_validation: true}
vnets:
  - name: vnet-data
    address_space: [10.1.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.1.0.0/24}
  - name: vnet-training
    address_space: [10.2.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.2.1.0/24}
private_dns_zones:
  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-data, vnet-training]}
storage_accounts:
  - name: stmldemo
  - name: stsales
    network: {default_action: Deny, bypass: [AzureServices]}
    private_endpoints:
      - {name: pe-sales-blob, subresource: blob, vnet: vnet-data, subnet: snet-pe,
         dns_zone: privatelink.blob.core.windows.net}
computes:
  - {name: cpu-cluster, type: compute_cluster, vnet: vnet-training, subnet: snet-training, max_nodes: 4}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldemo
  datastores:
    - {name: sales, kind: blob, storage: stsales, skip_validation: true}
vnets:
  - name: vnet-data
    address_space: [10.1.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.1.0.0/24}
      - {name: snet-training, prefix: 10.1.1.0/24}
private_dns_zones:
  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-data]}
storage_accounts:
  - name: stmldemo
  - name: stsales
    network: {default_action: Deny, bypass: [AzureServices]}
    private_endpoints:
      - {name: pe-sales-blob, subresource: blob, vnet: vnet-data, subnet: snet-pe,
         dns_zone: privatelink.blob.core.windows.net}
computes:
  - {name: cpu-cluster, type: compute_cluster, vnet: vnet-data, subnet: snet-training, max_nodes: 4}
",
    help: "put the compute in the VNet of the account's private endpoints, or add a private endpoint of the account in the compute's VNet",
    quote: "Please note selecting checkbox for \"Allow trusted Microsoft services to access this account\" is not sufficient to allow communication from compute.",
    source: "Secure an Azure Machine Learning training environment with virtual networks (2020), \"Compute clusters & instances\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: Some(
        "A compute subnet missing from the `vnet_rules` of an account attached by service \
endpoints only is reported by AML-ST-003, and a secured account attached to nothing by \
AML-ST-001; this rule covers the remaining gap, accounts with private endpoints. We count a \
compute as reaching a private endpoint when the endpoint is in its VNet or in a peered VNet \
(network reachability); whether every resource must share one VNet is the business of \
AML-GEN-001.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let storages: Vec<_> = net
        .workspace_storages()
        .into_iter()
        .filter(|(_, s)| s.secured() && s.has_private_endpoints())
        .collect();
    if storages.is_empty() {
        return Eval::NotEvaluated("no secured storage account has a private endpoint");
    }
    let computes: Vec<_> = net
        .computes_of(STORAGE_USERS)
        .filter_map(|(ci, c)| net.compute_vnet(ci).map(|v| (ci, c, v, net.compute_subnet(ci))))
        .collect();
    if computes.is_empty() {
        return Eval::NotEvaluated(
            "no compute instance, compute cluster or AKS cluster sits in a declared VNet",
        );
    }
    let mut evaluated = false;
    for (_, s) in storages {
        let pe_vnets = net.pe_vnets(&s.private_endpoints);
        if pe_vnets.is_empty() {
            continue;
        }
        evaluated = true;
        let admitted = net.vnet_rule_subnets(effective_vnet_rules(s));
        let sname = name(&s.name);
        for (ci, c, v, sub) in &computes {
            let by_endpoint = pe_vnets.iter().any(|p| net.peered(*p, *v));
            let by_rule = sub.is_some_and(|x| {
                admitted.contains(&x)
                    && net.subnet(x).is_some_and(|s| s.has_service_endpoint("Microsoft.Storage"))
            });
            if by_endpoint || by_rule {
                continue;
            }
            let pe_names = pe_vnets.iter().map(|p| format!("`{}`", net.vnet_name(*p))).collect::<Vec<_>>();
            // A virtual-network rule for the subnet that cannot work without the endpoint.
            let rule_without_endpoint = sub.filter(|x| admitted.contains(x)).map(|x| {
                format!(
                    "; subnet `{}` is in its virtual-network rules but lacks the `Microsoft.Storage` service endpoint",
                    net.subnet_label(x)
                )
            });
            let (span, field) = match (&c.vnet, &c.subnet) {
                (Some(v), _) => (v.span.clone(), "vnet"),
                (None, Some(s)) => (s.span.clone(), "subnet"),
                (None, None) => (c.span.clone(), ""),
            };
            let path =
                if field.is_empty() { Node::Compute(*ci).into() } else { Node::Compute(*ci).field(field) };
            out.push(
                span,
                path,
                format!(
                    "compute `{}` in vnet `{}` cannot reach storage account `{sname}`: its private \
                     endpoints are in {} and trusted Microsoft services do not admit compute{}",
                    name(&c.name),
                    net.vnet_name(*v),
                    pe_names.join(", "),
                    rule_without_endpoint.unwrap_or_default()
                ),
            )
            .label("no private endpoint in reach and no service-endpoint rule")
            .help(match sub.filter(|x| admitted.contains(x)) {
                Some(x) => format!(
                    "add `Microsoft.Storage` to the `service_endpoints` of subnet `{}`",
                    net.subnet_label(x)
                ),
                None => format!(
                    "put `{}` in {}, or add a private endpoint of `{sname}` in `{}`",
                    name(&c.name),
                    pe_names.join(" or "),
                    net.vnet_name(*v)
                ),
            });
        }
    }
    if !evaluated {
        return Eval::NotEvaluated("the storage accounts' private endpoints are in no declared VNet");
    }
    Eval::Checked
}
