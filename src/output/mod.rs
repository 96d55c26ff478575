//! Stage 7, `output`: the only module that writes files.
//!
//! An [`Output`] takes site paths (`guide/a.html`) and bytes. [`DiskOutput`] writes a new site
//! into a temporary folder beside the target and swaps it in only when the build succeeded
//! (atomically on Linux with `renameat2(RENAME_EXCHANGE)`); [`MemoryOutput`] keeps the site in
//! a map for the preview server.

mod disk;
mod memory;
pub mod scaffold;

pub use disk::DiskOutput;
pub use memory::MemoryOutput;

use crate::diag::Diagnostic;

/// Where a build goes.
pub trait Output: Sync {
    /// Store `bytes` at the site path `path`. Returns whether the content changed (a disk
    /// output always writes a fresh folder, so every write is a change).
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<bool, Box<Diagnostic>>;

    /// Remove a file (a deleted page in an incremental update). Returns whether it existed.
    fn remove(&self, path: &str) -> bool;

    /// Start a file written piece by piece, in order (`print.html`, the whole book on one
    /// page): an output on disk streams the pieces to the file, so the whole never needs to be
    /// in memory. The default gathers the pieces and [`Output::write`]s them at the end.
    fn create(&self, path: &str) -> Result<Box<dyn Sink + '_>, Box<Diagnostic>> {
        Ok(Box::new(Gathered { out: self, path: path.to_string(), bytes: Vec::new() }))
    }
}

/// A file being written piece by piece ([`Output::create`]).
pub trait Sink {
    /// Append `bytes`.
    fn push(&mut self, bytes: &[u8]) -> Result<(), Box<Diagnostic>>;
    /// The file is complete. Returns whether its content changed.
    fn finish(self: Box<Self>) -> Result<bool, Box<Diagnostic>>;
}

/// The default [`Sink`]: the pieces in memory, written whole at the end.
struct Gathered<'a, O: Output + ?Sized> {
    out: &'a O,
    path: String,
    bytes: Vec<u8>,
}

impl<O: Output + ?Sized> Sink for Gathered<'_, O> {
    fn push(&mut self, bytes: &[u8]) -> Result<(), Box<Diagnostic>> {
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<bool, Box<Diagnostic>> {
        let Gathered { out, path, bytes } = *self;
        out.write(&path, bytes)
    }
}

/// Write a report file (`topobook check --output FILE`): to a temporary file beside it, then
/// renamed over it, so a reader never sees half a report.
pub fn write_report(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.is_empty() {
        return Err(format!("`{}` is not a file name", path.display()));
    }
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write `{}`: {e}", path.display())
    })
}

/// Is `path` a safe site path: relative, `/`-separated, no `..`, no empty or hidden parts?
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains('\0')
        && path.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

#[cfg(test)]
mod tests {
    #[test]
    fn safe_paths() {
        assert!(super::is_safe_path("a/b.html"));
        for bad in ["", "/a", "a/../b", "a//b", "./a", "a\\b"] {
            assert!(!super::is_safe_path(bad), "{bad}");
        }
    }
}
