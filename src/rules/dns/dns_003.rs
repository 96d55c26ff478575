use ipnet::IpNet;

use super::{host_records, is_workspace_address, mode, record_ip, records_anchor, workspace_pe_addresses};
use crate::diag::Severity;
use crate::rules::general::nm;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::{DnsMode, HostRecord, items};
use crate::topology::node::Node;
use crate::topology::yaml::Sp;

pub static RULE: Rule = Rule {
    id: "AML-DNS-003",
    name: "custom-dns-workspace-host-records",
    severity: Severity::Error,
    area: Area::Dns,
    periods: &[Period::P2020],
    title: "Custom DNS (2020): host records for every workspace name, on the endpoint's addresses",
    checks: "When `dns.mode: custom` and the workspace has a private endpoint, the host records of \
the custom DNS servers (`dns.custom_servers[].host_records`) contain one record for each name of \
the 2020 list (any workspace ID, the region of `workspace.region` when stated):\n\n\
- `<workspace-GUID>.workspace.<region>.api.azureml.ms`\n\
- `<workspace-GUID>.studio.workspace.<region>.api.azureml.ms`\n\
- `cert-<workspace-GUID>.workspace.<region>.api.azureml.ms`\n\
- `<workspace-GUID>.workspace.<region>.experiments.azureml.net`\n\
- `<workspace-GUID>.workspace.<region>.modelmanagement.azureml.net`\n\
- `<workspace-GUID>.workspace.<region>.aether.ms`\n\
- `ml-<workspace-name>-<region>-<workspace-GUID>.notebooks.azure.net`\n\n\
and the addresses are right: the API and notebook records point into a workspace private \
endpoint (its `ip`, else its subnet), and the studio, cert, experiments, model management and \
aether records use the same address as the `api.azureml.ms` record.",
    why: "A custom DNS server does not see the private DNS zones Azure fills for the endpoint. \
Every workspace name must be entered by hand, including the three that the endpoint does not \
list; a missing name or a wrong address sends that part of the service (experiments, model \
management, pipelines, notebooks) to the public endpoint, which a private workspace refuses.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
workspace:
  name: mlw-demo
  region: eastus
  private_endpoints:
    - {name: pe-mlw, subnet: snet-pe}
dns:
  mode: custom
  custom_servers:
    - ip: 192.168.1.4
      host_records:
        - {fqdn: <ws-guid>.workspace.eastus.api.azureml.ms, ip: 10.0.0.5}
        - {fqdn: <ws-guid>.studio.workspace.eastus.api.azureml.ms, ip: 10.0.0.5}
        - {fqdn: cert-<ws-guid>.workspace.eastus.api.azureml.ms, ip: 10.0.0.5}
        - {fqdn: <ws-guid>.workspace.eastus.modelmanagement.azureml.net, ip: 10.0.0.5}
        - {fqdn: <ws-guid>.workspace.eastus.aether.ms, ip: 10.0.0.5}
        - {fqdn: ml-mlw-demo-eastus-<ws-guid>.notebooks.azure.net, ip: 10.0.0.6}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
workspace:
  name: mlw-demo
  region: eastus
  private_endpoints:
    - {name: pe-mlw, subnet: snet-pe}
dns:
  mode: custom
  custom_servers:
    - ip: 192.168.1.4
      host_records:
        - {fqdn: <ws-guid>.workspace.eastus.api.azureml.ms, ip: 10.0.0.5}
        - {fqdn: <ws-guid>.studio.workspace.eastus.api.azureml.ms, ip: 10.0.0.5}
        - {fqdn: cert-<ws-guid>.workspace.eastus.api.azureml.ms, ip: 10.0.0.5}
        - {fqdn: <ws-guid>.workspace.eastus.experiments.azureml.net, ip: 10.0.0.5}
        - {fqdn: <ws-guid>.workspace.eastus.modelmanagement.azureml.net, ip: 10.0.0.5}
        - {fqdn: <ws-guid>.workspace.eastus.aether.ms, ip: 10.0.0.5}
        - {fqdn: ml-mlw-demo-eastus-<ws-guid>.notebooks.azure.net, ip: 10.0.0.6}
",
    help: "add a host record for each workspace name, on the address of the `*.api.azureml.ms` record",
    quote: "when using your own custom DNS server, you must manually create DNS entries for the workspace. Some FQDNs are not shown in listed by the private endpoint, but are required by the workspace. These FQDNs are listed in the following table, and must also be added to your DNS server: <workspace-GUID>.workspace.<region>.experiments.azureml.net; <workspace-GUID>.workspace.<region>.modelmanagement.azureml.net; <workspace-GUID>.workspace.<region>.aether.ms ... For all of these IP address, use the same address as the *.api.azureml.ms entries returned from the previous steps.",
    source: "How to use your workspace with a custom DNS server (10/05/2020), \"Find the IP addresses\"; Virtual network isolation and privacy overview (10/06/2020), \"Custom DNS\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-custom-dns#find-the-ip-addresses",
    decision: Some(
        "The seed article says a custom DNS solution \"must add host records for your \
workspace\", so for profile `2020-10` host records are required; conditional forwarding to \
Azure DNS (the 2021 method, AML-DNS-004) does not replace them. The 2020 list spells the \
notebook name `...notebooks.azure.ml` while its own example uses `...notebooks.azure.net`, the \
real domain (the private zone is `privatelink.notebooks.azure.net`): we require `.net`. The \
workspace GUID is not in the model, so any ID (or a placeholder) is accepted. The notebook \
record gets its own address of the endpoint (the 2020 example shows a second one), so only its \
membership of the endpoint is checked.",
    ),
    removed: false,
    check,
};

/// The names of the 2020 list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Name {
    Api,
    Studio,
    Cert,
    Experiments,
    ModelManagement,
    Aether,
    Notebooks,
}

const NAMES: [Name; 7] = [
    Name::Api,
    Name::Studio,
    Name::Cert,
    Name::Experiments,
    Name::ModelManagement,
    Name::Aether,
    Name::Notebooks,
];

impl Name {
    /// The form of the name, with the region filled in when known.
    fn form(self, region: &str, ws: &str) -> String {
        match self {
            Name::Api => format!("<workspace-GUID>.workspace.{region}.api.azureml.ms"),
            Name::Studio => format!("<workspace-GUID>.studio.workspace.{region}.api.azureml.ms"),
            Name::Cert => format!("cert-<workspace-GUID>.workspace.{region}.api.azureml.ms"),
            Name::Experiments => format!("<workspace-GUID>.workspace.{region}.experiments.azureml.net"),
            Name::ModelManagement => {
                format!("<workspace-GUID>.workspace.{region}.modelmanagement.azureml.net")
            }
            Name::Aether => format!("<workspace-GUID>.workspace.{region}.aether.ms"),
            Name::Notebooks => format!("ml-{ws}-{region}-<workspace-GUID>.notebooks.azure.net"),
        }
    }

    /// Does `fqdn` have this form? `region` is `None` when the workspace's region is unknown.
    fn matches(self, fqdn: &str, region: Option<&str>) -> bool {
        let f = fqdn.trim().trim_end_matches('.');
        let labels: Vec<&str> = f.split('.').collect();
        let eq = |i: usize, s: &str| labels.get(i).is_some_and(|l| l.eq_ignore_ascii_case(s));
        let region_at =
            |i: usize| labels.get(i).is_some_and(|l| region.is_none_or(|r| l.eq_ignore_ascii_case(r)));
        let tail = |from: usize, parts: &[&str]| {
            labels.len() == from + parts.len() && parts.iter().enumerate().all(|(k, p)| eq(from + k, p))
        };
        let cert = labels
            .first()
            .is_some_and(|l| l.len() > 5 && l.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("cert-")));
        match self {
            Name::Api => !cert && eq(1, "workspace") && region_at(2) && tail(3, &["api", "azureml", "ms"]),
            Name::Cert => cert && eq(1, "workspace") && region_at(2) && tail(3, &["api", "azureml", "ms"]),
            Name::Studio => {
                eq(1, "studio") && eq(2, "workspace") && region_at(3) && tail(4, &["api", "azureml", "ms"])
            }
            Name::Experiments => {
                eq(1, "workspace") && region_at(2) && tail(3, &["experiments", "azureml", "net"])
            }
            Name::ModelManagement => {
                eq(1, "workspace") && region_at(2) && tail(3, &["modelmanagement", "azureml", "net"])
            }
            Name::Aether => eq(1, "workspace") && region_at(2) && tail(3, &["aether", "ms"]),
            Name::Notebooks => {
                let first = labels.first().map(|l| l.to_ascii_lowercase()).unwrap_or_default();
                first.starts_with("ml-")
                    && region.is_none_or(|r| first.contains(&format!("-{}-", r.to_ascii_lowercase())))
                    && tail(1, &["notebooks", "azure", "net"])
            }
        }
    }
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(ws) = net.workspace().filter(|_| net.workspace_has_pe()) else {
        return Eval::NotEvaluated("the workspace has no private endpoint");
    };
    if mode(net) != DnsMode::Custom {
        return Eval::NotEvaluated("`dns.mode` is not `custom`");
    }
    let servers = net.topo().dns.as_ref().map(|d| &d.custom_servers);
    if servers.is_none_or(|s| items(s).len() == 0) {
        return Eval::NotEvaluated("the block declares no custom DNS server");
    }
    let region = ws.region.as_ref().map(|r| r.value.as_str());
    let records: Vec<(usize, usize, &Sp<HostRecord>)> = host_records(net).collect();
    let find = |name: Name| {
        records.iter().find(|(_, _, r)| r.fqdn.as_ref().is_some_and(|f| name.matches(&f.value, region)))
    };
    let found: Vec<Option<&(usize, usize, &Sp<HostRecord>)>> = NAMES.iter().map(|n| find(*n)).collect();
    let wname = nm(&ws.name);
    let shown_region = region.unwrap_or("<region>");
    let (anchor, anchor_path) = records_anchor(net).unwrap_or((ws.span.clone(), Node::Workspace.into()));
    if found.iter().all(Option::is_none) {
        out.push(
            anchor,
            anchor_path,
            format!("custom DNS has no host records for workspace `{wname}`: all 7 of its names resolve to public addresses"),
        )
        .help(format!("add host records for `{}` and the other workspace names", Name::Api.form(shown_region, wname)));
        return Eval::Checked;
    }
    for (name, hit) in NAMES.iter().zip(&found) {
        if hit.is_none() {
            let form = name.form(shown_region, wname);
            out.push(
                anchor.clone(),
                anchor_path.clone(),
                format!("custom DNS has no host record for `{form}`"),
            )
            .help(format!("add a host record for `{form}` on the workspace private endpoint's address"));
        }
    }
    let pe_addrs = workspace_pe_addresses(net);
    let api_ip: Option<IpNet> = found[0].and_then(|(_, _, r)| record_ip(r));
    for (name, hit) in NAMES.iter().zip(&found) {
        let Some((si, ri, r)) = hit else { continue };
        let (Some(ip), Some(ip_text), Some(fqdn)) = (record_ip(r), r.ip.as_ref(), r.fqdn.as_ref()) else {
            continue;
        };
        let path = Node::DnsServer(*si).field("host_records").index(*ri).field("ip");
        match name {
            Name::Api | Name::Notebooks => {
                if is_workspace_address(&pe_addrs, &ip) == Some(false) {
                    out.push(
                        ip_text.span.clone(),
                        path,
                        format!(
                            "host record `{}` resolves to `{}`, which is not an address of the workspace private endpoint",
                            fqdn.value, ip_text.value
                        ),
                    )
                    .help("use the private IP that the workspace private endpoint shows for this name");
                }
            }
            _ => {
                if let Some(api) = api_ip.filter(|a| *a != ip) {
                    out.push(
                        ip_text.span.clone(),
                        path,
                        format!(
                            "host record `{}` resolves to `{}`, but the `*.api.azureml.ms` record resolves to `{}`",
                            fqdn.value,
                            ip_text.value,
                            api.addr()
                        ),
                    )
                    .help(format!("use `{}`, the address of the `*.api.azureml.ms` record", api.addr()));
                }
            }
        }
    }
    Eval::Checked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_forms() {
        let r = Some("eastus");
        let g = "fb7e20a0-8891-458b-b969-55ddb3382f51";
        assert!(Name::Api.matches(&format!("{g}.workspace.eastus.api.azureml.ms"), r));
        assert!(!Name::Api.matches(&format!("cert-{g}.workspace.eastus.api.azureml.ms"), r));
        assert!(Name::Cert.matches(&format!("cert-{g}.workspace.eastus.api.azureml.ms"), r));
        assert!(Name::Studio.matches(&format!("{g}.studio.workspace.eastus.api.azureml.ms"), r));
        assert!(!Name::Api.matches(&format!("{g}.workspace.westus.api.azureml.ms"), r));
        assert!(Name::Api.matches(&format!("{g}.workspace.westus.api.azureml.ms"), None));
        assert!(Name::Aether.matches(&format!("{g}.Workspace.EastUS.aether.ms."), r));
        assert!(Name::Notebooks.matches(&format!("ml-myworkspace-eastus-{g}.notebooks.azure.net"), r));
        assert!(!Name::Notebooks.matches(&format!("ml-myworkspace-eastus-{g}.notebooks.azure.ml"), r));
        assert!(!Name::Experiments.matches("workspace.eastus.experiments.azureml.net", r));
    }
}
