//! Terraform import benchmark: a generated module of about 2,000 lines (the moderately
//! secure quickstart's workspace, associated resources and private endpoints, plus training
//! segments: a subnet with its NSG, route table, associations and a compute cluster, written
//! with variables, locals, templates, `for_each` and `dynamic` blocks) is imported (parse,
//! evaluate, map) and checked (resolve, every rule of the default profile).
//!
//! Run with `cargo bench --bench import [LINES]`. Prints the module's size and the median,
//! fastest and slowest time of import and of import + check. Target (issue 15): under 50 ms.

// Tests and measuring programs unwrap what they set up themselves and print figures.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use topobook::rules::{self, Profile};
use topobook::topology::Net;
use topobook::topology::terraform;

const BASE: &str = include_str!("../tests/fixtures/infra/terraform/ml-moderately-secure/workspace.tf");
const NETWORK: &str = include_str!("../tests/fixtures/infra/terraform/ml-moderately-secure/network.tf");
const MAIN: &str = include_str!("../tests/fixtures/infra/terraform/ml-moderately-secure/main.tf");
const VARIABLES: &str = include_str!("../tests/fixtures/infra/terraform/ml-moderately-secure/variables.tf");
const COMPUTE: &str = include_str!("../tests/fixtures/infra/terraform/ml-moderately-secure/compute.tf");

/// One training segment: a subnet, its NSG (dynamic rules), route table, associations and a
/// compute cluster.
fn segment(i: usize) -> String {
    format!(
        r#"
resource "azurerm_subnet" "segment_{i}" {{
  name                                      = "snet-segment-{i}"
  resource_group_name                       = azurerm_resource_group.ml.name
  virtual_network_name                      = azurerm_virtual_network.ml.name
  address_prefixes                          = [cidrsubnet(var.vnet_address_space[0], 8, {net})]
  private_endpoint_network_policies_enabled = false
  service_endpoints                         = ["Microsoft.KeyVault"]
}}

resource "azurerm_network_security_group" "segment_{i}" {{
  name                = "nsg-segment-{i}-${{local.suffix}}"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name

  dynamic "security_rule" {{
    for_each = local.segment_rules
    content {{
      name                       = "${{security_rule.key}}-{i}"
      priority                   = security_rule.value.priority
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = security_rule.value.ports
      source_address_prefix      = security_rule.value.source
      destination_address_prefix = "*"
    }}
  }}
}}

resource "azurerm_subnet_network_security_group_association" "segment_{i}" {{
  subnet_id                 = azurerm_subnet.segment_{i}.id
  network_security_group_id = azurerm_network_security_group.segment_{i}.id
}}

resource "azurerm_route_table" "segment_{i}" {{
  name                = format("rt-segment-%02d", {i})
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name

  route {{
    name           = "internet"
    address_prefix = "0.0.0.0/0"
    next_hop_type  = "Internet"
  }}
}}

resource "azurerm_subnet_route_table_association" "segment_{i}" {{
  subnet_id      = azurerm_subnet.segment_{i}.id
  route_table_id = azurerm_route_table.segment_{i}.id
}}

resource "azurerm_machine_learning_compute_cluster" "segment_{i}" {{
  name                          = "cluster-{i}"
  location                      = azurerm_resource_group.ml.location
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ml.id
  vm_size                       = "STANDARD_DS3_V2"
  vm_priority                   = "Dedicated"
  subnet_resource_id            = azurerm_subnet.segment_{i}.id

  scale_settings {{
    min_node_count                       = 0
    max_node_count                       = {nodes}
    scale_down_nodes_after_idle_duration = "PT30M"
  }}
}}
"#,
        net = 10 + i,
        nodes = 2 + i % 6,
    )
}

const SEGMENT_LOCALS: &str = r#"
locals {
  segment_rules = {
    batch = { priority = 100, ports = "29876-29877", source = "BatchNodeManagement" }
    aml   = { priority = 110, ports = "44224", source = "AzureMachineLearning" }
  }
}
"#;

fn module(lines: usize) -> Vec<(Arc<str>, Arc<str>)> {
    let mut files: Vec<(Arc<str>, Arc<str>)> = vec![
        ("main.tf".into(), MAIN.into()),
        ("variables.tf".into(), VARIABLES.into()),
        ("network.tf".into(), NETWORK.into()),
        ("workspace.tf".into(), BASE.into()),
        ("compute.tf".into(), COMPUTE.into()),
        ("terraform.tfvars".into(), "name = \"bench\"\n".into()),
    ];
    let mut count: usize = files.iter().map(|(_, t)| t.lines().count()).sum();
    let mut segments = String::from(SEGMENT_LOCALS);
    let mut i = 0;
    while count + segments.lines().count() < lines && i < 240 {
        segments.push_str(&segment(i));
        i += 1;
    }
    count += segments.lines().count();
    files.push(("segments.tf".into(), segments.into()));
    eprintln!("module: {} files, {count} lines, {i} training segments", files.len());
    files
}

/// CPU time of this thread: on a machine shared with other work, wall time overstates the
/// cost; CPU time does not.
fn thread_cpu() -> Duration {
    topobook::sys::thread_cpu()
}

fn stats(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "median {:.2} ms, fastest {:.2} ms, slowest {:.2} ms",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    )
}

fn main() {
    let lines: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(2_000);
    let files = module(lines);
    // Warm up (rule registry) and show what the run produces.
    let imp = terraform::import(&files);
    let net = Net::new(Arc::new(imp.topology.clone()));
    let results = rules::run(&net, Profile::DEFAULT);
    let findings: usize = results.iter().map(|r| r.findings.len()).sum();
    eprintln!(
        "imported {} subnets, {} computes; {} problems, {} resolve problems, {findings} findings",
        imp.topology.vnets.as_ref().map_or(0, |v| v
            .value
            .iter()
            .map(|v| v.subnets.as_ref().map_or(0, |s| s.value.len()))
            .sum()),
        imp.topology.computes.as_ref().map_or(0, |c| c.value.len()),
        imp.problems.len(),
        net.problems.len(),
    );
    let runs = 30;
    let (mut import_wall, mut total_wall, mut import_cpu, mut total_cpu) = (vec![], vec![], vec![], vec![]);
    for _ in 0..runs {
        let (start, cpu) = (Instant::now(), thread_cpu());
        let imp = terraform::import(&files);
        import_wall.push(start.elapsed());
        import_cpu.push(thread_cpu() - cpu);
        let net = Net::new(Arc::new(imp.topology));
        let results = rules::run(&net, Profile::DEFAULT);
        total_wall.push(start.elapsed());
        total_cpu.push(thread_cpu() - cpu);
        std::hint::black_box(results);
    }
    println!("import (parse, evaluate, map): wall {}", stats(import_wall));
    println!("                               CPU  {}", stats(import_cpu));
    println!("import and check:              wall {}", stats(total_wall));
    println!("                               CPU  {}", stats(total_cpu));
}
