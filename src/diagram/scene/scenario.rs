//! The topology's row of the overview's scenario table: how the workspace, its associated
//! resources, training and inferencing compute are reached.

use super::Reach;
use super::network::Builder;
use super::resources::{INFERENCING, TRAINING};
use crate::topology::facts::NetworkDefaults;
use crate::topology::model::{Access, ComputeType, LoadBalancer};
use crate::topology::resolve::Net;

impl Builder<'_> {
    pub fn scenario(&mut self) {
        let net: &Net = self.net;
        let ws = net.workspace().map(|_| {
            let mut v = Vec::new();
            if net.workspace_has_pe() {
                v.push(Reach::PrivateEndpoint);
            }
            if net.workspace_public_access() == Access::Enabled {
                v.push(Reach::Public);
            }
            v
        });
        let mut assoc = Vec::new();
        let mut any = false;
        let mut add = |pe: bool, se: bool, secured: bool| {
            any = true;
            if pe {
                assoc.push(Reach::PrivateEndpoint);
            }
            if se && secured {
                assoc.push(Reach::ServiceEndpoint);
            }
            if !secured {
                assoc.push(Reach::Public);
            }
        };
        for (_, s) in net.workspace_storages() {
            add(s.has_private_endpoints(), s.has_vnet_rules(), s.secured());
        }
        for (_, k) in net.workspace_key_vaults() {
            add(k.has_private_endpoints(), k.has_vnet_rules(), k.secured());
        }
        for (_, r) in net.workspace_registries() {
            add(r.has_private_endpoints(), r.has_vnet_rules(), r.secured());
        }
        let computes = |kinds: &[ComputeType]| {
            let mut v = Vec::new();
            let mut any = false;
            for (_, c) in net.computes_of(kinds) {
                any = true;
                v.push(if c.vnet.is_some() || c.subnet.is_some() { Reach::InVnet } else { Reach::Public });
                // An AKS scoring endpoint behind a public load balancer (the AKS default).
                let aks = c.kind.as_ref().is_some_and(|k| k.value == ComputeType::Aks);
                let lb = c.aks.as_ref().and_then(|a| a.load_balancer.as_ref()).map(|l| l.value);
                if aks && lb != Some(LoadBalancer::Internal) {
                    v.push(Reach::Public);
                }
            }
            any.then_some(v)
        };
        let training = computes(TRAINING);
        let inferencing = computes(INFERENCING);
        let tidy = |v: Option<Vec<Reach>>| {
            v.map(|mut v| {
                v.sort_unstable();
                v.dedup();
                v
            })
        };
        self.s.scenario.cells = [
            ("Workspace", tidy(ws)),
            ("Associated resources", tidy(any.then_some(assoc))),
            ("Training compute", tidy(training)),
            ("Inferencing compute", tidy(inferencing)),
        ];
    }
}
