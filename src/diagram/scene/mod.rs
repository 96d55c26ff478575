//! From the resolved network to what the diagram shows: elements (containers, resources,
//! tags, side boxes), the connections between them with how each is reached, and the row of
//! the overview's scenario table that the topology realises.
//!
//! Placement is containment first: a resource goes into the subnet it names; failing that into
//! the subnet whose prefix holds its IP, then into its VNet outside any subnet; a VNet or
//! subnet that the block only names (a partial block) becomes an "external" container so that
//! nothing the block describes is dropped.

mod network;
mod resources;
mod scenario;

pub(crate) use network::phrase as phrase_of;

use crate::topology::node::Node;
use crate::topology::resolve::Net;

/// What a drawn element stands for: a node of the model, or a field of one (a subnet's NSG
/// chip stands for the subnet's `nsg`; the AKS private-cluster box for `aks.private_cluster`
/// of its compute).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Claim {
    pub node: Node,
    pub field: Option<&'static str>,
}

impl From<Node> for Claim {
    fn from(node: Node) -> Claim {
        Claim { node, field: None }
    }
}

pub(crate) type Id = usize;

/// A side column of the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Left,
    Right,
}

/// What an element is, structurally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The public internet, a band across the top.
    Band,
    Vnet,
    Subnet,
    /// Resources of a VNet outside any declared subnet: an area without a border.
    Loose,
    /// A resource inside a subnet (or a loose area).
    Node,
    /// A tag on a subnet: NSG, route table, service endpoints, delegation.
    Chip,
    /// A box in a side column: PaaS services on the right, clients and DNS on the left.
    Side(Side),
}

/// The pictogram drawn in an element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Icon {
    None,
    Internet,
    Clients,
    Vnet,
    Workspace,
    Storage,
    KeyVault,
    Registry,
    Insights,
    Instance,
    Cluster,
    Aks,
    AksControl,
    Aci,
    Vm,
    Spark,
    Endpoint,
    Firewall,
    DnsServer,
    DnsZone,
    Nsg,
    Routes,
}

/// One thing drawn on the diagram.
#[derive(Clone, Debug)]
pub(crate) struct Elem {
    pub kind: Kind,
    pub icon: Icon,
    pub parent: Option<Id>,
    /// A VNet or subnet the block names but does not describe.
    pub external: bool,
    /// The model nodes (or fields of them) this element stands for; a finding goes to the
    /// element claiming the most specific part of its subject (`status::targets`).
    pub claims: Vec<Claim>,
    /// Kind of resource, shown small above the name ("Storage account").
    pub caption: String,
    pub name: String,
    /// Details, one per line.
    pub lines: Vec<String>,
    /// A phrase naming the element ("storage account `stmldemo`").
    pub what: String,
    /// Indices of the report's diagnostics drawn on this element.
    pub findings: Vec<usize>,
    pub children: Vec<Id>,
    /// How many elements of the topology this one stands for: more than one when identical
    /// subnets (and what they hold) are drawn once ([`crate::diagram::summary`]).
    pub count: usize,
    /// The names and details of the elements it stands for, when more than one.
    pub members: Vec<String>,
}

/// How a connection is made; each has its own line style and legend entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Mode {
    /// A private IP address in the VNet (private endpoint, client inside the network).
    Private,
    /// A service endpoint: the service's public IP, reached with the VNet's identity.
    Service,
    /// A public IP address.
    Public,
    /// A private DNS zone linked to a VNet.
    Link,
    /// Two peered VNets.
    Peering,
    /// A user-defined route sending traffic to an appliance (forced tunnel).
    Route,
}

impl Mode {
    pub const ALL: [Mode; 6] =
        [Mode::Private, Mode::Service, Mode::Public, Mode::Link, Mode::Peering, Mode::Route];

    pub fn class(self) -> &'static str {
        match self {
            Mode::Private => "private",
            Mode::Service => "service",
            Mode::Public => "public",
            Mode::Link => "link",
            Mode::Peering => "peering",
            Mode::Route => "route",
        }
    }

    pub fn legend(self) -> &'static str {
        match self {
            Mode::Private => "private IP",
            Mode::Service => "service endpoint (public IP, VNet identity)",
            Mode::Public => "public IP",
            Mode::Link => "private DNS zone link",
            Mode::Peering => "VNet peering",
            Mode::Route => "forced tunnel (route 0.0.0.0/0)",
        }
    }

    /// Does the line end in an arrow (a direction of access)?
    pub fn arrow(self) -> bool {
        matches!(self, Mode::Private | Mode::Service | Mode::Public | Mode::Route)
    }
}

/// A connection between two elements.
#[derive(Clone, Debug)]
pub(crate) struct Edge {
    pub from: Id,
    pub to: Id,
    pub mode: Mode,
    /// Shown in the port row of the side box at either end ("private IP · blob").
    pub label: String,
    /// The tooltip of the line.
    pub title: String,
}

/// One cell value of the overview's scenario table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reach {
    PrivateEndpoint,
    InVnet,
    ServiceEndpoint,
    Public,
}

impl Reach {
    /// The overview's own wording.
    pub fn text(self) -> &'static str {
        match self {
            Reach::PrivateEndpoint => "Private IP (private endpoint)",
            Reach::InVnet => "Private IP (in the VNet)",
            Reach::ServiceEndpoint => "Public IP (service endpoint)",
            Reach::Public => "Public IP",
        }
    }
    pub fn mode(self) -> Mode {
        match self {
            Reach::PrivateEndpoint | Reach::InVnet => Mode::Private,
            Reach::ServiceEndpoint => Mode::Service,
            Reach::Public => Mode::Public,
        }
    }
}

/// The topology's row of the overview's scenario table; `None`: nothing of that kind here.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScenarioRow {
    pub cells: [(&'static str, Option<Vec<Reach>>); 4],
}

/// Everything the diagram shows, before geometry.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scene {
    pub elems: Vec<Elem>,
    pub edges: Vec<Edge>,
    pub band: Option<Id>,
    /// VNets top to bottom (declared ones first, then external ones).
    pub vnets: Vec<Id>,
    pub left: Vec<Id>,
    pub right: Vec<Id>,
    pub scenario: ScenarioRow,
    /// Findings drawn on the diagram as a whole (no element matches their path).
    pub block_findings: Vec<usize>,
}

/// Build the scene of a resolved topology. `None` when there is nothing to draw.
pub(crate) fn build(net: &Net) -> Option<Scene> {
    let mut b = network::Builder::new(net);
    b.vnets();
    b.unattached();
    b.paas();
    b.computes();
    b.endpoints();
    b.firewall_and_dns();
    b.clients();
    b.links();
    b.scenario();
    let s = b.finish();
    (!s.elems.is_empty()).then_some(s)
}
