use super::shared::{name, placement};
use crate::diag::Severity;
use crate::rules::{Area, Ctx, Eval, Findings, Period, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::ComputeType;

pub static RULE: Rule = Rule {
    id: "AML-CMP-012",
    name: "notebook-compute-beside-its-data",
    severity: Severity::Warning,
    area: Area::Compute,
    periods: &[Period::P2020, Period::P2021],
    title: "Notebooks run on a compute instance in the same VNet and subnet as their data",
    checks: "For every `compute_instance` in a subnet and every secured storage account the \
workspace reads (default storage, datastores, labeling storage; every account when the \
workspace names none): when the account uses service endpoints, the instance's subnet is in its \
`network.vnet_rules`; when it uses private endpoints, the instance is in the VNet of one of them. \
An account with both passes on either.",
    why: "A notebook reads data with the identity of the compute instance it runs on. Storage \
behind a virtual network admits only its own subnets (service endpoints) or its own VNet \
(private endpoints); a notebook on an instance elsewhere, even in a peered VNet, cannot list or \
read the data.",
    example: "workspace:
  name: mlw-demo
  default_storage: stmldefault
  datastores:
    - {name: training_data, kind: blob, storage: stmldata, skip_validation: true}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    peerings: [vnet-data]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
  - name: vnet-data
    address_space: [10.1.0.0/16]
    peerings: [vnet-ml]
    subnets:
      - {name: snet-pe, prefix: 10.1.0.0/24}
private_dns_zones:
  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-ml, vnet-data]}
storage_accounts:
  - name: stmldefault
  - name: stmldata
    network: {default_action: Deny}
    private_endpoints:
      - {name: pe-data-blob, subresource: blob, vnet: vnet-data, subnet: snet-pe,
         dns_zone: privatelink.blob.core.windows.net}
computes:
  - {name: ci-dev, type: compute_instance, vnet: vnet-ml, subnet: snet-training}
",
    fix: "workspace:
  name: mlw-demo
  default_storage: stmldefault
  datastores:
    - {name: training_data, kind: blob, storage: stmldata, skip_validation: true}
vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    peerings: [vnet-data]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24}
  - name: vnet-data
    address_space: [10.1.0.0/16]
    peerings: [vnet-ml]
    subnets:
      - {name: snet-pe, prefix: 10.1.0.0/24}
      - {name: snet-notebooks, prefix: 10.1.1.0/24}
private_dns_zones:
  - {name: privatelink.blob.core.windows.net, linked_vnets: [vnet-ml, vnet-data]}
storage_accounts:
  - name: stmldefault
  - name: stmldata
    network: {default_action: Deny}
    private_endpoints:
      - {name: pe-data-blob, subresource: blob, vnet: vnet-data, subnet: snet-pe,
         dns_zone: privatelink.blob.core.windows.net}
computes:
  - {name: ci-dev, type: compute_instance, vnet: vnet-data, subnet: snet-notebooks}
",
    help: "run the notebook on a compute instance in the storage account's subnet (service endpoint) or VNet (private endpoint)",
    quote: "If you're using notebooks on an Azure Compute instance, you must ensure that your \
notebook is running on a compute resource behind the same virtual network and subnet as your \
data.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Access data in a \
Compute Instance notebook\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: Some(
        "\"The same virtual network and subnet as your data\" is read per attachment mode: a \
service-endpoint account names subnets, so the instance's subnet must be one of them; a \
private-endpoint account is in a VNet, so the instance must be in that VNet (requiring the \
endpoint's own subnet would forbid the usual layout of a dedicated endpoint subnet). A peered \
VNet is not enough: the 2020 articles keep every resource in one VNet. An account attached by \
service endpoints only is left to AML-ST-003, which already requires every compute subnet in its \
virtual-network rules, so one problem gives one finding; this rule adds the private-endpoint case, \
where AML-ST-004 accepts a peered VNet but notebooks need the data's own VNet.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let stores: Vec<_> = net.workspace_storages().into_iter().filter(|(_, s)| s.secured()).collect();
    if stores.is_empty() {
        return Eval::NotEvaluated("no secured storage account is read by the workspace");
    }
    let mut any = false;
    for (ci, c) in net.computes_of(&[ComputeType::ComputeInstance]) {
        let Some(sid) = net.compute_subnet(ci) else { continue };
        any = true;
        for (_, st) in &stores {
            let se = st.network.as_ref().map(|n| net.vnet_rule_subnets(&n.vnet_rules)).unwrap_or_default();
            let pe_vnets = net.pe_vnets(&st.private_endpoints);
            if (se.is_empty() && pe_vnets.is_empty()) || se.contains(&sid) || pe_vnets.contains(&sid.vnet) {
                continue;
            }
            if pe_vnets.is_empty() {
                // Service endpoints only: AML-ST-003 already reports the missing subnet.
                continue;
            }
            let stname = name(&st.name);
            let list = |v: Vec<String>| v.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ");
            let data = match (se.is_empty(), pe_vnets.is_empty()) {
                (false, true) => {
                    format!(
                        "admits only subnet(s) {}",
                        list(se.iter().map(|s| net.subnet_label(*s)).collect())
                    )
                }
                (true, false) => format!(
                    "is reached through private endpoints in vnet {}",
                    list(pe_vnets.iter().map(|v| net.vnet_name(*v).to_string()).collect())
                ),
                _ => format!(
                    "admits subnet(s) {} and private endpoints in vnet {}",
                    list(se.iter().map(|s| net.subnet_label(*s)).collect()),
                    list(pe_vnets.iter().map(|v| net.vnet_name(*v).to_string()).collect())
                ),
            };
            let (span, path) = placement(c, ci);
            out.push(
                span,
                path,
                format!(
                    "compute instance `{}` runs notebooks in subnet `{}`, but storage `{stname}` {data}",
                    name(&c.name),
                    net.subnet_label(sid)
                ),
            )
            .label("notebooks here cannot read the data");
        }
    }
    if any { Eval::Checked } else { Eval::NotEvaluated("no compute instance sits in a subnet of the block") }
}
