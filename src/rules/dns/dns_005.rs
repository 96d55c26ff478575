use super::{host_records, is_workspace_address, mode, record_ip, records_anchor, workspace_pe_addresses};
use crate::diag::Severity;
use crate::rules::general::nm;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::{ComputeType, DnsMode, items};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-DNS-005",
    name: "compute-instance-record-on-workspace-endpoint",
    severity: Severity::Error,
    area: Area::Dns,
    periods: ALL,
    title: "Each compute instance has a host record on the workspace endpoint's address",
    checks: "When the workspace has a private endpoint and names are resolved by a custom DNS \
server or a hosts file (`dns.mode: custom` or `hosts_file`, with records under \
`dns.custom_servers[].host_records`): every compute instance has a record \
`<instance-name>.<region>.instances.azureml.ms` (the instance's `region`, else the workspace's), \
and its address is the address of the `*.api.azureml.ms` record, or at least an address of the \
workspace private endpoint, never the instance's own subnet.",
    why: "The studio opens Jupyter, JupyterLab and RStudio on a compute instance through this \
name. With a private workspace the name must lead to the workspace's private endpoint, which \
relays to the instance; without the record, or with the instance's own IP, the instance's \
applications do not open.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
      - {name: snet-training, prefix: 10.0.1.0/24}
workspace:
  name: mlw-demo
  region: eastus
  private_endpoints:
    - {name: pe-mlw, subnet: snet-pe, ip: 10.0.0.5}
computes:
  - {name: ci-alice, type: compute_instance, subnet: snet-training}
dns:
  mode: hosts_file
  custom_servers:
    - host_records:
        - {fqdn: ci-alice.eastus.instances.azureml.ms, ip: 10.0.1.4}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
      - {name: snet-training, prefix: 10.0.1.0/24}
workspace:
  name: mlw-demo
  region: eastus
  private_endpoints:
    - {name: pe-mlw, subnet: snet-pe, ip: 10.0.0.5}
computes:
  - {name: ci-alice, type: compute_instance, subnet: snet-training}
dns:
  mode: hosts_file
  custom_servers:
    - host_records:
        - {fqdn: ci-alice.eastus.instances.azureml.ms, ip: 10.0.0.5}
",
    help: "add `<instance-name>.<region>.instances.azureml.ms` with the workspace private endpoint's address",
    quote: "If you create a compute instance, you must also add an entry for <instance-name>.<region>.instances.azureml.ms with private IP of workspace private endpoint. Please note compute instance can be accessed only from within the virtual network.",
    source: "How to use your workspace with a custom DNS server (10/05/2020), \"Find the IP addresses\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-custom-dns#find-the-ip-addresses",
    decision: Some(
        "A hosts file has no server; its entries are written under a `dns.custom_servers` entry \
without `ip`, as the model allows. \"Private IP of workspace private endpoint\" is read with the \
same article's instruction that these names use the address of the `*.api.azureml.ms` entries: \
when that record exists the addresses must be equal, otherwise any address of the endpoint (its \
`ip`, else its subnet) is accepted.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace().filter(|_| net.workspace_has_pe()) else {
        return Eval::NotEvaluated("the workspace has no private endpoint");
    };
    if !matches!(mode(net), DnsMode::Custom | DnsMode::HostsFile) {
        return Eval::NotEvaluated("names are resolved by Azure DNS (private DNS zones)");
    }
    let instances: Vec<_> = net.computes_of(&[ComputeType::ComputeInstance]).collect();
    if instances.is_empty() {
        return Eval::NotEvaluated("the block has no compute instance");
    }
    let Some((anchor, anchor_path)) = records_anchor(net)
        .filter(|_| net.topo().dns.as_ref().is_some_and(|d| items(&d.custom_servers).len() > 0))
    else {
        return Eval::NotEvaluated("the block declares no custom DNS server or hosts file entries");
    };
    let pe_addrs = workspace_pe_addresses(net);
    let api_ip = host_records(net).find_map(|(_, _, r)| {
        let f = r.fqdn.as_ref()?;
        let lower = f.value.trim().trim_end_matches('.').to_ascii_lowercase();
        (lower.ends_with(".api.azureml.ms") && lower.contains(".workspace.") && !lower.starts_with("cert-"))
            .then(|| record_ip(r))
            .flatten()
    });
    for (i, c) in instances {
        let cname = nm(&c.name);
        let region = c.region.as_ref().or(ws.region.as_ref()).map(|r| r.value.as_str());
        let hit = host_records(net).find(|(_, _, r)| {
            r.fqdn.as_ref().is_some_and(|f| {
                let labels: Vec<&str> = f.value.trim().trim_end_matches('.').split('.').collect();
                labels.len() == 5
                    && labels[0].eq_ignore_ascii_case(cname)
                    && region.is_none_or(|r| labels[1].eq_ignore_ascii_case(r))
                    && labels[2..]
                        .iter()
                        .zip(["instances", "azureml", "ms"])
                        .all(|(a, b)| a.eq_ignore_ascii_case(b))
            })
        });
        let shown = format!("{cname}.{}.instances.azureml.ms", region.unwrap_or("<region>"));
        let Some((si, ri, r)) = hit else {
            out.push(
                anchor.clone(),
                anchor_path.clone(),
                format!(
                    "no host record for `{shown}`: the applications of compute instance `{cname}` do not open"
                ),
            )
            .help(format!("add a host record for `{shown}` with the workspace private endpoint's address"));
            continue;
        };
        let (Some(ip), Some(ip_text)) = (record_ip(r), r.ip.as_ref()) else { continue };
        let own_subnet =
            net.compute_subnet(i).and_then(|s| net.subnet_prefix(s)).is_some_and(|p| p.contains(&ip));
        let wrong = match api_ip {
            Some(api) => api != ip,
            None => own_subnet || is_workspace_address(&pe_addrs, &ip) == Some(false),
        };
        if !wrong {
            continue;
        }
        let why = if own_subnet {
            "an address of the instance's own subnet".to_string()
        } else {
            match api_ip {
                Some(api) => format!("not `{}`, the address of the `*.api.azureml.ms` record", api.addr()),
                None => "not an address of the workspace private endpoint".to_string(),
            }
        };
        out.push(
            ip_text.span.clone(),
            Node::DnsServer(si).field("host_records").index(ri).field("ip"),
            format!(
                "host record `{shown}` of compute instance `{cname}` resolves to `{}`, {why}",
                ip_text.value
            ),
        )
        .help("use the address of the workspace private endpoint (the `*.api.azureml.ms` record's)")
        .label("must be the workspace private endpoint's address");
    }
    Eval::Checked
}
