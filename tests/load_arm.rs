//! Reading ARM templates and Bicep files from a book: paths stay inside the book, I/O errors
//! are located, and Bicep goes through a real `bicep` executable on `PATH` (small scripts
//! standing in for the Bicep CLI: one prints a compiled template, one fails, one hangs).

// Tests and measuring programs unwrap what they set up themselves.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use topobook::load::Guard;
use topobook::load::arm::{Bicep, import_bicep, import_template};

const TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": { "name": { "type": "string" } },
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks",
      "name": "[parameters('name')]",
      "location": "eastus",
      "properties": { "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] } }
    }
  ]
}
"#;

const PARAMS: &str = r#"{"parameters": {"name": {"value": "vnet-book"}}}"#;

fn book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("infra")).unwrap();
    std::fs::write(dir.path().join("book.toml"), "").unwrap();
    std::fs::write(dir.path().join("infra/azuredeploy.json"), TEMPLATE).unwrap();
    std::fs::write(dir.path().join("infra/azuredeploy.parameters.json"), PARAMS).unwrap();
    std::fs::write(dir.path().join("infra/main.bicep"), "param name string\n").unwrap();
    dir
}

fn vnet_name(imp: &topobook::topology::import::Imported) -> Option<String> {
    imp.topology.vnets.as_ref()?.value.first()?.name.as_ref().map(|n| n.value.clone())
}

#[test]
fn a_template_and_its_parameters_are_read_from_the_book() {
    let dir = book();
    let guard = Guard::new(dir.path()).unwrap();
    let imp =
        import_template(&guard, "infra/azuredeploy.json", Some("infra/azuredeploy.parameters.json")).unwrap();
    assert_eq!(vnet_name(&imp).as_deref(), Some("vnet-book"));
    let paths: Vec<&str> = imp.sources.files().iter().map(|f| &*f.path).collect();
    assert_eq!(paths, ["infra/azuredeploy.json", "infra/azuredeploy.parameters.json"]);
    let name = imp.topology.vnets.as_ref().unwrap().value[0].name.clone().unwrap();
    let at = imp.sources.locate(name.span).unwrap();
    assert_eq!((&*at.file, at.start.line, at.start.column), ("infra/azuredeploy.json", 7, 15));
}

#[test]
fn paths_outside_the_book_and_missing_files_are_located_errors() {
    let dir = book();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.json"), TEMPLATE).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.json"), dir.path().join("infra/linked.json"))
        .unwrap();
    let guard = Guard::new(dir.path()).unwrap();

    let e = import_template(&guard, "infra/linked.json", None).unwrap_err();
    assert!(e.message.contains("refused to read `infra/linked.json`"), "{}", e.message);
    let rel = format!("../{}/secret.json", outside.path().file_name().unwrap().to_string_lossy());
    let e = import_template(&guard, &rel, None).unwrap_err();
    assert!(e.message.contains("refused to read") || e.message.contains("not found"), "{}", e.message);

    let e =
        import_template(&guard, "infra/azuredeploy.json", Some("infra/missing.parameters.json")).unwrap_err();
    assert_eq!(e.code.as_str(), "io");
    assert!(
        e.message.contains("`infra/missing.parameters.json`") && e.message.contains("not found"),
        "{}",
        e.message
    );
    let at = e.location.as_ref().unwrap();
    assert_eq!((&*at.file, at.start.line, at.start.column), ("infra/missing.parameters.json", 1, 1));
}

fn script(dir: &Path, body: &str) -> std::ffi::OsString {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("bicep");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir.as_os_str().to_owned()
}

/// One test for every path through the Bicep CLI, so that no other test of this binary
/// forks while a script is being written (which makes executing it fail with "text file
/// busy").
#[test]
fn bicep_goes_through_the_cli_on_path() {
    let dir = book();
    let guard = Guard::new(dir.path()).unwrap();
    let bin = tempfile::tempdir().unwrap();

    // No `bicep` on PATH.
    let empty = bin.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let e = import_bicep(&guard, &Bicep::with_path(&empty), "infra/main.bicep", None).unwrap_err();
    assert_eq!(e.code.as_str(), "bicep-not-found");
    assert!(e.message.contains("`infra/main.bicep`") && e.message.contains("not on `PATH`"), "{}", e.message);
    let help = e.help.as_deref().unwrap();
    assert!(
        help.contains("az bicep install") && help.contains("point `src=` at the JSON template"),
        "{help}"
    );

    // A CLI that checks its arguments and prints the compiled template.
    let compiled = bin.path().join("compiled.json");
    std::fs::write(&compiled, TEMPLATE).unwrap();
    let ok = script(
        &bin.path().join("ok"),
        &format!(
            "[ \"$1\" = build ] && [ \"$2\" = --stdout ] && [ -f \"$3\" ] || {{ echo \"bad arguments: $*\" >&2; exit 2; }}\ncat '{}'",
            compiled.display()
        ),
    );
    let imp = import_bicep(
        &guard,
        &Bicep::with_path(&ok),
        "infra/main.bicep",
        Some("infra/azuredeploy.parameters.json"),
    )
    .unwrap();
    assert_eq!(vnet_name(&imp).as_deref(), Some("vnet-book"));
    assert_eq!(&*imp.sources.files()[0].path, "infra/main.bicep (compiled)");
    let note = &imp.problems[0];
    assert_eq!((note.code.as_str(), note.severity), ("bicep-build", topobook::diag::Severity::Note));
    assert!(note.message.contains("`infra/main.bicep` was compiled by `bicep build`"), "{}", note.message);
    assert!(imp.problems.len() == 1, "{:?}", imp.problems);

    // A CLI that fails: what it says reaches the message.
    let failing = script(
        &bin.path().join("failing"),
        "echo \"main.bicep(1,7) : Error BCP018: Expected the \\\"=\\\" character at this location.\" >&2\nexit 1",
    );
    let e = import_bicep(&guard, &Bicep::with_path(&failing), "infra/main.bicep", None).unwrap_err();
    assert_eq!(e.code.as_str(), "bicep-build");
    assert!(e.message.contains("`bicep build infra/main.bicep` failed"), "{}", e.message);
    assert!(e.message.contains("Error BCP018: Expected the \"=\" character"), "{}", e.message);
    assert_eq!(&*e.location.as_ref().unwrap().file, "infra/main.bicep");

    // A CLI that prints something that is not a template.
    let garbage = script(&bin.path().join("garbage"), "echo 'not json'");
    let imp = import_bicep(&guard, &Bicep::with_path(&garbage), "infra/main.bicep", None).unwrap();
    assert!(
        imp.problems
            .iter()
            .any(|p| p.code.as_str() == "json-syntax" && p.message.contains("`infra/main.bicep (compiled)`"))
    );

    // A CLI that hangs is stopped.
    let hanging = script(&bin.path().join("hanging"), "sleep 30");
    let start = std::time::Instant::now();
    let bicep = Bicep::with_path(&hanging).timeout(Duration::from_millis(300));
    let e = import_bicep(&guard, &bicep, "infra/main.bicep", None).unwrap_err();
    assert!(e.message.contains("did not finish"), "{}", e.message);
    assert!(start.elapsed() < Duration::from_secs(10));

    // The Bicep file itself must be inside the book.
    let e = import_bicep(&guard, &Bicep::with_path(&ok), "infra/absent.bicep", None).unwrap_err();
    assert!(e.message.contains("not found"), "{}", e.message);
}
