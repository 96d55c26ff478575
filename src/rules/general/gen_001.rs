use std::ops::Range;

use super::{nm, placement};
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{List, PrivateEndpoint, items};
use crate::topology::node::{Loc, Node, PeOwner};
use crate::topology::resolve::Net;
use crate::topology::yaml::Sp;

pub static RULE: Rule = Rule {
    id: "AML-GEN-001",
    name: "workspace-resources-share-one-vnet",
    severity: Severity::Error,
    area: Area::General,
    periods: BEFORE_CURRENT,
    title: "The workspace and its associated resources are behind the same VNet",
    checks: "Collects the VNet of every workspace private endpoint (`workspace.private_endpoints[]`), \
of every private endpoint of the default storage account, the key vault and the container \
registry, and of every subnet named in their service-endpoint `network.vnet_rules`. All of them \
must be one VNet; different subnets of that VNet are fine. The first of these placements (the \
workspace's private endpoint when there is one) sets the VNet; every placement in another VNet is \
reported where its `vnet:` (or rule) is written. Peering two VNets does not satisfy the 2020 \
documentation.",
    why: "In the 2020 architecture the workspace reaches its storage, key vault and registry, and \
they reach each other, inside one virtual network. A resource attached to a second VNet is \
reachable only from that VNet, so the workspace and the compute behind the first VNet cannot \
use it.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
  - name: vnet-other
    address_space: [10.1.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.1.0.0/24}
workspace:
  name: mlw-demo
  key_vault: kv-ml
  private_endpoints:
    - {name: pe-mlw, vnet: vnet-ml, subnet: snet-pe}
key_vaults:
  - name: kv-ml
    private_endpoints:
      - {name: pe-kv, subresource: vault, vnet: vnet-other, subnet: snet-pe}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.0.0.0/24}
  - name: vnet-other
    address_space: [10.1.0.0/16]
    subnets:
      - {name: snet-pe, prefix: 10.1.0.0/24}
workspace:
  name: mlw-demo
  key_vault: kv-ml
  private_endpoints:
    - {name: pe-mlw, vnet: vnet-ml, subnet: snet-pe}
key_vaults:
  - name: kv-ml
    private_endpoints:
      - {name: pe-kv, subresource: vault, vnet: vnet-ml, subnet: snet-pe}
",
    help: "attach the resource to the same VNet as the workspace (another subnet of it is fine)",
    quote: "All resources must be behind the same VNet. However, subnets within the same VNet are allowed.",
    source: "Virtual network isolation and privacy overview (10/06/2020), \"Secure the workspace and associated resources\", Limitations",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-network-security-overview#secure-the-workspace-and-associated-resources",
    decision: Some(
        "The sentence is a limitation of the section \"Secure the workspace and associated \
resources\", so this rule covers the workspace, its default storage account, key vault and \
container registry. Compute instances, clusters and AKS have their own same-VNet limitations in \
the training and inferencing sections (AML-CMP-001, AML-AKS-002); they are checked there, so a \
misplaced compute is reported once. For profile `2020-10` peering is not accepted: the seed \
article asks for one VNet.",
    ),
    removed: false,
    check,
};

/// The resource that owns a placement: kind in words, name, YAML section and index.
#[derive(Clone, Copy)]
struct Owner<'a> {
    kind: &'static str,
    name: &'a str,
    /// Which resource it is.
    id: PeOwner,
}

/// What is placed in a VNet (described only when reported).
enum What<'a> {
    WorkspaceEndpoint { index: usize, name: &'a str, field: &'static str },
    Endpoint { owner: Owner<'a>, index: usize, name: &'a str, field: &'static str },
    VnetRule { owner: Owner<'a>, index: usize, rule: &'a str },
}

impl What<'_> {
    fn describe(&self) -> String {
        match self {
            What::WorkspaceEndpoint { name, .. } => format!("the workspace's private endpoint `{name}`"),
            What::Endpoint { owner, name, .. } => {
                format!("private endpoint `{name}` of {} `{}`", owner.kind, owner.name)
            }
            What::VnetRule { owner, rule, .. } => {
                format!("service-endpoint rule `{rule}` of {} `{}`", owner.kind, owner.name)
            }
        }
    }

    fn path(&self) -> Loc {
        match self {
            What::WorkspaceEndpoint { index, field, .. } => {
                Node::Pe { owner: PeOwner::Workspace, index: *index }.field(field)
            }
            What::Endpoint { owner, index, field, .. } => {
                Node::Pe { owner: owner.id, index: *index }.field(field)
            }
            What::VnetRule { owner, index, .. } => owner.id.node().field("network.vnet_rules").index(*index),
        }
    }
}

/// One placement of a resource in a VNet.
struct Placement<'a> {
    vnet: usize,
    span: Range<usize>,
    what: What<'a>,
}

fn endpoints<'a>(
    net: &Net,
    owner: Owner<'a>,
    list: &'a Option<List<PrivateEndpoint>>,
    out: &mut Vec<Placement<'a>>,
) {
    for (index, pe) in items(list).enumerate() {
        if let Some((vnet, span)) = placement(net, pe.vnet.as_ref(), pe.subnet.as_ref(), &pe.span) {
            let field = if pe.vnet.is_some() { "vnet" } else { "subnet" };
            out.push(Placement {
                vnet,
                span,
                what: What::Endpoint { owner, index, name: nm(&pe.name), field },
            });
        }
    }
}

fn vnet_rules<'a>(
    net: &Net,
    owner: Owner<'a>,
    rules: &'a Option<List<String>>,
    out: &mut Vec<Placement<'a>>,
) {
    for (index, r) in items(rules).enumerate() {
        let Some((v, _)) = r.value.split_once('/') else { continue };
        if let Some(vnet) = net.vnet_index(v.trim()) {
            out.push(Placement {
                vnet,
                span: r.span.clone(),
                what: What::VnetRule { owner, index, rule: &r.value },
            });
        }
    }
}

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let mut all: Vec<Placement> = Vec::new();
    for (index, pe) in net.workspace_pes().enumerate() {
        if let Some((vnet, span)) = placement(net, pe.vnet.as_ref(), pe.subnet.as_ref(), &pe.span) {
            let field = if pe.vnet.is_some() { "vnet" } else { "subnet" };
            all.push(Placement {
                vnet,
                span,
                what: What::WorkspaceEndpoint { index, name: nm(&pe.name), field },
            });
        }
    }
    if let Some((index, st)) = net.default_storage() {
        let owner = Owner { kind: "storage account", name: nm(&st.name), id: PeOwner::Storage(index) };
        endpoints(net, owner, &st.private_endpoints, &mut all);
        if let Some(rules) = st.network_rules() {
            vnet_rules(net, owner, &rules.vnet_rules, &mut all);
        }
    }
    for (index, kv) in net.workspace_key_vaults() {
        let owner = Owner { kind: "key vault", name: nm(&kv.name), id: PeOwner::KeyVault(index) };
        endpoints(net, owner, &kv.private_endpoints, &mut all);
        if let Some(rules) = kv.network_rules() {
            vnet_rules(net, owner, &rules.vnet_rules, &mut all);
        }
    }
    for (index, cr) in net.workspace_registries() {
        let owner = Owner { kind: "container registry", name: nm(&cr.name), id: PeOwner::Registry(index) };
        endpoints(net, owner, &cr.private_endpoints, &mut all);
        if let Some(Sp { value: rules, .. }) = &cr.network {
            vnet_rules(net, owner, &rules.vnet_rules, &mut all);
        }
    }
    let Some(first) = all.first() else {
        return Eval::NotEvaluated("no workspace resource is attached to a VNet");
    };
    for p in all.iter().skip(1).filter(|p| p.vnet != first.vnet) {
        out.push(
            p.span.clone(),
            p.what.path(),
            format!(
                "{} is in vnet `{}`, but {} is in vnet `{}`",
                p.what.describe(),
                net.vnet_name(p.vnet),
                first.what.describe(),
                net.vnet_name(first.vnet)
            ),
        )
        .label("all resources must be behind the same VNet");
    }
    Eval::Checked
}
