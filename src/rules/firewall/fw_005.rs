use super::shared::{from_label, sources};
use crate::diag::Severity;
use crate::rules::compute::shared::TRAINING;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::model::{Cloud, Feature, FirewallKind};
use crate::topology::node::{Loc, Node};

/// When a row of the host table applies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum When {
    Always,
    Feature(Feature),
    TrainingCompute,
}

/// (what it is for, host, when) for one cloud.
type Hosts = &'static [(&'static str, &'static str, When)];

const PUBLIC: Hosts = &[
    ("Azure Active Directory", "login.microsoftonline.com", When::Always),
    ("Azure Resource Manager", "management.azure.com", When::Always),
    ("API", "*.azureml.ms", When::Always),
    ("experimentation, history, hyperdrive, labeling", "*.experiments.azureml.net", When::Always),
    ("model management", "*.modelmanagement.azureml.net", When::Always),
    ("pipelines", "*.aether.ms", When::Always),
    ("storage", "*.blob.core.windows.net", When::Always),
    ("storage", "*.file.core.windows.net", When::Always),
    ("storage", "*.queue.core.windows.net", When::Always),
    ("storage", "*.table.core.windows.net", When::Always),
    ("key vault", "*.vault.azure.net", When::Always),
    ("container registry", "*.azurecr.io", When::Always),
    ("Microsoft Container Registry", "mcr.microsoft.com", When::Always),
    ("studio", "ml.azure.com", When::Feature(Feature::Studio)),
    ("designer", "*.studioservice.azureml.com", When::Feature(Feature::Designer)),
    ("integrated notebooks", "*.notebooks.azure.net", When::Feature(Feature::Notebooks)),
    ("integrated notebooks", "*.dfs.core.windows.net", When::Feature(Feature::Notebooks)),
    ("integrated notebooks", "graph.microsoft.com", When::Feature(Feature::Notebooks)),
    ("integrated notebooks", "*.aznbcontent.net", When::Feature(Feature::Notebooks)),
    ("compute cluster/instance", "*.batchai.core.windows.net", When::TrainingCompute),
];

const GOVERNMENT: Hosts = &[
    ("Azure Active Directory", "login.microsoftonline.us", When::Always),
    ("Azure Resource Manager", "management.usgovcloudapi.net", When::Always),
    ("API, experimentation, model management, pipelines", "*.ml.azure.us", When::Always),
    ("storage", "*.blob.core.usgovcloudapi.net", When::Always),
    ("storage", "*.file.core.usgovcloudapi.net", When::Always),
    ("storage", "*.queue.core.usgovcloudapi.net", When::Always),
    ("storage", "*.table.core.usgovcloudapi.net", When::Always),
    ("key vault", "*.vault.usgovcloudapi.net", When::Always),
    ("container registry", "*.azurecr.us", When::Always),
    ("Microsoft Container Registry", "mcr.microsoft.com", When::Always),
    ("Azure portal", "management.azure.us", When::Feature(Feature::Studio)),
    ("studio", "ml.azure.us", When::Feature(Feature::Studio)),
    ("integrated notebooks", "*.notebooks.usgovcloudapi.net", When::Feature(Feature::Notebooks)),
    ("integrated notebooks", "*.dfs.core.usgovcloudapi.net", When::Feature(Feature::Notebooks)),
    ("integrated notebooks", "graph.microsoft.us", When::Feature(Feature::Notebooks)),
    ("compute cluster/instance", "*.batchai.core.usgovcloudapi.net", When::TrainingCompute),
];

const CHINA: Hosts = &[
    ("Azure Active Directory", "login.chinacloudapi.cn", When::Always),
    ("Azure Resource Manager", "management.chinacloudapi.cn", When::Always),
    ("API, experimentation, model management, pipelines", "*.ml.azure.cn", When::Always),
    ("storage", "*.blob.core.chinacloudapi.cn", When::Always),
    ("storage", "*.file.core.chinacloudapi.cn", When::Always),
    ("storage", "*.queue.core.chinacloudapi.cn", When::Always),
    ("storage", "*.table.core.chinacloudapi.cn", When::Always),
    ("key vault", "*.vault.azure.cn", When::Always),
    ("container registry", "*.azurecr.cn", When::Always),
    ("Microsoft Container Registry", "mcr.microsoft.com", When::Always),
    ("Azure portal", "management.azure.cn", When::Feature(Feature::Studio)),
    ("studio", "studio.ml.azure.cn", When::Feature(Feature::Studio)),
    ("integrated notebooks", "*.notebooks.chinacloudapi.cn", When::Feature(Feature::Notebooks)),
    ("integrated notebooks", "*.dfs.core.chinacloudapi.cn", When::Feature(Feature::Notebooks)),
    ("compute cluster/instance", "*.batchai.ml.azure.cn", When::TrainingCompute),
];

pub static RULE: Rule = Rule {
    id: "AML-FW-005",
    name: "other-firewall-allows-microsoft-hosts",
    severity: Severity::Error,
    area: Area::Firewall,
    periods: &[Period::P2020],
    title: "A host-based firewall lets out the Microsoft host names of the workspace's cloud",
    checks: "For a `firewall` of `kind: other`: its `application_rules` allow over `Https:443` \
the Microsoft host names of `meta.cloud` that the workspace needs: sign-in, Resource Manager, \
the Azure Machine Learning API, experimentation, model management and pipeline hosts, storage \
(blob, file, queue, table), key vault, container registry and `mcr.microsoft.com` always; the \
studio and portal hosts when `workspace.features` has `studio`, the designer host with \
`designer`, the integrated-notebook hosts with `notebooks`, the Batch AI host when the block has \
a compute instance or cluster.",
    why: "A firewall that filters by host name must list every Microsoft endpoint the workspace \
talks to. One missing host breaks sign-in, run history, model registration, pipelines or data \
access, often with an unhelpful timeout.",
    example: "firewall:
  kind: other
  private_ip: 10.1.4.4
  application_rules:
    - name: microsoft
      sources: [10.0.0.0/16]
      protocols: ['Http:80', 'Https:443']
      fqdns: [login.microsoftonline.com, management.azure.com, '*.azureml.ms',
              '*.experiments.azureml.net', '*.modelmanagement.azureml.net',
              '*.core.windows.net', '*.vault.azure.net', '*.azurecr.io', mcr.microsoft.com,
              graph.windows.net, anaconda.com, '*.anaconda.com', '*.anaconda.org']
",
    fix: "firewall:
  kind: other
  private_ip: 10.1.4.4
  application_rules:
    - name: microsoft
      sources: [10.0.0.0/16]
      protocols: ['Http:80', 'Https:443']
      fqdns: [login.microsoftonline.com, management.azure.com, '*.azureml.ms',
              '*.experiments.azureml.net', '*.modelmanagement.azureml.net', '*.aether.ms',
              '*.core.windows.net', '*.vault.azure.net', '*.azurecr.io', mcr.microsoft.com,
              graph.windows.net, anaconda.com, '*.anaconda.com', '*.anaconda.org']
",
    help: "add the missing host names to an application rule of the firewall (`Https:443`)",
    quote: "If not configured correctly, the firewall can cause problems using your workspace. \
There are a variety of host names that are used both by the Azure Machine Learning workspace.",
    source: "Use workspace behind a Firewall for Azure Machine Learning (11/18/2020), \"Other \
firewalls\" and \"Microsoft hosts\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall#microsoft-hosts",
    decision: Some(
        "Rows of the article's host table that serve one feature are required only when the \
workspace declares it (`studio`, `designer`, `notebooks`) or, for Batch AI, when the block has \
training compute; the rest always. The storage row (`core.windows.net`) is read as the blob, \
file, queue and table endpoints compute uses; `*.core.windows.net` covers them all. \
`graph.windows.net` is checked by AML-FW-004 and the compute-instance websocket hosts by \
AML-CMP-009, so they are not repeated here. Azure Firewall is checked by service tags instead \
(AML-FW-002).",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(fw) = net.firewall().filter(|f| f.kind() == FirewallKind::Other) else {
        return Eval::NotEvaluated("the block has no host-based (`kind: other`) firewall");
    };
    let table = match net.cloud() {
        Cloud::AzureCloud => PUBLIC,
        Cloud::AzureUSGovernment => GOVERNMENT,
        Cloud::AzureChinaCloud => CHINA,
    };
    let training = net.computes_of(TRAINING).next().is_some();
    let applies = |w: When| match w {
        When::Always => true,
        When::Feature(f) => net.has_feature(f),
        When::TrainingCompute => training,
    };
    let rows: Vec<_> = table.iter().filter(|(_, _, w)| applies(*w)).collect();
    let hosts: Vec<&str> = rows.iter().map(|(_, h, _)| *h).collect();
    for src in sources(net) {
        let coverage = fw.app_coverage(src.prefix, &hosts, ("Https", 443));
        let missing: Vec<String> = rows
            .iter()
            .zip(coverage)
            .filter(|(_, c)| c.is_none())
            .map(|((what, host, _), _)| format!("`{host}` ({what})"))
            .collect();
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
            format!(
                "the firewall does not let out{} the Microsoft host(s) {}",
                from_label(net, src),
                missing.join(", ")
            ),
        )
        .label("the workspace needs these hosts");
    }
    Eval::Checked
}
