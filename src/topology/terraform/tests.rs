//! The Terraform front end on small modules: evaluation, mapping, spans, problems.

use std::sync::Arc;

use super::import;
use crate::topology::emit::to_yaml;
use crate::topology::import::Imported;
use crate::topology::model::items;

fn module(files: &[(&str, &str)]) -> Imported {
    let files: Vec<(Arc<str>, Arc<str>)> =
        files.iter().map(|(p, t)| (Arc::from(*p), Arc::from(*t))).collect();
    import(&files)
}

/// `severity code file:line:col message` of every problem.
fn problems(imp: &Imported) -> Vec<String> {
    imp.problems
        .iter()
        .map(|p| {
            let at = imp
                .sources
                .locate(p.span.clone())
                .map_or("?".into(), |l| format!("{}:{}:{}", l.file, l.start.line, l.start.column));
            format!("{} {} {at} {}", p.severity, p.code, p.message)
        })
        .collect()
}

/// `file:line:col` of a span.
fn at(imp: &Imported, span: &std::ops::Range<usize>) -> String {
    let l = imp.sources.locate(span.clone()).expect("located");
    format!("{}:{}:{}", l.file, l.start.line, l.start.column)
}

#[test]
fn variables_tfvars_locals_templates_and_functions() {
    let imp = module(&[
        (
            "main.tf",
            r#"
variable "name" { type = string }
variable "env" { default = "dev" }
variable "space" {
  type    = list(string)
  default = ["10.0.0.0/16"]
}
variable "extra_dns" {
  type    = set(string)
  default = ["10.0.0.5", "10.0.0.4", "10.0.0.4"]
}
locals {
  prefix = "${upper(substr(var.name, 0, 1))}${lower(substr(var.name, 1, -1))}"
  base   = format("vnet-%s-%s", local.prefix, var.env)
  parts  = split("-", local.base)
  tags   = merge({ a = "1" }, { b = "2" }, { a = "3" })
  dns    = concat(tolist(var.extra_dns), ["168.63.129.16"])
}
resource "azurerm_virtual_network" "v" {
  name                = join("-", [element(local.parts, 0), element(local.parts, 1), lookup(local.tags, "a"), var.env])
  resource_group_name = replace("rg_${var.name}", "_", "-")
  location            = var.env == "prod" ? "westeurope" : "eastus"
  address_space       = var.space
  dns_servers         = length(local.dns) > 2 ? local.dns : []
}
resource "azurerm_subnet" "s" {
  name                 = "snet-${length(local.parts)}"
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = [cidrsubnet(var.space[0], 8, 2), cidrsubnet("10.0.0.0/16", 8, 3)]
}
"#,
        ),
        ("terraform.tfvars", "name = \"CONTOSO\"\nenv = \"staging\"\n"),
        ("z.auto.tfvars", "env = \"test\"\n"),
    ]);
    let yaml = to_yaml(&imp.topology);
    assert!(yaml.contains("name: vnet-Contoso-3-test\n"), "{yaml}");
    assert!(yaml.contains("resource_group: rg-CONTOSO\n"), "{yaml}");
    assert!(yaml.contains("region: eastus\n"), "{yaml}");
    assert!(yaml.contains("dns_servers: [10.0.0.4, 10.0.0.5, 168.63.129.16]\n"), "{yaml}");
    assert!(yaml.contains("- name: snet-3\n        prefix: 10.0.2.0/24\n"), "{yaml}");
    // Only the first prefix is in the model: a note says so, at the list.
    assert_eq!(
        problems(&imp),
        [
            "note not-in-model main.tf:29:3 `azurerm_subnet.s` has 2 address prefixes; the topology model holds the first one"
        ]
    );
}

#[test]
fn count_for_each_and_references_by_key() {
    let imp = module(&[(
        "main.tf",
        r#"
locals {
  subnets = { training = 1, scoring = 2 }
}
resource "azurerm_virtual_network" "v" {
  name          = "vnet"
  address_space = ["10.0.0.0/16"]
}
resource "azurerm_subnet" "pool" {
  count                = 2
  name                 = "snet-pool-${count.index}"
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = [cidrsubnet("10.0.0.0/16", 8, 10 + count.index)]
}
resource "azurerm_subnet" "named" {
  for_each             = local.subnets
  name                 = "snet-${each.key}"
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = [cidrsubnet("10.0.0.0/16", 8, each.value)]
}
resource "azurerm_network_security_group" "n" {
  for_each = toset(["a", "b"])
  name     = "nsg-${each.value}"
}
resource "azurerm_subnet_network_security_group_association" "one" {
  subnet_id                 = azurerm_subnet.pool[1].id
  network_security_group_id = azurerm_network_security_group.n["b"].id
}
resource "azurerm_subnet_network_security_group_association" "all" {
  for_each                  = azurerm_subnet.named
  subnet_id                 = each.value.id
  network_security_group_id = azurerm_network_security_group.n["a"].id
}
resource "azurerm_machine_learning_compute_cluster" "c" {
  name               = "cpu"
  subnet_resource_id = azurerm_subnet.pool.*.id[0]
}
"#,
    )]);
    assert!(imp.problems.is_empty(), "{:?}", problems(&imp));
    let yaml = to_yaml(&imp.topology);
    insta::assert_snapshot!("count_and_for_each", yaml);
}

#[test]
fn dynamic_blocks_for_expressions_and_inline_subnets() {
    let imp = module(&[(
        "main.tf",
        r#"
variable "rules" {
  type = list(object({ name = string, port = string, source = optional(string, "VirtualNetwork") }))
  default = [
    { name = "batch", port = "29876-29877", source = "BatchNodeManagement" },
    { name = "aml", port = "44224", source = "AzureMachineLearning" },
    { name = "vnet", port = "*" },
  ]
}
resource "azurerm_network_security_group" "n" {
  name = "nsg"
  dynamic "security_rule" {
    for_each = { for i, r in var.rules : r.name => merge(r, { priority = 100 + i * 10 }) if r.port != "*" }
    content {
      name                       = security_rule.key
      priority                   = security_rule.value.priority
      direction                  = "inbound"
      access                     = "Allow"
      protocol                   = "tcp"
      source_address_prefix      = security_rule.value.source
      destination_address_prefix = "*"
      destination_port_range     = security_rule.value.port
    }
  }
}
resource "azurerm_virtual_network" "v" {
  name          = "vnet"
  address_space = ["10.0.0.0/16"]
  subnet {
    name           = "snet-a"
    address_prefix = "10.0.1.0/24"
    security_group = azurerm_network_security_group.n.id
  }
  subnet {
    name           = "snet-b"
    address_prefix = "10.0.2.0/24"
  }
}
resource "azurerm_machine_learning_compute_instance" "ci" {
  name               = "ci"
  subnet_resource_id = one([for s in azurerm_virtual_network.v.subnet : s.id if s.name == "snet-b"])
}
"#,
    )]);
    assert!(imp.problems.is_empty(), "{:?}", problems(&imp));
    let t = &imp.topology;
    let rules: Vec<String> = items(&t.nsgs)
        .flat_map(|n| items(&n.rules))
        .map(|r| {
            format!(
                "{} {} {} {} {:?}",
                r.name.as_ref().unwrap().value,
                r.priority.as_ref().unwrap().value,
                r.direction.as_ref().unwrap().value,
                r.protocol.as_ref().unwrap().value,
                r.destination_ports.as_ref().unwrap().value,
            )
        })
        .collect();
    // Map keys are iterated in order; letter case of enums is forgiven.
    assert_eq!(rules, ["aml 110 Inbound Tcp Text(\"44224\")", "batch 100 Inbound Tcp Text(\"29876-29877\")"]);
    let yaml = to_yaml(t);
    assert!(yaml.contains("- name: snet-a\n        prefix: 10.0.1.0/24\n        nsg: nsg\n"), "{yaml}");
    assert!(yaml.contains("type: compute_instance\n    vnet: vnet\n    subnet: snet-b\n"), "{yaml}");
    // A rule written by a dynamic block points at its `content` attribute.
    let rule = items(&t.nsgs).next().unwrap().rules.as_ref().unwrap().value[0].clone();
    assert_eq!(at(&imp, &rule.value.source.as_ref().unwrap().span), "main.tf:20:7");
}

#[test]
fn what_only_azure_knows_is_a_located_note_never_a_guess() {
    let imp = module(&[(
        "main.tf",
        r#"
data "azurerm_subnet" "shared" {
  name                 = "snet-shared"
  virtual_network_name = "vnet-hub"
}
module "network" {
  source = "./modules/network"
}
resource "random_pet" "p" {}
resource "azurerm_storage_account" "st" {
  name = "st${random_pet.p.id}"
  network_rules {
    default_action             = "Deny"
    virtual_network_subnet_ids = [data.azurerm_subnet.shared.id]
    ip_rules                   = [module.network.egress_ip]
  }
}
resource "azurerm_private_endpoint" "pe" {
  name      = "pe-st"
  subnet_id = data.azurerm_subnet.shared.id
  private_service_connection {
    name                           = "psc"
    private_connection_resource_id = azurerm_storage_account.st.id
    subresource_names              = ["blob"]
  }
}
resource "azurerm_virtual_network" "v" {
  name          = "vnet"
  address_space = [sha256("x")]
}
resource "azurerm_subnet" "s" {
  count                = length(data.azurerm_subnet.shared.address_prefixes)
  name                 = "s"
  virtual_network_name = "vnet"
}
"#,
    )]);
    insta::assert_snapshot!("unknowns", problems(&imp).join("\n"));
    let st = items(&imp.topology.storage_accounts).next().unwrap();
    assert_eq!(st.name.as_ref().unwrap().value, "azurerm_storage_account.st");
    let net = st.network.as_ref().unwrap();
    assert!(net.default_action.is_some() && net.vnet_rules.is_none() && net.ip_rules.is_none());
    let pe = &st.private_endpoints.as_ref().unwrap().value[0];
    assert!(pe.vnet.is_none() && pe.subnet.is_none() && pe.subresource.is_some());
    assert!(items(&imp.topology.vnets).next().unwrap().address_space.is_none());
}

#[test]
fn undeclared_references_are_errors_at_the_reference() {
    let imp = module(&[(
        "main.tf",
        r#"
variable "location" { default = "eastus" }
locals { prefix = "10.0.0.0/16" }
resource "azurerm_virtual_network" "v" {
  name          = "vnet"
  location      = var.locaton
  address_space = [local.prefx]
}
resource "azurerm_subnet" "s" {
  name                 = "s"
  virtual_network_name = azurerm_virtual_network.vv.name
}
resource "azurerm_subnet" "t" {
  name                 = data.azurerm_subnet.nothing.name
  virtual_network_name = azurerm_virtual_network.v.name
}
"#,
    )]);
    assert_eq!(
        problems(&imp),
        [
            "error undeclared-reference main.tf:6:19 reference to undeclared input variable `locaton`",
            "error undeclared-reference main.tf:7:20 reference to undeclared local value `prefx`",
            "note cannot-evaluate main.tf:9:1 `azurerm_subnet.s` is left out of the topology: its VNet is unknown",
            "error undeclared-reference main.tf:11:26 reference to undeclared resource `azurerm_virtual_network.vv`",
            "error undeclared-reference main.tf:14:26 reference to undeclared data source `data.azurerm_subnet.nothing`",
        ]
    );
    let helps: Vec<&str> = imp.problems.iter().filter_map(|p| p.help.as_deref()).collect();
    assert!(helps.contains(&"did you mean `var.location`?"), "{helps:?}");
    assert!(helps.contains(&"did you mean `local.prefix`?"), "{helps:?}");
    assert!(helps.contains(&"did you mean `azurerm_virtual_network.v`?"), "{helps:?}");
}

#[test]
fn a_syntax_error_is_located_and_the_other_files_still_import() {
    let imp = module(&[
        (
            "broken.tf",
            "resource \"azurerm_subnet\" \"s\" {\n  name = \"s\"\n  address_prefixes = [\"10.0.1.0/24\"\n}\n",
        ),
        ("main.tf", "resource \"azurerm_virtual_network\" \"v\" {\n  name = \"vnet\"\n}\n"),
    ]);
    let p = problems(&imp);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("error hcl-syntax broken.tf:4:1 not valid HCL: expected `]`"), "{p:?}");
    assert_eq!(items(&imp.topology.vnets).count(), 1);
    // An error at the very end of a file that ends inside a multi-byte character.
    for text in ["resource \"a\" \"b\" { x = \"é", "é", "x = [\"日本", ""] {
        let imp = module(&[("end.tf", text)]);
        assert!(imp.problems.iter().all(|p| imp.sources.locate(p.span.clone()).is_some()), "{text}");
    }
    // A byte order mark (a character of the file: column 2) and CRLF line ends are fine.
    let imp = module(&[(
        "main.tf",
        "\u{feff}resource \"azurerm_virtual_network\" \"v\" {\r\n  name = \"vnet\"\r\n  address_space = [\"10.0.0.0/16\"]\r\n}\r\n",
    )]);
    assert!(imp.problems.is_empty(), "{:?}", problems(&imp));
    let v = items(&imp.topology.vnets).next().unwrap();
    assert_eq!(at(&imp, &v.span), "main.tf:1:2");
    assert_eq!(at(&imp, &v.address_space.as_ref().unwrap().value[0].span), "main.tf:3:20");
}

#[test]
fn cycles_deep_chains_and_blow_ups_cost_bounded_work() {
    let mut chain = String::from("locals {\n  l0 = \"10.0.0.0/16\"\n");
    for i in 1..400 {
        chain.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    // Each level doubles the text: 2^60 bytes if nothing stopped it.
    chain.push_str("  d0 = \"xx\"\n");
    for i in 1..60 {
        chain.push_str(&format!("  d{i} = \"${{local.d{}}}${{local.d{}}}\"\n", i - 1, i - 1));
    }
    chain.push_str("  a = local.b\n  b = local.a\n}\n");
    chain.push_str(
        "resource \"azurerm_virtual_network\" \"v\" {\n  name = local.d59\n  address_space = [local.l399]\n  location = local.a\n}\n\
         resource \"azurerm_subnet\" \"many\" {\n  count = 1000000000\n  name = \"s\"\n  virtual_network_name = \"v\"\n}\n",
    );
    let start = std::time::Instant::now();
    let imp = module(&[("main.tf", &chain)]);
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
    let p = problems(&imp).join("\n");
    assert!(
        p.contains("cannot evaluate the name of `azurerm_virtual_network.v`: the text grows past 1 MiB"),
        "{p}"
    );
    assert!(p.contains("references nest deeper than 200 levels"), "{p}");
    assert!(p.contains("local value `a` refers to itself"), "{p}");
    assert!(p.contains("cannot expand `count` of `azurerm_subnet.many`: `1000000000` is not a count"), "{p}");
    assert_eq!(items(&imp.topology.vnets).count(), 1);
}

#[test]
fn copying_a_large_value_many_times_spends_the_budget() {
    // 10,000 instances each copying a 100,000-element list: 10^9 copies if nothing stopped it.
    let text = "locals {\n  big = range(100000)\n}\n\
                resource \"azurerm_virtual_network\" \"v\" {\n  count = 10000\n  name = \"v${count.index}\"\n  \
                address_space = [for x in slice(local.big, 0, 1) : \"10.0.0.0/16\"]\n}\n";
    let start = std::time::Instant::now();
    let imp = module(&[("main.tf", text)]);
    assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
    let p = problems(&imp).join("\n");
    assert!(p.contains("error cannot-evaluate main.tf:"), "{p}");
    assert!(p.contains("the module needs more evaluation work than topobook allows"), "{p}");
}

#[test]
fn what_the_model_cannot_hold_is_a_note() {
    let imp = module(&[(
        "main.tf",
        r#"
resource "azurerm_network_security_group" "n" {
  name = "nsg"
  security_rule {
    name                                  = "esp"
    priority                              = 100
    direction                             = "Inbound"
    access                                = "Allow"
    protocol                              = "Esp"
    source_address_prefixes               = ["10.0.1.0/24", "10.0.2.0/24"]
    destination_application_security_group_ids = ["/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/asg"]
    destination_port_ranges               = ["22", "3389"]
  }
}
resource "azurerm_lb" "lb" { name = "lb" }
resource "azurerm_machine_learning_workspace" "a" {
  name = "mlw-a"
  managed_network { isolation_mode = "AllowOnlyApprovedOutbound" }
}
resource "azurerm_machine_learning_workspace" "b" { name = "mlw-b" }
resource "azurerm_kubernetes_cluster" "k" { name = "aks" }
"#,
    )]);
    insta::assert_snapshot!("not_in_model", problems(&imp).join("\n"));
    let rules: Vec<String> = items(&imp.topology.nsgs)
        .flat_map(|n| items(&n.rules))
        .map(|r| {
            format!(
                "{} {:?} {:?}",
                r.name.as_ref().unwrap().value,
                r.source.as_ref().map(|s| &s.value),
                r.protocol
            )
        })
        .collect();
    assert_eq!(rules, ["esp Some(\"10.0.1.0/24\") None", "esp [2] Some(\"10.0.2.0/24\") None"]);
    assert_eq!(imp.topology.workspace.as_ref().unwrap().name.as_ref().unwrap().value, "mlw-a");
}

#[test]
fn arm_ids_written_as_text_resolve_by_name() {
    let imp = module(&[(
        "main.tf",
        r#"
locals {
  sub  = "/subscriptions/0000/resourceGroups/rg-net/providers/Microsoft.Network"
  snet = "${local.sub}/virtualNetworks/vnet-hub/subnets/snet-pe"
}
resource "azurerm_virtual_network" "hub" {
  name          = "vnet-hub"
  address_space = ["10.1.0.0/16"]
}
resource "azurerm_subnet" "pe" {
  name                 = "snet-pe"
  virtual_network_name = "vnet-hub"
  address_prefixes     = ["10.1.0.0/24"]
}
resource "azurerm_key_vault" "kv" { name = "kv-ml" }
resource "azurerm_private_endpoint" "kv" {
  name      = "pe-kv"
  subnet_id = local.snet
  private_service_connection {
    name                           = "psc"
    private_connection_resource_id = azurerm_key_vault.kv.id
    subresource_names              = ["vault"]
  }
  private_dns_zone_group {
    name                 = "g"
    private_dns_zone_ids = ["${local.sub}/privateDnsZones/privatelink.vaultcore.azure.net"]
  }
}
resource "azurerm_private_endpoint" "elsewhere" {
  name      = "pe-other"
  subnet_id = local.snet
  private_service_connection {
    name                           = "psc"
    private_connection_resource_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stother"
    subresource_names              = ["blob"]
  }
}
"#,
    )]);
    let kv = items(&imp.topology.key_vaults).next().unwrap();
    let pe = &kv.private_endpoints.as_ref().unwrap().value[0].value;
    assert_eq!(
        (pe.vnet.as_ref().unwrap().value.as_str(), pe.subnet.as_ref().unwrap().value.as_str()),
        ("vnet-hub", "snet-pe")
    );
    assert_eq!(pe.dns_zone.as_ref().unwrap().value, "privatelink.vaultcore.azure.net");
    assert_eq!(
        problems(&imp),
        [
            "note not-in-model main.tf:34:5 private endpoint `azurerm_private_endpoint.elsewhere` connects to `microsoft.storage/storageaccounts/stother`, which this module does not declare"
        ]
    );
}

#[test]
fn firewalls_aks_and_classic_rule_collections() {
    let imp = module(&[(
        "main.tf",
        r#"
resource "azurerm_virtual_network" "hub" {
  name          = "vnet-hub"
  address_space = ["10.1.0.0/16"]
}
resource "azurerm_subnet" "fw" {
  name                 = "AzureFirewallSubnet"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.1.4.0/24"]
}
resource "azurerm_subnet" "aks" {
  name                 = "snet-aks"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.1.8.0/22"]
}
resource "azurerm_firewall" "fw" {
  name = "afw"
  ip_configuration {
    name      = "c"
    subnet_id = azurerm_subnet.fw.id
  }
}
resource "azurerm_firewall_network_rule_collection" "aml" {
  name                = "aml"
  azure_firewall_name = azurerm_firewall.fw.name
  priority            = 100
  action              = "Allow"
  rule {
    name                  = "aml"
    source_addresses      = ["10.1.8.0/22"]
    destination_ports     = ["443"]
    destination_addresses = ["AzureMachineLearning"]
    protocols             = ["TCP"]
  }
}
resource "azurerm_firewall_application_rule_collection" "deny" {
  name                = "deny"
  azure_firewall_name = azurerm_firewall.fw.name
  priority            = 200
  action              = "Deny"
  rule {
    name             = "x"
    source_addresses = ["*"]
    target_fqdns     = ["*.example.com"]
    protocol {
      port = "443"
      type = "Https"
    }
  }
}
resource "azurerm_firewall_application_rule_collection" "conda" {
  name                = "conda"
  azure_firewall_name = azurerm_firewall.fw.name
  priority            = 300
  action              = "Allow"
  rule {
    name             = "conda"
    source_addresses = ["10.1.8.0/22"]
    target_fqdns     = ["anaconda.com", "*.anaconda.com"]
    protocol {
      port = "443"
      type = "Https"
    }
  }
}
resource "azurerm_kubernetes_cluster" "k" {
  name                    = "aks-ml"
  location                = "eastus"
  private_cluster_enabled = true
  default_node_pool {
    name           = "system"
    node_count     = 3
    max_pods       = 30
    vnet_subnet_id = azurerm_subnet.aks.id
  }
  network_profile {
    network_plugin = "azure"
    service_cidr   = "10.2.0.0/16"
    dns_service_ip = "10.2.0.10"
  }
}
resource "azurerm_machine_learning_inference_cluster" "inf" {
  name                  = "aks-inference"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.k.id
}
"#,
    )]);
    insta::assert_snapshot!(
        "firewall_and_aks",
        format!("{}\n---\n{}", to_yaml(&imp.topology), problems(&imp).join("\n"))
    );
}
