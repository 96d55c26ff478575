use super::name;
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::addr::{Addr, covers};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{Access, AccessPath, items};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-ST-008",
    name: "storage-admits-sdk-clients",
    severity: Severity::Warning,
    area: Area::Storage,
    periods: &[Period::P2020, Period::P2021, Period::P2022],
    title: "SDK clients outside the VNet are admitted by the storage firewall's IP rules",
    checks: "When `clients.access_paths` contains `public_internet`, for every secured storage \
account the workspace uses: every address of `clients.public_ips` is covered by an entry of \
`network.ip_rules`; when no client address is declared, `network.ip_rules` must not be empty; and \
the account's `public_network_access` is not `Disabled` (IP rules apply to the public endpoint \
only).",
    why: "The Azure Machine Learning SDK reads and writes the storage account directly from the \
developer's machine. A client on the public internet reaches a locked account only through an IP \
rule that admits its address; without one, uploads of training data and downloads of outputs fail \
with authorization errors.",
    example: "storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      vnet_rules: [vnet-ml/snet-training]
      ip_rules: []
clients:
  access_paths: [public_internet]
  public_ips: [203.0.113.10]
",
    fix: "storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      vnet_rules: [vnet-ml/snet-training]
      ip_rules: [203.0.113.10]
clients:
  access_paths: [public_internet]
  public_ips: [203.0.113.10]
",
    help: "add the client addresses of `clients.public_ips` to `network.ip_rules`",
    quote: "When working with the Azure Machine Learning SDK, your development environment must be able to connect to the Azure Storage Account. When the storage account is inside a virtual network, the firewall must allow access from the development environment's IP address.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Secure Azure storage accounts with service endpoints\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#secure-azure-storage-accounts-with-service-endpoints",
    decision: Some(
        "The rule runs only when the block says clients use the public internet \
(`clients.access_paths: [public_internet]`); clients in the VNet or on a VPN reach the account \
through its service or private endpoints. When `clients.public_ips` is empty we cannot check \
addresses, but an empty `ip_rules` list admits no public client at all, so that case is reported.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(clients) = net.topo().clients.as_ref() else {
        return Eval::NotEvaluated("the block has no `clients`");
    };
    if !items(&clients.access_paths).any(|p| p.value == AccessPath::PublicInternet) {
        return Eval::NotEvaluated("no client reaches the workspace over the public internet");
    }
    let storages: Vec<_> = net.workspace_storages().into_iter().filter(|(_, s)| s.secured()).collect();
    if storages.is_empty() {
        return Eval::NotEvaluated("no storage account the workspace uses is secured");
    }
    for (i, s) in storages {
        let sname = name(&s.name);
        if let Some(pna) = s.public_network_access.as_ref().filter(|a| a.value == Access::Disabled) {
            out.push(
                pna.span.clone(),
                Node::Storage(i).field("public_network_access"),
                format!(
                    "storage account `{sname}` has public network access disabled, so SDK clients on \
                     the public internet cannot reach it"
                ),
            )
            .help("work from inside the network (`clients.access_paths`), or enable public access and admit the client IPs in `network.ip_rules`");
            continue;
        }
        let network = s.network.as_ref();
        let rules = network.and_then(|n| n.ip_rules.as_ref());
        let allowed: Vec<Addr> = rules
            .into_iter()
            .flat_map(|l| l.value.iter())
            .filter_map(|r| Addr::parse(&r.value).ok())
            .collect();
        let at = rules.map(|l| l.span.clone()).or(network.map(|n| n.span.clone())).unwrap_or(s.span.clone());
        let path = Node::Storage(i).field("network.ip_rules");
        let ips: Vec<_> = items(&clients.public_ips).collect();
        if ips.is_empty() && allowed.is_empty() {
            out.push(
                at.clone(),
                path.clone(),
                format!("storage account `{sname}` admits no public IP address, but clients use the public internet"),
            )
            .help("list the client addresses in `clients.public_ips` and add them to `network.ip_rules`");
        }
        for ip in ips {
            let Ok(addr) = Addr::parse(&ip.value) else { continue };
            if !allowed.iter().any(|r| covers(r, &addr)) {
                out.push(
                    at.clone(),
                    path.clone(),
                    format!("storage account `{sname}` does not admit client address `{}`", ip.value),
                )
                .label("client IP missing from the storage firewall")
                .help(format!("add `{}` to `network.ip_rules`", ip.value));
            }
        }
    }
    Eval::Checked
}
