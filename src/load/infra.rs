//! Reading infrastructure code: the files of a Terraform module, a folder or one `.tf` file,
//! inside the root the [`Guard`] keeps.

use std::sync::Arc;

use super::{Guard, editor_file, io_diag, under};
use crate::diag::{Diagnostic, Location, ToolCode};

/// The texts of a module, in the order Terraform reads them, and the problems met reading
/// them (a file that cannot be read is left out; the others are kept).
#[derive(Debug, Default)]
pub struct InfraFiles {
    /// (path relative to the root, `/`-separated; text).
    pub files: Vec<(Arc<str>, Arc<str>)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Is `name` a file Terraform reads as part of a module?
fn terraform_role(name: &str) -> Option<u8> {
    if name.ends_with(".tf") {
        Some(0)
    } else if name == "terraform.tfvars" {
        Some(1)
    } else if name.ends_with(".auto.tfvars") {
        Some(2)
    } else {
        None
    }
}

/// Is `path` Terraform code: a `.tf` file, or a folder holding one? (To guess the format of
/// what the user names; nothing is read but the folder's listing.)
pub fn looks_like_terraform(path: &std::path::Path) -> bool {
    let is_tf = |p: &std::path::Path| p.extension().is_some_and(|e| e == "tf");
    if path.is_dir() {
        return std::fs::read_dir(path).is_ok_and(|entries| entries.flatten().any(|e| is_tf(&e.path())));
    }
    is_tf(path)
}

/// The Terraform module at `rel` (relative to the guard's root; `.` for the root itself):
/// for a folder, its `.tf` files by name, then `terraform.tfvars`, then the `*.auto.tfvars`
/// files by name (a later value overrides an earlier one, as in Terraform); for a `.tf` file,
/// that file alone. Subfolders (other modules) are not read.
///
/// A path outside the root, a missing path or a folder without `.tf` files is an error; a
/// file of the folder that cannot be read is a located diagnostic and the others are read.
pub fn terraform_module(guard: &Guard, rel: &str) -> Result<InfraFiles, Box<Diagnostic>> {
    let real = guard.resolve(rel)?;
    let mut out = InfraFiles::default();
    if !real.is_dir() {
        if !rel.ends_with(".tf") {
            return Err(Box::new(
                Diagnostic::error(
                    ToolCode::Io,
                    format!("`{rel}` is not a Terraform module: not a folder or a `.tf` file"),
                )
                .with_help("point at the module's folder or at one of its `.tf` files")
                .at(Location::file_start(rel.into())),
            ));
        }
        out.files.push((rel.into(), guard.read_text(rel)?));
        return Ok(out);
    }
    let entries = std::fs::read_dir(&real).map_err(|e| io_diag(rel, "folder", &e))?;
    let mut names: Vec<(u8, String)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if editor_file(&name) || !entry.path().is_file() {
            continue;
        }
        let path = under(rel, &name);
        if name.ends_with(".tf.json") || name.ends_with(".tfvars.json") {
            out.diagnostics.push(
                Diagnostic::note(
                    ToolCode::Io,
                    format!("`{path}` is not read: topobook reads Terraform's HCL syntax only"),
                )
                .with_help("write the module in `.tf` files to have it checked")
                .at(Location::file_start(path.as_str().into())),
            );
            continue;
        }
        if name == "override.tf" || name.ends_with("_override.tf") {
            out.diagnostics.push(
                Diagnostic::warning(
                    ToolCode::Io,
                    format!("`{path}` is not read: override files are not merged by topobook"),
                )
                .with_help("fold the override into the file it changes to have it checked")
                .at(Location::file_start(path.as_str().into())),
            );
            continue;
        }
        if let Some(role) = terraform_role(&name) {
            names.push((role, name));
        }
    }
    names.sort();
    if !names.iter().any(|(role, _)| *role == 0) {
        return Err(Box::new(
            Diagnostic::error(ToolCode::Io, format!("`{rel}` holds no `.tf` file"))
                .with_help("point at the folder of a Terraform module")
                .at(Location::file_start(rel.into())),
        ));
    }
    for (_, name) in names {
        let path = under(rel, &name);
        match guard.read_text(&path) {
            Ok(text) => out.files.push((path.into(), text)),
            Err(d) => out.diagnostics.push(*d),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_folder_in_terraform_order() {
        let dir = tempfile::tempdir().expect("temp");
        let m = dir.path().join("infra/ml");
        std::fs::create_dir_all(m.join("modules/sub")).expect("mkdir");
        for (name, text) in [
            ("variables.tf", "variable \"a\" {}\n"),
            ("main.tf", "locals {}\n"),
            ("b.auto.tfvars", "a = 2\n"),
            ("a.auto.tfvars", "a = 1\n"),
            ("terraform.tfvars", "a = 0\n"),
            ("README.md", "not read"),
            ("main.tf~", "editor backup"),
            ("x.tf.json", "{}"),
            ("modules/sub/inner.tf", "locals {}\n"),
        ] {
            std::fs::write(m.join(name), text).expect("write");
        }
        let guard = Guard::new(dir.path()).expect("guard");
        let got = terraform_module(&guard, "infra/ml").expect("module");
        let paths: Vec<&str> = got.files.iter().map(|(p, _)| &**p).collect();
        assert_eq!(
            paths,
            [
                "infra/ml/main.tf",
                "infra/ml/variables.tf",
                "infra/ml/terraform.tfvars",
                "infra/ml/a.auto.tfvars",
                "infra/ml/b.auto.tfvars"
            ]
        );
        assert_eq!(got.diagnostics.len(), 1, "{:?}", got.diagnostics);
        assert!(got.diagnostics[0].message.contains("x.tf.json"));
        // One file alone.
        let one = terraform_module(&guard, "infra/ml/main.tf").expect("file");
        assert_eq!(one.files.len(), 1);
        // Errors name the path.
        let e = terraform_module(&guard, "infra/none").expect_err("missing");
        assert!(e.message.contains("infra/none") && e.location.is_some(), "{}", e.message);
        let e = terraform_module(&guard, "infra").expect_err("no tf");
        assert!(e.message.contains("holds no `.tf` file"), "{}", e.message);
        let e = terraform_module(&guard, "infra/ml/README.md").expect_err("not tf");
        assert!(e.message.contains("not a Terraform module"), "{}", e.message);
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_root_are_refused() {
        let outside = tempfile::tempdir().expect("temp");
        std::fs::write(outside.path().join("secret.tf"), "locals { x = 1 }\n").expect("write");
        let dir = tempfile::tempdir().expect("temp");
        let m = dir.path().join("ml");
        std::fs::create_dir_all(&m).expect("mkdir");
        std::fs::write(m.join("main.tf"), "locals {}\n").expect("write");
        std::os::unix::fs::symlink(outside.path().join("secret.tf"), m.join("leak.tf")).expect("link");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("elsewhere")).expect("link");
        let guard = Guard::new(dir.path()).expect("guard");
        let got = terraform_module(&guard, "ml").expect("module");
        assert_eq!(got.files.len(), 1);
        assert!(
            got.diagnostics.iter().any(|d| d.message.contains("outside the book folder")),
            "{:?}",
            got.diagnostics
        );
        assert!(terraform_module(&guard, "elsewhere").is_err());
        assert!(terraform_module(&guard, "../x").is_err());
    }
}
