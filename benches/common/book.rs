//! The generated benchmark book, shared by the `build` and `serve` benchmarks: a
//! deterministic book of N pages, each with about 800 words in several sections, a table,
//! links to its neighbours and to an anchor, a Bash block and a 60-line
//! ```` ```yaml topology ```` block.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

const WORDS: &[&str] = &[
    "workspace",
    "network",
    "subnet",
    "private",
    "endpoint",
    "storage",
    "account",
    "firewall",
    "route",
    "table",
    "compute",
    "cluster",
    "instance",
    "registry",
    "vault",
    "key",
    "identity",
    "managed",
    "isolation",
    "traffic",
    "inbound",
    "outbound",
    "rule",
    "security",
    "group",
    "service",
    "tag",
    "dns",
    "zone",
    "record",
    "resolve",
    "peering",
    "hub",
    "spoke",
    "gateway",
    "training",
    "inference",
    "model",
    "deployment",
    "pipeline",
    "data",
    "dataset",
    "datastore",
    "blob",
    "file",
    "queue",
    "container",
    "image",
    "build",
    "agent",
    "node",
    "pool",
    "address",
    "space",
    "prefix",
    "policy",
    "diagnostic",
    "monitor",
    "insights",
    "logs",
    "metrics",
    "alert",
    "the",
    "a",
    "and",
    "with",
    "through",
    "behind",
    "before",
    "after",
    "every",
    "only",
    "when",
    "which",
    "must",
    "should",
    "can",
    "allows",
    "blocks",
    "requires",
    "reaches",
    "uses",
    "creates",
    "connects",
    "denies",
    "public",
    "internet",
    "access",
    "disabled",
    "enabled",
    "trusted",
    "microsoft",
    "azure",
    "portal",
    "cli",
];

pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn word(&mut self) -> &'static str {
        WORDS[(self.next() as usize) % WORDS.len()]
    }
}

pub fn page_path(i: usize) -> String {
    format!("part-{:02}/page-{i:05}.md", i / 100)
}

pub fn page(i: usize, n: usize, rng: &mut Rng) -> String {
    let mut s = String::with_capacity(9000);
    let _ = writeln!(
        s,
        "---\ntitle: Page {i} {} {}\nweight: {i}\n---\n\n# Page {i} {{#page-{i}}}\n",
        rng.word(),
        rng.word()
    );
    let link = |j: usize| {
        let here = page_path(i);
        let depth = here.matches('/').count();
        format!("{}{}", "../".repeat(depth), page_path(j))
    };
    for section in 0..5 {
        let _ = writeln!(s, "## Section {section} {} {}\n", rng.word(), rng.word());
        for _para in 0..2 {
            for w in 0..80 {
                if w > 0 {
                    s.push(' ');
                }
                s.push_str(rng.word());
                if w % 13 == 12 {
                    s.push_str(&format!(" unique{}x{}", i, (rng.next() % 997)));
                }
            }
            s.push_str(".\n\n");
        }
        if section == 1 {
            s.push_str("| Resource | Subnet | Access |\n|---|---|---|\n");
            for r in 0..5 {
                let _ = writeln!(s, "| {}-{r} | snet-{r} | {} |", rng.word(), rng.word());
            }
            s.push('\n');
            let prev = if i > 0 { i - 1 } else { n - 1 };
            let next = (i + 1) % n;
            let _ = writeln!(
                s,
                "See [the previous page]({}), [the next page]({}) and [the top](#page-{i}).\n",
                link(prev),
                link(next)
            );
        }
        if section == 2 {
            let _ = writeln!(
                s,
                "```bash\naz network vnet create --name vnet-{i} --resource-group rg-ml \\\n  --address-prefixes 10.{}.0.0/16 --subnet-name snet-training\naz network private-endpoint create --name pe-{i} --vnet-name vnet-{i} \\\n  --subnet snet-pe --connection-name c-{i} --group-id amlworkspace\nfor zone in privatelink.api.azureml.ms privatelink.notebooks.azure.net; do\n  az network private-dns zone create --name \"$zone\" -g rg-ml  # zone {i}\ndone\n```\n",
                i % 250
            );
        }
        if section == 3 {
            // A 60-line block: every page's network, drawn and checked.
            let _ = writeln!(s, "```yaml topology title=\"Page {i} network\"");
            let _ = writeln!(
                s,
                "workspace:\n  name: mlw-{i}\n  region: eastus\n  default_storage: st{i}\n  key_vault: kv-{i}\n  application_insights: appi-{i}"
            );
            let _ = writeln!(
                s,
                "vnets:\n  - name: vnet-{i}\n    address_space: [10.{}.0.0/16]\n    subnets:",
                i % 250
            );
            for k in 0..4 {
                let _ = writeln!(
                    s,
                    "      - name: snet-{k}\n        prefix: 10.{}.{k}.0/24\n        service_endpoints: [Microsoft.Storage]",
                    i % 250
                );
                if k == 1 {
                    let _ = writeln!(s, "        nsg: nsg-{i}");
                }
            }
            let _ = writeln!(
                s,
                "nsgs:\n  - name: nsg-{i}\n    rules:\n      - {{name: batch, priority: 100, direction: Inbound, access: Allow, protocol: Tcp,\n         source: BatchNodeManagement, destination: \"*\", destination_ports: \"29876-29877\"}}\n      - {{name: aml, priority: 110, direction: Inbound, access: Allow, protocol: Tcp,\n         source: AzureMachineLearning, destination: \"*\", destination_ports: \"44224\"}}"
            );
            let _ = writeln!(
                s,
                "storage_accounts:\n  - name: st{i}\n    network:\n      default_action: Deny\n      bypass: [AzureServices]\n      vnet_rules: [vnet-{i}/snet-0, vnet-{i}/snet-1]"
            );
            let _ = writeln!(
                s,
                "key_vaults:\n  - name: kv-{i}\n    network: {{default_action: Deny, bypass: [AzureServices]}}\n    private_endpoints:\n      - {{name: pe-kv-{i}, subresource: vault, vnet: vnet-{i}, subnet: snet-3,\n         dns_zone: privatelink.vaultcore.azure.net}}"
            );
            let _ = writeln!(
                s,
                "application_insights:\n  - name: appi-{i}\nprivate_dns_zones:\n  - {{name: privatelink.vaultcore.azure.net, linked_vnets: [vnet-{i}]}}"
            );
            let _ = writeln!(
                s,
                "computes:\n  - name: cpu-{i}\n    type: compute_cluster\n    vnet: vnet-{i}\n    subnet: snet-1\n    max_nodes: 4\n    public_ip: false\n  - name: ci-{i}\n    type: compute_instance\n    vnet: vnet-{i}\n    subnet: snet-1\n    created_in_vnet: true\nclients:\n  access_paths: [vpn]"
            );
            s.push_str("```\n\n");
        }
    }
    s
}

pub fn generate(dir: &Path, n: usize) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("content")).expect("create bench book");
    std::fs::write(dir.join("book.toml"), "[book]\ntitle = \"Benchmark\"\n[build]\nlink-check = \"warn\"\n")
        .expect("write book.toml");
    let mut rng = Rng(42);
    for i in 0..n {
        let p = dir.join("content").join(page_path(i));
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, page(i, n, &mut rng)).expect("write page");
    }
}
