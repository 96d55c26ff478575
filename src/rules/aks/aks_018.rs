use super::common::{clusters, tag_region};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::{DnsMode, items};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-AKS-018",
    name: "private-aks-api-dns",
    severity: Severity::Note,
    area: Area::Aks,
    periods: ALL,
    title: "With custom DNS, the private AKS API server name must resolve",
    checks: "Advisory, for every private AKS cluster (`aks.private_cluster: true`) when `dns.mode` is \
`custom`: some `dns.custom_servers[]` entry has a conditional forwarder for the cluster's API \
zone (`<region>.azmk8s.io`, `privatelink.<region>.azmk8s.io` or `azmk8s.io`) or a host record \
in it, or a private DNS zone `privatelink.<region>.azmk8s.io` is declared. Otherwise a note on \
`dns.mode` names the zone to serve. Without a `dns.mode`, DNS servers on the cluster's VNet \
(`dns_servers` other than 168.63.129.16) also mean custom DNS.",
    why: "The API server of a private cluster is reached by the name \
`<cluster>.<id>.privatelink.<region>.azmk8s.io`, which only the private DNS zone AKS creates can \
answer. A custom DNS server that does not forward that zone to Azure DNS (168.63.129.16) answers \
with nothing, and whatever must talk to the cluster's API from the network (deployments, \
`kubectl`) cannot find it.",
    example: "vnets:
  - name: vnet-ml
    region: eastus
    address_space: [10.0.0.0/16]
    dns_servers: [10.0.0.4]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
      - {name: snet-dns, prefix: 10.0.0.0/28}
dns:
  mode: custom
  custom_servers:
    - {vnet: vnet-ml, ip: 10.0.0.4}
computes:
  - name: aks-private
    type: aks
    region: eastus
    vnet: vnet-ml
    subnet: snet-aks
    aks: {private_cluster: true, attach: true, network_plugin: azure, nodes: 3}
",
    fix: "vnets:
  - name: vnet-ml
    region: eastus
    address_space: [10.0.0.0/16]
    dns_servers: [10.0.0.4]
    subnets:
      - {name: snet-aks, prefix: 10.0.8.0/22}
      - {name: snet-dns, prefix: 10.0.0.0/28}
dns:
  mode: custom
  custom_servers:
    - vnet: vnet-ml
      ip: 10.0.0.4
      conditional_forwarders: [{zone: eastus.azmk8s.io, target: 168.63.129.16}]
computes:
  - name: aks-private
    type: aks
    region: eastus
    vnet: vnet-ml
    subnet: snet-aks
    aks: {private_cluster: true, attach: true, network_plugin: azure, nodes: 3}
",
    help: "forward `<region>.azmk8s.io` from the custom DNS server to Azure DNS (168.63.129.16), from a VNet linked to the cluster's private DNS zone",
    quote: "Azure Kubernetes Service - Kubernetes API (Microsoft.ContainerService/managedClusters) / \
management | privatelink.{region}.azmk8s.io | {region}.azmk8s.io",
    source: "Azure Private Endpoint DNS configuration, \"Azure services DNS zone configuration\"",
    source_url: "https://docs.microsoft.com/azure/private-link/private-endpoint-dns#azure-services-dns-zone-configuration",
    decision: Some(
        "Info only: the block cannot show the cluster's generated API name, so we look for the \
evidence a network engineer would: a forwarder or host record in an `azmk8s.io` zone of the \
cluster's region, or a declared `privatelink.<region>.azmk8s.io` zone. With Azure-provided DNS \
(the default) AKS links its own zone to the cluster's VNet, so nothing is shown. The region is \
the cluster's, else its VNet's, else the workspace's; without one any `azmk8s.io` zone counts.",
    ),
    removed: false,
    check,
};

/// Azure's recursive resolver, reachable from every VNet.
const AZURE_DNS: &str = "168.63.129.16";

/// Does `zone` (a forwarder zone or a record name) serve the API names of `region`?
fn serves(name: &str, region: Option<&str>) -> bool {
    let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    let Some(rest) = n.strip_suffix("azmk8s.io") else { return false };
    if rest.is_empty() {
        return true;
    }
    let Some(rest) = rest.strip_suffix('.') else { return false };
    match region {
        Some(r) => {
            let r = r.replace(' ', "").to_ascii_lowercase();
            rest == r || rest.ends_with(&format!(".{r}")) || rest == format!("privatelink.{r}")
        }
        None => true,
    }
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut any = false;
    let dns = net.topo().dns.as_ref();
    for c in clusters(net).filter(|c| c.private_cluster().is_some()) {
        any = true;
        // Where custom DNS is configured: `dns.mode`, else the cluster VNet's own servers.
        let custom = match dns.and_then(|d| d.mode.as_ref()) {
            Some(m) if m.value == DnsMode::Custom => Some((m.span.clone(), Node::Dns.field("mode"))),
            Some(_) => None,
            None => c.vnet(net).and_then(|vi| {
                let list = net.vnet(vi)?.dns_servers.as_ref()?;
                list.value
                    .iter()
                    .any(|s| s.value.trim() != AZURE_DNS)
                    .then(|| (list.span.clone(), Node::Vnet(vi).field("dns_servers")))
            }),
        };
        let Some((span, path)) = custom else { continue };
        let region = tag_region(net, &c);
        let servers = dns.map(|d| &d.custom_servers);
        let forwarded = servers.is_some_and(|l| {
            items(l).any(|s| {
                items(&s.conditional_forwarders)
                    .any(|f| f.zone.as_ref().is_some_and(|z| serves(&z.value, region)))
                    || items(&s.host_records)
                        .any(|h| h.fqdn.as_ref().is_some_and(|f| serves(&f.value, region)))
            })
        });
        let zone = items(&net.topo().private_dns_zones).any(|z| {
            z.name.as_ref().is_some_and(|n| n.value.starts_with("privatelink.") && serves(&n.value, region))
        });
        if forwarded || zone {
            continue;
        }
        let r = region.unwrap_or("<region>");
        out.push(
            span,
            path,
            format!(
                "private AKS cluster `{}`: the custom DNS must resolve its API server in `privatelink.{r}.azmk8s.io`; forward `{r}.azmk8s.io` to Azure DNS ({AZURE_DNS})",
                c.name()
            ),
        );
    }
    if !any {
        return Eval::NotEvaluated("the block has no private AKS cluster");
    }
    Eval::Checked
}

#[cfg(test)]
mod tests {
    use super::serves;

    #[test]
    fn zones_that_serve_the_api_name() {
        assert!(serves("eastus.azmk8s.io", Some("eastus")));
        assert!(serves("privatelink.eastus.azmk8s.io", Some("East US")));
        assert!(serves("azmk8s.io", Some("eastus")));
        assert!(serves("aks-1234.privatelink.eastus.azmk8s.io", Some("eastus")));
        assert!(!serves("westus.azmk8s.io", Some("eastus")));
        assert!(!serves("notazmk8s.io", None));
        assert!(serves("westus.azmk8s.io", None));
    }
}
