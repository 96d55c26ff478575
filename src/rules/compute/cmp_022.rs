use super::shared::{compute_subnets, kind_label, name};
use crate::diag::Severity;
use crate::rules::{ALL, Area, Ctx, Eval, Findings, Rule};
use crate::topology::addr::PortRange;
use crate::topology::facts::Verdict;
use crate::topology::model::{ComputeType, Direction, Os, Protocol, items};
use crate::topology::node::{Loc, Node};

pub static RULE: Rule = Rule {
    id: "AML-CMP-022",
    name: "attached-vm-ssh-from-aml-ubuntu",
    severity: Severity::Error,
    area: Area::Compute,
    periods: ALL,
    title: "An attached VM or HDInsight cluster accepts SSH from `AzureMachineLearning`, and a VM runs Ubuntu",
    checks: "For every compute of `type: vm` or `hdinsight` in a subnet with an `nsg`: inbound \
TCP 22 from the `AzureMachineLearning` service tag is allowed (evaluated by priority with Azure's \
default rules). For every `vm` whose `os` is given: it is `ubuntu`.",
    why: "Azure Machine Learning drives attached virtual machines and HDInsight clusters over \
SSH from its own addresses; an NSG that drops port 22 from `AzureMachineLearning` makes every run \
fail to start. Only Ubuntu virtual machines can be attached.",
    example: "computes:
  - {name: vm-train, type: vm, os: windows}
",
    fix: "computes:
  - {name: vm-train, type: vm, os: ubuntu}
",
    help: "allow inbound TCP 22 from `AzureMachineLearning` in the subnet's NSG, and attach an Ubuntu VM",
    quote: "Allow Azure Machine Learning to communicate with the SSH port on the VM or cluster, \
configure a source entry for the network security group. The SSH port is usually port 22. / \
Azure Machine Learning supports only virtual machines that are running Ubuntu.",
    source: "Secure an Azure Machine Learning training environment (2020), \"Virtual machine or \
HDInsight cluster\"",
    source_url: "https://docs.microsoft.com/azure/machine-learning/how-to-secure-training-vnet#virtual-machine-or-hdinsight-cluster",
    decision: Some(
        "The model has no SSH port field, so port 22 (\"usually\") is checked. `os: linux` is a \
Linux other than Ubuntu and is reported like `windows`; a VM without `os` is not judged on its \
operating system. HDInsight clusters run Ubuntu and are checked for SSH only. A subnet without \
NSG passes the SSH part.",
    ),
    removed: false,
    check,
};

fn check(cx: &Ctx, out: &mut Findings) -> Eval {
    let net = cx.net;
    let kinds = [ComputeType::Vm, ComputeType::HdInsight];
    if net.computes_of(&kinds).next().is_none() {
        return Eval::NotEvaluated("the block has no attached VM or HDInsight cluster");
    }
    let mut evaluated = false;
    for (ci, c) in net.computes_of(&[ComputeType::Vm]) {
        evaluated |= c.os.is_some();
        if let Some(os) = c.os.as_ref().filter(|o| o.value != Os::Ubuntu) {
            out.push(
                os.span.clone(),
                Node::Compute(ci).field("os"),
                format!(
                    "virtual machine `{}` runs `{}`; only Ubuntu VMs can be attached",
                    name(&c.name),
                    os.value
                ),
            )
            .help("attach a VM running Ubuntu (`os: ubuntu`)");
        }
    }
    for cs in compute_subnets(net, &kinds) {
        let region = net.compute_region(cs.compute);
        let Some((ni, v)) = net.subnet_tag_flow(
            cs.subnet,
            Direction::Inbound,
            Protocol::Tcp,
            "AzureMachineLearning",
            region.as_deref(),
            PortRange { lo: 22, hi: 22 },
        ) else {
            continue;
        };
        evaluated = true;
        if v.allowed() {
            continue;
        }
        let Some(nsg) = items(&net.topo().nsgs).nth(ni) else { continue };
        let Some(c) = items(&net.topo().computes).nth(cs.compute) else { continue };
        let (span, path) = match v {
            Verdict::DeniedBy(ri) => match items(&nsg.rules).nth(ri) {
                Some(r) => match &r.access {
                    Some(a) => (a.span.clone(), Node::NsgRule { nsg: ni, rule: ri }.field("access")),
                    None => (r.span.clone(), Loc::from(Node::NsgRule { nsg: ni, rule: ri })),
                },
                None => (nsg.span.clone(), Loc::from(Node::Nsg(ni))),
            },
            _ => (
                nsg.rules.as_ref().map(|l| l.span.clone()).unwrap_or(nsg.span.clone()),
                Node::Nsg(ni).field("rules"),
            ),
        };
        out.push(
            span,
            path,
            format!(
                "NSG `{}` of subnet `{}` drops inbound TCP 22 (SSH) from `AzureMachineLearning` to {} `{}`",
                name(&nsg.name),
                net.subnet_label(cs.subnet),
                kind_label(c),
                name(&c.name)
            ),
        )
        .help("add an inbound `Allow` rule: source `AzureMachineLearning`, destination port `22`");
    }
    if evaluated {
        Eval::Checked
    } else {
        Eval::NotEvaluated("neither the operating system nor a subnet NSG of the attached compute is given")
    }
}
