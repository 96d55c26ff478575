use super::{IMAGE_USERS, in_vnet, name, placement_at, registry_subnets, storage_subnets, subnet_list};
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Period, Rule};
use crate::topology::resolve::Net;

pub static RULE: Rule = Rule {
    id: "AML-ACR-002",
    name: "registry-shares-subnet-with-storage-and-compute",
    severity: Severity::Error,
    area: Area::ContainerRegistry,
    periods: BEFORE_CURRENT,
    title: "The container registry sits with the storage account and the compute",
    checks: "For the workspace's container registry when it is in a virtual network, in profile \
`2020-10`: the registry is attached (a private endpoint's `subnet`, or a subnet of \
`network.vnet_rules`) in a subnet where the default storage account is also attached (its \
`private_endpoints` or `network.vnet_rules`), and in the subnet of every compute instance, \
compute cluster and AKS cluster. The image-build cluster (`workspace.image_build_compute`) is \
checked by AML-ACR-004 instead. Later documentation relaxes the rule for registries with private \
endpoints: the same VNet (2022), or a peered one (current).",
    why: "In 2020 a registry behind the network was reached by the compute that pulls and \
builds images through the subnet they share with the storage account holding the build context. \
A registry attached elsewhere leaves image builds and deployments without a path to it, and they \
fail when they pull or push.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage, Microsoft.ContainerRegistry]}
      - {name: snet-registry, prefix: 10.0.2.0/24, service_endpoints: [Microsoft.ContainerRegistry]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
container_registries:
  - name: crmldemo
    sku: Premium
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-registry]}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-training, prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage, Microsoft.ContainerRegistry]}
      - {name: snet-registry, prefix: 10.0.2.0/24, service_endpoints: [Microsoft.ContainerRegistry]}
storage_accounts:
  - name: stmldemo
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
container_registries:
  - name: crmldemo
    sku: Premium
    network: {default_action: Deny, vnet_rules: [vnet-ml/snet-training]}
",
    help: "attach the registry (a private endpoint's `subnet`, or `network.vnet_rules`) in the subnet shared by the default storage account and the compute",
    quote: "Your Azure Container Registry must be in the same virtual network and subnet as the storage account and compute targets used for training or inference.",
    source: "Secure an Azure Machine Learning workspace with virtual networks (2020), \"Enable Azure Container Registry (ACR)\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#enable-azure-container-registry-acr",
    decision: Some(
        "The overview allows different subnets of one VNet for the workspace's resources in \
general, but the registry section of the 2020 companion article asks for the same subnet, and \
that narrower sentence decides for profile `2020-10`. \"The storage account\" is the workspace's \
default storage account, the one image builds use; other datastores are AML-ST-003's concern. A \
registry or storage account with several attachments passes when one subnet is common. The \
image-build cluster is left to AML-ACR-004 (same sentence, stated for the build) so that one \
misplaced cluster gives one finding. The 2022 and current variants are implemented for the \
profiles that will follow those documents.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    check_in(cx.net, cx.profile.period(), out)
}

/// How close the registry must be to the storage account and the compute: the same subnet,
/// the same VNet, or the same or a peered VNet.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Placement {
    Subnet,
    Vnet,
    PeeredVnet,
}

fn check_in(net: &Net, period: Period, out: &mut Findings) -> Eval {
    let registries: Vec<_> = net.workspace_registries().into_iter().filter(|(_, r)| in_vnet(r)).collect();
    if registries.is_empty() {
        return Eval::NotEvaluated("no container registry is in a virtual network");
    }
    let storage = net
        .default_storage()
        .map(|(_, s)| (s, storage_subnets(net, s)))
        .filter(|(_, subnets)| !subnets.is_empty());
    // While AML-ACR-004 holds, it judges the image-build cluster.
    let build = if super::acr_004::RULE.periods.contains(&period) {
        net.workspace()
            .and_then(|w| w.image_build_compute.as_ref())
            .and_then(|b| b.value.as_deref())
            .and_then(|n| net.compute(n))
            .map(|(i, _)| i)
    } else {
        None
    };
    let computes: Vec<_> = net
        .computes_of(IMAGE_USERS)
        .filter(|(ci, _)| Some(*ci) != build)
        .map(|(ci, c)| (c, net.compute_subnet(ci), net.compute_vnet(ci)))
        .filter(|(_, s, v)| s.is_some() || v.is_some())
        .collect();
    if storage.is_none() && computes.is_empty() {
        return Eval::NotEvaluated(
            "no attached default storage account and no compute to place the registry against",
        );
    }
    let mut evaluated = false;
    for (i, r) in registries {
        let subnets = registry_subnets(net, r);
        let mode = match period {
            Period::P2022 if r.has_private_endpoints() => Placement::Vnet,
            Period::PCur if r.has_private_endpoints() => Placement::PeeredVnet,
            _ => Placement::Subnet,
        };
        let vnets = match mode {
            Placement::Subnet => Vec::new(),
            _ => net.pe_vnets(&r.private_endpoints),
        };
        if (mode == Placement::Subnet && subnets.is_empty())
            || (mode != Placement::Subnet && vnets.is_empty())
        {
            continue;
        }
        evaluated = true;
        let rname = name(&r.name);
        let in_reach = |vnet: usize| match mode {
            Placement::PeeredVnet => vnets.iter().any(|v| net.peered(*v, vnet)),
            _ => vnets.contains(&vnet),
        };
        // Where the registry is attached, for messages (built only when one is written).
        let where_ = || match mode {
            Placement::Subnet => subnet_list(net, &subnets),
            _ => vnets.iter().map(|v| format!("`{}`", net.vnet_name(*v))).collect::<Vec<_>>().join(", "),
        };
        let share = if mode == Placement::Subnet { "a subnet" } else { "a VNet" };
        let (at, path) = placement_at(r, i);
        if let Some((s, ssubs)) = &storage {
            let shared = match mode {
                Placement::Subnet => ssubs.iter().any(|x| subnets.contains(x)),
                _ => ssubs.iter().any(|x| in_reach(x.vnet)),
            };
            if !shared {
                out.push(
                    at.clone(),
                    path.clone(),
                    format!(
                        "container registry `{rname}` is attached in {}, storage account `{}` in {}: \
                         they must share {share}",
                        where_(),
                        name(&s.name),
                        subnet_list(net, ssubs)
                    ),
                )
                .label("registry and storage apart");
            }
        }
        for (c, sub, vnet) in &computes {
            let place = match (mode, sub, vnet) {
                (Placement::Subnet, Some(x), _) if !subnets.contains(x) => {
                    format!("subnet `{}`", net.subnet_label(*x))
                }
                (Placement::Vnet | Placement::PeeredVnet, _, Some(v)) if !in_reach(*v) => {
                    format!("vnet `{}`", net.vnet_name(*v))
                }
                _ => continue,
            };
            out.push(
                at.clone(),
                path.clone(),
                format!(
                    "compute `{}` is in {place}, but container registry `{rname}` is attached only in {}",
                    name(&c.name),
                    where_()
                ),
            )
            .label("registry and compute apart");
        }
    }
    if !evaluated {
        return Eval::NotEvaluated("the container registry's attachments are in no declared subnet");
    }
    Eval::Checked
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn findings(yaml: &str, period: Period) -> Vec<String> {
        let net = Net::new(Arc::new(crate::topology::yaml::from_str(yaml).unwrap()));
        let mut out = Findings::default();
        check_in(&net, period, &mut out);
        out.list.into_iter().map(|f| f.message).collect()
    }

    const PE_SAME_VNET: &str = "vnets:
  - name: vnet-ml
    subnets: [{name: snet-pe, prefix: 10.0.0.0/24}, {name: snet-training, prefix: 10.0.1.0/24}]
storage_accounts:
  - name: st
    network: {default_action: Deny}
    private_endpoints: [{name: pe-blob, subresource: blob, subnet: snet-training}]
container_registries:
  - name: cr
    sku: Premium
    private_endpoints: [{name: pe-cr, subresource: registry, subnet: snet-pe}]
computes:
  - {name: cpu, type: compute_cluster, subnet: snet-training}
";

    #[test]
    fn subnet_in_2020_vnet_for_private_endpoints_from_2022() {
        assert_eq!(findings(PE_SAME_VNET, Period::P2020).len(), 2);
        assert_eq!(findings(PE_SAME_VNET, Period::P2021).len(), 2);
        assert!(findings(PE_SAME_VNET, Period::P2022).is_empty());
        assert!(findings(PE_SAME_VNET, Period::PCur).is_empty());
    }

    #[test]
    fn peered_vnet_only_in_the_current_documents() {
        let yaml = "vnets:
  - name: vnet-ml
    peerings: [vnet-hub]
    subnets: [{name: snet-training, prefix: 10.0.1.0/24}]
  - name: vnet-hub
    subnets: [{name: snet-pe, prefix: 10.1.0.0/24}]
container_registries:
  - name: cr
    sku: Premium
    private_endpoints: [{name: pe-cr, subresource: registry, vnet: vnet-hub, subnet: snet-pe}]
computes:
  - {name: cpu, type: compute_cluster, vnet: vnet-ml, subnet: snet-training}
";
        let f = findings(yaml, Period::P2022);
        assert_eq!(
            f,
            [
                "compute `cpu` is in vnet `vnet-ml`, but container registry `cr` is attached only in `vnet-hub`"
            ]
        );
        assert!(findings(yaml, Period::PCur).is_empty());
    }

    #[test]
    fn service_endpoints_keep_the_subnet_rule() {
        let yaml = "vnets:
  - name: vnet-ml
    subnets: [{name: a, prefix: 10.0.1.0/24}, {name: b, prefix: 10.0.2.0/24}]
container_registries:
  - name: cr
    sku: Premium
    network: {default_action: Deny, vnet_rules: [vnet-ml/a]}
computes:
  - {name: cpu, type: compute_cluster, subnet: b}
";
        for p in [Period::P2020, Period::P2022, Period::PCur] {
            assert_eq!(findings(yaml, p).len(), 1, "{p:?}");
        }
    }
}
