//! The block in words, for readers who do not see the diagram: one sentence per virtual
//! network (address space, subnets and what each subnet holds), one for what sits outside
//! the networks, and the verdict. The figure template shows it beside the diagram.
//!
//! This reads the typed model only; the diagram's own description (what it draws, how each
//! part is reached) replaces it once the diagram stage exposes one.

use std::collections::BTreeMap;

use crate::check::BlockReport;
use crate::topology::model::{ComputeType, Topology, items};

fn name(n: &Option<crate::topology::yaml::Sp<String>>) -> Option<&str> {
    n.as_ref().map(|s| s.value.as_str())
}

fn quoted(s: &str) -> String {
    format!("`{s}`")
}

/// "a, b and c".
fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What each subnet holds (key: VNet name or "" when left out, subnet name), what a VNet
/// holds outside its subnets, and what is outside any network.
#[derive(Default)]
struct Placement {
    in_subnet: BTreeMap<(String, String), Vec<String>>,
    in_vnet: BTreeMap<String, Vec<String>>,
    outside: Vec<String>,
}

impl Placement {
    fn put(&mut self, vnet: Option<&str>, subnet: Option<&str>, what: String) {
        match (vnet, subnet) {
            (_, Some(s)) => {
                self.in_subnet.entry((vnet.unwrap_or("").into(), s.into())).or_default().push(what)
            }
            (Some(v), None) => self.in_vnet.entry(v.into()).or_default().push(what),
            (None, None) => self.outside.push(what),
        }
    }

    /// What subnet `subnet` of `vnet` holds; an entry without a VNet counts for every VNet
    /// (a topology with one VNet may leave it out).
    fn take(&mut self, vnet: &str, subnet: &str) -> Vec<String> {
        let mut out = self.in_subnet.remove(&(vnet.to_string(), subnet.to_string())).unwrap_or_default();
        out.extend(self.in_subnet.remove(&(String::new(), subnet.to_string())).unwrap_or_default());
        out
    }
}

/// A compute type in words.
fn compute_kind(k: ComputeType) -> &'static str {
    match k {
        ComputeType::ComputeInstance => "compute instance",
        ComputeType::ComputeCluster => "compute cluster",
        ComputeType::Aks => "AKS cluster",
        ComputeType::Aci => "container instance",
        ComputeType::Databricks => "Databricks workspace",
        ComputeType::Vm => "virtual machine",
        ComputeType::HdInsight => "HDInsight cluster",
        ComputeType::Kubernetes => "attached Kubernetes cluster",
    }
}

fn placement(t: &Topology) -> Placement {
    let mut p = Placement::default();
    if let Some(ws) = &t.workspace {
        let ws = &ws.value;
        let label = format!("the workspace {}", name(&ws.name).map(quoted).unwrap_or_default());
        p.outside.push(label.trim_end().to_string());
        for pe in items(&ws.private_endpoints) {
            let what = format!(
                "the workspace's private endpoint {}",
                name(&pe.value.name).map(quoted).unwrap_or_default()
            );
            p.put(name(&pe.value.vnet), name(&pe.value.subnet), what.trim_end().to_string());
        }
    }
    let mut services =
        |kind: &str,
         n: Option<&str>,
         pes: &mut dyn Iterator<Item = &crate::topology::model::PrivateEndpoint>| {
            let n = n.map(quoted).unwrap_or_default();
            p.outside.push(format!("{kind} {n}").trim_end().to_string());
            for pe in pes {
                p.put(
                    name(&pe.vnet),
                    name(&pe.subnet),
                    format!("a private endpoint of {kind} {n}").trim_end().to_string(),
                );
            }
        };
    for s in items(&t.storage_accounts) {
        services(
            "storage account",
            name(&s.value.name),
            &mut items(&s.value.private_endpoints).map(|e| &e.value),
        );
    }
    for k in items(&t.key_vaults) {
        services("key vault", name(&k.value.name), &mut items(&k.value.private_endpoints).map(|e| &e.value));
    }
    for r in items(&t.container_registries) {
        services(
            "container registry",
            name(&r.value.name),
            &mut items(&r.value.private_endpoints).map(|e| &e.value),
        );
    }
    for c in items(&t.computes) {
        let c = &c.value;
        let kind = c.kind.as_ref().map_or("compute", |k| compute_kind(k.value));
        let what = format!("{kind} {}", name(&c.name).map(quoted).unwrap_or_default()).trim_end().to_string();
        p.put(name(&c.vnet), name(&c.subnet), what);
    }
    if let Some(fw) = &t.firewall {
        let what = format!("the firewall {}", name(&fw.value.name).map(quoted).unwrap_or_default());
        p.put(name(&fw.value.vnet), None, what.trim_end().to_string());
    }
    p
}

/// The sentences that describe `report`'s topology and verdict (the verdict alone when the
/// YAML could not be read).
pub(super) fn describe(report: &BlockReport, verdict: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(net) = &report.net {
        let t = &*net.topo;
        let mut p = placement(t);
        let vnets: Vec<_> = items(&t.vnets).collect();
        for v in &vnets {
            let v = &v.value;
            let vname = name(&v.name).unwrap_or("");
            let spaces: Vec<&str> = items(&v.address_space).map(|a| a.value.as_str()).collect();
            let mut s = format!("Virtual network {}", quoted(vname));
            if !spaces.is_empty() {
                s.push_str(&format!(" ({})", spaces.join(", ")));
            }
            let subnets: Vec<String> = items(&v.subnets)
                .map(|sn| {
                    let sname = name(&sn.value.name).unwrap_or("");
                    let mut d = format!("subnet {}", quoted(sname));
                    if let Some(prefix) = name(&sn.value.prefix) {
                        d.push_str(&format!(" ({prefix})"));
                    }
                    let held = p.take(vname, sname);
                    if !held.is_empty() {
                        d.push_str(&format!(" holding {}", and_list(&held)));
                    }
                    d
                })
                .collect();
            match subnets.len() {
                0 => s.push_str(" with no subnets"),
                1 => s.push_str(&format!(" with one {}", subnets[0])),
                n => s.push_str(&format!(" with {n} subnets: {}", subnets.join("; "))),
            }
            s.push('.');
            if let Some(held) = p.in_vnet.remove(vname) {
                s.push_str(&format!(" It also holds {}.", and_list(&held)));
            }
            out.push(s);
        }
        // Whatever names a subnet that is not declared stays visible.
        let mut elsewhere: Vec<String> = Vec::new();
        for ((v, s), held) in std::mem::take(&mut p.in_subnet) {
            let at = if v.is_empty() {
                format!("subnet {}", quoted(&s))
            } else {
                format!("subnet {} of {}", quoted(&s), quoted(&v))
            };
            elsewhere.push(format!("{} in {at}", and_list(&held)));
        }
        for (v, held) in std::mem::take(&mut p.in_vnet) {
            elsewhere.push(format!("{} in {}", and_list(&held), quoted(&v)));
        }
        if !elsewhere.is_empty() {
            out.push(format!("In subnets or networks the block does not declare: {}.", elsewhere.join("; ")));
        }
        if vnets.is_empty() && p.outside.is_empty() {
            out.push("The block declares no virtual network and no resource.".to_string());
        } else if !p.outside.is_empty() {
            out.push(format!("Outside the virtual networks: {}.", and_list(&p.outside)));
        }
    }
    out.push(format!("Verdict: {verdict}."));
    out
}
