use crate::diag::Severity;
use crate::rules::compute::shared::name;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{AccessPath, Feature};
use crate::topology::node::Node;

pub static RULE: Rule = Rule {
    id: "AML-FW-009",
    name: "storage-ip-firewall-not-for-studio",
    severity: Severity::Warning,
    area: Area::Firewall,
    periods: &[Period::P2020],
    title: "Studio users outside the VNet do not reach VNet storage through its IP firewall",
    checks: "When `workspace.features` has `studio` and `clients.access_paths` has \
`public_internet`: no storage account of the workspace that is secured and attached to the VNet \
(service-endpoint `vnet_rules` or private endpoints) relies on `network.ip_rules` to let those \
clients in.",
    why: "Opening a storage account's firewall to client IP addresses serves code-first access \
(the SDK) only. The studio cannot read data behind a storage firewall: its users must work from \
inside the virtual network, with the studio given access to the data stored there.",
    example: "workspace:
  name: mlw-demo
  region: eastus
  default_storage: stmldemo
  features: [studio]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage]}
storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      vnet_rules: [vnet-ml/snet-training]
      ip_rules: [203.0.113.0/24]
firewall:
  kind: azure_firewall
  private_ip: 10.1.4.4
  network_rules:
    - {name: aml, protocols: [TCP], sources: [10.0.0.0/16], ports: ['*'],
       destinations: [AzureActiveDirectory, AzureMachineLearning, AzureResourceManager,
                      Storage.eastus, KeyVault.eastus, ContainerRegistry.eastus]}
  application_rules:
    - {name: packages, sources: [10.0.0.0/16], protocols: ['Http:80', 'Https:443'],
       fqdns: [graph.windows.net, anaconda.com, '*.anaconda.com', '*.anaconda.org']}
clients:
  access_paths: [public_internet]
",
    fix: "workspace:
  name: mlw-demo
  region: eastus
  default_storage: stmldemo
  features: [studio]
  datastores:
    - {name: workspaceblobstore, kind: blob, storage: stmldemo, default: true,
       use_workspace_managed_identity: true, skip_validation: true}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage]}
storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      vnet_rules: [vnet-ml/snet-training]
clients:
  access_paths: [bastion]
",
    help: "use the studio from inside the VNet (`bastion`, `vm_in_vnet`, `vpn`, `expressroute`); keep `ip_rules` for code-first clients only",
    quote: "Access to data storage behind a firewall is only supported in code first experiences. \
Using the Azure Machine Learning studio to access data behind a firewall is not supported. To \
work with data storage on a private network with the studio, you must first set up a virtual \
network and give the studio access to data stored inside of a virtual network.",
    source: "Use workspace behind a Firewall for Azure Machine Learning (11/18/2020)",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall",
    decision: Some(
        "\"Behind a firewall\" is read as the storage account's own firewall opened to client \
addresses: the account is in the VNet, and IP rules are added so that studio users on the public \
internet get in, which serves the SDK but not the studio. AML-STU-009 states the same limit in the \
studio article; topobook reports this rule, from the firewall article, when the topology has a \
network firewall, and AML-STU-009 otherwise, so one problem gives one finding. When the block does \
not say how people connect (`clients.access_paths`), it is not evaluated.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    if net.firewall().is_none() {
        return Eval::NotEvaluated("the topology has no firewall");
    }
    if !net.has_feature(Feature::Studio) {
        return Eval::NotEvaluated("the workspace does not use the studio");
    }
    let Some(paths) = net.topo().clients.as_ref().and_then(|c| c.access_paths.as_ref()) else {
        return Eval::NotEvaluated("the block does not say how people connect (`clients.access_paths`)");
    };
    let stores: Vec<_> = net.workspace_storages().into_iter().filter(|(_, s)| s.uses_vnet()).collect();
    if stores.is_empty() {
        return Eval::NotEvaluated("no storage account of the workspace is in the VNet");
    }
    if !paths.value.iter().any(|p| p.value == AccessPath::PublicInternet) {
        return Eval::Checked;
    }
    for (i, st) in stores {
        let Some(ips) = st.network.as_ref().and_then(|n| n.ip_rules.as_ref()).filter(|l| !l.value.is_empty())
        else {
            continue;
        };
        out.push(
            ips.span.clone(),
            Node::Storage(i).field("network.ip_rules"),
            format!(
                "storage `{}` lets clients in through its IP firewall, but studio users on the public internet cannot use data behind it",
                name(&st.name)
            ),
        )
        .label("code-first access only");
    }
    Eval::Checked
}
