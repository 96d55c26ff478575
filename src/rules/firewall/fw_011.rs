use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-FW-011",
    name: "firewall-federated-identity-hint",
    severity: Severity::Note,
    area: Area::Firewall,
    periods: &[Period::P2020, Period::P2021, Period::PCur],
    title: "Behind a firewall, federated sign-in (AD FS) needs its own hardening",
    checks: "Advisory, no check. Shown once, at the `firewall`, when the topology has a firewall \
(`kind` other than `none`).",
    why: "When users sign in through Active Directory Federation Services, the federation \
servers become part of the path to the workspace; the firewall article sends you to the AD FS \
security guidance rather than listing their endpoints.",
    example: "firewall:
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
    fix: "firewall:
  kind: none
",
    help: "if you use federated identity, follow the best practices for securing Active Directory Federation Services",
    quote: "If you plan on using federated identity, follow the Best practices for securing \
Active Directory Federation Services article.",
    source: "Use workspace behind a Firewall for Azure Machine Learning (11/18/2020)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall",
    decision: Some(
        "The catalog gives this rule no check and the model does not record the identity \
provider. The note is shown where it helps, at a firewall, and nowhere else; a block with \
`firewall: {kind: none}` evaluates the rule and passes.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let Some(section) = cx.net.topo().firewall.as_ref() else {
        return Eval::NotEvaluated("the block has no firewall section");
    };
    let Some(fw) = cx.net.firewall() else { return Eval::Checked };
    let (span, path) = match &section.kind {
        Some(k) => (k.span.clone(), Node::Firewall.field("kind")),
        None => (fw.span.clone(), Loc::from(Node::Firewall)),
    };
    out.push(
        span,
        path,
        "if users sign in with federated identity (AD FS), secure the federation servers as well",
    )
    .label("federated identity is outside this check");
    Eval::Checked
}
