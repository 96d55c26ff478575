//! Reading infrastructure code of the ARM family: a template and its parameters file, or a
//! Bicep file compiled by the official Bicep CLI.
//!
//! Paths are relative to the book root and go through [`Guard`], so nothing outside the book
//! is read. A file that cannot be read is an error located at that file; everything inside
//! the files is [`crate::topology::arm::import`]'s business.
//!
//! Bicep: when a `bicep` executable is on `PATH`, `bicep build --stdout FILE` (as PSRule for
//! Azure does) prints the ARM template the file compiles to, which is imported like any
//! template. Locations then point into that compiled JSON (the source set names it
//! `FILE (compiled)`), which a note says. Bicep reads the modules the file refers to itself.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Guard, MAX_PAGE_BYTES};
use crate::diag::{Diagnostic, Location, Severity, ToolCode};
use crate::topology::arm;
use crate::topology::import::{ImportProblem, Imported};

/// A book-relative path and the file's text.
type Named = (Arc<str>, Arc<str>);

/// Read an ARM template and its parameters file and import them.
pub fn import_template(
    guard: &Guard,
    template: &str,
    parameters: Option<&str>,
) -> Result<Imported, Box<Diagnostic>> {
    let text = guard.read_text(template)?;
    let params = read_parameters(guard, parameters)?;
    Ok(arm::import((template.into(), text), params))
}

fn read_parameters(guard: &Guard, parameters: Option<&str>) -> Result<Option<Named>, Box<Diagnostic>> {
    Ok(match parameters {
        Some(p) => Some((p.into(), guard.read_text(p)?)),
        None => None,
    })
}

/// Where and how to run the Bicep CLI.
#[derive(Clone, Debug)]
pub struct Bicep {
    /// The `PATH` searched for `bicep`.
    search: OsString,
    timeout: Duration,
}

/// How long `bicep build` may take (the CLI starts a .NET runtime; large files take seconds).
pub const BICEP_TIMEOUT: Duration = Duration::from_secs(120);

impl Bicep {
    /// The Bicep CLI of this process's `PATH`.
    pub fn from_env() -> Bicep {
        Bicep::with_path(std::env::var_os("PATH").unwrap_or_default())
    }

    /// The Bicep CLI found on the given `PATH` value.
    pub fn with_path(search: impl Into<OsString>) -> Bicep {
        Bicep { search: search.into(), timeout: BICEP_TIMEOUT }
    }

    pub fn timeout(mut self, timeout: Duration) -> Bicep {
        self.timeout = timeout;
        self
    }

    /// The `bicep` executable, if one is on the path.
    pub fn executable(&self) -> Option<PathBuf> {
        std::env::split_paths(&self.search)
            .flat_map(|dir| [dir.join("bicep"), dir.join("bicep.exe")])
            .find(|p| is_executable(p))
    }
}

#[cfg(unix)]
fn is_executable(p: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &std::path::Path) -> bool {
    p.is_file()
}

fn error(code: ToolCode, rel: &str, message: String, help: &str) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(code, message).with_help(help).at(Location::file_start(rel.into())))
}

/// Compile a Bicep file with the Bicep CLI and import the template it gives.
pub fn import_bicep(
    guard: &Guard,
    bicep: &Bicep,
    file: &str,
    parameters: Option<&str>,
) -> Result<Imported, Box<Diagnostic>> {
    let real = guard.resolve(file)?;
    let params = read_parameters(guard, parameters)?;
    let Some(exe) = bicep.executable() else {
        return Err(error(
            ToolCode::BicepNotFound,
            file,
            format!("cannot compile `{file}`: the Bicep CLI (`bicep`) is not on `PATH`"),
            "install the Bicep CLI so that `bicep` is on `PATH` (`az bicep install` puts it in `~/.azure/bin`), \
             or compile the file yourself (`bicep build main.bicep` writes `main.json`) and point `src=` at the JSON template",
        ));
    };
    let json = run(&exe, &real, bicep.timeout, file)?;
    let compiled: Arc<str> = format!("{file} (compiled)").into();
    let mut imported = arm::import((compiled.clone(), json.into()), params);
    imported.problems.insert(
        0,
        ImportProblem {
            severity: Severity::Note,
            code: ToolCode::BicepBuild,
            message: format!(
                "`{file}` was compiled by `bicep build`: locations point into the compiled JSON template, not into the `.bicep` file"
            ),
            help: Some("run `bicep build` on the file to see the template these lines refer to".into()),
            span: 0..0,
        },
    );
    Ok(imported)
}

/// Run `bicep build --stdout FILE`; its output, or an error with what it printed.
fn run(
    exe: &std::path::Path,
    real: &std::path::Path,
    timeout: Duration,
    rel: &str,
) -> Result<String, Box<Diagnostic>> {
    let mut command = Command::new(exe);
    command
        .arg("build")
        .arg("--stdout")
        .arg(real)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so that a timeout stops whatever the CLI started too (a wrapper
    // script's children would otherwise keep the output pipes open).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|e| {
        error(
            ToolCode::BicepBuild,
            rel,
            format!("cannot run `{}`: {}", exe.display(), e.to_string().to_lowercase()),
            "check that the Bicep CLI on `PATH` is executable",
        )
    })?;
    let (Some(mut out), Some(mut err)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(error(
            ToolCode::BicepBuild,
            rel,
            "cannot read the output of `bicep build`".into(),
            "try again",
        ));
    };
    let stdout = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut out).take(MAX_PAGE_BYTES as u64 + 1).read_to_end(&mut buf);
        buf
    });
    let stderr = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut err).take(64 * 1024).read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() >= timeout => {
                stop(&mut child);
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => {
                stop(&mut child);
                break None;
            }
        }
    };
    let out = stdout.join().unwrap_or_default();
    let err = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).trim().to_string();
    let Some(status) = status else {
        return Err(error(
            ToolCode::BicepBuild,
            rel,
            format!("`bicep build {rel}` did not finish within {} s and was stopped", timeout.as_secs()),
            "check that the Bicep CLI works (`bicep --version`), or point `src=` at the compiled JSON template",
        ));
    };
    if !status.success() || out.is_empty() {
        let said = if err.is_empty() { "it printed nothing".to_string() } else { shorten(&err) };
        return Err(error(
            ToolCode::BicepBuild,
            rel,
            format!("`bicep build {rel}` failed ({status}): {said}"),
            "fix the Bicep file (the Bicep CLI's messages above say where), or point `src=` at a compiled JSON template",
        ));
    }
    if out.len() > MAX_PAGE_BYTES {
        return Err(error(
            ToolCode::InputLimit,
            rel,
            format!("the template `bicep build {rel}` prints is larger than {} MiB", MAX_PAGE_BYTES >> 20),
            "split the Bicep file into smaller ones",
        ));
    }
    String::from_utf8(out).map_err(|_| {
        error(
            ToolCode::BicepBuild,
            rel,
            format!("`bicep build {rel}` printed text that is not UTF-8"),
            "check the Bicep CLI",
        )
    })
}

/// Kill the CLI and everything in its process group.
fn stop(child: &mut std::process::Child) {
    crate::sys::kill_process_group(child.id());
    let _ = child.kill();
    let _ = child.wait();
}

/// At most 20 lines of what the CLI said.
fn shorten(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    if lines.len() <= 20 {
        s.to_string()
    } else {
        format!("{}\n… ({} more lines)", lines[..20].join("\n"), lines.len() - 20)
    }
}
