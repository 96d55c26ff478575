//! The workspace, its computes, and the AKS clusters they attach.

use std::ops::Range;

use super::{Mapper, find, pending, push};
use crate::topology::arm::cursor::Cur;
use crate::topology::arm::scope::Declared;
use crate::topology::model::*;
use crate::topology::yaml::Sp;

/// An AKS cluster (`Microsoft.ContainerService/managedClusters`) as the model reads it.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub name: Sp<String>,
    pub head: Range<usize>,
    pub region: Option<Sp<String>>,
    pub subnet: Option<(Sp<String>, Sp<String>)>,
    pub aks: Aks,
    /// A workspace compute attaches it.
    pub attached: bool,
}

fn identity(c: &Cur) -> Option<Sp<Identity>> {
    let t = c.path(&["identity", "type"])?.str()?;
    let lower = t.value.to_ascii_lowercase().replace(' ', "");
    let v = match lower.as_str() {
        "systemassigned" | "systemassigned,userassigned" => Identity::System,
        "userassigned" => Identity::User,
        "none" => Identity::None,
        _ => return c.path(&["identity", "type"])?.choice(&[("SystemAssigned", Identity::System)]),
    };
    Some(Sp::new(v, t.span))
}

impl<'e, 'a> Mapper<'e, 'a> {
    pub(super) fn workspace(&mut self, d: &Declared<'a>) {
        let name = self.name(d);
        if let Some(w) = &self.t.workspace {
            let first = w.name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
            self.not_in_model(
                d.node.head(),
                format!(
                    "the model holds one workspace (`{first}`): `{}` is left out",
                    name.map(|n| n.value).unwrap_or_default()
                ),
            );
            return;
        }
        let c = self.cur(d);
        let p = c.get("properties");
        let prop = |k: &str| p.as_ref().and_then(|p| p.get(k));
        let edition = c.path(&["sku", "name"]).and_then(|s| {
            let v = s.val();
            let e = match v.as_str()?.to_ascii_lowercase().as_str() {
                "basic" => Edition::Basic,
                "enterprise" => Edition::Enterprise,
                _ => return None,
            };
            Some(Sp::new(e, s.span.clone()))
        });
        let w = Workspace {
            name,
            region: c.get("location").and_then(|l| l.str()),
            edition,
            identity: identity(&c),
            customer_managed_key: p
                .as_ref()
                .and_then(|p| p.path(&["encryption", "status"]))
                .and_then(|s| s.choice(&[("Enabled", true), ("Disabled", false)])),
            public_network_access: prop("publicNetworkAccess")
                .and_then(|x| x.choice(&[("Enabled", Access::Enabled), ("Disabled", Access::Disabled)])),
            image_build_compute: prop("imageBuildCompute")
                .and_then(|x| x.str())
                .map(|s| Sp::new(Some(s.value), s.span)),
            default_storage: prop("storageAccount").and_then(|x| x.id_name()),
            key_vault: prop("keyVault").and_then(|x| x.id_name()),
            container_registry: prop("containerRegistry")
                .and_then(|x| x.id_name())
                .map(|s| Sp::new(Some(s.value), s.span)),
            application_insights: prop("applicationInsights").and_then(|x| x.id_name()),
            ..Default::default()
        };
        if let Some(h) = prop("hbiWorkspace").and_then(|x| x.bool()).filter(|h| h.value) {
            self.not_in_model(h.span, "`hbiWorkspace` (high business impact) is not in the model yet".into());
        }
        if let Some(mn) = prop("managedNetwork") {
            let read = pending::ManagedNetwork::read(&mn);
            self.not_in_model(
                mn.span.clone(),
                format!("the workspace's managed network ({}) is not in the model yet", read.summary()),
            );
        }
        self.t.workspace = Some(Sp::new(w, d.node.head()));
    }

    pub(super) fn outbound_rule(&mut self, d: &Declared<'a>) {
        let c = self.cur(d);
        let rule = c.get("properties").map(|p| pending::OutboundRule::read(self.name(d), &p));
        let what = rule.map(|r| r.summary()).unwrap_or_default();
        self.not_in_model(
            d.node.head(),
            format!("managed network outbound rule {what} is not in the model yet"),
        );
    }

    pub(super) fn cluster(&mut self, d: &Declared<'a>) {
        let Some(name) = self.name(d) else { return };
        let c = self.cur(d);
        let p = c.get("properties");
        let prop = |k: &[&str]| p.as_ref().and_then(|p| p.path(k));
        let pool = prop(&["agentPoolProfiles"]).and_then(|l| l.items().into_iter().next());
        let pool_get = |k: &str| pool.as_ref().and_then(|x| x.get(k));
        let net = |k: &str| prop(&["networkProfile", k]).and_then(|x| x.str());
        let aks = Aks {
            private_cluster: prop(&["apiServerAccessProfile", "enablePrivateCluster"]).and_then(|x| x.bool()),
            network_plugin: prop(&["networkProfile", "networkPlugin"]).and_then(|x| {
                x.choice(&[("azure", NetworkPlugin::Azure), ("kubenet", NetworkPlugin::Kubenet)])
            }),
            nodes: pool_get("count").and_then(|x| x.u32()),
            max_pods: pool_get("maxPods").and_then(|x| x.u32()),
            service_cidr: net("serviceCidr"),
            dns_service_ip: net("dnsServiceIP"),
            docker_bridge_cidr: net("dockerBridgeCidr"),
            pod_cidr: net("podCidr"),
            created_with: Some(Sp::new(CreatedWith::Template, d.node.head())),
            ..Default::default()
        };
        self.clusters.push(Cluster {
            name,
            head: d.node.head(),
            region: c.get("location").and_then(|l| l.str()),
            subnet: pool_get("vnetSubnetID").and_then(|s| s.subnet()),
            aks,
            attached: false,
        });
    }

    pub(super) fn compute(&mut self, d: &Declared<'a>) {
        let c = self.cur(d);
        let Some(p) = c.get("properties") else { return };
        let kind = p.get("computeType").and_then(|k| {
            k.choice(&[
                ("ComputeInstance", ComputeType::ComputeInstance),
                ("AmlCompute", ComputeType::ComputeCluster),
                ("AKS", ComputeType::Aks),
                ("VirtualMachine", ComputeType::Vm),
                ("HDInsight", ComputeType::HdInsight),
                ("Databricks", ComputeType::Databricks),
            ])
        });
        let inner = p.get("properties");
        let get = |k: &[&str]| inner.as_ref().and_then(|i| i.path(k));
        let mut m = Compute {
            name: self.name(d),
            kind: kind.clone(),
            region: p.get("computeLocation").or_else(|| c.get("location")).and_then(|l| l.str()),
            identity: identity(&c),
            ..Default::default()
        };
        let set_subnet = |m: &mut Compute, s: Option<(Sp<String>, Sp<String>)>| {
            if let Some((v, s)) = s {
                m.vnet = Some(v);
                m.subnet = Some(s);
            }
        };
        match kind.map(|k| k.value) {
            Some(ComputeType::ComputeCluster) => {
                set_subnet(&mut m, get(&["subnet"]).and_then(|s| s.subnet()));
                m.public_ip = get(&["enableNodePublicIp"]).and_then(|x| x.bool());
                m.max_nodes = get(&["scaleSettings", "maxNodeCount"]).and_then(|x| x.u32());
                m.ssh_public_access = get(&["remoteLoginPortPublicAccess"])
                    .and_then(|x| {
                        x.choice(&[
                            ("Enabled", Some(true)),
                            ("Disabled", Some(false)),
                            ("NotSpecified", None),
                        ])
                    })
                    .and_then(|s| s.value.map(|v| Sp::new(v, s.span)));
            }
            Some(ComputeType::ComputeInstance) => {
                set_subnet(&mut m, get(&["subnet"]).and_then(|s| s.subnet()));
                m.created_in_vnet = m.subnet.as_ref().map(|s| Sp::new(true, s.span.clone()));
                m.public_ip = get(&["enableNodePublicIp"]).and_then(|x| x.bool());
                m.ssh_public_access = get(&["sshSettings", "sshPublicAccess"])
                    .and_then(|x| x.choice(&[("Enabled", true), ("Disabled", false)]));
            }
            Some(ComputeType::Aks) => self.aks_compute(&mut m, &p, inner.as_ref()),
            _ => {}
        }
        push(&mut self.t.computes, Sp::new(m, d.node.head()));
    }

    fn aks_compute(&mut self, m: &mut Compute, p: &Cur, inner: Option<&Cur>) {
        let get = |k: &[&str]| inner.and_then(|i| i.path(k));
        let net = |k: &str| get(&["aksNetworkingConfiguration", k]);
        let resource = p.get("resourceId").and_then(|r| r.id());
        let mut aks = Aks {
            attach: resource.as_ref().map(|r| Sp::new(true, r.span.clone())),
            nodes: get(&["agentCount"]).and_then(|x| x.u32()),
            load_balancer: get(&["loadBalancerType"]).and_then(|x| {
                x.choice(&[
                    ("PublicIp", LoadBalancer::Public),
                    ("InternalLoadBalancer", LoadBalancer::Internal),
                ])
            }),
            load_balancer_subnet: get(&["loadBalancerSubnet"]).and_then(|x| x.str()),
            service_cidr: net("serviceCidr").and_then(|x| x.str()),
            dns_service_ip: net("dnsServiceIP").and_then(|x| x.str()),
            docker_bridge_cidr: net("dockerBridgeCidr").and_then(|x| x.str()),
            ..Default::default()
        };
        if let Some((v, s)) = net("subnetId").and_then(|x| x.subnet()) {
            m.vnet = Some(v);
            m.subnet = Some(s);
        }
        let cluster = resource.and_then(|r| {
            let n = r.value.name().to_string();
            self.clusters.iter_mut().find(|c| c.name.value.eq_ignore_ascii_case(&n))
        });
        if let Some(cl) = cluster {
            cl.attached = true;
            let k = &cl.aks;
            macro_rules! fill {
                ($($f:ident),*) => { $( if aks.$f.is_none() { aks.$f = k.$f.clone(); } )* };
            }
            fill!(
                private_cluster,
                network_plugin,
                nodes,
                max_pods,
                service_cidr,
                dns_service_ip,
                docker_bridge_cidr,
                pod_cidr,
                created_with
            );
            if m.subnet.is_none()
                && let Some((v, s)) = cl.subnet.clone()
            {
                m.vnet = Some(v);
                m.subnet = Some(s);
            }
            if m.region.is_none() {
                m.region = cl.region.clone();
            }
        }
        m.aks = Some(Sp::new(aks, p.head()));
    }

    /// AKS clusters that no workspace compute attaches: computes of their own, not attached.
    pub(super) fn unattached_clusters(&mut self) {
        for cl in std::mem::take(&mut self.clusters).into_iter().filter(|c| !c.attached) {
            if find(&self.t.computes, &cl.name.value, |c| c.name.as_deref().map(String::as_str)).is_some() {
                continue;
            }
            let (vnet, subnet) = match cl.subnet {
                Some((v, s)) => (Some(v), Some(s)),
                None => (None, None),
            };
            let m = Compute {
                name: Some(cl.name),
                kind: Some(Sp::new(ComputeType::Aks, cl.head.clone())),
                region: cl.region,
                vnet,
                subnet,
                aks: Some(Sp::new(cl.aks, cl.head.clone())),
                ..Default::default()
            };
            push(&mut self.t.computes, Sp::new(m, cl.head));
        }
    }
}
