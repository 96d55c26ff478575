//! ARM import benchmark: a generated template of about 3,000 lines in the shape Bicep
//! compiles modules to (one nested deployment per spoke, inner scope, parameters passed and
//! outputs read back with `reference()`), imported and checked by the rules.
//!
//! Run with `cargo bench --bench import_arm [SPOKES]` (release profile; without SPOKES, as
//! many as make 3,000 lines). Prints the template's
//! size, then the median and the slowest of 50 runs of import, resolve and check. Target
//! (issue 15): a 3,000-line template imported and checked in under 50 ms.

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};
use topobook::rules::{self, Profile};
use topobook::topology::Net;
use topobook::topology::arm;

const SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

fn rule(name: &str, priority: u32, direction: &str, source: &str, destination: &str, port: &str) -> Value {
    json!({"name": name, "properties": {
        "priority": priority, "direction": direction, "access": "Allow", "protocol": "Tcp",
        "sourceAddressPrefix": source, "sourcePortRange": "*",
        "destinationAddressPrefix": destination, "destinationPortRange": port}})
}

fn endpoint(name: &str, target: &str, group: &str) -> Value {
    json!({
        "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2023-04-01",
        "name": format!("[format('{{0}}-{name}', parameters('spoke'))]"), "location": "[parameters('location')]",
        "properties": {
            "subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnet'), 'snet-pe')]"},
            "privateLinkServiceConnections": [{"name": group, "properties": {"privateLinkServiceId": target, "groupIds": [group]}}]
        }
    })
}

/// One spoke module: a VNet with subnets built by a property loop, an NSG, a route table, a
/// key vault and a storage account with private endpoints, zones and links.
fn spoke(i: usize) -> Value {
    let st = "[resourceId('Microsoft.Storage/storageAccounts', variables('storage'))]";
    let kv = "[resourceId('Microsoft.KeyVault/vaults', variables('vault'))]";
    json!({
        "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
        "name": format!("[format('spoke-{{0}}-{i}', variables('suffix'))]"),
        "properties": {
            "expressionEvaluationOptions": {"scope": "inner"}, "mode": "Incremental",
            "parameters": {
                "spoke": {"value": format!("[format('s{i}{{0}}', variables('suffix'))]")},
                "location": {"value": "[parameters('location')]"},
                "octet": {"value": i}
            },
            "template": {
                "$schema": SCHEMA, "contentVersion": "1.0.0.0",
                "parameters": {"spoke": {"type": "string"}, "location": {"type": "string"}, "octet": {"type": "int"}},
                "variables": {
                    "vnet": "[format('vnet-{0}', parameters('spoke'))]",
                    "nsg": "[format('nsg-{0}', parameters('spoke'))]",
                    "rt": "[format('rt-{0}', parameters('spoke'))]",
                    "storage": "[toLower(replace(format('st{0}', parameters('spoke')), '-', ''))]",
                    "vault": "[format('kv-{0}', parameters('spoke'))]",
                    "names": ["snet-pe", "snet-training", "snet-scoring", "snet-jump"]
                },
                "resources": [
                    {
                        "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01",
                        "name": "[variables('vnet')]", "location": "[parameters('location')]",
                        "properties": {
                            "addressSpace": {"addressPrefixes": ["[format('10.{0}.0.0/16', parameters('octet'))]"]},
                            "copy": [{"name": "subnets", "count": 4, "input": {
                                "name": "[variables('names')[copyIndex('subnets')]]",
                                "properties": {
                                    "addressPrefix": "[format('10.{0}.{1}.0/24', parameters('octet'), copyIndex('subnets'))]",
                                    "networkSecurityGroup": {"id": "[resourceId('Microsoft.Network/networkSecurityGroups', variables('nsg'))]"},
                                    "routeTable": "[if(equals(copyIndex('subnets'), 0), null(), createObject('id', resourceId('Microsoft.Network/routeTables', variables('rt'))))]",
                                    "serviceEndpoints": [{"service": "Microsoft.Storage"}, {"service": "Microsoft.KeyVault"}]
                                }
                            }}]
                        }
                    },
                    {
                        "type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01",
                        "name": "[variables('nsg')]", "location": "[parameters('location')]",
                        "properties": {"securityRules": [
                            rule("batch", 100, "Inbound", "BatchNodeManagement", "*", "29876-29877"),
                            rule("aml", 110, "Inbound", "AzureMachineLearning", "*", "44224"),
                            rule("aad", 200, "Outbound", "*", "AzureActiveDirectory", "*"),
                            rule("aml-out", 210, "Outbound", "*", "AzureMachineLearning", "443"),
                            rule("arm", 220, "Outbound", "*", "AzureResourceManager", "443"),
                            rule("storage", 230, "Outbound", "*", "[format('Storage.{0}', parameters('location'))]", "443"),
                            rule("acr", 240, "Outbound", "*", "[format('AzureContainerRegistry.{0}', parameters('location'))]", "443"),
                            rule("kv", 250, "Outbound", "*", "AzureKeyVault", "443")
                        ]}
                    },
                    {
                        "type": "Microsoft.Network/routeTables", "apiVersion": "2023-04-01",
                        "name": "[variables('rt')]", "location": "[parameters('location')]",
                        "properties": {"routes": [
                            {"name": "default", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.250.4.4"}},
                            {"name": "aml", "properties": {"addressPrefix": "AzureMachineLearning", "nextHopType": "Internet"}},
                            {"name": "batch", "properties": {"addressPrefix": "BatchNodeManagement", "nextHopType": "Internet"}}
                        ]}
                    },
                    {
                        "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01",
                        "name": "[variables('storage')]", "location": "[parameters('location')]",
                        "sku": {"name": "Standard_LRS"}, "kind": "StorageV2",
                        "properties": {"networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices",
                            "virtualNetworkRules": [{"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnet'), 'snet-training')]"}]}}
                    },
                    {
                        "type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-02-01",
                        "name": "[variables('vault')]", "location": "[parameters('location')]",
                        "properties": {"tenantId": "[subscription().tenantId]", "sku": {"family": "A", "name": "standard"},
                            "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"}}
                    },
                    endpoint("blob", st, "blob"),
                    endpoint("file", st, "file"),
                    endpoint("vault", kv, "vault"),
                    {
                        "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks", "apiVersion": "2020-06-01",
                        "name": "[format('privatelink.blob.{0}/{1}', environment().suffixes.storage, uniqueString(variables('vnet')))]",
                        "location": "global",
                        "properties": {"registrationEnabled": false, "virtualNetwork": {"id": "[resourceId('Microsoft.Network/virtualNetworks', variables('vnet'))]"}}
                    }
                ],
                "outputs": {"vnetId": {"type": "string", "value": "[resourceId('Microsoft.Network/virtualNetworks', variables('vnet'))]"}}
            }
        }
    })
}

fn template(spokes: usize) -> String {
    let mut resources: Vec<Value> = (1..=spokes).map(spoke).collect();
    resources.push(json!({
        "type": "Microsoft.Network/privateDnsZones", "apiVersion": "2020-06-01",
        "name": "[format('privatelink.blob.{0}', environment().suffixes.storage)]", "location": "global"
    }));
    resources.push(json!({
        "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "apiVersion": "2023-04-01",
        "name": "[format('vnet-s1{0}/to-s2', variables('suffix'))]",
        "properties": {"remoteVirtualNetwork": {"id": "[reference(resourceId('Microsoft.Resources/deployments', format('spoke-{0}-2', variables('suffix')))).outputs.vnetId.value]"}}
    }));
    let root = json!({
        "$schema": SCHEMA, "contentVersion": "1.0.0.0",
        "parameters": {"location": {"type": "string", "defaultValue": "eastus"}},
        "variables": {"suffix": "[substring(uniqueString(resourceGroup().id), 0, 4)]"},
        "resources": resources
    });
    serde_json::to_string_pretty(&root).expect("json")
}

fn main() {
    // Without an argument: the fewest spokes that make 3,000 lines.
    let spokes = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or_else(|| (1..).find(|&n| template(n).lines().count() >= 3000).unwrap_or(1));
    let text: Arc<str> = template(spokes).into();
    let lines = text.lines().count();
    let run = || {
        let imp = arm::import(("bench/azuredeploy.json".into(), text.clone()), None);
        let net = Net::new(Arc::new(imp.topology));
        let results = rules::run(&net, Profile::DEFAULT);
        (imp.problems.len(), net.problems.len(), results.len())
    };
    let (problems, net_problems, rules_run) = run();
    assert_eq!((problems, net_problems), (0, 0), "the generated template imports cleanly");
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        std::hint::black_box(run());
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "import_arm: {lines} lines, {spokes} nested deployments, {rules_run} rules: median {:.2} ms, slowest {:.2} ms over {} runs (target < 50 ms)",
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    );
}
