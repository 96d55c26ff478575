use super::shared::{from_label, list, sources};
use crate::diag::Severity;
use crate::rules::compute::shared::name;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::model::{Cloud, Feature, items};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-FW-004",
    name: "firewall-application-rules-for-package-hosts",
    severity: Severity::Error,
    area: Area::Firewall,
    periods: BEFORE_CURRENT,
    title: "Firewall application rules let compute reach `graph.windows.net` and the Anaconda hosts over HTTP and HTTPS",
    checks: "For a `firewall` of any kind: its `application_rules` allow `graph.windows.net` (Azure \
China: `graph.chinacloudapi.cn`), `anaconda.com`, `*.anaconda.com` and `*.anaconda.org`, plus \
`cloud.r-project.org` when `workspace.features` has `r`, each over both `Http:80` and \
`Https:443`, for every compute subnet routed through the firewall (any source when none is). \
The Python package index hosts are out of scope in this version.",
    why: "Compute instances and clusters call the Graph endpoint, and every environment build \
installs its default packages from the Anaconda channels (and CRAN for R). A firewall that does \
not let these hosts out makes environment builds and runs fail.",
    example: "firewall:
  kind: azure_firewall
  private_ip: 10.1.4.4
  network_rules:
    - {name: aml, protocols: [TCP], sources: [10.0.0.0/16], ports: ['*'],
       destinations: [AzureActiveDirectory, AzureMachineLearning, AzureResourceManager,
                      Storage.eastus, KeyVault.eastus, ContainerRegistry.eastus]}
  application_rules:
    - {name: packages, sources: [10.0.0.0/16], protocols: ['Http:80', 'Https:443'],
       fqdns: [anaconda.com, '*.anaconda.com', '*.anaconda.org']}
",
    fix: "firewall:
  kind: azure_firewall
  private_ip: 10.1.4.4
  network_rules:
    - {name: aml, protocols: [TCP], sources: [10.0.0.0/16], ports: ['*'],
       destinations: [AzureActiveDirectory, AzureMachineLearning, AzureResourceManager,
                      Storage.eastus, KeyVault.eastus, ContainerRegistry.eastus]}
  application_rules:
    - {name: packages, sources: [10.0.0.0/16], protocols: ['Http:80', 'Https:443'],
       fqdns: [graph.windows.net, anaconda.com, '*.anaconda.com', '*.anaconda.org']}
",
    help: "add an application rule with `protocols: ['Http:80', 'Https:443']` for the missing host names",
    quote: "graph.windows.net | Used by Azure Machine Learning compute instance/cluster. / \
anaconda.com, *.anaconda.com | Used to install default packages. / *.anaconda.org | Used to get \
repo data. / cloud.r-project.org | Used when installing CRAN packages for R development. / For \
Protocol:Port, select use http, https.",
    source: "Use workspace behind a Firewall for Azure Machine Learning (11/18/2020), \
\"Microsoft hosts\" and \"Python hosts\" / \"R hosts\" application rules",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall#application-rules",
    decision: Some(
        "Version 1 checks only the hosts the catalog's scope note keeps: `graph.windows.net`, \
the Anaconda hosts and, for R, `cloud.r-project.org`; the Python package index hosts are left \
out on purpose, and the framework hosts depend on frameworks the model does not record. The \
article asks for both HTTP and HTTPS, so a rule with only one is reported at its `protocols`. \
Host-based (`kind: other`) firewalls are checked too: the host list is the same. The graph host \
follows `meta.cloud` (Azure China has its own); AML-FW-005 does not repeat it.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(fw) = net.firewall() else { return Eval::NotEvaluated("the block has no firewall") };
    let graph = match net.cloud() {
        Cloud::AzureChinaCloud => "graph.chinacloudapi.cn",
        _ => "graph.windows.net",
    };
    let mut hosts = vec![graph, "anaconda.com", "*.anaconda.com", "*.anaconda.org"];
    if net.has_feature(Feature::R) {
        hosts.push("cloud.r-project.org");
    }
    // Rules that allow some hosts over one protocol only: (rule, protocol, hosts).
    let mut partial: Vec<(usize, &str, Vec<String>)> = Vec::new();
    for src in sources(net) {
        let mut missing: Vec<String> = Vec::new();
        let http = fw.app_coverage(src.prefix, &hosts, ("Http", 80));
        let https = fw.app_coverage(src.prefix, &hosts, ("Https", 443));
        for (host, (http, https)) in hosts.iter().zip(http.into_iter().zip(https)) {
            let (ri, only) = match (http, https) {
                (Some(_), Some(_)) => continue,
                (None, None) => {
                    missing.push(host.to_string());
                    continue;
                }
                (Some(ri), None) => (ri, "HTTP"),
                (None, Some(ri)) => (ri, "HTTPS"),
            };
            match partial.iter_mut().find(|(i, o, _)| *i == ri && *o == only) {
                Some((_, _, hs)) if !hs.contains(&host.to_string()) => hs.push(host.to_string()),
                Some(_) => {}
                None => partial.push((ri, only, vec![host.to_string()])),
            }
        }
        if missing.is_empty() {
            continue;
        }
        let (span, path) = match &fw.application_rules {
            Some(l) => (l.span.clone(), Node::Firewall.field("application_rules")),
            None => (fw.span.clone(), Loc::from(Node::Firewall)),
        };
        out.push(
            span,
            path,
            format!("the firewall does not let out {}{}", list(&missing), from_label(net, src)),
        )
        .label("environment builds and runs fail")
        .help(format!(
            "add an application rule with `protocols: ['Http:80', 'Https:443']` and `fqdns` {}",
            list(&missing)
        ));
    }
    for (ri, only, hosts) in partial {
        let rule = items(&fw.application_rules).nth(ri);
        let (span, path) = match rule.and_then(|r| r.protocols.as_ref()) {
            Some(p) => (p.span.clone(), Node::FirewallAppRule(ri).field("protocols")),
            None => (fw.span.clone(), Loc::from(Node::FirewallAppRule(ri))),
        };
        out.push(
            span,
            path,
            format!(
                "application rule `{}` allows {} over {only} only; the firewall article asks for HTTP and HTTPS",
                rule.map(|r| name(&r.name)).unwrap_or("?"),
                list(&hosts)
            ),
        )
        .help("set `protocols: ['Http:80', 'Https:443']` on this rule");
    }
    Eval::Checked
}
