use crate::diag::Severity;
use crate::rules::compute::shared::{kind_label, name};
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::model::{ComputeType, PrivateEndpoint, items};
use crate::topology::node::{Loc, Node};
use crate::topology::resolve::{Net, PeOwner, PeView};

pub static RULE: Rule = Rule {
    id: "AML-ACI-005",
    name: "aci-subnet-used-only-by-aci",
    severity: Severity::Error,
    area: Area::ContainerInstances,
    periods: ALL,
    title: "The subnet delegated to ACI holds nothing else of the workspace",
    checks: "For every subnet holding a compute of `type: aci`: no `compute_instance`, \
`compute_cluster` or `aks` compute is placed in it, no AKS cluster uses it as \
`aks.load_balancer_subnet`, and no private endpoint (of the workspace, a storage account, a key \
vault or a registry) sits in it.",
    why: "A subnet delegated to container groups can hold only container groups. Compute \
instances and clusters refuse a delegated subnet, AKS node pools cannot use one, and Azure \
places no private endpoint in it: sharing the ACI subnet makes those deployments fail.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
      - {name: snet-aci, prefix: 10.0.5.0/24,
         delegations: [Microsoft.ContainerInstance/containerGroups]}
private_dns_zones:
  - {name: privatelink.vaultcore.azure.net, linked_vnets: [vnet-ml]}
key_vaults:
  - name: kv-ml
    private_endpoints:
      - {name: pe-kv, subresource: vault, vnet: vnet-ml, subnet: snet-aci,
         dns_zone: privatelink.vaultcore.azure.net}
computes:
  - {name: aci-dev, type: aci, subnet: snet-aci}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
      - {name: snet-aci, prefix: 10.0.5.0/24,
         delegations: [Microsoft.ContainerInstance/containerGroups]}
private_dns_zones:
  - {name: privatelink.vaultcore.azure.net, linked_vnets: [vnet-ml]}
key_vaults:
  - name: kv-ml
    private_endpoints:
      - {name: pe-kv, subresource: vault, vnet: vnet-ml, subnet: snet-pe,
         dns_zone: privatelink.vaultcore.azure.net}
computes:
  - {name: aci-dev, type: aci, subnet: snet-aci}
",
    help: "give ACI a subnet of its own and move the other resource to another subnet",
    quote: "The subnet used to deploy compute cluster/instance shouldn't be delegated to any \
other service. For example, it shouldn't be delegated to ACI. / The subnet assigned to the AKS \
node pool cannot be a delegated subnet.",
    source: "Secure an Azure Machine Learning training environment (2021), \"Compute \
instance/cluster\"; Configure Azure CNI networking in Azure Kubernetes Service, prerequisites",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: Some(
        "A derived rule: the quoted sentences forbid the delegated subnet to compute and AKS, and \
AML-NET-002 / AML-AKS-011 report the delegation from their side. This rule speaks from the ACI \
side and adds what neither covers: compute sharing the ACI subnet before it is delegated (the \
delegation AML-ACI-001 asks for would then break it; once the subnet is delegated, AML-NET-002 and \
AML-AKS-011 report the compute, so one problem gives one finding), and private endpoints and AKS \
internal load balancers placed in the ACI subnet, which Azure refuses in a subnet delegated to \
container groups.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut aci_subnets = Vec::new();
    for (ci, c) in net.computes_of(&[ComputeType::Aci]) {
        if let Some(sid) = net.compute_subnet(ci)
            && !aci_subnets.iter().any(|(s, _)| *s == sid)
        {
            aci_subnets.push((sid, name(&c.name)));
        }
    }
    if aci_subnets.is_empty() {
        return Eval::NotEvaluated("no container instance sits in a subnet of the block");
    }
    let aci_of = |sid| aci_subnets.iter().find(|(s, _)| *s == sid).map(|(_, n)| *n);
    let others = [ComputeType::ComputeInstance, ComputeType::ComputeCluster, ComputeType::Aks];
    for (ci, c) in net.computes_of(&others) {
        // In a delegated subnet, AML-NET-002 / AML-AKS-011 already report the compute.
        if let Some(sid) = net.compute_subnet(ci)
            && let Some(aci) = aci_of(sid)
            && !net.subnet(sid).is_some_and(|s| s.is_delegated())
        {
            let (span, path) = match &c.subnet {
                Some(s) => (s.span.clone(), Node::Compute(ci).field("subnet")),
                None => (c.span.clone(), Loc::from(Node::Compute(ci))),
            };
            out.push(
                span,
                path,
                format!(
                    "{} `{}` is placed in subnet `{}`, which container instance `{aci}` uses",
                    kind_label(c),
                    name(&c.name),
                    net.subnet_label(sid)
                ),
            )
            .label("subnet reserved for ACI");
        }
        let lb = c.aks.as_ref().and_then(|a| a.load_balancer_subnet.as_ref());
        if let Some(lb) = lb
            && let Some(sid) = net.lookup_subnet(c.vnet.as_ref(), Some(lb))
            && let Some(aci) = aci_of(sid)
        {
            out.push(
                lb.span.clone(),
                Node::Compute(ci).field("aks.load_balancer_subnet"),
                format!(
                    "the internal load balancer of AKS cluster `{}` uses subnet `{}`, which container instance `{aci}` uses",
                    name(&c.name),
                    net.subnet_label(sid)
                ),
            )
            .label("subnet reserved for ACI");
        }
    }
    for pe in net.private_endpoints() {
        if let Some(sid) = pe.subnet
            && let Some(aci) = aci_of(sid)
        {
            let (span, path) = match pe_subnet_span(net, &pe) {
                Some(span) => (span, pe.node().field("subnet")),
                None => (pe.span.clone(), pe.node().into()),
            };
            out.push(
                span,
                path,
                format!(
                    "private endpoint `{}` sits in subnet `{}`, which is delegated to container instance `{aci}`",
                    pe.name.unwrap_or("?"),
                    net.subnet_label(sid)
                ),
            )
            .label("subnet reserved for ACI");
        }
    }
    Eval::Checked
}

/// The span of a private endpoint's `subnet:` value.
fn pe_subnet_span(net: &Net, pe: &PeView) -> Option<std::ops::Range<usize>> {
    let t = net.topo();
    let of = |list: &Option<crate::topology::model::List<PrivateEndpoint>>| {
        items(list).nth(pe.index).and_then(|p| p.subnet.as_ref()).map(|s| s.span.clone())
    };
    match pe.owner {
        PeOwner::Workspace => {
            net.workspace_pes().nth(pe.index).and_then(|p| p.subnet.as_ref()).map(|s| s.span.clone())
        }
        PeOwner::Storage(i) => items(&t.storage_accounts).nth(i).and_then(|s| of(&s.private_endpoints)),
        PeOwner::KeyVault(i) => items(&t.key_vaults).nth(i).and_then(|s| of(&s.private_endpoints)),
        PeOwner::Registry(i) => items(&t.container_registries).nth(i).and_then(|s| of(&s.private_endpoints)),
    }
}
