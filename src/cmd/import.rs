//! `topobook import PATH [--format terraform]`: infrastructure code in, the equivalent YAML
//! topology out on stdout (for authors who want a hand-written block to start from); the
//! problems met on the way on stderr, located in the code.
//!
//! Exit codes: 0 imported; 1 the code has errors (what could be read is still printed);
//! 2 usage or I/O error (nothing printed on stdout).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::exit;
use crate::diag::{self, Diagnostic, Severity};
use crate::load::{self, Guard};
use crate::report::{human, terminal_safe};
use crate::topology::import::Imported;
use crate::topology::{emit, terraform};

/// The kinds of infrastructure code `import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// A Terraform module: a folder of `.tf` files (with `terraform.tfvars`, `*.auto.tfvars`)
    /// or one `.tf` file.
    Terraform,
}

impl ImportFormat {
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Terraform => "Terraform",
        }
    }

    /// The format of `path` when it is unambiguous: a `.tf` file, or a folder holding one.
    pub fn guess(path: &Path) -> Option<ImportFormat> {
        load::infra::looks_like_terraform(path).then_some(ImportFormat::Terraform)
    }

    /// Read the code at `rel` inside `guard`'s root and import it: the topology and the
    /// problems met while reading the files.
    fn import(
        self,
        guard: &Guard,
        rel: &str,
        shown: &dyn Fn(&str) -> String,
    ) -> Result<(Imported, Vec<Diagnostic>), Box<Diagnostic>> {
        match self {
            ImportFormat::Terraform => {
                let module = load::infra::terraform_module(guard, rel)?;
                let files: Vec<(Arc<str>, Arc<str>)> =
                    module.files.into_iter().map(|(p, t)| (Arc::from(shown(&p)), t)).collect();
                Ok((terraform::import(&files), module.diagnostics))
            }
        }
    }
}

/// The path as the user typed it, with `/` separators and without a leading `./`.
fn typed(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let s = s.trim_end_matches('/');
    s.strip_prefix("./").unwrap_or(s).to_string()
}

/// Run `topobook import`. Returns the exit code.
pub fn run(path: &Path, format: Option<ImportFormat>) -> i32 {
    let mut err = std::io::stderr().lock();
    let color = human::use_color(std::io::stderr().is_terminal());
    let Some(format) = format.or_else(|| ImportFormat::guess(path)) else {
        let _ = writeln!(
            err,
            "error: cannot tell what kind of infrastructure code `{}` is\n  = help: pass `--format terraform` for a Terraform module (a `.tf` file or a folder of `.tf` files)",
            terminal_safe(&path.display().to_string())
        );
        return exit::USAGE_OR_IO;
    };
    // The module's folder is the root nothing is read outside of.
    let (root, rel) = if path.is_dir() {
        (path.to_path_buf(), ".".to_string())
    } else {
        let parent =
            path.parent().filter(|p| !p.as_os_str().is_empty()).map_or(PathBuf::from("."), Path::to_path_buf);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        (parent, name)
    };
    let prefix = typed(&root);
    let shown = |p: &str| -> String {
        let p = p.strip_prefix("./").unwrap_or(p);
        if prefix.is_empty() || prefix == "." { p.to_string() } else { format!("{prefix}/{p}") }
    };
    let guard = match Guard::new(&root) {
        Ok(g) => g,
        Err(e) => {
            let _ = writeln!(err, "error: {}", terminal_safe(&e.0));
            return exit::USAGE_OR_IO;
        }
    };
    let (imported, mut diags) = match format.import(&guard, &rel, &shown) {
        Ok(x) => x,
        Err(d) => {
            let mut d = *d;
            if let Some(l) = &mut d.location {
                l.file = Arc::from(shown(&l.file));
            }
            let _ = err.write_all(human::render_all(&[d], &BTreeMap::new(), color).as_bytes());
            return exit::USAGE_OR_IO;
        }
    };
    for d in &mut diags {
        if let Some(l) = &mut d.location {
            l.file = Arc::from(shown(&l.file));
        }
    }
    for p in &imported.problems {
        let mut d = Diagnostic::new(p.severity, p.code, terminal_safe(&p.message).into_owned());
        d.help = p.help.as_deref().map(|h| terminal_safe(h).into_owned());
        if let Some(loc) = imported.sources.locate(p.span.clone()) {
            d = d.at(loc);
        }
        diags.push(d);
    }
    diag::sort(&mut diags);

    let files = imported.sources.files().len();
    let what = typed(path);
    let mut out = format!(
        "# Topology imported by `topobook import` from the {} code `{}` ({files} file{}).\n\
         # What the code does not state is left out; the notes on stderr say what could not be read.\n",
        format.name(),
        terminal_safe(&what),
        if files == 1 { "" } else { "s" },
    );
    out.push_str(&emit::to_yaml(&imported.topology));
    let _ = std::io::stdout().lock().write_all(out.as_bytes());

    let sources: BTreeMap<Arc<str>, Arc<str>> =
        imported.sources.files().iter().map(|f| (f.path.clone(), f.text.clone())).collect();
    let _ = err.write_all(human::render_all(&diags, &sources, color).as_bytes());
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        err,
        "imported `{}`: {}, {}, {}",
        terminal_safe(&what),
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Note), "note"),
    );
    if count(Severity::Error) > 0 { exit::DIAGNOSTICS } else { exit::OK }
}
