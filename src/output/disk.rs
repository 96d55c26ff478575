//! Writing a site to disk: into `.<name>.tmp-<pid>` beside the target, then swapped in.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{Output, is_safe_path};
use crate::diag::{Diagnostic, ToolCode};

/// A site being written. Nothing is visible at the target until [`DiskOutput::commit`].
#[derive(Debug)]
pub struct DiskOutput {
    target: PathBuf,
    staging: PathBuf,
    dirs: Mutex<HashSet<PathBuf>>,
}

fn io_diag(what: &str, path: &Path, e: &io::Error) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            ToolCode::Io,
            format!("cannot {what} `{}`: {}", path.display(), e.to_string().to_lowercase()),
        )
        .with_help("check the permissions and free space of the output folder"),
    )
}

fn temp_prefix(target: &Path) -> String {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "site".into());
    format!(".{name}.tmp-")
}

/// Remove temporary folders left beside `target` by builds that were killed.
fn clean_stale(target: &Path) {
    let Some(parent) = target.parent() else { return };
    let prefix = temp_prefix(target);
    let Ok(entries) = std::fs::read_dir(if parent.as_os_str().is_empty() { Path::new(".") } else { parent })
    else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else { continue };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| !crate::sys::process_alive(p)) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

impl DiskOutput {
    /// Start a site for `target` (e.g. `book/site`): a fresh temporary folder beside it.
    pub fn begin(target: &Path) -> Result<DiskOutput, Box<Diagnostic>> {
        clean_stale(target);
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let staging = parent.join(format!("{}{}", temp_prefix(target), std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| io_diag("remove", &staging, &e))?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| io_diag("create", &staging, &e))?;
        Ok(DiskOutput { target: target.to_path_buf(), staging, dirs: Mutex::new(HashSet::new()) })
    }

    /// The folder being written.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Put the new site in place of the old one, atomically where the OS allows.
    pub fn commit(self) -> Result<(), Box<Diagnostic>> {
        let target = &self.target;
        if !target.exists() {
            return std::fs::rename(&self.staging, target).map_err(|e| io_diag("create", target, &e));
        }
        if !target.is_dir() {
            return Err(io_diag("replace", target, &io::Error::other("it is not a folder")));
        }
        match crate::sys::exchange_paths(&self.staging, target) {
            Ok(true) => {
                // The staging path now holds the old site.
                let _ = std::fs::remove_dir_all(&self.staging);
                Ok(())
            }
            Ok(false) => {
                let old = self.staging.with_extension("old");
                std::fs::rename(target, &old).map_err(|e| io_diag("move", target, &e))?;
                if let Err(e) = std::fs::rename(&self.staging, target) {
                    let _ = std::fs::rename(&old, target);
                    return Err(io_diag("replace", target, &e));
                }
                let _ = std::fs::remove_dir_all(&old);
                Ok(())
            }
            Err(e) => Err(io_diag("replace", target, &e)),
        }
    }

    /// Throw the new site away; the old one stays untouched.
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

impl Output for DiskOutput {
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<bool, Box<Diagnostic>> {
        if !is_safe_path(path) {
            return Err(Box::new(Diagnostic::error(
                ToolCode::Io,
                format!("refused to write unsafe site path `{path}`"),
            )));
        }
        let full = self.staging.join(path);
        if let Some(dir) = full.parent() {
            let known = self.dirs.lock().map(|d| d.contains(dir)).unwrap_or(false);
            if !known {
                std::fs::create_dir_all(dir).map_err(|e| io_diag("create", dir, &e))?;
                if let Ok(mut d) = self.dirs.lock() {
                    d.insert(dir.to_path_buf());
                }
            }
        }
        std::fs::write(&full, bytes).map_err(|e| io_diag("write", &full, &e))?;
        Ok(true)
    }

    fn remove(&self, path: &str) -> bool {
        is_safe_path(path) && std::fs::remove_file(self.staging.join(path)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_in_only_on_commit_and_cleans_stale_folders() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { panic!("no temp dir") };
        let target = dir.path().join("site");
        std::fs::create_dir_all(&target).ok();
        std::fs::write(target.join("old.html"), "old").ok();
        // A stale folder from a killed build (pid 0 never names a user process here).
        let stale = dir.path().join(".site.tmp-999999999");
        std::fs::create_dir_all(&stale).ok();
        let out = DiskOutput::begin(&target).map_err(|d| d.message.clone());
        let Ok(out) = out else { panic!("begin failed") };
        assert!(!stale.exists());
        assert_eq!(out.write("a/b.html", b"new".to_vec()).ok(), Some(true));
        assert!(target.join("old.html").exists() && !target.join("a/b.html").exists());
        assert!(out.commit().is_ok());
        assert!(!target.join("old.html").exists());
        assert_eq!(std::fs::read_to_string(target.join("a/b.html")).ok().as_deref(), Some("new"));
        let out = DiskOutput::begin(&target).map_err(|d| d.message.clone());
        let Ok(out) = out else { panic!("begin failed") };
        out.write("x.html", vec![]).ok();
        out.abort();
        assert!(target.join("a/b.html").exists() && !target.join("x.html").exists());
        let leftovers: Vec<_> =
            std::fs::read_dir(dir.path()).map(|r| r.flatten().count()).into_iter().collect();
        assert_eq!(leftovers, [1]);
    }
}
