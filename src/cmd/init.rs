//! `topobook init DIR`: a new book with one page and a small topology block.

use std::path::Path;

use super::exit;
use crate::output::scaffold;

const BOOK_TOML: &str = r#"[book]
title = "Network isolation runbook"
authors = []
language = "en"
src = "content"

[build]
build-dir = "site"
# Broken internal links fail the build; use "warn" to only report them.
link-check = "error"

[check]
# The rules the topology blocks are checked against: `current` (the newest documentation,
# today `2026-02`) or a dated profile such as `2020-10` to keep a runbook on older rules.
profile = "current"

[output.html]
# site-url = "https://example.org/runbook/"   # enables sitemap.xml and canonical links
"#;

const SUMMARY: &str = r#"# Summary

[Introduction](README.md)

- [Secure the workspace](secure-workspace.md)
"#;

const README: &str = r#"# Introduction

This runbook describes how our Azure Machine Learning workspaces are isolated from the
internet. Each page explains one step; every ```` ```yaml topology ```` block in it describes the
network it talks about and is checked when the book is built.

Start with [securing the workspace](secure-workspace.md).
"#;

const PAGE: &str = r#"---
title: Secure the workspace
description: Put the workspace and its storage behind private endpoints.
---

# Secure the workspace

The workspace and its default storage account live in one virtual network. The training
subnet reaches storage through a service endpoint.

```yaml topology title="Workspace and storage"
workspace:
  name: mlw-demo
  region: eastus
  default_storage: stmldemo

vnets:
  - name: vnet-ml
    address_space: [10.0.0.0/16]
    subnets:
      - name: snet-training
        prefix: 10.0.1.0/24
        service_endpoints: [Microsoft.Storage]

storage_accounts:
  - name: stmldemo
    network:
      default_action: Deny
      vnet_rules: [vnet-ml/snet-training]
```

> [!TIP]
> Run `topobook build` after every change: it checks this block and every link.
"#;

/// Create a new book in `dir` (created if missing). Refuses to overwrite any file.
pub fn run(dir: &Path) -> i32 {
    let files = [
        ("book.toml", BOOK_TOML),
        ("content/SUMMARY.md", SUMMARY),
        ("content/README.md", README),
        ("content/secure-workspace.md", PAGE),
    ];
    match scaffold::write_new(dir, &files) {
        Ok(written) => {
            for p in written {
                eprintln!("created {}", p.display());
            }
            eprintln!("next: `topobook build {}`", dir.display());
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("help: choose an empty folder, or remove the files first");
            exit::USAGE_OR_IO
        }
    }
}
