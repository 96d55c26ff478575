use super::{computes_phrase, name};
use crate::diag::Severity;
use crate::rules::{Area, BEFORE_CURRENT, Ctx, Eval, Findings, Rule};
use crate::topology::model::{ComputeType, items};
use crate::topology::node::Node;
use crate::topology::resolve::SubnetId;

pub static RULE: Rule = Rule {
    id: "AML-ST-009",
    name: "no-service-endpoint-policies-on-compute-subnets",
    severity: Severity::Warning,
    area: Area::Storage,
    periods: BEFORE_CURRENT,
    title: "Compute instance and cluster subnets carry no service-endpoint policies",
    checks: "The subnet of every compute instance and compute cluster has no \
`service_endpoint_policies`.",
    why: "A service-endpoint policy limits the storage accounts a subnet may reach through its \
`Microsoft.Storage` endpoint to the accounts it lists. Compute instances and clusters also talk to \
system storage accounts that Azure Machine Learning and Azure Batch own, which no policy of yours \
can list: nodes fail to start or to report their state.",
    example: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - name: snet-training
        prefix: 10.0.1.0/24
        service_endpoints: [Microsoft.Storage]
        service_endpoint_policies: [sep-ml-storage]
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    fix: "vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - name: snet-training
        prefix: 10.0.1.0/24
        service_endpoints: [Microsoft.Storage]
computes:
  - {name: cpu-cluster, type: compute_cluster, subnet: snet-training, max_nodes: 4}
",
    help: "remove the service-endpoint policies from the compute subnet",
    quote: "Virtual network service endpoint policies do not work for compute cluster/instance system storage accounts",
    source: "Secure an Azure Machine Learning training environment with virtual networks (2020), \"Compute clusters & instances\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#compute-instance",
    decision: None,
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let kinds = [ComputeType::ComputeInstance, ComputeType::ComputeCluster];
    let mut subnets: Vec<(SubnetId, Vec<&str>)> = Vec::new();
    for (ci, c) in net.computes_of(&kinds) {
        let Some(sid) = net.compute_subnet(ci) else { continue };
        match subnets.iter_mut().find(|(s, _)| *s == sid) {
            Some((_, names)) => names.push(name(&c.name)),
            None => subnets.push((sid, vec![name(&c.name)])),
        }
    }
    if subnets.is_empty() {
        return Eval::NotEvaluated("no compute instance or compute cluster sits in a declared subnet");
    }
    for (sid, computes) in subnets {
        let Some(sub) = net.subnet(sid) else { continue };
        let Some(first) = items(&sub.service_endpoint_policies).next() else { continue };
        let policies =
            items(&sub.service_endpoint_policies).map(|p| format!("`{}`", p.value)).collect::<Vec<_>>();
        let plural = if policies.len() > 1 { "policies" } else { "policy" };
        out.push(
            first.span.clone(),
            Node::Subnet(sid).field("service_endpoint_policies").index(0),
            format!(
                "subnet `{}` of {} has service-endpoint {plural} {}, which cut the compute off from \
                 its system storage accounts",
                net.subnet_label(sid),
                computes_phrase(&computes),
                policies.join(", ")
            ),
        )
        .label("policies do not cover Azure Machine Learning's system storage");
    }
    Eval::Checked
}
