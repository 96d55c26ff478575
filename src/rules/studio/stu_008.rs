use super::{STUDIO_FEATURES, name};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::{Addr, PortRange};
use crate::topology::facts::{Flow, Verdict};
use crate::topology::model::{AccessPath, Direction, Feature, FirewallKind, NextHop, Protocol, items};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-STU-008",
    name: "studio-reachable-from-inside-vnet",
    severity: Severity::Warning,
    area: Area::Studio,
    periods: ALL,
    title: "Machines inside the VNet may reach the studio (`AzureFrontDoor.Frontend`)",
    checks: "When `clients.access_paths` contains `vm_in_vnet` or `bastion` and `clients.subnet` \
names the subnet of those machines: the subnet's NSG, evaluated by priority with Azure's default \
rules, allows outbound TCP 443 to the `AzureFrontDoor.Frontend` service tag; and when the subnet \
sends `0.0.0.0/0` to a virtual appliance and the block has an Azure Firewall, a firewall network \
rule allows TCP 443 to `AzureFrontDoor.Frontend` or an application rule allows `ml.azure.com`. \
Not run when the workspace lists its features and none is used through the studio.",
    why: "The studio is a web application served through Azure Front Door. A jump box or a \
virtual machine whose outbound traffic is restricted to the services of the workspace cannot load \
it at all, however well the workspace itself is reachable.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-jumpbox, prefix: 10.0.5.0/24, nsg: nsg-jumpbox}
nsgs:
  - name: nsg-jumpbox
    rules:
      - {name: deny-internet, priority: 4000, direction: Outbound, access: Deny, protocol: '*',
         source: '*', destination: Internet, destination_ports: '*'}
clients:
  access_paths: [bastion]
  subnet: snet-jumpbox
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - {name: snet-jumpbox, prefix: 10.0.5.0/24, nsg: nsg-jumpbox}
nsgs:
  - name: nsg-jumpbox
    rules:
      - {name: studio, priority: 300, direction: Outbound, access: Allow, protocol: Tcp,
         source: '*', destination: AzureFrontDoor.Frontend, destination_ports: '443'}
      - {name: deny-internet, priority: 4000, direction: Outbound, access: Deny, protocol: '*',
         source: '*', destination: Internet, destination_ports: '*'}
clients:
  access_paths: [bastion]
  subnet: snet-jumpbox
",
    help: "allow outbound TCP 443 to the `AzureFrontDoor.Frontend` service tag from the clients' subnet",
    quote: "If you are accessing the studio from a resource inside of a virtual network (for example, a compute instance or virtual machine), you must allow outbound traffic from the virtual network to the studio. For example, if you are using network security groups (NSG) to restrict outbound traffic, add a rule to a service tag destination of AzureFrontDoor.Frontend.",
    source: "Use Azure Machine Learning studio in an Azure virtual network (10/21/2020), \"Access the studio from a resource inside the VNet\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-enable-studio-virtual-network#access-the-studio-from-a-resource-inside-the-vnet",
    decision: Some(
        "The model had no place for the machines people browse from, so we added \
`clients.vnet`/`clients.subnet`; the rule is not evaluated without them. The docs name the NSG \
case; we also check the Azure Firewall of the block when the subnet forces its traffic to an \
appliance, accepting a network rule for `AzureFrontDoor.Frontend` or an application rule for the \
studio's host name `ml.azure.com`. Firewalls of kind `other` are not judged.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let Some(clients) = net.topo().clients.as_ref() else {
        return Eval::NotEvaluated("the block has no `clients`");
    };
    if !items(&clients.access_paths).any(|p| matches!(p.value, AccessPath::VmInVnet | AccessPath::Bastion)) {
        return Eval::NotEvaluated("no client works from a machine inside the virtual network");
    }
    if net.workspace().is_some_and(|w| w.features.is_some())
        && !STUDIO_FEATURES.iter().chain([&Feature::Notebooks]).any(|f| net.has_feature(*f))
    {
        return Eval::NotEvaluated("the workspace does not use the studio");
    }
    let Some(sid) = net.lookup_subnet(clients.vnet.as_ref(), clients.subnet.as_ref()) else {
        return Eval::NotEvaluated(
            "`clients.subnet` names no declared subnet for the machines inside the VNet",
        );
    };
    let studio = Addr::Tag { tag: "AzureFrontDoor.Frontend".into(), region: None };
    let flow = Flow {
        direction: Direction::Outbound,
        protocol: Protocol::Tcp,
        peer: studio.clone(),
        local: None,
        ports: PortRange { lo: 443, hi: 443 },
    };
    let label = net.subnet_label(sid);
    if let Some((ni, verdict)) = net.subnet_flow(sid, flow)
        && !verdict.allowed()
        && let Some(nsg) = items(&net.topo().nsgs).nth(ni)
    {
        let nsg_name = name(&nsg.name);
        let (span, path, by) = match verdict {
            Verdict::DeniedBy(r) => match items(&nsg.rules).nth(r) {
                Some(rule) => (
                    rule.span.clone(),
                    Loc::from(Node::NsgRule { nsg: ni, rule: r }),
                    format!("rule `{}`", name(&rule.name)),
                ),
                None => (nsg.span.clone(), Loc::from(Node::Nsg(ni)), "a rule".to_string()),
            },
            Verdict::DefaultDeny(d) => {
                (nsg.span.clone(), Loc::from(Node::Nsg(ni)), format!("the default rule `{d}`"))
            }
            _ => (nsg.span.clone(), Loc::from(Node::Nsg(ni)), "a rule".to_string()),
        };
        out.push(
            span,
            path,
            format!(
                "NSG `{nsg_name}` of client subnet `{label}` denies outbound HTTPS to \
                 `AzureFrontDoor.Frontend` ({by}), so the studio does not load from inside the VNet"
            ),
        )
        .label("the studio is served through Azure Front Door");
    }
    if let Some((_, _, NextHop::VirtualAppliance)) = net.forced_tunnel(sid)
        && let Some(fw) = net.firewall()
        && fw.kind() == FirewallKind::AzureFirewall
        && fw.network_rule_allowing(&studio, "TCP", 443).is_none()
        && fw.app_rule_allowing("ml.azure.com").is_none()
    {
        let (span, path) = match &fw.network_rules {
            Some(l) => (l.span.clone(), Node::Firewall.field("network_rules")),
            None => (fw.span.clone(), Node::Firewall.into()),
        };
        out.push(
            span,
            path,
            format!(
                "client subnet `{label}` sends its traffic through the firewall, which allows neither \
                 `AzureFrontDoor.Frontend` on TCP 443 nor `ml.azure.com`"
            ),
        )
        .help("add a firewall network rule for TCP 443 to `AzureFrontDoor.Frontend`, or an application rule for `ml.azure.com`");
    }
    Eval::Checked
}
